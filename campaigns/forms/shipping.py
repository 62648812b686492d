"""Shipping forms: the creator's address (portal), a shipment and a status change (brand),
and the campaign's nudge delay. Forms parse; the services validate (by country, by
carrier) and their errors come back onto these fields."""

from __future__ import annotations

from django import forms

from campaigns.models import Carrier, ShipmentStatus
from campaigns.shipping.addresses import country_choices


class AddressForm(forms.Form):
    name = forms.CharField(
        max_length=120, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    country = forms.ChoiceField(
        label="Country", widget=forms.Select(attrs={"autocomplete": "country"})
    )
    street_address = forms.CharField(
        max_length=300,
        label="Street address",
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
        help_text="Street, number, apartment; up to two lines.",
    )
    city = forms.CharField(
        max_length=120,
        required=False,
        label="City / town",
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    city_area = forms.CharField(max_length=120, required=False, label="District / suburb")
    country_area = forms.CharField(
        max_length=120,
        required=False,
        label="State / province / prefecture",
        help_text="Required in some countries (US, CA, AU…): use the postal abbreviation or name.",
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        max_length=20,
        required=False,
        label="Postal / ZIP code",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone (for the courier)",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Choose a country"), *country_choices()]

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ShipmentForm(forms.Form):
    """Products of the campaign (one quantity field each), carrier, tracking number and
    cost. The service checks the number against the carrier's format."""

    carrier = forms.ChoiceField(choices=Carrier.choices)
    carrier_name = forms.CharField(
        max_length=80, required=False, label="Carrier name", help_text='Only for "Other"'
    )
    tracking_number = forms.CharField(max_length=60)
    cost = forms.CharField(
        max_length=20,
        label="Shipping cost",
        help_text="What the label cost, in the campaign's currency; 0 if it cost nothing.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, products=(), currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        if currency:
            self.fields["cost"].label = f"Shipping cost ({currency})"
        for product in self.products:
            self.fields[f"qty_{product.pk}"] = forms.IntegerField(
                min_value=0, max_value=10000, required=False, initial=0,
                label=f"{product.name} ({product.sku})",
            )  # fmt: skip

    def quantity_fields(self):
        return [self[f"qty_{p.pk}"] for p in self.products]

    def items(self) -> list[dict]:
        return [
            {"product_id": p.pk, "quantity": self.cleaned_data[f"qty_{p.pk}"]}
            for p in self.products if self.cleaned_data.get(f"qty_{p.pk}")
        ]  # fmt: skip


class ShipmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ShipmentStatus.choices)
    message = forms.CharField(max_length=500, required=False, label="Note")


class NudgeDaysForm(forms.Form):
    seeding_nudge_days = forms.IntegerField(min_value=1, max_value=90,
                                            label="Nudge after (days)")  # fmt: skip
