"""Forms for promo codes, landing pages and the public lead form. Format and business
rules live in tracking.services; these only parse."""

from __future__ import annotations

from django import forms

from tracking.codes import CODE_HELP
from tracking.models import DiscountKind


class PromoCodeForm(forms.Form):
    collaboration = forms.TypedChoiceField(coerce=int, label="Creator")
    code = forms.CharField(
        max_length=40,
        required=False,
        help_text=f"Leave blank to generate one (e.g. DRANA15). {CODE_HELP}.",
    )
    discount_kind = forms.ChoiceField(
        choices=DiscountKind.choices, required=False, label="Discount"
    )
    discount_value = forms.DecimalField(
        max_digits=12, decimal_places=2, required=False, min_value=0, label="Discount value"
    )

    def __init__(self, *args, collaborations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaboration"].choices = [(c.pk, c.creator.name) for c in collaborations]


class LandingPageForm(forms.Form):
    collaboration = forms.TypedChoiceField(coerce=int, label="Creator")
    headline = forms.CharField(max_length=200)
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The creator's words or expert statement",
    )
    product = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    promo_code = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Offer code"
    )
    consent_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Blank for the standard text. Stored word for word with each lead.",
    )
    slug = forms.SlugField(
        max_length=80, required=False, help_text="The public address /l/<slug>/; blank to generate"
    )

    def __init__(self, *args, collaborations, products, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaboration"].choices = [(c.pk, c.creator.name) for c in collaborations]
        self.fields["product"].choices = [("", "—")] + [(p.pk, p.name) for p in products]
        self.fields["promo_code"].choices = [("", "—")] + [
            (c.pk, f"{c.code} ({c.collaboration.creator.name})") for c in codes
        ]


class LeadForm(forms.Form):
    name = forms.CharField(max_length=120, required=False)
    email = forms.CharField(max_length=254, required=False)
    consent = forms.BooleanField(required=False)
    # The honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(max_length=200, required=False)
    platform = forms.CharField(max_length=12, required=False)
    kh_click = forms.CharField(max_length=64, required=False)
    utm_source = forms.CharField(max_length=200, required=False)
    utm_medium = forms.CharField(max_length=200, required=False)
    utm_campaign = forms.CharField(max_length=200, required=False)
    utm_content = forms.CharField(max_length=200, required=False)
    utm_term = forms.CharField(max_length=200, required=False)
