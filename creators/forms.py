from __future__ import annotations

import json

from django import forms

from creators.models import (
    AGE_BUCKETS,
    GENDERS,
    Creator,
    CredentialStatus,
    Deliverable,
    Platform,
)
from creators.services import ACCOUNT_FIGURES


class CommaListField(forms.CharField):
    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        return [v.strip() for v in (value or "").split(",") if v.strip()]


class CreatorForm(forms.ModelForm):
    niches = CommaListField(required=False, help_text="Comma separated, e.g. acne, anti-aging")
    languages = CommaListField(required=False, help_text="ISO codes, comma separated: en, fr")
    photo_url = forms.URLField(required=False, assume_scheme="https", max_length=500)
    credential_evidence_url = forms.URLField(
        required=False, assume_scheme="https", max_length=500, label="Credential evidence link"
    )

    class Meta:
        model = Creator
        fields = [
            "name", "email", "photo_url", "role", "status", "bio", "profession", "credentials",
            "years_experience", "credential_evidence_url", "niches", "languages", "country",
            "city", "rate_currency", "notes", "owner",
        ]  # fmt: skip
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners
        self.fields["owner"].label = "Owner (team member)"


class RateCardForm(forms.Form):
    """One amount field per deliverable type; blank removes the line."""

    def __init__(self, *args, currency: str = "USD", **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Deliverable.choices:
            self.fields[value] = forms.DecimalField(
                required=False, min_value=0, decimal_places=2, max_digits=12,
                label=f"{label} ({currency})",
            )  # fmt: skip


class JsonShareField(forms.CharField):
    """Audience shares typed as `US:40, GB:20` (or JSON)."""

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return {}
        if value.startswith("{"):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise forms.ValidationError(f"Not valid JSON: {error.msg}.") from None
        shares = {}
        for part in value.replace(";", ",").split(","):
            key, sep, share = part.partition(":")
            if not sep:
                raise forms.ValidationError(f"Write {part.strip()!r} as key:percent.")
            shares[key.strip()] = share.strip()
        return shares

    def prepare_value(self, value):
        if isinstance(value, dict):
            return ", ".join(f"{k}:{v:g}" if isinstance(v, float) else f"{k}:{v}"
                             for k, v in value.items())  # fmt: skip
        return value


class AccountForm(forms.Form):
    platform = forms.ChoiceField(choices=Platform.choices)
    handle = forms.CharField(max_length=120)
    url = forms.URLField(required=False, assume_scheme="https")
    followers = forms.IntegerField(required=False, min_value=0)
    avg_views = forms.IntegerField(required=False, min_value=0)
    engagement_rate = forms.DecimalField(
        required=False, min_value=0, max_value=100, label="Engagement rate %"
    )
    credibility = forms.DecimalField(
        required=False, min_value=0, max_value=100, label="Real followers %"
    )
    sponsored_ratio = forms.DecimalField(
        required=False, min_value=0, max_value=100, label="Sponsored posts %"
    )
    audience_countries = JsonShareField(required=False, help_text="e.g. US:45, GB:12")
    audience_ages = JsonShareField(required=False, help_text=f"Buckets {', '.join(AGE_BUCKETS)}")
    audience_gender = JsonShareField(required=False, help_text=f"{', '.join(GENDERS)}")
    audience_interests = JsonShareField(required=False, help_text="e.g. skincare:60, fitness:20")
    brands_mentioned = CommaListField(required=False, help_text="Brands in past sponsored posts")
    # Set by an account's own edit form, which shows every current figure: there a blank
    # field clears the figure. In the add form a blank field keeps what the account has.
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

    FIGURES = ("url", *ACCOUNT_FIGURES)

    @classmethod
    def for_account(cls, account) -> AccountForm:
        """The edit form of one account, filled with its current figures."""
        initial = {name: getattr(account, name) for name in ("platform", "handle", *cls.FIGURES)}
        form = cls(initial={**initial, "replace": True}, auto_id=f"id_account{account.pk}_%s")
        # The account is named by its platform and handle: they are not edited here.
        form.fields["platform"].widget = form.fields["handle"].widget = forms.HiddenInput()
        return form

    def account_data(self) -> dict:
        """What to write: every figure when replacing, else only the fields filled in (an
        update of one figure must not wipe the others, nor stamp them as typed by hand)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "replace"}
        if self.cleaned_data.get("replace"):
            return data
        return {k: v for k, v in data.items()
                if k in ("platform", "handle") or str(self.data.get(k, "")).strip()}  # fmt: skip


class CredentialForm(forms.Form):
    credential_status = forms.ChoiceField(choices=CredentialStatus.choices, label="Result")
    evidence_url = forms.URLField(required=False, label="Evidence link", assume_scheme="https")


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Add a note…"}))


class ListAddForm(forms.Form):
    creator_ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    list_id = forms.IntegerField(required=False)
    new_list_name = forms.CharField(max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service keeps only this organization's creators.
        self.fields["creator_ids"].valid_value = lambda value: True

    def clean(self):
        data = super().clean()
        if not data.get("list_id") and not (data.get("new_list_name") or "").strip():
            raise forms.ValidationError("Choose a list or name a new one.")
        return data


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=120)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
