"""Shipping's writes: the creator's address, shipments and their status (by hand or from
a carrier-tracking webhook), the organization's webhook endpoint, and the seeding nudge.

When the collaboration moves: a shipment moves its collaboration from contracted to
product shipped when the parcel is first *shipped* (in transit, or straight to delivered),
not when the label is created. A label can be voided and reprinted; "product shipped" in
the pipeline (and the "ship products" checklist step, the spent product cost) should mean
a parcel is on its way. The move goes through collaboration_transition, so it is legal or
does not happen: a collaboration that is not contracted yet (product seeded before the
contract) keeps its stage and the brand moves it by hand.

Budget (campaigns.budget): product cost (unit cost × quantity) and shipping cost are
*committed* when the shipment is created; product cost is *spent* when the parcel ships,
shipping cost as soon as it is entered (the carrier charged it when the label was made)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from campaigns import pipeline
from campaigns.models import (
    Campaign,
    CampaignProduct,
    Carrier,
    Collaboration,
    EventSource,
    Shipment,
    ShipmentEvent,
    ShipmentItem,
    ShipmentNudge,
    ShipmentStatus,
    ShippingAddress,
    TrackingWebhookEndpoint,
    TrackingWebhookLog,
    WebhookOutcome,
)
from campaigns.pipeline import Stage
from campaigns.services.collaborations import collaboration_transition
from campaigns.services.guards import amount, check_member, same_org
from campaigns.services.portal import portal_link, portal_token_issue
from campaigns.shipping import status as shipment_status
from campaigns.shipping.addresses import address_validate
from campaigns.shipping.carriers import PROVIDERS, TrackingEvent
from campaigns.shipping.secrets import secret_encrypt, secret_new
from campaigns.shipping.tracking_numbers import normalise, tracking_number_problem
from creators.models import Creator
from kolhub.models import Organization

# Stages in which product can be sent: terms are agreed (seeding before the contract is
# common), up to publication (a replacement or a second product). Not before terms, and
# not once the collaboration is over.
SHIPPABLE: frozenset[str] = frozenset({
    Stage.AGREED, Stage.CONTRACTED, Stage.PRODUCT_SHIPPED, Stage.CONTENT_IN_REVIEW,
    Stage.APPROVED, Stage.PUBLISHED,
})  # fmt: skip
CENT = Decimal("0.01")


# --- the address -------------------------------------------------------------------------


@transaction.atomic
def address_set(*, organization: Organization, creator: Creator, data: dict) -> ShippingAddress:
    """Create or replace the creator's address, validated for its country
    (campaigns.shipping.addresses). A bad field raises ValidationError naming it; nothing
    is saved."""
    same_org(organization, creator)
    clean = address_validate(data)
    address = (
        ShippingAddress.objects.for_org(organization).select_for_update()
        .filter(creator=creator).first()
    ) or ShippingAddress(organization=organization, creator=creator)  # fmt: skip
    for field, value in clean.items():
        setattr(address, field, value)
    address.full_clean()
    address.save()
    return address


# --- shipments ---------------------------------------------------------------------------


@transaction.atomic
def shipment_create(
    *, organization: Organization, collaboration: Collaboration, items: Sequence[dict],
    carrier: str, tracking_number: str, cost, by: AbstractBaseUser | None,
    carrier_name: str = "",
) -> Shipment:  # fmt: skip
    """A parcel of campaign products to the creator's current address. `items` are
    {"product_id", "quantity"}; `cost` is what the carrier charged in the campaign's
    currency (0 is a real answer, e.g. a hand delivery, but it must be given)."""
    same_org(organization, collaboration)
    check_member(organization, by, "by")
    locked = (
        Collaboration.objects.for_org(organization).select_for_update(of=("self",))
        .select_related("campaign", "creator").get(pk=collaboration.pk)
    )  # fmt: skip
    campaign: Campaign = locked.campaign
    errors: dict[str, str] = {}
    if locked.stage not in SHIPPABLE:
        raise ValidationError(
            f"This collaboration is {pipeline.label(locked.stage)}: product ships once terms "
            "are agreed, and not after the collaboration is over."
        )
    address = ShippingAddress.objects.for_org(organization).filter(creator=locked.creator).first()
    if address is None:
        raise ValidationError(
            f"{locked.creator.name} has not given a shipping address yet: they enter it in the "
            "portal."
        )
    if carrier not in Carrier.values:
        errors["carrier"] = f"Choose one of: {', '.join(Carrier.labels)}."
    number = normalise(tracking_number)
    if not number:
        errors["tracking_number"] = "Give the tracking number from the label."
    elif carrier in Carrier.values and (problem := tracking_number_problem(carrier, number)):
        errors["tracking_number"] = problem
    carrier_name = (carrier_name or "").strip()[:80]
    if carrier == Carrier.OTHER and not carrier_name:
        errors["carrier_name"] = "Which carrier?"
    if cost is None or str(cost).strip() == "":
        errors["cost"] = "Give the shipping cost (0 if it cost nothing)."
    else:
        try:
            cost = amount(cost, "cost").quantize(CENT)
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    products = {
        p.pk: p for p in CampaignProduct.objects.for_org(organization).filter(campaign=campaign)
    }
    wanted: dict[int, int] = {}
    for n, item in enumerate(items, start=1):
        try:
            product_id, quantity = int(item["product_id"]), int(item["quantity"])
        except (KeyError, TypeError, ValueError):
            errors["items"] = f"Line {n}: give a product and a whole quantity."
            continue
        product = products.get(product_id)
        if product is None:
            errors["items"] = f"Line {n}: not a product of {campaign.name}."
        elif quantity <= 0:
            errors["items"] = f"Line {n}: the quantity must be at least 1."
        elif product.currency != campaign.currency:
            errors["items"] = (
                f"{product.name} is costed in {product.currency}, the campaign in "
                f"{campaign.currency}: fix the product's currency first."
            )
        elif product_id in wanted:
            errors["items"] = f"{product.name} is listed twice: give one line with the total."
        else:
            wanted[product_id] = quantity
    if not wanted and "items" not in errors:
        errors["items"] = "Add at least one product."
    if (
        not errors
        and number
        and Shipment.objects.for_org(organization)
        .filter(carrier=carrier, tracking_number=number)
        .exists()
    ):
        errors["tracking_number"] = "A shipment with this tracking number already exists."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    shipment = Shipment.objects.create(
        organization=organization, collaboration=locked, carrier=carrier,
        carrier_name=carrier_name if carrier == Carrier.OTHER else "", tracking_number=number,
        cost=cost, currency=campaign.currency, status=ShipmentStatus.LABEL_CREATED,
        status_changed_at=now, ship_to=address.as_snapshot(), created_by=by,
    )  # fmt: skip
    ShipmentItem.objects.bulk_create(
        ShipmentItem(organization=organization, shipment=shipment, product=products[pid],
                     quantity=qty, unit_cost=products[pid].unit_cost)
        for pid, qty in wanted.items()
    )  # fmt: skip
    ShipmentEvent.objects.create(
        organization=organization, shipment=shipment, status=ShipmentStatus.LABEL_CREATED,
        source=EventSource.MANUAL, at=now, by=by, message="Label created",
    )  # fmt: skip
    return shipment


def _apply(
    organization: Organization, shipment: Shipment, *, status: str, source: str,
    at: datetime.datetime, by: AbstractBaseUser | None = None, message: str = "",
    location: str = "", external_id: str = "",
) -> ShipmentEvent:  # fmt: skip
    """Record the event on a locked shipment; change its status when the move is legal,
    and move the collaboration to product shipped the first time the parcel ships."""
    now = timezone.now()
    at = min(at, now)
    applied = shipment_status.can_move(shipment.status, status)
    event = ShipmentEvent.objects.create(
        organization=organization, shipment=shipment, status=status,
        previous_status=shipment.status, applied=applied, source=source, at=at, by=by,
        message=message[:500], location=location[:200], external_id=external_id[:80],
    )  # fmt: skip
    if not applied:
        return event
    shipment.status, shipment.status_changed_at = status, at
    fields = ["status", "status_changed_at", "updated_at"]
    first_shipped = shipment.shipped_at is None and status in (
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.DELIVERED,
    )
    if first_shipped:
        shipment.shipped_at = at
        fields.append("shipped_at")
    if status == ShipmentStatus.DELIVERED:
        shipment.delivered_at = at
        fields.append("delivered_at")
    shipment.save(update_fields=fields)
    if first_shipped:
        # Read again under the row lock: another parcel of the same collaboration may have
        # moved it a moment ago (in this very webhook delivery, even).
        collaboration = (
            Collaboration.objects.for_org(organization).select_for_update()
            .get(pk=shipment.collaboration_id)
        )  # fmt: skip
        if collaboration.stage == Stage.CONTRACTED:
            collaboration_transition(
                organization=organization, collaboration=collaboration,
                to_stage=Stage.PRODUCT_SHIPPED, by=by,
                actor="" if by else ("carrier tracking" if source == EventSource.WEBHOOK else ""),
                reason=f"{shipment.carrier_label} {shipment.tracking_number} shipped",
                at=max(at, collaboration.stage_changed_at),
            )  # fmt: skip
    return event


@transaction.atomic
def shipment_status_set(
    *, organization: Organization, shipment: Shipment, status: str,
    by: AbstractBaseUser | None, message: str = "", at: datetime.datetime | None = None,
) -> ShipmentEvent:  # fmt: skip
    """A status change by hand. Illegal moves (campaigns.shipping.status) are refused
    with the reason; `at` records a change seen earlier (not in the future)."""
    same_org(organization, shipment)
    check_member(organization, by, "by")
    locked = (
        Shipment.objects.for_org(organization).select_for_update(of=("self",))
        .select_related("collaboration").get(pk=shipment.pk)
    )  # fmt: skip
    why_not = shipment_status.refusal(locked.status, status)
    if why_not:
        raise ValidationError({"status": why_not})
    now = timezone.now()
    at = at or now
    if at > now or at < locked.created_at:
        raise ValidationError({"at": "A change is recorded between the label and now."})
    event = _apply(organization, locked, status=status, source=EventSource.MANUAL, at=at, by=by,
                   message=(message or "").strip())  # fmt: skip
    shipment.status = locked.status
    return event


# --- the carrier-tracking webhook ----------------------------------------------------------


@transaction.atomic
def tracking_endpoint_issue(
    *, organization: Organization, provider: str, by: AbstractBaseUser | None
) -> tuple[TrackingWebhookEndpoint, str]:
    """The organization's endpoint for a provider, with a new secret (returned once, to be
    pasted into the provider's settings). Issuing again rotates the secret and keeps the
    URL; deliveries signed with the old secret are refused from then on."""
    if provider not in PROVIDERS:
        raise ValidationError({"provider": f"{provider!r} is not a tracking provider we read."})
    check_member(organization, by, "by")
    raw = secret_new()
    endpoint = (
        TrackingWebhookEndpoint.objects.for_org(organization).select_for_update()
        .filter(provider=provider).first()
    )  # fmt: skip
    if endpoint is None:
        endpoint = TrackingWebhookEndpoint(
            organization=organization, provider=provider, public_id=secrets.token_hex(12)
        )
    endpoint.secret_encrypted = secret_encrypt(raw)
    endpoint.created_by = by
    endpoint.save()
    return endpoint, raw


@dataclass(frozen=True)
class EventOutcome:
    event_id: str
    outcome: str
    shipment_id: int | None = None


def _log(organization, endpoint, event: TrackingEvent, outcome: str, shipment=None,
         detail: str = "") -> EventOutcome:  # fmt: skip
    TrackingWebhookLog.objects.create(
        organization=organization, endpoint=endpoint, event_id=event.event_id,
        tracking_number=event.tracking_number[:40], outcome=outcome, shipment=shipment,
        detail=detail[:300],
    )  # fmt: skip
    return EventOutcome(event.event_id, outcome, shipment.pk if shipment else None)


@transaction.atomic
def tracking_events_apply(
    *, organization: Organization, endpoint: TrackingWebhookEndpoint,
    events: Iterable[TrackingEvent],
) -> list[EventOutcome]:  # fmt: skip
    """Apply verified events (campaigns.shipping.carriers) to this organization's
    shipments. Every event is logged with its outcome: an unknown tracking number is
    ignored (the provider may track parcels that are not ours); an event already
    recorded (a redelivery) changes nothing; a non-status event (an EDD revision) is
    ignored. Runs inside the organization's tenant context."""
    same_org(organization, endpoint)
    outcomes = []
    for event in events:
        number = normalise(event.tracking_number)
        candidates = Shipment.objects.for_org(organization).filter(tracking_number=number)
        if event.carrier:
            candidates = candidates.filter(carrier__in=[event.carrier, Carrier.OTHER])
        shipment = (
            candidates.select_for_update(of=("self",)).select_related("collaboration")
            .order_by("-created_at").first()
        )  # fmt: skip
        if shipment is None:
            outcomes.append(_log(organization, endpoint, event, WebhookOutcome.UNKNOWN_TRACKING,
                                 detail="No shipment has this tracking number."))  # fmt: skip
            continue
        if (
            ShipmentEvent.objects.for_org(organization)
            .filter(shipment=shipment, external_id=event.event_id)
            .exists()
        ):
            outcomes.append(_log(organization, endpoint, event, WebhookOutcome.DUPLICATE, shipment))
            continue
        if event.status is None:
            outcomes.append(_log(organization, endpoint, event, WebhookOutcome.IGNORED, shipment,
                                 "Not a delivery-status event."))  # fmt: skip
            continue
        try:
            # A savepoint: two redeliveries racing each other meet at the unique
            # constraint; the second is a duplicate, not an error.
            with transaction.atomic():
                recorded = _apply(
                    organization, shipment, status=event.status, source=EventSource.WEBHOOK,
                    at=event.at, message=event.message, location=event.location,
                    external_id=event.event_id,
                )  # fmt: skip
        except IntegrityError:
            outcomes.append(_log(organization, endpoint, event, WebhookOutcome.DUPLICATE, shipment))
            continue
        outcomes.append(_log(
            organization, endpoint, event, WebhookOutcome.APPLIED, shipment,
            "" if recorded.applied else
            f"Kept in the history; the shipment stays {shipment.get_status_display().lower()}.",
        ))  # fmt: skip
    TrackingWebhookEndpoint.objects.for_org(organization).filter(pk=endpoint.pk).update(
        last_received_at=timezone.now()
    )
    return outcomes


