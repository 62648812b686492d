from __future__ import annotations

from django import forms

from tracking.imports.fields import GROUPS, TARGETS, TARGETS_BY_KEY, order_mapping_problems

FIELD_CHOICES = [
    ("", "— Don’t import —"),
    *[(group, [(t.key, t.label) for t in TARGETS if t.group == group]) for group in GROUPS],
]


class OrderMappingForm(forms.Form):
    """One select per column of the file (column_<n>, labelled with the header)."""

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

    def clean(self):
        cleaned = super().clean()
        mapping = {h: cleaned.get(f"column_{i}") or "" for i, h in enumerate(self.headers)}
        for problem in order_mapping_problems(mapping):
            self.add_error(None, problem)
        cleaned["mapping"] = mapping
        return cleaned
