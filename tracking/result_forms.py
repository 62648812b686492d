"""The date-range filter shared by results pages, exports and the report button."""

from __future__ import annotations

from django import forms

from tracking.models import ConversionSource
from tracking.selectors.reports import MAX_DAYS


class DateRangeForm(forms.Form):
    date_from = forms.DateField(required=False, label="From",
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(required=False, label="To",
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if (end - start).days + 1 > MAX_DAYS * 5:
                raise forms.ValidationError(f"Choose at most {MAX_DAYS * 5} days.")
        return data

    def errors_text(self) -> str:
        return " ".join(
            f"{self.fields[f].label}: {' '.join(e)}" if f in self.fields else " ".join(e)
            for f, e in self.errors.items()
        )


class ConversionFilterForm(DateRangeForm):
    """The conversions list's filters. Campaign choices are the organization's own
    campaigns, so another organization's campaign id is an invalid choice, not a lookup."""

    ANY, ATTRIBUTED, UNATTRIBUTED = "", "attributed", "unattributed"

    campaign = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                      label="Campaign")  # fmt: skip
    credit = forms.ChoiceField(required=False, label="Credit", choices=[
        (ANY, "Any"), (ATTRIBUTED, "Attributed"), (UNATTRIBUTED, "Unattributed")])  # fmt: skip
    source = forms.ChoiceField(required=False, label="Source",
                               choices=[("", "Any"), *ConversionSource.choices])  # fmt: skip
    q = forms.CharField(required=False, max_length=120, label="Order or external id")

    field_order = ["q", "campaign", "credit", "source", "date_from", "date_to"]

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "Any"), *((c.pk, c.name) for c in campaigns)]

    def attributed(self) -> bool | None:
        """True, False, or None for either: what tracking.selectors.ledger takes."""
        return {self.ATTRIBUTED: True, self.UNATTRIBUTED: False}.get(
            self.cleaned_data.get("credit") or self.ANY
        )
