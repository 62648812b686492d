"""Reads for store connections: the settings page and the API (scoped), and the two
platform-level lookups that must find a connection before they know its organization
(the webhook URL's public id, beat's due pulls)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from kolhub.models import Organization
from kolhub.tenancy.context import dangerously_unscoped
from tracking.models import (
    ConnectionStatus,
    StoreConnection,
    StoreDiscount,
    StoreOrderError,
    WebhookDelivery,
)


def store_connection_queryset(*, organization: Organization) -> QuerySet[StoreConnection]:
    return StoreConnection.objects.for_org(organization)


def store_connection_list(*, organization: Organization) -> list[StoreConnection]:
    return list(store_connection_queryset(organization=organization).order_by("shop_domain"))


def store_connection_get(*, organization: Organization, connection_id: int) -> StoreConnection:
    """Raises StoreConnection.DoesNotExist for a missing or another organization's one."""
    return store_connection_queryset(organization=organization).get(pk=connection_id)


def store_order_error_list(
    *, organization: Organization, connection: StoreConnection, limit: int = 50
) -> list[StoreOrderError]:
    return list(StoreOrderError.objects.for_org(organization).filter(connection=connection)[:limit])


def webhook_delivery_list(
    *, organization: Organization, connection: StoreConnection, limit: int = 20
) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.for_org(organization)
        .filter(connection=connection)
        .defer("body")[:limit]
    )


def store_discount_list(
    *, organization: Organization, connection: StoreConnection, limit: int = 50
) -> list[StoreDiscount]:
    return list(
        StoreDiscount.objects.for_org(organization)
        .filter(connection=connection)
        .select_related("promo_code")[:limit]
    )


def store_connection_for_webhook(*, public_id: str) -> StoreConnection | None:
    """The connection a webhook URL names. Platform-level: the URL is what tells us the
    organization, so this one lookup runs unscoped; the caller verifies the signature and
    then enters that organization's tenant context for everything else."""
    if not public_id.isalnum() or len(public_id) > 32:
        return None
    with dangerously_unscoped():
        return (
            StoreConnection.objects.filter(public_id=public_id)
            .exclude(status=ConnectionStatus.DISCONNECTED)
            .select_related("organization")
            .first()
        )


def store_connections_due() -> list[tuple[int, int]]:
    """(organization id, connection id) of every connection beat should pull now: active
    ones, and retrying ones whose backoff has run out. FAILED ones wait for a person."""
    with dangerously_unscoped():
        return list(
            StoreConnection.objects.filter(
                Q(status=ConnectionStatus.ACTIVE)
                | Q(status=ConnectionStatus.RETRYING, next_attempt_at__lte=timezone.now())
                | Q(status=ConnectionStatus.RETRYING, next_attempt_at__isnull=True)
            )
            .order_by("organization_id", "pk")
            .values_list("organization_id", "pk")
        )