# --- the seeding nudge ---------------------------------------------------------------------


@transaction.atomic
def campaign_nudge_days_set(*, organization: Organization, campaign: Campaign, days) -> Campaign:
    same_org(organization, campaign)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"seeding_nudge_days": "Give a number of days."}) from None
    if not 1 <= days <= 90:
        raise ValidationError({"seeding_nudge_days": "Between 1 and 90 days."})
    campaign.seeding_nudge_days = days
    campaign.save(update_fields=["seeding_nudge_days", "updated_at"])
    return campaign


def _nudge_due(organization: Organization, now: datetime.datetime) -> list[Shipment]:
    before_review = [s for s in pipeline.FORWARD
                     if pipeline.rank(s) < pipeline.rank(Stage.CONTENT_IN_REVIEW)]  # fmt: skip
    rows = (
        Shipment.objects.for_org(organization)
        .filter(status=ShipmentStatus.DELIVERED, delivered_at__isnull=False,
                nudges__isnull=True, collaboration__stage__in=before_review)
        .select_related("collaboration__campaign", "collaboration__creator")
        .order_by("delivered_at", "id")
    )  # fmt: skip
    return [
        s
        for s in rows
        if s.delivered_at + datetime.timedelta(days=s.collaboration.campaign.seeding_nudge_days)
        <= now
    ]


