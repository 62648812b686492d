"""The attribution rules on worked examples: code vs click vs UTM, windows, refunds,
cancellations, overlaps, late data, replays, new vs returning customers; and the bad
input the one recording path refuses."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tracking import services
from tracking.models import AttributionEntry, Click, RollupDirtyDay
from tracking.services.attribution import conversions_reattribute_late
from tracking.services.conversions import (
    ConversionInput,
    ConversionInvalid,
    RefundInput,
    conversion_record,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Glow serum", slug="glow-serum")
        people = {}
        for name, handle in (("Dr. Ada", "dr_ada"), ("Ben", "ben_glow")):
            creator = make_creator(org, name=name, accounts=[
                {"platform": "instagram", "handle": handle, "followers": 20_000}])  # fmt: skip
            collaboration = make_collaboration(org, campaign, creator=creator)
            link = services.tracking_link_create(
                organization=org, collaboration=collaboration, platform="instagram",
                destination_url="https://shop.example/serum",
            )  # fmt: skip
            code = services.promo_code_create(org, collaboration=collaboration,
                                              code=f"{handle.upper().replace('_', '')}15")  # fmt: skip
            people[name] = {"collaboration": collaboration, "link": link, "code": code.code}
        yield tenant_a, org, campaign, people


def click(org, person, *, at):
    return Click.objects.create(
        organization=org, link=person["link"], clicked_at=at, visitor_hash="v" * 64,
        user_agent_class="mobile", batch_id="test",
    )  # fmt: skip


def order(number="1001", **fields) -> ConversionInput:
    data = {"source": "shopify", "external_id": f"gid://shopify/Order/{number}",
            "occurred_at": NOW, "currency": "USD", "total": Decimal("110.00"),
            "subtotal": Decimal("100.00"), "tax": Decimal("10.00"), "name": f"#{number}"}  # fmt: skip
    data.update(fields)
    return ConversionInput(**data)


def entries(org, conversion=None):
    queryset = AttributionEntry.objects.for_org(org).order_by("id")
    if conversion is not None:
        queryset = queryset.filter(conversion=conversion)
    return list(queryset)


def test_a_code_alone_credits_its_creator_with_the_evidence(world):
    tenant, org, campaign, people = world
    with tenant.context():
        outcome = conversion_record(organization=org, data=order(discount_codes=("drada15",)))
        [credit] = entries(org)
    assert credit.kind == "credit" and credit.rule == "code"
    assert credit.collaboration == people["Dr. Ada"]["collaboration"]
    assert credit.revenue == Decimal("100.00") and credit.conversions == 1
    assert credit.evidence["codes"] == ["DRADA15"]
    assert credit.evidence["candidates"][0]["code"] == "DRADA15"
    assert outcome.created and outcome.conversion.discount_codes == ["DRADA15"]


def test_a_code_beats_an_older_click_of_another_creator_and_the_overlap_is_kept(world):
    tenant, org, campaign, people = world
    with tenant.context():
        ben_click = click(org, people["Ben"], at=NOW - datetime.timedelta(days=3))
        conversion_record(organization=org, data=order(
            click_id=ben_click.click_id.hex, discount_codes=("DRADA15",)))  # fmt: skip
        [credit] = entries(org)
    assert credit.rule == "code" and credit.collaboration == people["Dr. Ada"]["collaboration"]
    rivals = {c["rule"]: c["collaboration_id"] for c in credit.evidence["candidates"]}
    assert rivals == {"click": people["Ben"]["collaboration"].pk,
                      "code": people["Dr. Ada"]["collaboration"].pk}  # fmt: skip
    assert "beat click id carried to the order of Ben (older)" in credit.reason
    assert credit.evidence["code_used"] is True


def test_the_same_creators_click_and_code_credit_as_a_click(world):
    tenant, org, campaign, people = world
    with tenant.context():
        ada_click = click(org, people["Dr. Ada"], at=NOW - datetime.timedelta(hours=2))
        conversion_record(organization=org, data=order(
            click_id=ada_click.click_id.hex, discount_codes=("DRADA15",)))  # fmt: skip
        [credit] = entries(org)
    assert credit.rule == "click" and credit.platform == "instagram"
    assert credit.evidence["click"]["found"] is True
    # Her own code was on the order too: a promo-code sale as well (METRICS.md).
    assert credit.evidence["code_used"] is True


def test_a_click_outside_the_window_gives_no_credit(world):
    tenant, org, campaign, people = world
    with tenant.context():
        old = click(org, people["Ben"], at=NOW - datetime.timedelta(days=31))
        conversion_record(organization=org, data=order(click_id=old.click_id.hex))
        assert entries(org) == []
        campaign.attribution_window_days = 45
        campaign.save()
        conversion_record(organization=org, data=order("1002", click_id=old.click_id.hex))
        assert [e.rule for e in entries(org)] == ["click"]


def test_utm_tags_credit_when_nothing_stronger_is_there(world):
    tenant, org, campaign, people = world
    with tenant.context():
        conversion_record(organization=org, data=order(utms={
            "utm_source": "instagram", "utm_campaign": "glow-serum", "utm_content": "ben_glow"}))  # fmt: skip
        [credit] = entries(org)
    assert credit.rule == "utm" and credit.collaboration == people["Ben"]["collaboration"]


def test_replays_change_nothing(world):
    tenant, org, campaign, people = world
    with tenant.context():
        for _ in range(10):
            conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",)))
        assert len(entries(org)) == 1


def test_cancellation_reverses_the_credit_on_its_own_day_and_marks_it(world):
    tenant, org, campaign, people = world
    with tenant.context():
        conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",)))
        RollupDirtyDay.objects.for_org(org).delete()
        conversion_record(organization=org, data=order(
            discount_codes=("BENGLOW15",), cancelled_at=NOW + datetime.timedelta(hours=1),
            source_updated_at=NOW + datetime.timedelta(hours=1)))  # fmt: skip
        credit, reversal = entries(org)
        assert reversal.kind == "reversal" and reversal.reverses == credit
        assert (reversal.conversions, reversal.revenue) == (-1, Decimal("-100.00"))
        assert reversal.effective_at == credit.effective_at
        assert sum(e.revenue for e in entries(org)) == 0
        assert RollupDirtyDay.objects.for_org(org).count() == 1


def test_refunds_take_back_revenue_capped_at_what_was_credited(world):
    tenant, org, campaign, people = world
    refund = RefundInput("r1", Decimal("30.00"), "USD", NOW - datetime.timedelta(days=2))
    too_much = RefundInput("r2", Decimal("90.00"), "USD", NOW - datetime.timedelta(days=1))
    with tenant.context():
        conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",)))
        conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",),
                                                       refunds=(refund,)))  # fmt: skip
        conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",),
                                                       refunds=(refund, too_much)))  # fmt: skip
        conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",),
                                                       refunds=(refund, too_much)))  # fmt: skip
        kinds = [(e.kind, e.revenue) for e in entries(org)]
    assert kinds == [("credit", Decimal("100.00")), ("refund", Decimal("-30.00")),
                     ("refund", Decimal("-70.00"))]  # fmt: skip


def test_late_data_re_attributes_once(world):
    tenant, org, campaign, people = world
    with tenant.context():
        ben_click = click(org, people["Ben"], at=NOW - datetime.timedelta(days=1))
        first = order(click_id=ben_click.click_id.hex, source_updated_at=NOW)
        conversion_record(organization=org, data=first)
        later = order(click_id=ben_click.click_id.hex, discount_codes=("DRADA15",),
                      source_updated_at=NOW + datetime.timedelta(minutes=5))  # fmt: skip
        conversion_record(organization=org, data=later)
        # The older version arriving after the newer one changes nothing.
        conversion_record(organization=org, data=first)
        conversion_record(organization=org, data=later)
        rows = [(e.kind, e.rule, e.collaboration.creator.name) for e in entries(org)]
    assert rows == [("credit", "click", "Ben"), ("reversal", "click", "Ben"),
                    ("credit", "code", "Dr. Ada")]  # fmt: skip


def test_a_click_that_arrives_after_its_order_is_credited_by_the_late_pass(world):
    tenant, org, campaign, people = world
    pending = uuid.uuid4()
    with tenant.context():
        outcome = conversion_record(organization=org, data=order(click_id=pending.hex))
        assert entries(org) == []
        Click.objects.create(
            organization=org, link=people["Ben"]["link"], click_id=pending,
            clicked_at=NOW - datetime.timedelta(minutes=10), visitor_hash="v" * 64,
            user_agent_class="mobile", batch_id="late",
        )  # fmt: skip
        assert conversions_reattribute_late(organization=org) == 1
        assert conversions_reattribute_late(organization=org) == 0
        [credit] = entries(org, outcome.conversion)
    assert credit.rule == "click" and credit.collaboration == people["Ben"]["collaboration"]


def test_new_and_returning_customers(world):
    tenant, org, campaign, people = world
    with tenant.context():
        conversion_record(organization=org, data=order("1", discount_codes=("BENGLOW15",),
                                                       customer_order_index=1))  # fmt: skip
        conversion_record(organization=org, data=order("2", discount_codes=("BENGLOW15",),
                                                       customer_order_index=4))  # fmt: skip
        conversion_record(organization=org, data=order(
            "3", discount_codes=("BENGLOW15",), customer_ref="c@example.com",
            occurred_at=NOW - datetime.timedelta(days=2)))  # fmt: skip
        conversion_record(organization=org, data=order(
            "4", discount_codes=("BENGLOW15",), customer_ref="C@Example.com "))  # fmt: skip
        flags = [e.new_customer for e in entries(org)]
    assert flags == [True, False, True, False]


def test_a_campaign_that_ended_stops_crediting_codes_after_its_window(world):
    tenant, org, campaign, people = world
    with tenant.context():
        campaign.end_date = (NOW - datetime.timedelta(days=40)).date()
        campaign.save()
        conversion_record(organization=org, data=order(discount_codes=("BENGLOW15",)))
        assert entries(org) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"currency": "ABC"}, "currency"),
        ({"currency": "usd"}, "currency"),
        ({"total": Decimal("-1")}, "total"),
        ({"subtotal": "lots"}, "subtotal"),
        ({"occurred_at": NOW + datetime.timedelta(days=400)}, "occurred_at"),
        ({"occurred_at": datetime.datetime(2026, 1, 1)}, "occurred_at"),
        ({"external_id": ""}, "external_id"),
        ({"kind": "refund"}, "event"),
        ({"shipping_country": "XX"}, "shipping_country"),
        ({"utms": {"utm_evil": "1"}}, "utm"),
        ({"refunds": (RefundInput("r", Decimal("5"), "EUR", NOW),)}, "refund.currency"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, fields, field):
    tenant, org, campaign, people = world
    with tenant.context(), pytest.raises(ConversionInvalid) as refused:
        conversion_record(organization=org, data=order(**fields))
    assert refused.value.field == field
    with tenant.context():
        assert entries(org) == []


def test_the_late_pass_costs_two_queries_while_no_click_has_arrived(
    world, django_assert_num_queries
):
    tenant, org, campaign, people = world
    with tenant.context():
        for n in range(5):
            conversion_record(organization=org, data=order(f"9{n}", click_id=uuid.uuid4().hex))
        # The recent orders with a click id, then their clicks: none is stored yet.
        with django_assert_num_queries(2):
            assert conversions_reattribute_late(organization=org) == 0
