"""Shipping services: addresses, shipments and their status machine, the stage move, the
budget's product and shipping lines, the seeding funnel, the checklist step, and the
nudge with time travel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns import budget, selectors, services
from campaigns.models import (
    Shipment,
    ShipmentEvent,
    ShipmentNudge,
    ShipmentStatus,
    StageChange,
)
from campaigns.pipeline import Stage
from kolhub.models import OutboxEmail
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.campaigns.shipping_world import UPS, ready_to_ship, ship

pytestmark = pytest.mark.django_db


def test_address_is_validated_and_replaced(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org, address=False)
        creator = collaboration.creator
        with pytest.raises(ValidationError) as raised:
            services.address_set(organization=org, creator=creator, data={
                "name": "Ada", "street_address": "1 Main", "city": "Toronto",
                "country_area": "ON", "postal_code": "90210", "country": "CA"})  # fmt: skip
        assert "postal_code" in raised.value.message_dict
        assert selectors.address_get(organization=org, creator=creator) is None
        services.address_set(organization=org, creator=creator, data={
            "name": "Ada", "street_address": "1 Main", "city": "Toronto", "country_area": "ON",
            "postal_code": "m5h 1k5", "country": "CA"})  # fmt: skip
        services.address_set(organization=org, creator=creator, data={
            "name": "Ada", "street_address": "2 Rue", "city": "Paris", "postal_code": "75001",
            "country": "FR"})  # fmt: skip
        address = selectors.address_get(organization=org, creator=creator)
        assert (address.country, address.postal_code, address.country_area) == ("FR", "75001", "")


def test_first_shipment_needs_an_address(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org, address=False)
        with pytest.raises(ValidationError, match="shipping address"):
            ship(org, collaboration)
        assert not Shipment.objects.exists()


@pytest.mark.parametrize("stage", [Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING,
                                   Stage.CANCELLED])  # fmt: skip
def test_no_shipment_before_terms_or_after_the_end(tenant_a, stage):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org, stage=stage)
        with pytest.raises(ValidationError, match="ships once terms"):
            ship(org, collaboration)


@pytest.mark.parametrize(("changes", "field"), [
    ({"number": "1Z123"}, "tracking_number"),
    ({"carrier": "fedex", "number": UPS}, "tracking_number"),
    ({"number": ""}, "tracking_number"),
    ({"cost": ""}, "cost"),
    ({"cost": "-1"}, "cost"),
    ({"cost": "abc"}, "cost"),
    ({"quantities": (0, 0)}, "items"),
    ({"carrier": "pigeon"}, "carrier"),
])  # fmt: skip
def test_bad_shipments_are_refused_whole(tenant_a, changes, field):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        with pytest.raises(ValidationError) as raised:
            ship(org, collaboration, **changes)
        assert field in raised.value.message_dict
        assert not Shipment.objects.exists() and not ShipmentEvent.objects.exists()


def test_another_campaigns_product_and_duplicate_tracking(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        other = make_campaign(org, products=[{"name": "X", "sku": "X", "unit_cost": "1",
                                              "price": "2"}])  # fmt: skip
        with pytest.raises(ValidationError) as raised:
            services.shipment_create(
                organization=org, collaboration=collaboration, carrier="ups",
                tracking_number=UPS, cost="1", by=None,
                items=[{"product_id": other.products.get().pk, "quantity": 1}],
            )  # fmt: skip
        assert "not a product of" in str(raised.value)
        ship(org, collaboration)
        with pytest.raises(ValidationError, match="already exists"):
            ship(org, collaboration, number="1Z 999 AA1 0123 456 784")


def test_zero_cost_is_allowed_when_given(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        shipment = ship(org, ready_to_ship(org), cost="0")
        assert shipment.cost == Decimal("0.00")


def test_shipment_lifecycle_moves_the_collaboration_when_it_ships(tenant_a):
    org, owner = tenant_a.organization, tenant_a.owner
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        shipment = ship(org, collaboration, by=owner)
        assert shipment.tracking_number == UPS and shipment.status == ShipmentStatus.LABEL_CREATED
        assert shipment.ship_to["postal_code"] == "94043"
        assert [(i.quantity, i.unit_cost) for i in shipment.items.order_by("id")] == [
            (2, Decimal("5.00")), (1, Decimal("2.50"))]  # fmt: skip
        collaboration.refresh_from_db()
        # A label alone does not move the pipeline.
        assert collaboration.stage == Stage.CONTRACTED
        services.shipment_status_set(organization=org, shipment=shipment, by=owner,
                                     status=ShipmentStatus.IN_TRANSIT)  # fmt: skip
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.PRODUCT_SHIPPED
        move = StageChange.objects.filter(collaboration=collaboration).last()
        assert move.to_stage == Stage.PRODUCT_SHIPPED and move.by == owner
        services.shipment_status_set(organization=org, shipment=shipment, by=owner,
                                     status=ShipmentStatus.EXCEPTION, message="Failed attempt")  # fmt: skip
        services.shipment_status_set(organization=org, shipment=shipment, by=owner,
                                     status=ShipmentStatus.DELIVERED)  # fmt: skip
        shipment.refresh_from_db()
        assert shipment.delivered_at and shipment.shipped_at
        with pytest.raises(ValidationError, match="final"):
            services.shipment_status_set(organization=org, shipment=shipment, by=owner,
                                         status=ShipmentStatus.IN_TRANSIT)  # fmt: skip
        events = list(ShipmentEvent.objects.filter(shipment=shipment).values_list(
            "status", "source"))  # fmt: skip
        assert events == [("label_created", "manual"), ("in_transit", "manual"),
                          ("exception", "manual"), ("delivered", "manual")]  # fmt: skip
        # The collaboration only moved once.
        assert StageChange.objects.filter(to_stage=Stage.PRODUCT_SHIPPED).count() == 1


def test_shipping_before_the_contract_keeps_the_stage(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org, stage=Stage.AGREED)
        shipment = ship(org, collaboration)
        services.shipment_status_set(organization=org, shipment=shipment, by=None,
                                     status=ShipmentStatus.IN_TRANSIT)  # fmt: skip
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.AGREED


def test_budget_product_and_shipping_lines(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        campaign = collaboration.campaign
        services.budget_lines_set(organization=org, campaign=campaign, budget_lines=[
            {"category": "product_cost", "planned_amount": 100},
            {"category": "shipping", "planned_amount": 50}])  # fmt: skip
        first = ship(org, collaboration, cost="12.00", quantities=(2, 1))  # 2×5 + 1×2.50
        second_collab = ready_to_ship(org, campaign=campaign)
        ship(org, second_collab, carrier="fedex", number="123456789012", cost="7.35",
             quantities=(0, 4))  # 4×2.50  # fmt: skip

        def sums():
            lines = budget.cost_lines(organization=org, campaign_ids=[campaign.pk])
            out = {}
            for line in lines:
                c, s = out.get(line.category, (Decimal(0), Decimal(0)))
                out[line.category] = (c + line.committed, s + line.spent)
            return out

        got = sums()
        assert got["product_cost"] == (Decimal("22.50"), Decimal("0"))
        assert got["shipping"] == (Decimal("19.35"), Decimal("19.35"))
        services.shipment_status_set(organization=org, shipment=first, by=None,
                                     status=ShipmentStatus.IN_TRANSIT)  # fmt: skip
        assert sums()["product_cost"] == (Decimal("22.50"), Decimal("12.50"))
        # The product's cost edited later does not rewrite what shipped.
        product = campaign.products.get(sku="SER-1")
        product.unit_cost = Decimal("99")
        product.save()
        assert sums()["product_cost"] == (Decimal("22.50"), Decimal("12.50"))
        report = selectors.campaign_budget(organization=org, campaign=campaign)
        rows = {row.category: row for row in report.rows}
        assert rows["shipping"].committed == Decimal("19.35")
        assert rows["product_cost"].spent == Decimal("12.50")
        listed = {c.pk: c for c in selectors.campaign_list(organization=org)}
        assert listed[campaign.pk].committed == Decimal("41.85")
        per = budget.committed_by_collaboration(
            budget.cost_lines(organization=org, campaign_ids=[campaign.pk])
        )
        assert per[collaboration.pk] == Decimal("24.50")


def test_funnel_and_checklist(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        campaign = collaboration.campaign
        other = ready_to_ship(org, campaign=campaign)
        make_collaboration(org, campaign, stage=Stage.CONTRACTED)
        a = ship(org, collaboration)
        b = ship(org, other, carrier="dhl", number="1234567890")
        steps = {i.step.key: i.done for i in
                 selectors.campaign_checklist(organization=org, campaign=campaign).items}  # fmt: skip
        assert steps["ship"] is False
        for shipment in (a, b):
            services.shipment_status_set(organization=org, shipment=shipment, by=None,
                                         status=ShipmentStatus.IN_TRANSIT)  # fmt: skip
        # Shipped but not delivered: the step waits for a delivery.
        steps = {i.step.key: i.done for i in
                 selectors.campaign_checklist(organization=org, campaign=campaign).items}  # fmt: skip
        assert steps["ship"] is False
        services.shipment_status_set(organization=org, shipment=a, by=None,
                                     status=ShipmentStatus.DELIVERED)  # fmt: skip
        for stage in (Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.PUBLISHED):
            services.collaboration_transition(organization=org, collaboration=collaboration,
                                              to_stage=stage, by=None)  # fmt: skip
        funnel = selectors.seeding_funnel(organization=org, campaign=campaign)
        assert (funnel.shipped, funnel.delivered, funnel.posted, funnel.waiting) == (2, 1, 1, 0)
        steps = {i.step.key: i.done for i in
                 selectors.campaign_checklist(organization=org, campaign=campaign).items}  # fmt: skip
        assert steps["ship"] is True


def delivered(org, number=UPS, **kwargs):
    collaboration = ready_to_ship(org, email="ada@creator.test", **kwargs)
    shipment = ship(org, collaboration, number=number)
    services.shipment_status_set(organization=org, shipment=shipment, by=None,
                                 status=ShipmentStatus.DELIVERED)  # fmt: skip
    shipment.refresh_from_db()
    return collaboration, shipment


def test_nudge_after_n_days_once_with_a_portal_link(tenant_a, django_capture_on_commit_callbacks):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration, shipment = delivered(org)
        at = shipment.delivered_at
        assert services.seeding_nudges_send(organization=org, now=at + timedelta(days=6)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.seeding_nudges_send(organization=org, now=at + timedelta(days=7))
        assert sent == 1
        assert services.seeding_nudges_send(organization=org, now=at + timedelta(days=30)) == 0
        assert ShipmentNudge.objects.filter(shipment=shipment).count() == 1
    email = OutboxEmail.objects.get()
    assert email.to == "ada@creator.test"
    assert collaboration.campaign.name in email.subject
    link = next(w for w in email.body_text.split() if "/p/" in w)
    # The link opens the creator's portal.
    from django.test import Client

    assert Client().get(link.replace("http://testserver", "")).status_code == 200


def test_nudge_days_per_campaign_and_not_once_content_is_in(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration, shipment = delivered(org)
        services.campaign_nudge_days_set(organization=org, campaign=collaboration.campaign,
                                         days=3)  # fmt: skip
        with pytest.raises(ValidationError):
            services.campaign_nudge_days_set(organization=org, campaign=collaboration.campaign,
                                             days=0)  # fmt: skip
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CONTENT_IN_REVIEW, by=None)  # fmt: skip
        at = shipment.delivered_at
        assert services.seeding_nudges_send(organization=org, now=at + timedelta(days=10)) == 0
        _c2, s2 = delivered(org, number="1Z999AA10123456785", campaign=collaboration.campaign)
        assert services.seeding_nudges_send(organization=org,
                                            now=s2.delivered_at + timedelta(days=2)) == 0  # fmt: skip
        assert services.seeding_nudges_send(organization=org,
                                            now=s2.delivered_at + timedelta(days=3)) == 1  # fmt: skip


def test_beat_task_runs_every_organization(tenant_a, tenant_b, django_capture_on_commit_callbacks):
    from campaigns.shipping.tasks import send_seeding_nudges_task
    from kolhub.celery import app

    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert send_seeding_nudges_task.name in names
    for tenant in (tenant_a, tenant_b):
        with tenant.context():
            _c, shipment = delivered(tenant.organization)
            Shipment.objects.filter(pk=shipment.pk).update(
                delivered_at=timezone.now() - timedelta(days=8)
            )
    with django_capture_on_commit_callbacks(execute=True):
        result = send_seeding_nudges_task()
    assert result["nudges"] == 2
    assert send_seeding_nudges_task()["nudges"] == 0
    assert OutboxEmail.objects.count() == 2


def test_foreign_rows_are_refused(tenant_a, tenant_b):
    with tenant_b.context():
        b_collab = ready_to_ship(tenant_b.organization)
    with tenant_a.context():
        with pytest.raises(ValidationError, match="another organization"):
            services.shipment_create(organization=tenant_a.organization, collaboration=b_collab,
                                     items=[], carrier="ups", tracking_number=UPS, cost="1",
                                     by=None)  # fmt: skip
        assert not Shipment.objects.exists()


def test_two_parcels_move_the_collaboration_once(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        first = ship(org, collaboration)
        second = ship(org, collaboration, carrier="dhl", number="1234567890")
        for shipment in (first, second):
            services.shipment_status_set(organization=org, shipment=shipment, by=None,
                                         status=ShipmentStatus.IN_TRANSIT)  # fmt: skip
        assert StageChange.objects.filter(collaboration=collaboration,
                                          to_stage=Stage.PRODUCT_SHIPPED).count() == 1  # fmt: skip
