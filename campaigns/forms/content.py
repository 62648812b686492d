"""Forms for the creative brief and content review. They only parse what a person typed;
campaigns.services.briefs and .content validate it (and check files by their content)."""

from __future__ import annotations

from django import forms

from campaigns.models import FIGURES

LINES = "One per line"


def _area(rows: int = 3, placeholder: str = "") -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})


class BriefForm(forms.Form):
    goals = forms.CharField(required=False, max_length=5000, widget=_area(3,
                            "What should this content achieve?"))  # fmt: skip
    talking_points = forms.CharField(required=False, max_length=5000, widget=_area(4),
                                     label="Key talking points", help_text=LINES)  # fmt: skip
    disclosures = forms.CharField(
        required=False, widget=_area(2, "#ad"), label="Required disclosure tags",
        help_text="One per line, e.g. #ad. Each must appear within the first 125 characters "
        "of the caption, as a whole tag (#ad does not count inside #adventure).",
    )  # fmt: skip
    paid_partnership_label = forms.BooleanField(
        required=False, label="The platform's paid-partnership label must be switched on"
    )
    mentions = forms.CharField(required=False, widget=_area(2, "@brand"),
                               label="Required mentions", help_text=LINES)  # fmt: skip
    links = forms.CharField(required=False, widget=_area(2, "https://"),
                            label="Required links", help_text=LINES)  # fmt: skip
    promo_codes = forms.CharField(required=False, widget=_area(2), label="Required promo codes",
                                  help_text=LINES)  # fmt: skip
    dos = forms.CharField(required=False, max_length=5000, widget=_area(3), label="Do's",
                          help_text=LINES)  # fmt: skip
    donts = forms.CharField(required=False, max_length=5000, widget=_area(3), label="Don'ts",
                            help_text=LINES)  # fmt: skip
    deliverable_specs = forms.CharField(
        required=False, max_length=5000, widget=_area(3), label="Deliverable specs",
        help_text="Formats, lengths, aspect ratios, posting windows",
    )  # fmt: skip
    reference_urls = forms.CharField(required=False, widget=_area(2, "https://"),
                                     label="Reference links", help_text=LINES)  # fmt: skip

    LIST_FIELDS = ("disclosures", "mentions", "links", "promo_codes", "reference_urls")

    @classmethod
    def initial_from(cls, brief) -> dict:
        if brief is None:
            return {"disclosures": "#ad"}
        initial = {name: getattr(brief, name) for name in cls.base_fields}
        for name in cls.LIST_FIELDS:
            initial[name] = "\n".join(initial[name])
        return initial


class PublishForm(forms.Form):
    note = forms.CharField(required=False, max_length=500, label="What changed (shown to creators)")


class BriefAssetForm(forms.Form):
    file = forms.FileField(label="Reference file", help_text="Image, video or PDF")


class DueDateForm(forms.Form):
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"),
                                          ("request_changes", "Request changes")])  # fmt: skip
    comment = forms.CharField(required=False, max_length=5000, widget=_area(3))


class SubmissionForm(forms.Form):
    file = forms.FileField(required=False, label="Upload the draft",
                           help_text="Image, video (MP4, MOV, WebM) or PDF")  # fmt: skip
    url = forms.CharField(required=False, max_length=500, label="…or a link to it",
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))  # fmt: skip
    caption = forms.CharField(required=False, max_length=5000, widget=_area(5))
    paid_partnership_label = forms.BooleanField(
        required=False, label="The platform's paid-partnership label is switched on"
    )


class LivePostForm(forms.Form):
    url = forms.CharField(max_length=500, label="Live post URL",
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))  # fmt: skip
    screenshot = forms.FileField(label="Screenshot of the figures",
                                 help_text="An image (JPEG, PNG, WebP or GIF)")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIGURES:
            # Text, not a number field: the service names a bad figure in its own words.
            self.fields[name] = forms.CharField(
                required=False, max_length=20, label=name.capitalize(),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9,]*"}),
            )  # fmt: skip
