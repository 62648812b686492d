"""The payment ledger: rows from the accepted schedule (amounts adding up to the fee), the
pipeline's triggers making them due net-N days after they happen (in the organization's
timezone), lateness, recording payments, and the budget's KOL fees (committed = the
accepted fee, spent = paid rows, both converted with the offer's rate)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns import budget, selectors, services
from campaigns.models import PaymentItem, Side
from campaigns.pipeline import Stage
from campaigns.services.payments import split_fee
from tests.campaigns.factories import agreed_collaboration, make_campaign, make_collaboration
from tests.campaigns.factories import terms as offer_terms

pytestmark = pytest.mark.django_db

THREE_WAY = [
    {"percent": "30", "trigger": "on_signature", "net_days": 0},
    {"percent": "30", "trigger": "on_delivery", "net_days": 7},
    {"percent": "40", "trigger": "on_approval", "net_days": 30},
]


def move(org, collaboration, *stages):
    for stage in stages:
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=stage, by=None)  # fmt: skip


def rows(collaboration):
    return {
        item.trigger or item.kind: item
        for item in PaymentItem.objects.filter(collaboration=collaboration)
    }


def test_split_fee_adds_up_exactly():
    assert split_fee(Decimal("100.00"), [Decimal("33.33")] * 2 + [Decimal("33.34")]) == [
        Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]  # fmt: skip
    amounts = split_fee(Decimal("1000.01"), [Decimal("50"), Decimal("50")])
    assert amounts == [Decimal("500.00"), Decimal("500.01")] and sum(amounts) == Decimal("1000.01")
    assert split_fee(Decimal("10"), []) == []


def test_each_trigger_fires_at_its_stage(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = agreed_collaboration(org, fee="999.99", installments=THREE_WAY)
        ledger = rows(collaboration)
        assert [ledger[t].amount for t in ("on_signature", "on_delivery", "on_approval")] == [
            Decimal("299.99"), Decimal("299.99"), Decimal("400.01")]  # fmt: skip
        assert all(item.status == "pending" and item.due_date is None for item in ledger.values())
        today = selectors.organization_today(org)

        move(org, collaboration, Stage.CONTRACTED)
        ledger = rows(collaboration)
        assert (ledger["on_signature"].status, ledger["on_signature"].due_date) == ("due", today)
        assert ledger["on_delivery"].status == "pending"

        move(org, collaboration, Stage.PRODUCT_SHIPPED)
        assert rows(collaboration)["on_delivery"].due_date == today + datetime.timedelta(days=7)
        move(org, collaboration, Stage.CONTENT_IN_REVIEW)
        assert rows(collaboration)["on_approval"].status == "pending"
        move(org, collaboration, Stage.APPROVED)
        ledger = rows(collaboration)
        assert ledger["on_approval"].due_date == today + datetime.timedelta(days=30)
        assert ledger["on_approval"].triggered_at is not None


def test_publication_trigger_and_a_cancelled_collaboration(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = agreed_collaboration(org)  # 50 % on signature, 50 % on publication
        move(org, collaboration, Stage.CONTRACTED, Stage.PRODUCT_SHIPPED,
             Stage.CONTENT_IN_REVIEW, Stage.APPROVED)  # fmt: skip
        assert rows(collaboration)["on_publication"].status == "pending"
        move(org, collaboration, Stage.PUBLISHED)
        assert rows(collaboration)["on_publication"].status == "due"

        other = agreed_collaboration(org)
        move(org, other, Stage.CONTRACTED, Stage.CANCELLED)
        ledger = rows(other)
        # What fell due stays owed; what never happened stays pending.
        assert (ledger["on_signature"].status, ledger["on_publication"].status) == (
            "due", "pending")  # fmt: skip


def test_due_dates_are_days_of_the_organizations_timezone(tenant_a):
    org = tenant_a.organization
    org.timezone = "Pacific/Auckland"
    org.save()
    # 20:00 UTC on March 1 is already March 2 in Auckland.
    with time_machine.travel(datetime.datetime(2031, 3, 1, 20, 0, tzinfo=datetime.UTC),
                             tick=False), tenant_a.context():  # fmt: skip
        collaboration = agreed_collaboration(org)
        move(org, collaboration, Stage.CONTRACTED)
        assert rows(collaboration)["on_signature"].due_date == datetime.date(2031, 3, 16)


def test_late_is_computed_against_today(tenant_a):
    org = tenant_a.organization
    start = datetime.datetime(2031, 5, 1, 12, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(start, tick=False), tenant_a.context():
        collaboration = agreed_collaboration(org)
        campaign = collaboration.campaign
        move(org, collaboration, Stage.CONTRACTED)  # 50 % due May 15
    with time_machine.travel(start + datetime.timedelta(days=14), tick=False), tenant_a.context():
        item = selectors.payment_list(organization=org, campaign=campaign).first()
        assert item.status == "due" and not item.is_late
        assert selectors.payment_summary(organization=org, campaign=campaign).late == 0
    with time_machine.travel(start + datetime.timedelta(days=15), tick=False), tenant_a.context():
        late = list(selectors.payment_list(organization=org, campaign=campaign, status="late"))
        assert [i.trigger for i in late] == ["on_signature"] and late[0].is_late
        assert late[0].late_on(datetime.date(2031, 5, 16))
        assert selectors.payment_summary(organization=org, campaign=campaign).late == 1
        services.payment_mark_paid(organization=org, item=late[0], reference="TRX-1", by=None)
        assert not selectors.payment_list(organization=org, campaign=campaign,
                                          status="late").exists()  # fmt: skip


def test_mark_paid_needs_a_reference_and_is_idempotent(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = agreed_collaboration(org)
        move(org, collaboration, Stage.CONTRACTED)
        item = rows(collaboration)["on_signature"]
        with pytest.raises(ValidationError, match="reference"):
            services.payment_mark_paid(organization=org, item=item, reference="  ", by=None)
        tomorrow = selectors.organization_today(org) + datetime.timedelta(days=1)
        with pytest.raises(ValidationError, match="future"):
            services.payment_mark_paid(organization=org, item=item, reference="X",
                                       paid_on=tomorrow, by=None)  # fmt: skip
        paid = services.payment_mark_paid(organization=org, item=item, reference=" TRX  77 ",
                                          by=tenant_a.owner)  # fmt: skip
        assert (paid.status, paid.paid_reference, paid.paid_by) == ("paid", "TRX 77",
                                                                    tenant_a.owner)  # fmt: skip
        again = services.payment_mark_paid(organization=org, item=item, reference="TRX 77",
                                           by=None)  # fmt: skip
        assert again.paid_at == paid.paid_at and again.paid_by == tenant_a.owner
        with pytest.raises(ValidationError, match="already recorded as paid"):
            services.payment_mark_paid(organization=org, item=item, reference="OTHER", by=None)
        # A pending row may be paid ahead of its trigger, on an earlier day.
        ahead = rows(collaboration)["on_publication"]
        yesterday = selectors.organization_today(org) - datetime.timedelta(days=1)
        ahead = services.payment_mark_paid(organization=org, item=ahead, reference="PRE",
                                           paid_on=yesterday, by=None)  # fmt: skip
        assert timezone.localdate(ahead.paid_at, ZoneInfo(org.timezone)) == yesterday
        # Its trigger later finds it paid and leaves it alone.
        move(org, collaboration, Stage.PRODUCT_SHIPPED, Stage.CONTENT_IN_REVIEW,
             Stage.APPROVED, Stage.PUBLISHED)  # fmt: skip
        assert rows(collaboration)["on_publication"].status == "paid"


def test_a_commission_is_paid_once_tracking_knows_its_amount(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = agreed_collaboration(org, commission_percent="12.5")
        commission = rows(collaboration)["commission"]
        assert (commission.amount, commission.percent) == (Decimal("0.00"), Decimal("12.50"))
        with pytest.raises(ValidationError, match="computed from the sales"):
            services.payment_mark_paid(organization=org, item=commission, reference="C",
                                       by=None)  # fmt: skip
        move(org, collaboration, Stage.CONTRACTED, Stage.PRODUCT_SHIPPED)
        assert rows(collaboration)["commission"].status == "pending"


def test_another_organizations_payment_is_refused(tenant_a, tenant_b):
    with tenant_a.context():
        collaboration = agreed_collaboration(tenant_a.organization)
        item = rows(collaboration)["on_signature"]
    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.payment_mark_paid(organization=tenant_b.organization, item=item,
                                   reference="X", by=None)  # fmt: skip


def test_budget_kol_fees_committed_and_spent(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, budget_lines=[
            {"category": "kol_fees", "planned_amount": Decimal("10000")}])  # fmt: skip
        usd = agreed_collaboration(org, campaign, fee="1000")
        eur = agreed_collaboration(org, campaign, fee="2000", currency="EUR",
                                   exchange_rate="1.10", commission_percent="10")  # fmt: skip
        negotiating = make_collaboration(org, campaign, stage=Stage.INVITED)
        services.offer_propose(organization=org, collaboration=negotiating,
                               terms=offer_terms(campaign, fee="5000"), by=None)  # fmt: skip
        report = selectors.campaign_budget(organization=org, campaign=campaign)
        fees = next(row for row in report.rows if row.category == "kol_fees")
        # An open offer commits nothing; accepted ones commit their fee, converted.
        assert fees.committed == Decimal("3200.00") and fees.spent == Decimal("0.00")
        assert fees.used_percent == Decimal("32.0")

        move(org, usd, Stage.CONTRACTED)
        move(org, eur, Stage.CONTRACTED)
        services.payment_mark_paid(organization=org, item=rows(usd)["on_signature"],
                                   reference="U1", by=None)  # fmt: skip
        services.payment_mark_paid(organization=org, item=rows(eur)["on_signature"],
                                   reference="E1", by=None)  # fmt: skip
        # The commission tracking computed (tracking writes it; here, by hand).
        PaymentItem.objects.filter(collaboration=eur, kind="commission").update(
            amount=Decimal("150.00"))  # fmt: skip
        lines = budget.cost_lines(organization=org, campaign_ids=[campaign.pk])
        by_collaboration = {line.collaboration_id: line for line in lines}
        assert by_collaboration[usd.pk].committed == Decimal("1000.00")
        assert by_collaboration[usd.pk].spent == Decimal("500.00")
        assert by_collaboration[eur.pk].committed == Decimal("2365.00")  # 2000 × 1.1 + 150 × 1.1
        assert by_collaboration[eur.pk].spent == Decimal("1100.00")  # 1000 EUR × 1.1
        assert negotiating.pk not in by_collaboration
        assert budget.committed_by_campaign(lines) == {campaign.pk: Decimal("3365.00")}
        board = selectors.pipeline_board(organization=org, campaign=campaign)
        contracted = next(c for c in board if c.stage == Stage.CONTRACTED)
        assert contracted.committed == Decimal("3365.00")


def test_budget_reads_no_other_organization(tenant_a, tenant_b):
    with tenant_a.context():
        agreed_collaboration(tenant_a.organization, fee="7777")
    with tenant_b.context():
        campaign = make_campaign(tenant_b.organization)
        assert budget.kol_fees_costs(tenant_b.organization, [campaign.pk]) == []


def test_offer_on_table_and_history_selectors(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign, stage=Stage.INVITED)
        v1 = services.offer_propose(organization=org, collaboration=collaboration,
                                    terms=offer_terms(campaign), by=None)  # fmt: skip
        services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                               terms=offer_terms(campaign, fee="1250"))  # fmt: skip
        versions = selectors.offer_history(organization=org, collaboration=collaboration)
        assert [v.offer.version for v in versions] == [2, 1]
        assert versions[0].previous.pk == v1.pk and versions[1].changes == []
        assert [(c.label, c.before, c.after) for c in versions[0].changes] == [
            ("Fee", "USD 1,000.00", "USD 1,250.00")]  # fmt: skip
        assert selectors.offer_on_table(versions).offer.version == 2
