"""Forms for the contract pages. The terms form turns its fields into the JSON shape of
contracts.terms.ContractTerms; validation is the terms' own (from_json), and its errors,
named by path (`deliverables[1].due_date`), are put back on the field that holds them."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from contracts.models import SigningOrder
from creators.models import Platform
from kolhub.models import CURRENCIES

DATE = forms.DateInput(attrs={"type": "date"})


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(max_length=300, required=False)
    is_default = forms.BooleanField(
        required=False, label="Use for new contracts unless another is chosen"
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "mono"}),
        help_text="HTML with merge fields: {{ creator.name }}, {% for d in deliverables %}…"
        "{% endfor %}, {% if exclusivity.duration_days %}…{% endif %}.",
    )


class DeliverableForm(forms.Form):
    platform = forms.ChoiceField(choices=[("", "—"), *Platform.choices], required=False)
    # Free text with suggestions (a datalist of creators.models.Deliverable), so a type an
    # offer named that is not in the list survives an edit.
    type = forms.CharField(
        max_length=60,
        required=False,
        label="Content",
        widget=forms.TextInput(attrs={"list": "deliverable-types", "placeholder": "Reel"}),
    )
    quantity = forms.IntegerField(min_value=1, max_value=1000, required=False, initial=1)
    due_date = forms.DateField(required=False, widget=DATE)

    def row(self) -> dict | None:
        data = self.cleaned_data if self.is_valid() else {}
        if not data.get("platform") and not data.get("type") and not data.get("due_date"):
            return None
        return {
            "platform": data.get("platform") or "",
            "type": data.get("type") or "",
            "quantity": data.get("quantity") or 1,
            "due_date": data["due_date"].isoformat() if data.get("due_date") else "",
        }


class InstallmentForm(forms.Form):
    percent = forms.DecimalField(max_digits=5, decimal_places=2, required=False, label="Share (%)")
    trigger = forms.CharField(
        max_length=120,
        required=False,
        label="Payable after",
        widget=forms.TextInput(attrs={"placeholder": "signature"}),
    )
    net_days = forms.IntegerField(
        min_value=0, max_value=365, required=False, initial=30, label="Net days"
    )

    def row(self) -> dict | None:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("percent") in (None, "") and not data.get("trigger"):
            return None
        return {
            "percent": str(data.get("percent") or ""),
            "trigger": data.get("trigger") or "",
            "net_days": data.get("net_days") if data.get("net_days") is not None else 0,
        }


DeliverableFormSet = forms.formset_factory(DeliverableForm, extra=3, max_num=20)
InstallmentFormSet = forms.formset_factory(InstallmentForm, extra=2, max_num=10)


class TermsForm(forms.Form):
    title = forms.CharField(
        max_length=240, required=False, help_text="Defaults to “campaign — creator”."
    )
    template_version = forms.TypedChoiceField(coerce=int, label="Template")
    signing_order = forms.ChoiceField(
        choices=SigningOrder.choices, widget=forms.RadioSelect, initial=SigningOrder.BRAND_FIRST
    )
    brand_signer = forms.TypedChoiceField(
        coerce=int, label="Signs for the brand", help_text="An admin or owner."
    )
    brand_signer_title = forms.CharField(max_length=120, required=False, label="Their title")
    creator_name = forms.CharField(max_length=200, label="Creator's legal name")
    creator_email = forms.EmailField(
        label="Creator's email",
        help_text="The signing request (a link to the contract in their portal) is sent here.",
    )
    campaign_name = forms.CharField(max_length=200)
    start_date = forms.DateField(widget=DATE)
    fee_amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, label="Fee")
    fee_currency = forms.ChoiceField(choices=CURRENCIES, label="Currency")
    commission_percent = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        initial=0,
        label="Commission on attributed sales (%)",
    )
    usage_days = forms.IntegerField(
        min_value=0,
        max_value=3650,
        initial=0,
        label="Usage rights (days)",
        help_text="0: the brand may only reshare organically.",
    )
    usage_channels = forms.CharField(
        max_length=300,
        required=False,
        label="Usage channels",
        help_text="Comma separated: Instagram, TikTok, website",
    )
    paid_amplification = forms.BooleanField(required=False, label="Paid amplification allowed")
    exclusivity_days = forms.IntegerField(
        min_value=0, max_value=3650, initial=0, label="Exclusivity (days)"
    )
    exclusivity_categories = forms.CharField(
        max_length=300,
        required=False,
        label="Exclusive categories",
        help_text="Comma separated: skincare, sunscreen",
    )
    governing_law = forms.CharField(max_length=120, initial="the State of New York")

    # Where a terms error lands: a path of ContractTerms -> a field of this form.
    FIELD_FOR_PATH = {
        "parties.brand_signer_email": "brand_signer",
        "parties.brand_signer_name": "brand_signer",
        "parties.brand_signer_title": "brand_signer_title",
        "parties.creator_name": "creator_name",
        "parties.creator_email": "creator_email",
        "parties.brand_name": None,
        "campaign_name": "campaign_name",
        "start_date": "start_date",
        "fee_amount": "fee_amount",
        "fee_currency": "fee_currency",
        "commission_percent": "commission_percent",
        "usage_rights.duration_days": "usage_days",
        "usage_rights.channels": "usage_channels",
        "exclusivity.duration_days": "exclusivity_days",
        "exclusivity.categories": "exclusivity_categories",
        "governing_law": "governing_law",
        "signing_order": "signing_order",
        "template": "template_version",
        "title": "title",
    }

    def __init__(self, *args, versions=(), signers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_version"].choices = [
            (v.pk, f"{v.template.name} (v{v.number})") for v in versions
        ]
        self.fields["brand_signer"].choices = [
            (m.user_id, f"{m.user.display_name} ({m.get_role_display().lower()})") for m in signers
        ]
        self._signers = {m.user_id: m for m in signers}

    def terms_json(
        self, *, brand_name: str, deliverables: list[dict], installments: list[dict]
    ) -> dict:
        data = self.cleaned_data
        member = self._signers.get(data.get("brand_signer"))
        return {
            "parties": {
                "brand_name": brand_name,
                "brand_signer_name": member.user.display_name if member else "",
                "brand_signer_email": member.user.email if member else "",
                "brand_signer_title": data.get("brand_signer_title", ""),
                "creator_name": data.get("creator_name", ""),
                "creator_email": data.get("creator_email", ""),
            },
            "campaign_name": data.get("campaign_name", ""),
            "deliverables": deliverables,
            "fee_amount": str(data.get("fee_amount") if data.get("fee_amount") is not None else ""),
            "fee_currency": data.get("fee_currency", ""),
            "commission_percent": str(data.get("commission_percent") or 0),
            "payment_schedule": installments,
            "usage_rights": {
                "duration_days": data.get("usage_days") or 0,
                "channels": data.get("usage_channels", ""),
                "paid_amplification": bool(data.get("paid_amplification")),
            },
            "exclusivity": {
                "categories": data.get("exclusivity_categories", ""),
                "duration_days": data.get("exclusivity_days") or 0,
            },
            "start_date": data["start_date"].isoformat() if data.get("start_date") else "",
            "governing_law": data.get("governing_law", ""),
        }

    @staticmethod
    def initial_from_terms(terms_json: dict) -> dict:
        p, u, x = terms_json["parties"], terms_json["usage_rights"], terms_json["exclusivity"]
        return {
            "brand_signer_title": p.get("brand_signer_title", ""),
            "creator_name": p["creator_name"],
            "creator_email": p["creator_email"],
            "campaign_name": terms_json["campaign_name"],
            "start_date": terms_json["start_date"],
            "fee_amount": terms_json["fee_amount"],
            "fee_currency": terms_json["fee_currency"],
            "commission_percent": terms_json["commission_percent"],
            "usage_days": u["duration_days"],
            "usage_channels": ", ".join(u["channels"]),
            "paid_amplification": u["paid_amplification"],
            "exclusivity_days": x["duration_days"],
            "exclusivity_categories": ", ".join(x["categories"]),
            "governing_law": terms_json["governing_law"],
        }


def route_terms_errors(error: ValidationError, form: TermsForm, deliverables, installments) -> None:
    """Put a ContractTerms / service ValidationError on the form fields it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    rows = {"deliverables": deliverables, "payment_schedule": installments}
    for path, messages in error.message_dict.items():
        head, _, rest = path.partition("[")
        if head in rows and rest:
            index, _, field = rest.partition("].")
            formset = rows[head]
            forms_with_data = [f for f in formset.forms if f.row() is not None]
            if index.isdigit() and int(index) < len(forms_with_data):
                target = forms_with_data[int(index)]
                target.add_error(field if field in target.fields else None, messages)
                continue
        if head in rows:
            rows[head]._non_form_errors = rows[head].error_class(messages)
            continue
        field = form.FIELD_FOR_PATH.get(path, path if path in form.fields else None)
        form.add_error(field, messages)


class SendForm(forms.Form):
    signing_order = forms.ChoiceField(choices=SigningOrder.choices, widget=forms.RadioSelect)


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    consent = forms.BooleanField(required=False)
    typed_name = forms.CharField(
        max_length=200,
        required=False,
        label="Type your full name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    drawn_signature = forms.CharField(required=False, widget=forms.HiddenInput)
    document_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)


class VerifyForm(forms.Form):
    pdf = forms.FileField(label="Contract PDF")