@transaction.atomic
def seeding_nudges_send(*, organization: Organization, now: datetime.datetime | None = None) -> int:
    """Remind creators whose product was delivered N days ago (N per campaign) and whose
    collaboration has not reached content in review: one email per shipment, ever (the
    unique constraint holds it if two runs overlap). Each email carries a fresh portal
    link. Returns how many were queued."""
    from campaigns.shipping.tasks import send_seeding_nudge_task

    now = now or timezone.now()
    sent = 0
    for shipment in _nudge_due(organization, now):
        creator = shipment.collaboration.creator
        if not creator.email:
            continue  # nowhere to send it; the funnel still shows the creator as waiting
        try:
            with transaction.atomic():
                nudge = ShipmentNudge.objects.create(
                    organization=organization, shipment=shipment, sent_at=now,
                    to_email=creator.email,
                )  # fmt: skip
        except IntegrityError:
            continue  # another run sent it
        _token, raw = portal_token_issue(organization=organization, creator=creator,
                                         issued_by=None)  # fmt: skip
        # The raw token exists only here and in the email; the database keeps its hash.
        send_seeding_nudge_task.delay_on_commit(organization.pk, nudge.pk, raw)
        sent += 1
    return sent


def seeding_nudge_email_send(*, organization: Organization, nudge_id: int, raw_token: str) -> None:
    """Send one nudge email. Run by the worker, inside the organization's context."""
    nudge = (
        ShipmentNudge.objects.for_org(organization)
        .select_related("shipment__collaboration__campaign", "shipment__collaboration__creator")
        .get(pk=nudge_id)
    )  # fmt: skip
    collaboration = nudge.shipment.collaboration
    context = {
        "organization": organization,
        "creator": collaboration.creator,
        "campaign": collaboration.campaign,
        "shipment": nudge.shipment,
        "url": portal_link(raw_token=raw_token),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"How is {collaboration.campaign.name} going? ({organization.name})",
        body=render_to_string("campaigns/emails/seeding_nudge.txt", context),
        to=[nudge.to_email],
    )
    message.attach_alternative(
        render_to_string("campaigns/emails/seeding_nudge.html", context), "text/html"
    )
    message.send()
