"""The date-range filter shared by results pages, exports and the report button."""

from __future__ import annotations

from django import forms

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
