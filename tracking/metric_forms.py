"""Forms of the content-metrics page: a snapshot entered by hand, a transcript, a
share-of-voice keyword and the period of the share-of-voice table. They only parse; the
rules (figures, sources, duplicates) live in tracking.services.metrics."""

from __future__ import annotations

from django import forms

from tracking.models import METRIC_FIELDS, MetricSource
from tracking.services.metrics import MANUAL_SOURCES, MAX_KEYWORD, MAX_LABEL, MAX_NOTE


class MetricSnapshotForm(forms.Form):
    source = forms.ChoiceField(
        choices=[(s.value, s.label) for s in MANUAL_SOURCES], initial=MetricSource.SCREENSHOT,
        help_text="Platform API figures arrive through the pull.",
    )  # fmt: skip
    observed_at = forms.DateTimeField(
        label="Observed at", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When the figures were true, in the organization's timezone.",
    )  # fmt: skip
    reach = forms.CharField(required=False, max_length=24)
    impressions = forms.CharField(required=False, max_length=24)
    likes = forms.CharField(required=False, max_length=24)
    comments = forms.CharField(required=False, max_length=24)
    shares = forms.CharField(required=False, max_length=24)
    saves = forms.CharField(required=False, max_length=24)
    views = forms.CharField(required=False, max_length=24)
    note = forms.CharField(
        required=False, max_length=MAX_NOTE,
        help_text="Where the figures come from, e.g. the creator's email",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in METRIC_FIELDS:
            self.fields[name].widget.attrs.update(inputmode="numeric", placeholder="unknown")
        self.fields["reach"].help_text = "Leave a figure blank when it was not reported."

    def figures(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in METRIC_FIELDS}


class TranscriptForm(forms.Form):
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), strip=False,
        label="Transcript", help_text="What is said in the post; counted for share of voice. "
        "Empty it to remove the transcript.",
    )  # fmt: skip


class VoiceKeywordForm(forms.Form):
    keyword = forms.CharField(max_length=MAX_KEYWORD,
                              help_text="Counted as a whole word, in any case")  # fmt: skip
    is_brand = forms.TypedChoiceField(
        label="Counts for", coerce=lambda v: v == "1",
        choices=[("1", "Our brand"), ("0", "A competitor")], initial="1",
    )  # fmt: skip
    label = forms.CharField(max_length=MAX_LABEL, required=False,
                            help_text="Groups keywords, e.g. the competitor's name")  # fmt: skip


class PeriodForm(forms.Form):
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            label="From")  # fmt: skip
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            label="To")  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The period ends before it starts.")
        return data
