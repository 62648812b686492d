"""Reads for shipping: the creator's address, shipments with their items and history,
the seeding funnel, and the tracking webhook's endpoints and log. Each takes the
organization first and returns its rows only; the one platform-level read (finding a
webhook endpoint by its public id) says so."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from campaigns import pipeline
from campaigns.models import (
    Campaign,
    Collaboration,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
    ShippingAddress,
    StageChange,
    TrackingWebhookEndpoint,
    TrackingWebhookLog,
)
from campaigns.pipeline import Stage
from creators.models import Creator
from kolhub.models import Organization
from kolhub.tenancy.context import dangerously_unscoped


def address_queryset(*, organization: Organization) -> QuerySet[ShippingAddress]:
    return ShippingAddress.objects.for_org(organization).select_related("creator")


def address_get(*, organization: Organization, creator: Creator) -> ShippingAddress | None:
    return ShippingAddress.objects.for_org(organization).filter(creator=creator).first()


def shipment_queryset(*, organization: Organization) -> QuerySet[Shipment]:
    """Shipments with their collaboration, creator, items (and products) and history."""
    return (
        Shipment.objects.for_org(organization)
        .select_related("collaboration__creator", "collaboration__campaign", "created_by")
        .prefetch_related(
            "items__product",
            Prefetch("events", queryset=ShipmentEvent.objects.for_org(organization)
                     .select_related("by").order_by("at", "id")),
        )
        .order_by("-created_at", "-id")
    )  # fmt: skip


def shipment_get(
    *, organization: Organization, shipment_id: int, collaboration: Collaboration | None = None
) -> Shipment:
    queryset = shipment_queryset(organization=organization)
    if collaboration is not None:
        queryset = queryset.filter(collaboration=collaboration)
    return queryset.get(pk=shipment_id)


def collaboration_shipments(
    *, organization: Organization, collaboration: Collaboration
) -> list[Shipment]:
    return list(shipment_queryset(organization=organization).filter(collaboration=collaboration))


def shipment_event_queryset(*, organization: Organization) -> QuerySet[ShipmentEvent]:
    return ShipmentEvent.objects.for_org(organization).select_related("by", "shipment")


@dataclass(frozen=True)
class SeedingFunnel:
    """Collaborations of a campaign at each step of seeding: product shipped (a parcel
    left), delivered (one arrived), content posted (of those delivered, the ones that
    reached published). METRICS.md defines no seeding rate, so the funnel shows counts;
    `waiting` is delivered with no content in review yet (the nudge's audience)."""

    shipped: int
    delivered: int
    posted: int
    waiting: int
    nudged: int
    nudge_days: int


def seeding_funnel(*, organization: Organization, campaign: Campaign) -> SeedingFunnel:
    shipments = list(
        Shipment.objects.for_org(organization)
        .filter(collaboration__campaign=campaign, shipped_at__isnull=False)
        .values_list("collaboration_id", "status", "collaboration__stage", "nudges__id")
    )  # fmt: skip
    shipped = {row[0] for row in shipments}
    delivered = {row[0] for row in shipments if row[1] == ShipmentStatus.DELIVERED}
    stage = {row[0]: row[2] for row in shipments}
    # Posted: reached published at some point (history), so a later paid or cancelled
    # collaboration still counts the content it posted.
    published = set(
        StageChange.objects.for_org(organization)
        .filter(collaboration_id__in=delivered, to_stage=Stage.PUBLISHED)
        .values_list("collaboration_id", flat=True)
    )
    review = pipeline.rank(Stage.CONTENT_IN_REVIEW)
    waiting = {c for c in delivered if 0 <= pipeline.rank(stage[c]) < review}
    return SeedingFunnel(
        shipped=len(shipped), delivered=len(delivered), posted=len(published),
        waiting=len(waiting), nudged=len({row[0] for row in shipments if row[3]}),
        nudge_days=campaign.seeding_nudge_days,
    )  # fmt: skip


def tracking_endpoint_list(*, organization: Organization) -> list[TrackingWebhookEndpoint]:
    return list(TrackingWebhookEndpoint.objects.for_org(organization).order_by("provider"))


def tracking_endpoint_find(*, provider: str, public_id: str) -> TrackingWebhookEndpoint | None:
    """The endpoint a webhook URL names. Platform-level: the URL is what tells us the
    organization (like a portal token's hash), so this one lookup runs unscoped; the
    caller then enters that organization's tenant context for everything else."""
    if not public_id.isalnum() or len(public_id) > 32:
        return None
    with dangerously_unscoped():
        return (
            TrackingWebhookEndpoint.objects.filter(provider=provider, public_id=public_id)
            .select_related("organization")
            .first()
        )


def webhook_log_list(*, organization: Organization, limit: int = 20) -> list[TrackingWebhookLog]:
    return list(
        TrackingWebhookLog.objects.for_org(organization)
        .select_related("endpoint", "shipment")
        .order_by("-received_at", "-id")[:limit]
    )
