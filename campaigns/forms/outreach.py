"""Outreach forms: a pitch template, the follow-up schedule, and a message in the
thread. They parse input; what is allowed (merge fields, days, empty text) is decided
by campaigns.services.outreach."""

from __future__ import annotations

from django import forms

from campaigns.merge_fields import MERGE_FIELDS, placeholder
from campaigns.models import PitchTemplate, TemplateKind


class PitchTemplateForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=TemplateKind.choices, initial=TemplateKind.PITCH)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        max_length=10_000, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Merge fields: " + ", ".join(placeholder(name) for name in MERGE_FIELDS),
    )  # fmt: skip
    is_default = forms.BooleanField(required=False, label="Preselect it for this kind")


class FollowUpPlanForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Follow up when there is no reply")
    days = forms.CharField(
        max_length=60, required=False, label="Days after the pitch",
        help_text="Comma separated, e.g. 3, 7",
    )  # fmt: skip
    template = forms.ModelChoiceField(queryset=PitchTemplate.objects.none(), required=False,
                                      empty_label="The default follow-up")  # fmt: skip

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            self.fields["template"].queryset = templates

    def clean_days(self) -> list[int]:
        raw = self.cleaned_data.get("days") or ""
        days = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(f"{part!r} is not a number of days.")
            days.append(int(part))
        return days


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=10_000, label="Message",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a message"}),
    )  # fmt: skip
