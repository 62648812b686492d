"""Promo codes (format, case-insensitive uniqueness per organization, generation),
landing pages and lead capture, through the services on a real database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from creators import services as creator_services
from tests.campaigns.factories import full_campaign, make_collaboration
from tracking import selectors, services
from tracking.codes import code_stem, normalize_code
from tracking.models import LandingPageSlug, Lead, PromoCode
from tracking.services import LeadInput

pytestmark = pytest.mark.django_db


def collab(tenant, name="Dr. Ana López"):
    org = tenant.organization
    creator = creator_services.creator_create(organization=org, data={"name": name, "role": "kol"})
    campaign = full_campaign(org)
    return make_collaboration(org, campaign, creator=creator)


@pytest.mark.parametrize(
    "raw, expected",
    [("drana15", "DRANA15"), ("  ana_x-1 ", "ANA_X-1"), ("ABC", "ABC"), ("A" * 32, "A" * 32)],
)
def test_code_format_accepted_and_uppercased(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [("", "Enter a code"), ("AB", "has 2 characters"), ("A" * 33, "has 33 characters"),
     ("ANA 15", "contains ' '"), ("ANA!5", "contains '!'"), ("ÄNA15", "contains 'Ä'")],
)  # fmt: skip
def test_code_format_refused_with_a_clear_error(raw, message):
    with pytest.raises(ValidationError) as error:
        normalize_code(raw)
    assert message in " ".join(error.value.message_dict["code"])


def test_code_stem_folds_accents_and_titles():
    assert code_stem("Dr. Ana López") == "DRANA"
    assert code_stem("李") == "CODE"


def test_code_unique_case_insensitive_per_organization(tenant_a, tenant_b):
    with tenant_a.context():
        collaboration = collab(tenant_a)
        services.promo_code_create(tenant_a.organization, collaboration=collaboration,
                                   code="DrAna15")  # fmt: skip
        with pytest.raises(ValidationError, match="already used"):
            services.promo_code_create(tenant_a.organization, collaboration=collaboration,
                                       code="drana15")  # fmt: skip
        assert PromoCode.objects.count() == 1
        assert PromoCode.objects.get().code == "DRANA15"
    with tenant_b.context():
        # Another organization may use the same code.
        other = services.promo_code_create(tenant_b.organization,
                                           collaboration=collab(tenant_b), code="drana15")  # fmt: skip
        assert other.code == "DRANA15"


def test_generated_code_from_name_and_discount(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = collab(tenant_a)
        first = services.promo_code_create(org, collaboration=collaboration,
                                           discount_kind="percent", discount_value=Decimal("15"))  # fmt: skip
        second = services.promo_code_create(org, collaboration=collaboration,
                                            discount_kind="percent", discount_value=Decimal("15"))  # fmt: skip
        plain = services.promo_code_create(org, collaboration=collaboration)
    assert (first.code, second.code, plain.code) == ("DRANA15", "DRANA16", "DRANA10")
    assert first.discount_display == "15% off"


def test_discount_rules(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = collab(tenant_a)
        with pytest.raises(ValidationError, match="at most 100"):
            services.promo_code_create(org, collaboration=collaboration, code="X100",
                                       discount_kind="percent", discount_value=Decimal("150"))  # fmt: skip
        with pytest.raises(ValidationError, match="greater than 0"):
            services.promo_code_create(org, collaboration=collaboration, code="X100",
                                       discount_kind="amount", discount_value=None)  # fmt: skip
        assert PromoCode.objects.count() == 0


def test_foreign_collaboration_refused(tenant_a, tenant_b):
    with tenant_b.context():
        foreign = collab(tenant_b)
    with tenant_a.context(), pytest.raises(ValidationError):
        services.promo_code_create(tenant_a.organization, collaboration=foreign, code="STEAL1")


def page_for(tenant, **kwargs):
    with tenant.context():
        collaboration = collab(tenant)
        return services.landing_page_create(
            tenant.organization, collaboration=collaboration, headline="Try it",
            consent_text="I agree to be emailed.", **kwargs,
        )  # fmt: skip


def test_landing_page_slug_unique_across_deployment(tenant_a, tenant_b):
    page_a = page_for(tenant_a, slug="ana-glow")
    with tenant_b.context(), pytest.raises(ValidationError, match="taken"):
        services.landing_page_create(tenant_b.organization, collaboration=collab(tenant_b),
                                     headline="x", slug="ana-glow")  # fmt: skip
    generated = page_for(tenant_b)
    assert generated.slug.startswith("dr-ana-lopez-")
    assert LandingPageSlug.objects.get(slug="ana-glow").landing_page_id == page_a.pk


def submit(tenant, page, **kwargs):
    data = {"name": "Lee", "email": "Lee@Example.com", "consent": True, **kwargs}
    with tenant.context():
        return services.lead_submit(tenant.organization, landing_page=page,
                                    data=LeadInput(**data))  # fmt: skip


def test_lead_requires_consent_and_stores_it_verbatim(tenant_a):
    page = page_for(tenant_a)
    with pytest.raises(ValidationError) as error:
        submit(tenant_a, page, consent=False)
    assert "consent" in error.value.message_dict
    lead = submit(tenant_a, page, utms={"utm_source": "instagram", "utm_campaign": "spring"},
                  click_id="abc123", platform="instagram")  # fmt: skip
    assert lead.consent_text == "I agree to be emailed."
    assert (lead.email, lead.utm_source, lead.utm_campaign, lead.click_id, lead.platform) == (
        "lee@example.com", "instagram", "spring", "abc123", "instagram")  # fmt: skip


def test_lead_dedupe_per_campaign_refreshes(tenant_a):
    page = page_for(tenant_a)
    first = submit(tenant_a, page, utms={"utm_source": "instagram"})
    second = submit(tenant_a, page, name="Lee Two", email="lee@example.COM",
                    utms={"utm_source": "tiktok"})  # fmt: skip
    other_page = page_for(tenant_a)  # another campaign
    third = submit(tenant_a, other_page)
    with tenant_a.context():
        assert Lead.objects.count() == 2
        lead = Lead.objects.get(pk=first.pk)
        assert second.pk == first.pk and third.pk != first.pk
        assert (lead.name, lead.utm_source, lead.submissions) == ("Lee Two", "tiktok", 2)
        assert lead.first_submitted_at <= lead.submitted_at
        assert lead.platform == "tiktok"  # from utm_source when no platform was given
        counts = selectors.lead_counts_by_collaboration(
            organization=tenant_a.organization, campaign=page.collaboration.campaign
        )
    assert counts == {page.collaboration_id: 1}


def test_bad_lead_input_writes_nothing(tenant_a):
    page = page_for(tenant_a)
    with pytest.raises(ValidationError) as error:
        submit(tenant_a, page, name="  ", email="not-an-email")
    assert set(error.value.message_dict) == {"name", "email"}
    with tenant_a.context():
        assert Lead.objects.count() == 0
