"""The offer form, used by the brand on the collaboration page and by the creator in the
portal: the terms, and three formsets (deliverables, product gifts, payment schedule).
It parses and shapes input; what is allowed is decided by
campaigns.services.offers.terms_parse, whose errors `add_errors` puts where they belong."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from campaigns.models import CampaignProduct, PaymentTrigger
from campaigns.terms import OfferTerms
from creators.forms import CommaListField
from creators.models import Deliverable, Platform
from kolhub.forms import add_service_errors
from kolhub.models import CURRENCIES


class DateInput(forms.DateInput):
    input_type = "date"


class OfferForm(forms.Form):
    fee = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2,
        help_text="0 only when the creator is paid in product or by commission",
    )  # fmt: skip
    currency = forms.ChoiceField(choices=CURRENCIES)
    exchange_rate = forms.DecimalField(
        required=False, min_value=0, max_digits=18, decimal_places=8,
        label="Exchange rate", help_text="What 1 unit of the offer's currency is in the "
        "campaign's currency; needed when they differ",
    )  # fmt: skip
    commission_percent = forms.DecimalField(
        required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2,
        label="Commission (%)", help_text="Of attributed revenue; computed from tracked sales",
    )  # fmt: skip
    gift_note = forms.CharField(
        required=False, max_length=2000, label="Product gift (notes)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    usage_rights_days = forms.IntegerField(
        required=False, min_value=0, label="Usage rights (days)", help_text="0: no reuse"
    )
    usage_channels = CommaListField(
        required=False, label="Usage channels", help_text="e.g. brand Instagram, website"
    )
    paid_amplification = forms.BooleanField(required=False, label="Paid amplification allowed")
    exclusivity_categories = CommaListField(
        required=False, label="Exclusivity categories", help_text="e.g. skincare, haircare"
    )
    exclusivity_days = forms.IntegerField(required=False, min_value=0, label="Exclusivity (days)")
    note = forms.CharField(
        required=False, max_length=2000, label="Note to the other side",
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    # The version on the table when the page was drawn (0: none), so an answer to a
    # version the other side has since replaced is refused instead of crossing it.
    replacing_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DeliverableForm(forms.Form):
    platform = forms.ChoiceField(choices=[("", "Platform"), *Platform.choices])
    kind = forms.ChoiceField(choices=[("", "Type"), *Deliverable.choices], label="Type")
    quantity = forms.IntegerField(min_value=1, initial=1)
    due_date = forms.DateField(widget=DateInput, label="Due")


class GiftForm(forms.Form):
    product = forms.TypedChoiceField(coerce=int, choices=[], label="Product")
    quantity = forms.IntegerField(min_value=1, initial=1)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "Product"), *[(p.pk, p.name) for p in products]]


class InstallmentForm(forms.Form):
    percent = forms.DecimalField(min_value=0, max_value=100, max_digits=5, decimal_places=2,
                                 label="%")  # fmt: skip
    trigger = forms.ChoiceField(choices=[("", "When"), *PaymentTrigger.choices], label="Trigger")
    net_days = forms.IntegerField(min_value=0, initial=0, label="Net days")


DeliverableFormSet = forms.formset_factory(DeliverableForm, extra=1, can_delete=True)
GiftFormSet = forms.formset_factory(GiftForm, extra=1, can_delete=True)
InstallmentFormSet = forms.formset_factory(InstallmentForm, extra=1, can_delete=True)


def _rows(formset) -> list[dict]:
    return [row for row in formset.cleaned_data if row and not row.get("DELETE")]


class OfferForms:
    """The offer form and its three formsets, as one: bind, validate, read the terms out
    for the service, and put the service's errors back on the right part."""

    def __init__(
        self, data: Mapping | None = None, *, products: list[CampaignProduct],
        initial: OfferTerms | None = None, currency: str, replacing_version: int = 0,
        prefix: str = "offer",
    ):  # fmt: skip
        self.products = products
        main_initial: dict[str, Any] = {"currency": currency, "fee": None,
                                         "replacing_version": replacing_version}  # fmt: skip
        deliverables = gifts = installments = None
        if initial is not None:
            main_initial.update(
                fee=initial.fee, currency=initial.currency, exchange_rate=initial.exchange_rate,
                commission_percent=initial.commission_percent or None,
                gift_note=initial.gift_note, usage_rights_days=initial.usage_rights_days,
                usage_channels=", ".join(initial.usage_channels),
                paid_amplification=initial.paid_amplification,
                exclusivity_categories=", ".join(initial.exclusivity_categories),
                exclusivity_days=initial.exclusivity_days,
            )  # fmt: skip
            deliverables = [vars(d).copy() for d in initial.deliverables]
            gifts = [{"product": g.product_id, "quantity": g.quantity} for g in initial.gifts
                     if g.product_id]  # fmt: skip
            installments = [vars(i).copy() for i in initial.installments]
        self.form = OfferForm(data, prefix=prefix, initial=main_initial)
        self.deliverables = DeliverableFormSet(data, prefix=f"{prefix}-deliverables",
                                               initial=deliverables)  # fmt: skip
        self.gifts = GiftFormSet(data, prefix=f"{prefix}-gifts", initial=gifts,
                                 form_kwargs={"products": products})  # fmt: skip
        self.installments = InstallmentFormSet(data, prefix=f"{prefix}-installments",
                                               initial=installments)  # fmt: skip

    @property
    def parts(self) -> list:
        return [self.form, self.deliverables, self.gifts, self.installments]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts])

    @property
    def replacing_version(self) -> int | None:
        value = self.form.cleaned_data.get("replacing_version")
        return None if value is None else int(value)

    def terms(self) -> dict[str, Any]:
        """The input as campaigns.services.offers.terms_parse takes it."""
        data = dict(self.form.cleaned_data)
        data.pop("replacing_version", None)
        data["commission_percent"] = data.get("commission_percent") or Decimal("0")
        data["deliverables"] = _rows(self.deliverables)
        data["gifts"] = [{"product_id": r["product"], "quantity": r["quantity"]}
                         for r in _rows(self.gifts)]  # fmt: skip
        data["installments"] = _rows(self.installments)
        return data

    def add_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            add_service_errors(self.form, error)
            return
        formsets = {"deliverables": self.deliverables, "gifts": self.gifts,
                    "installments": self.installments}  # fmt: skip
        for field, texts in error.message_dict.items():
            if field in formsets:
                formset = formsets[field]
                formset._non_form_errors = formset.error_class(texts)
            elif field in self.form.fields:
                self.form.add_error(field, texts)
            else:
                self.form.add_error(None, texts)


class DeclineForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
