"""Forms for the campaign pages. They parse and shape input; every rule about what is
allowed lives in campaigns.services."""

from __future__ import annotations

from django import forms

from campaigns.models import (
    METRIC_UNITS,
    OBJECTIVE_METRICS,
    BudgetCategory,
    Campaign,
    Metric,
    Objective,
)
from creators.forms import CommaListField
from creators.models import AGE_BUCKETS, GENDERS
from kolhub.models import CURRENCIES


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.ModelForm):
    target_countries = CommaListField(
        required=False, label="Audience countries", help_text="ISO codes, comma separated: US, CA"
    )
    target_ages = forms.MultipleChoiceField(
        required=False, choices=[(a, a) for a in AGE_BUCKETS], label="Audience ages",
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    target_gender = forms.ChoiceField(
        required=False, label="Audience gender",
        choices=[("", "Any"), *[(g, g.title()) for g in GENDERS]],
    )  # fmt: skip
    target_interests = CommaListField(
        required=False, label="Audience interests", help_text="e.g. skincare, wellness"
    )
    competitors = CommaListField(
        required=False, label="Competitor brands",
        help_text="Creators who promoted them score lower on fit.",
    )  # fmt: skip

    class Meta:
        model = Campaign
        fields = [
            "name", "slug", "status", "objective", "description", "start_date", "end_date",
            "currency", "attribution_window_days", "owner", "target_countries", "target_ages",
            "target_gender", "target_interests", "competitors",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        help_texts = {"slug": "Leave empty to make one from the name."}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if owners is not None:
            self.fields["owner"].queryset = owners
        self.fields["owner"].label = "Owner (team member)"
        self.fields["owner"].label_from_instance = lambda user: user.display_name
        self.fields["attribution_window_days"].label = "Attribution window (days)"
        self.fields["objective"].widget.attrs["data-objective"] = ""

    AUDIENCE = ("target_countries", "target_ages", "target_gender", "target_interests",
                "competitors")  # fmt: skip

    def main_fields(self):
        return [self[name] for name in self.fields if name not in self.AUDIENCE]

    def audience_fields(self):
        return [self[name] for name in self.AUDIENCE]

    def _post_clean(self):
        # The service validates and saves; skip ModelForm's instance validation, which
        # would check unique constraints without the organization.
        pass


class ProductForm(forms.Form):
    name = forms.CharField(max_length=200)
    sku = forms.CharField(max_length=64, label="SKU")
    unit_cost = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    price = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    # A blank choice first: an untouched extra row must stay unchanged (a preselected
    # currency would make the formset require the row). Blank means the campaign's.
    currency = forms.ChoiceField(choices=[("", "Campaign's currency"), *CURRENCIES], required=False)


ProductFormSet = forms.formset_factory(ProductForm, extra=1, can_delete=True)


def metric_choices(objective: str) -> list:
    """The objective's headline metrics first (METRICS.md, "Goals"), then the rest."""
    headline = OBJECTIVE_METRICS.get(objective, ())
    rest = [m for m in Metric.values if m not in headline]
    label = Objective(objective).label if objective in Objective.values else "this objective"
    return [
        (f"Headline KPIs for {label}", [(m, Metric(m).label) for m in headline]),
        ("Other KPIs", [(m, Metric(m).label) for m in rest]),
    ]


class KpiTargetsForm(forms.Form):
    """One optional field per KPI, headline ones first: a campaign has at most one target
    per metric, so a field per metric cannot produce duplicates. Blank: no target."""

    def __init__(self, *args, objective: str = Objective.SALES, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.headline = OBJECTIVE_METRICS.get(objective, ())
        ordered = [*self.headline, *[m for m in Metric.values if m not in self.headline]]
        for metric in ordered:
            unit = METRIC_UNITS.get(metric, "count")
            suffix = {"money": f" ({currency})" if currency else "", "percent": " (%)",
                      "ratio": " (×)"}.get(unit, "")  # fmt: skip
            self.fields[metric] = forms.DecimalField(
                required=False, min_value=0, max_digits=16, decimal_places=4,
                label=f"{Metric(metric).label}{suffix}",
            )  # fmt: skip

    def headline_fields(self):
        return [self[m] for m in self.headline]

    def other_fields(self):
        return [self[m] for m in self.fields if m not in self.headline]

    def targets(self) -> list[dict]:
        return [
            {"metric": metric, "target_value": value}
            for metric, value in self.cleaned_data.items()
            if value is not None
        ]


class BudgetForm(forms.Form):
    """One optional planned amount per category (one budget line each); blank: none."""

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for category, label in BudgetCategory.choices:
            self.fields[category] = forms.DecimalField(
                required=False, min_value=0, max_digits=14, decimal_places=2,
                label=f"{label}{f' ({currency})' if currency else ''}",
            )  # fmt: skip

    def lines(self) -> list[dict]:
        return [
            {"category": category, "planned_amount": value}
            for category, value in self.cleaned_data.items()
            if value is not None
        ]


class LearningsForm(forms.Form):
    learnings = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "What worked, what to change"}),
    )


class TransitionForm(forms.Form):
    to_stage = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=2000)


class AddCreatorsForm(forms.Form):
    campaign_id = forms.IntegerField()
    creator_ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service keeps only this organization's creators.
        self.fields["creator_ids"].valid_value = lambda value: True
