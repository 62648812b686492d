"""Landing-page leads become conversions for lead-generation campaigns only, once per
lead, credited by the lead rule to the landing page's collaboration; and the conversion
detail page ("why this credit") explains it, with the candidates and the ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tracking import services
from tracking.models import AttributionEntry, Click, Conversion, Lead
from tracking.services import LeadInput
from tracking.services.conversions import ConversionInput, RefundInput, conversion_record

pytestmark = pytest.mark.django_db


def page_for(tenant, objective, handle="dr_ada"):
    org = tenant.organization
    campaign = make_campaign(org, name=f"Campaign {objective}", objective=objective)
    creator = make_creator(org, name="Dr. Ada", accounts=[
        {"platform": "instagram", "handle": handle, "followers": 20_000}])  # fmt: skip
    collaboration = make_collaboration(org, campaign, creator=creator)
    return services.landing_page_create(org, collaboration=collaboration, headline="Hi")


def submit(tenant, page, email="lead@x.test", **extra):
    return services.lead_submit(
        tenant.organization, landing_page=page,
        data=LeadInput(name="Lee", email=email, consent=True, **extra),
    )  # fmt: skip


def test_a_new_lead_of_a_lead_generation_campaign_is_a_credited_conversion(tenant_a):
    with tenant_a.context():
        page = page_for(tenant_a, "lead_generation")
        lead = submit(tenant_a, page, utms={"utm_source": "instagram", "utm_campaign": "x"})
        conversion = Conversion.objects.get()
        assert (conversion.source, conversion.kind, conversion.external_id) == (
            "landing", "lead", f"lead:{lead.pk}")  # fmt: skip
        assert conversion.lead_id == lead.pk and conversion.occurred_at == lead.first_submitted_at
        assert conversion.utm_source == "instagram"
        [credit] = AttributionEntry.objects.all()
        assert credit.rule == "lead" and credit.collaboration_id == page.collaboration_id
        assert credit.conversions == 1 and credit.revenue == 0
        # The same person again: the lead is refreshed, the conversion is not added twice.
        again = submit(tenant_a, page)
        assert again.pk == lead.pk and Lead.objects.get().submissions == 2
        assert Conversion.objects.count() == 1 and AttributionEntry.objects.count() == 1
        # Another person is another conversion.
        submit(tenant_a, page, email="other@x.test")
        assert Conversion.objects.count() == 2


@pytest.mark.parametrize("objective", ["sales", "awareness"])
def test_leads_of_other_campaigns_are_not_conversions(tenant_a, objective):
    with tenant_a.context():
        submit(tenant_a, page_for(tenant_a, objective))
        assert Lead.objects.count() == 1 and Conversion.objects.count() == 0


def test_the_detail_page_explains_the_credit(tenant_a, tenant_b):
    org = tenant_a.organization
    now = timezone.now().replace(microsecond=0)
    with tenant_a.context():
        campaign = make_campaign(org, name="Glow serum", slug="glow-serum",
                                 attribution_window_days=7)  # fmt: skip
        people = {}
        for name, handle in (("Dr. Ada", "dr_ada"), ("Ben", "ben_glow")):
            creator = make_creator(org, name=name, accounts=[
                {"platform": "instagram", "handle": handle, "followers": 1000}])  # fmt: skip
            people[name] = make_collaboration(org, campaign, creator=creator)
        link = services.tracking_link_create(
            organization=org, collaboration=people["Ben"], platform="instagram",
            destination_url="https://shop.example/serum",
        )  # fmt: skip
        services.promo_code_create(org, collaboration=people["Dr. Ada"], code="DRADA15")
        old_click = Click.objects.create(
            organization=org, link=link, clicked_at=now - datetime.timedelta(days=9),
            visitor_hash="v" * 64, user_agent_class="mobile", batch_id="test",
        )  # fmt: skip
        outcome = conversion_record(organization=org, data=ConversionInput(
            source="shopify", external_id="o-1", name="#1001", occurred_at=now,
            currency="EUR", total=Decimal("110.00"), subtotal=Decimal("100.00"),
            discount_codes=("DRADA15",), click_id=old_click.click_id.hex,
            refunds=(RefundInput("r-1", Decimal("25.00"), "EUR", now),),
        ))  # fmt: skip
        conversion = outcome.conversion
    detail = reverse("conversion_detail", args=[org.slug, conversion.pk])
    client = tenant_a.client(Role.VIEWER)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Credited to Dr. Ada" in body and "#1001" in body
    # Both candidates, the click out of its 7-day window and why.
    assert 'data-candidate="code"' in body and 'data-candidate="click"' in body
    assert "the click was 9 days before the order (7-day window)" in body
    # The ledger: the credit and the refund with their reasons.
    assert 'data-entry="credit"' in body and 'data-entry="refund"' in body
    assert "refund 25.00 EUR" in body and "r-1" in body
    # A fixed number of queries, however many entries (no query per row).
    assert len(queries) <= 25, [q["sql"] for q in queries.captured_queries]
    # Another organization's member, and a made-up id: the same 404.
    assert tenant_b.client(Role.OWNER).get(detail).status_code == 404
    missing = reverse("conversion_detail", args=[org.slug, conversion.pk + 1000])
    assert client.get(missing).status_code == 404


def test_a_landing_page_lead_counts_once_as_a_lead_and_never_as_an_order(tenant_a):
    from tracking.selectors.results import rollup_totals
    from tracking.services.rollups import rollups_refresh

    with tenant_a.context():
        page = page_for(tenant_a, "lead_generation")
        submit(tenant_a, page)
        assert AttributionEntry.objects.get().conversion_kind == "lead"
    rollups_refresh(organization=tenant_a.organization)
    with tenant_a.context():
        totals = rollup_totals(organization=tenant_a.organization,
                               campaign_ids=[page.collaboration.campaign_id])[None]  # fmt: skip
        assert (totals.leads, totals.conversions) == (1, 0)


def test_a_landing_page_lead_through_a_tracking_link_counts_once(tenant_a):
    """The visitor clicked the creator's link, landed and submitted the form with its
    click id: the conversion's credit is the click's (same creator, stronger evidence
    first), and the lead still counts once, from its Lead row. A lead posted back with
    the same click id counts once too, from its credit."""
    from tracking.selectors.results import rollup_totals
    from tracking.services.rollups import rollups_refresh

    org = tenant_a.organization
    with tenant_a.context():
        page = page_for(tenant_a, "lead_generation")
        link = services.tracking_link_create(
            organization=org, collaboration=page.collaboration, platform="instagram",
            destination_url="https://shop.example/p",
        )  # fmt: skip
        visit = Click.objects.create(
            organization=org, link=link, clicked_at=timezone.now() - datetime.timedelta(minutes=3),
            visitor_hash="v" * 64, user_agent_class="mobile", batch_id="test",
        )  # fmt: skip
        submit(tenant_a, page, platform="instagram", click_id=visit.click_id.hex)
        [credit] = AttributionEntry.objects.all()
        assert (credit.rule, credit.conversion_kind) == ("click", "lead")
    rollups_refresh(organization=org)
    campaign_ids = [page.collaboration.campaign_id]
    with tenant_a.context():
        totals = rollup_totals(organization=org, campaign_ids=campaign_ids)[None]
        assert (totals.leads, totals.conversions) == (1, 0)
        conversion_record(organization=org, data=ConversionInput(
            source="postback", external_id="lead-2", kind="lead", occurred_at=timezone.now(),
            currency="", click_id=visit.click_id.hex,
        ))  # fmt: skip
    rollups_refresh(organization=org)
    with tenant_a.context():
        totals = rollup_totals(organization=org, campaign_ids=campaign_ids)[None]
        assert (totals.leads, totals.conversions) == (2, 0)
