"""Campaign expense forms: recording or correcting an expense, and marking it paid.
Forms parse; campaigns.services.expenses decides (amount > 0, the category, the
collaboration being the campaign's) and its errors come back onto these fields."""

from __future__ import annotations

from django import forms

from campaigns.models import Campaign, Collaboration
from campaigns.models.expenses import EXPENSE_CATEGORY_CHOICES


class ExpenseForm(forms.Form):
    category = forms.ChoiceField(
        choices=EXPENSE_CATEGORY_CHOICES,
        help_text="Amplification: paying to boost a creator's post as an ad (Spark Ads, "
        "Partnership ads). Other: anything else (a venue, a photographer).",
    )
    description = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Spark Ads on Mia's reel"}),
    )
    amount = forms.DecimalField(max_digits=14, decimal_places=2)
    incurred_on = forms.DateField(
        label="Incurred on", widget=forms.DateInput(attrs={"type": "date"})
    )
    collaboration = forms.ModelChoiceField(
        queryset=Collaboration.objects.none(), required=False, label="Creator",
        empty_label="The whole campaign",
        help_text="The creator whose post it boosted, if any: it then counts against them.",
    )  # fmt: skip

    def __init__(self, *args, campaign: Campaign, collaborations, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this campaign's creators can be chosen; the service checks it again.
        self.fields["collaboration"].queryset = collaborations
        self.fields["collaboration"].label_from_instance = lambda c: c.creator.name
        self.fields["amount"].label = f"Amount ({campaign.currency})"
        self.fields[
            "amount"
        ].help_text = f"In the campaign's currency, {campaign.currency}; more than 0."

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in
                ("category", "description", "amount", "incurred_on", "collaboration")}  # fmt: skip


class ExpensePaidForm(forms.Form):
    reference = forms.CharField(max_length=120, help_text="Invoice number, transfer id, receipt")
    paid_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="Today if empty")  # fmt: skip
