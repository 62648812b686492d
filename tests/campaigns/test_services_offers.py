"""Negotiation services: proposing moves the pipeline, countering supersedes, only the other
side accepts or declines, accepting is idempotent (one ledger), and bad terms are refused
with a message naming the field: a foreign currency without a rate, due dates in the
past, amounts of 0 or less, a schedule not adding up to 100 %."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns import services
from campaigns.models import (
    Collaboration,
    Offer,
    OfferStatus,
    PaymentItem,
    Side,
    StageChange,
)
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from tests.campaigns.factories import (
    agreed_collaboration,
    make_campaign,
    make_collaboration,
    make_offer,
    terms,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tenant_a):
    with tenant_a.context():
        return make_campaign(
            tenant_a.organization, name="Serum",
            products=[{"name": "Serum", "sku": "S-1", "unit_cost": "5", "price": "30"}],
        )  # fmt: skip


@pytest.fixture
def collaboration(tenant_a, campaign):
    with tenant_a.context():
        return make_collaboration(tenant_a.organization, campaign, stage=Stage.INVITED)


def refused(field: str, call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def test_first_offer_moves_invited_to_negotiating(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration, by=tenant_a.member)
        collaboration.refresh_from_db()
        assert (offer.version, offer.proposed_by, offer.status) == (1, "brand", "open")
        assert offer.proposed_by_user == tenant_a.member
        assert collaboration.stage == Stage.NEGOTIATING
        change = StageChange.objects.filter(collaboration=collaboration).last()
        assert change.reason == "Offer v1 sent" and change.by == tenant_a.member
        assert [(d.platform, d.kind, d.quantity) for d in offer.deliverables.all()] == [
            ("instagram", "reel", 1)
        ]
        assert [(i.percent, i.trigger) for i in offer.installments.all()] == [
            (Decimal("50.00"), "on_signature"), (Decimal("50.00"), "on_publication")
        ]  # fmt: skip


def test_offer_to_a_shortlisted_creator_is_the_pitch(tenant_a, campaign):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, campaign)
        make_offer(org, collaboration)
        moves = list(StageChange.objects.filter(collaboration=collaboration)
                     .values_list("to_stage", flat=True))  # fmt: skip
        assert moves == ["shortlisted", "invited", "negotiating"]


def test_after_agreement_there_is_nothing_to_propose(tenant_a, campaign):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = agreed_collaboration(org, campaign)
        with pytest.raises(ValidationError, match="terms are already agreed"):
            make_offer(org, collaboration)


def test_counter_supersedes_and_only_the_other_side_answers(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
        with pytest.raises(ValidationError, match="is your own"):
            services.offer_counter(organization=org, offer=v1, side=Side.BRAND,
                                   terms=terms(collaboration.campaign))  # fmt: skip
        with pytest.raises(ValidationError, match="only the creator can accept"):
            services.offer_accept(organization=org, offer=v1, side=Side.BRAND)
        v2 = services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                                    terms=terms(collaboration.campaign, fee="1300"))  # fmt: skip
        v1.refresh_from_db()
        assert v1.status == OfferStatus.SUPERSEDED and v1.decided_by == Side.CREATOR
        assert (v2.version, v2.proposed_by, v2.fee) == (2, "creator", Decimal("1300.00"))
        # The superseded version can no longer be answered.
        with pytest.raises(ValidationError, match="only the open version"):
            services.offer_accept(organization=org, offer=v1, side=Side.CREATOR)
        with pytest.raises(ValidationError, match="only the open version"):
            services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                                   terms=terms(collaboration.campaign))  # fmt: skip
        assert Offer.objects.filter(collaboration=collaboration, status="open").count() == 1


def test_the_brand_revising_supersedes_its_own_open_offer(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
        v2 = make_offer(org, collaboration, fee="1100")
        v1.refresh_from_db()
        assert v1.status == "superseded" and v2.version == 2 and v2.is_open


def test_a_stale_page_cannot_cross_the_creators_answer(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
        services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                               terms=terms(collaboration.campaign, fee="1500"))  # fmt: skip
        with pytest.raises(ValidationError, match="v2 is on the table now"):
            services.offer_propose(organization=org, collaboration=collaboration,
                                   terms=terms(collaboration.campaign), by=None,
                                   replacing_version=1)  # fmt: skip
        offer = services.offer_propose(organization=org, collaboration=collaboration,
                                       terms=terms(collaboration.campaign), by=None,
                                       replacing_version=2)  # fmt: skip
        assert offer.version == 3


def test_accept_makes_terms_agreed_and_a_ledger(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
        v2 = services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                                    terms=terms(collaboration.campaign, fee="1200"))  # fmt: skip
        accepted = services.offer_accept(organization=org, offer=v2, side=Side.BRAND,
                                         by=tenant_a.owner)  # fmt: skip
        collaboration.refresh_from_db()
        assert accepted.status == "accepted" and accepted.decided_by_user == tenant_a.owner
        assert collaboration.stage == Stage.AGREED and collaboration.terms_id == v2.pk
        items = list(PaymentItem.objects.filter(collaboration=collaboration)
                     .order_by("position"))  # fmt: skip
        assert [(i.amount, i.trigger, i.status) for i in items] == [
            (Decimal("600.00"), "on_signature", "pending"),
            (Decimal("600.00"), "on_publication", "pending"),
        ]
        assert (
            StageChange.objects.filter(collaboration=collaboration, to_stage="agreed").get().reason
            == "Offer v2 accepted"
        )


def test_second_accept_is_idempotent(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration, commission_percent="5")
        first = services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)
        rows = list(PaymentItem.objects.values_list("pk", flat=True).order_by("pk"))
        changes = StageChange.objects.count()
        again = services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)
        # From a stale object too (the double click of a page drawn before the first).
        stale = Offer.objects.get(pk=offer.pk)
        stale.status = "open"
        services.offer_accept(organization=org, offer=stale, side=Side.CREATOR)
        assert again.pk == first.pk and again.status == "accepted"
        assert list(PaymentItem.objects.values_list("pk", flat=True).order_by("pk")) == rows
        assert len(rows) == 3  # two installments and the commission
        assert StageChange.objects.count() == changes
        assert services.ledger_generate(organization=org, collaboration=collaboration,
                                        offer=offer) and PaymentItem.objects.count() == 3  # fmt: skip


def test_the_database_refuses_a_second_ledger_row_for_one_line(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration)
        services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)
        item = PaymentItem.objects.first()
        item.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            item.save()


def test_foreign_currency_needs_a_rate(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        message = refused("exchange_rate", lambda: make_offer(org, collaboration, currency="EUR"))
        assert "EUR" in message and "USD" in message
        refused("exchange_rate", lambda: make_offer(org, collaboration, currency="EUR",
                                                    exchange_rate="0"))  # fmt: skip
        offer = make_offer(org, collaboration, currency="eur", exchange_rate="1.08")
        assert (offer.currency, offer.exchange_rate) == ("EUR", Decimal("1.08000000"))
        # In the campaign's own currency a rate means nothing and is not kept.
        same = make_offer(org, collaboration, exchange_rate="3")
        assert same.exchange_rate is None
        refused("currency", lambda: make_offer(org, collaboration, currency="XYZ"))


def test_due_dates_in_the_past_are_refused(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        yesterday = organization_today(org) - timedelta(days=1)
        message = refused("deliverables", lambda: make_offer(org, collaboration, deliverables=[
            {"platform": "instagram", "kind": "reel", "quantity": 1,
             "due_date": organization_today(org) + timedelta(days=3)},
            {"platform": "tiktok", "kind": "short", "quantity": 2, "due_date": yesterday},
        ]))  # fmt: skip
        assert message.startswith("Deliverable 2:") and "in the past" in message
        # Today is fine.
        make_offer(org, collaboration, deliverables=[
            {"platform": "instagram", "kind": "post", "quantity": 1,
             "due_date": organization_today(org)}])  # fmt: skip


def test_amounts_of_zero_or_less_are_refused(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        assert "negative" in refused("fee", lambda: make_offer(org, collaboration, fee="-5"))
        assert "more than 0" in refused(
            "fee", lambda: make_offer(org, collaboration, fee="0", installments=[])
        )
        refused("fee", lambda: make_offer(org, collaboration, fee="abc"))
        refused("fee", lambda: make_offer(org, collaboration, fee=None))
        assert "more than 0" in refused("installments", lambda: make_offer(
            org, collaboration, installments=[
                {"percent": "0", "trigger": "on_signature", "net_days": 0},
                {"percent": "100", "trigger": "on_approval", "net_days": 0}]))  # fmt: skip
        refused("installments", lambda: make_offer(org, collaboration, installments=[
            {"percent": "100", "trigger": "on_approval", "net_days": -1}]))  # fmt: skip
        refused("deliverables", lambda: make_offer(org, collaboration, deliverables=[
            {"platform": "instagram", "kind": "reel", "quantity": 0,
             "due_date": organization_today(org)}]))  # fmt: skip
        refused(
            "commission_percent", lambda: make_offer(org, collaboration, commission_percent="101")
        )
        assert not Offer.objects.exists()


def test_a_fee_of_zero_is_a_gift_or_commission_deal(tenant_a, collaboration, campaign):
    org = tenant_a.organization
    with tenant_a.context():
        product = campaign.products.get()
        gift = make_offer(org, collaboration, fee="0", installments=[],
                          gifts=[{"product_id": product.pk, "quantity": 2}])  # fmt: skip
        assert gift.fee == 0 and gift.gifts.get().product_name == "Serum"
        note_only = make_offer(org, collaboration, fee="0", installments=[],
                               gift_note="A year of serum")  # fmt: skip
        assert note_only.gift_note == "A year of serum"
        make_offer(org, collaboration, fee="0", installments=[], commission_percent="15")
        assert "nothing to schedule" in refused("installments", lambda: make_offer(
            org, collaboration, fee="0", gift_note="kit"))  # fmt: skip
        services.offer_accept(organization=org, offer=Offer.objects.get(status="open"),
                              side=Side.CREATOR)  # fmt: skip
        # A commission-only deal: one commission row, amount unknown (0) until tracking.
        row = PaymentItem.objects.get()
        assert (row.kind, row.amount, row.percent, row.trigger) == (
            "commission",
            Decimal("0.00"),
            Decimal("15.00"),
            "",
        )


def test_schedule_must_add_up_to_100(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        message = refused("installments", lambda: make_offer(org, collaboration, installments=[
            {"percent": "50", "trigger": "on_signature", "net_days": 0},
            {"percent": "40", "trigger": "on_publication", "net_days": 30}]))  # fmt: skip
        assert "90%" in message and "100%" in message
        refused("installments", lambda: make_offer(org, collaboration, installments=[]))
        refused("installments", lambda: make_offer(org, collaboration, installments=[
            {"percent": "100", "trigger": "whenever", "net_days": 0}]))  # fmt: skip
        offer = make_offer(org, collaboration, installments=[
            {"percent": "33.33", "trigger": "on_signature", "net_days": 0},
            {"percent": "33.33", "trigger": "on_delivery", "net_days": 0},
            {"percent": "33.34", "trigger": "on_publication", "net_days": 0}])  # fmt: skip
        assert offer.installments.count() == 3


def test_other_term_checks(tenant_a, tenant_b, collaboration):
    org = tenant_a.organization
    with tenant_b.context():
        foreign = make_campaign(tenant_b.organization, products=[
            {"name": "B product", "sku": "B-1", "unit_cost": "1", "price": "2"}])  # fmt: skip
        foreign_product = foreign.products.get()
    with tenant_a.context():
        refused("deliverables", lambda: make_offer(org, collaboration, deliverables=[]))
        refused("deliverables", lambda: make_offer(org, collaboration, deliverables=[
            {"platform": "myspace", "kind": "reel", "quantity": 1,
             "due_date": organization_today(org)}]))  # fmt: skip
        # Another organization's product (or any product not in this campaign).
        refused("gifts", lambda: make_offer(org, collaboration, gifts=[
            {"product_id": foreign_product.pk, "quantity": 1}]))  # fmt: skip
        refused("exclusivity_days", lambda: make_offer(org, collaboration,
                                                       exclusivity_categories=["skincare"]))  # fmt: skip
        refused("exclusivity_categories", lambda: make_offer(org, collaboration,
                                                             exclusivity_days=30))  # fmt: skip
        offer = make_offer(org, collaboration, usage_channels="  website , Website,tiktok ",
                           exclusivity_categories=["skincare"], exclusivity_days=30)  # fmt: skip
        assert offer.usage_channels == ["website", "Website", "tiktok"]


def test_creator_declining_declines_the_collaboration(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration)
        with pytest.raises(ValidationError, match="withdraw it instead"):
            services.offer_decline(organization=org, offer=offer, side=Side.BRAND)
        services.offer_decline(organization=org, offer=offer, side=Side.CREATOR,
                               reason="Booked until June")  # fmt: skip
        collaboration.refresh_from_db()
        offer.refresh_from_db()
        assert offer.status == "declined" and collaboration.stage == Stage.DECLINED
        change = StageChange.objects.filter(collaboration=collaboration).last()
        assert (change.actor, change.reason) == ("creator via portal", "Booked until June")
        # Declining twice changes nothing; the brand can reopen with a new offer.
        services.offer_decline(organization=org, offer=offer, side=Side.CREATOR)
        reopened = make_offer(org, collaboration, fee="1500")
        collaboration.refresh_from_db()
        assert reopened.version == 2 and collaboration.stage == Stage.NEGOTIATING


def test_brand_declining_a_counter_keeps_negotiating(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
        v2 = services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                                    terms=terms(collaboration.campaign, fee="9000"))  # fmt: skip
        services.offer_decline(organization=org, offer=v2, side=Side.BRAND)
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.NEGOTIATING
        assert not Offer.objects.filter(status="open").exists()


def test_withdraw_is_for_the_proposer(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration)
        with pytest.raises(ValidationError, match="decline it instead"):
            services.offer_withdraw(organization=org, offer=offer, side=Side.CREATOR)
        services.offer_withdraw(organization=org, offer=offer, side=Side.BRAND)
        offer.refresh_from_db()
        assert offer.status == "withdrawn"
        with pytest.raises(ValidationError, match="only the open version"):
            services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)


def test_agreed_by_hand_is_refused_while_an_offer_is_open(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        make_offer(org, collaboration)
        message = refused("to_stage", lambda: services.collaboration_transition(
            organization=org, collaboration=collaboration, to_stage=Stage.AGREED, by=None))  # fmt: skip
        assert "Offer v1 is open" in message


def test_cancelling_withdraws_the_open_offer(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CANCELLED, by=tenant_a.owner)  # fmt: skip
        offer.refresh_from_db()
        assert offer.status == "withdrawn" and offer.decided_at is not None


def test_declining_from_the_board_declines_the_open_offer(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.DECLINED, by=tenant_a.owner)  # fmt: skip
        offer.refresh_from_db()
        assert offer.status == "declined"


def test_accepting_an_offer_whose_dates_have_passed_is_refused(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        offer = make_offer(org, collaboration)
        offer.deliverables.update(due_date=organization_today(org) - timedelta(days=2))
        with pytest.raises(ValidationError, match="counter with new dates"):
            services.offer_accept(organization=org, offer=offer, side=Side.CREATOR)


def test_another_organizations_rows_are_refused(tenant_a, tenant_b, collaboration):
    with tenant_a.context():
        offer = make_offer(tenant_a.organization, collaboration)
    with tenant_b.context():
        b = tenant_b.organization
        for call in (
            lambda: services.offer_accept(organization=b, offer=offer, side=Side.CREATOR),
            lambda: services.offer_decline(organization=b, offer=offer, side=Side.CREATOR),
            lambda: services.offer_withdraw(organization=b, offer=offer, side=Side.BRAND),
            lambda: services.offer_counter(organization=b, offer=offer, side=Side.CREATOR,
                                           terms={}),
            lambda: services.offer_propose(organization=b, collaboration=collaboration,
                                           terms={}, by=None),
        ):  # fmt: skip
            with pytest.raises(ValidationError, match="another organization"):
                call()
    with tenant_a.context():
        offer.refresh_from_db()
        assert offer.status == "open"


def test_past_times_are_allowed_but_not_the_future(tenant_a, collaboration):
    from django.utils import timezone

    org = tenant_a.organization
    with tenant_a.context():
        with pytest.raises(ValidationError):
            services.offer_propose(organization=org, collaboration=collaboration,
                                   terms=terms(collaboration.campaign), by=None,
                                   at=timezone.now() + timedelta(hours=1))  # fmt: skip
        with pytest.raises(ValidationError):
            services.collaboration_transition(
                organization=org, collaboration=collaboration, to_stage=Stage.NEGOTIATING,
                by=None, at=collaboration.stage_changed_at - timedelta(minutes=1),
            )  # fmt: skip
        assert Collaboration.objects.get(pk=collaboration.pk).stage == Stage.INVITED
