from __future__ import annotations

from django import forms

from creators.imports.fields import (
    ACCOUNT,
    AUDIENCE,
    CREATOR,
    RATES,
    TARGETS,
    TARGETS_BY_KEY,
    mapping_problems,
)
from creators.imports.reading import MAX_UPLOAD_BYTES
from creators.models import CreatorImport

IGNORE = ("", "— Don’t import —")
FIELD_CHOICES = [
    IGNORE,
    *[
        (group, [(t.key, t.label) for t in TARGETS if t.group == group])
        for group in (CREATOR, ACCOUNT, AUDIENCE, RATES)
    ],
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel (.xlsx) file",
        help_text=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB. The first row holds the column "
        "headers; you map them to fields on the next page.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class MappingForm(forms.Form):
    """One select per column of the file (named column_<n>, labelled with the header),
    and what to do with accounts that are already in the roster."""

    on_duplicate = forms.ChoiceField(
        choices=CreatorImport.OnDuplicate.choices,
        initial=CreatorImport.OnDuplicate.UPDATE,
        widget=forms.RadioSelect,
        label="When a row's account (platform and handle) is already in your roster",
    )

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                choices=FIELD_CHOICES, required=False, label=header,
                initial=mapping.get(header, ""),
            )  # fmt: skip

    def columns(self) -> list[tuple[str, forms.BoundField]]:
        return [(header, self[f"column_{i}"]) for i, header in enumerate(self.headers)]

    def current_mapping(self) -> dict[str, str]:
        """The mapping as it stands on the page, valid or not, for the preview."""
        mapping = {}
        for index, header in enumerate(self.headers):
            name = f"column_{index}"
            value = self.data.get(name, "") if self.is_bound else self.fields[name].initial
            mapping[header] = value if value in TARGETS_BY_KEY else ""
        return mapping

    def current_on_duplicate(self) -> str:
        value = self.data.get("on_duplicate") if self.is_bound else None
        return (
            value
            if value in CreatorImport.OnDuplicate.values
            else self.fields["on_duplicate"].initial
        )

    def clean(self):
        cleaned = super().clean()
        mapping = {h: cleaned.get(f"column_{i}") or "" for i, h in enumerate(self.headers)}
        for problem in mapping_problems(mapping):
            self.add_error(None, problem)
        cleaned["mapping"] = mapping
        return cleaned
