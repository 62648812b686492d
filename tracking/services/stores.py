"""Store connections (Shopify): connect and disconnect, the incremental order pull, the
webhooks and the discount-code sync. Every order, from a pull or a webhook, is recorded
through `conversion_record`, the one recording path.

The pull commits page by page: a page's orders and the high-water mark move together in
one transaction, so a worker killed mid-pull leaves the mark at the last committed page
and the next run reads from there (conversion_record's idempotency makes the re-read
harmless). An order that cannot be recorded becomes a StoreOrderError line and the batch
goes on. A refused token stops the connection at once (FAILED: a person must reconnect);
any other error backs off exponentially (RETRYING, next_attempt_at) until
SHOPIFY_MAX_FAILURES, then FAILED."""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.shipping.secrets import secret_decrypt, secret_encrypt
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context
from tracking.connectors.shopify import (
    ShopifyAuthError,
    ShopifyClient,
    ShopifyError,
    discount_input,
    gid,
    order_from_graphql,
    order_from_rest,
    shop_domain_normalize,
)
from tracking.models import (
    ConnectionStatus,
    PromoCode,
    StoreConnection,
    StoreDiscount,
    StoreDiscountStatus,
    StoreKind,
    StoreOrderError,
    WebhookDelivery,
)
from tracking.services.conversions import ConversionInput, ConversionInvalid, conversion_record

logger = logging.getLogger("tracking.stores")

# Connections we talk to (a failed or disconnected one waits for a person).
CONNECTED = (ConnectionStatus.ACTIVE, ConnectionStatus.RETRYING)
ORDER_TOPICS = ("orders/create", "orders/updated")
REFUND_TOPICS = ("refunds/create",)
WEBHOOK_TOPICS = ORDER_TOPICS + REFUND_TOPICS
Sleep = Callable[[float], None]


# --- connecting ------------------------------------------------------------------------------


@transaction.atomic
def store_connect(
    *,
    organization: Organization,
    shop_domain: str,
    access_token: str,
    webhook_secret: str,
    sync_discount_codes: bool = False,
    by=None,
) -> StoreConnection:
    """Connect a Shopify store, or reconnect it with new credentials (which also lifts a
    FAILED or DISCONNECTED state). The token and the secret are stored encrypted; the pull
    resumes from the store's high-water mark."""
    errors: dict[str, str] = {}
    try:
        domain = shop_domain_normalize(shop_domain)
    except ValueError as error:
        errors["shop_domain"] = str(error)
    token, secret = (access_token or "").strip(), (webhook_secret or "").strip()
    if not token or len(token) > 255 or any(c.isspace() for c in token):
        errors["access_token"] = "Paste the Admin API access token (shpat_...) of the store's app."
    if not secret or len(secret) > 255:
        errors["webhook_secret"] = "Paste the app's API secret key: it signs the webhooks."
    if errors:
        raise ValidationError(errors)
    fields = {
        "access_token_encrypted": secret_encrypt(token),
        "webhook_secret_encrypted": secret_encrypt(secret),
        "sync_discount_codes": sync_discount_codes,
        "status": ConnectionStatus.ACTIVE,
        "failures": 0,
        "last_error": "",
        "next_attempt_at": None,
    }
    connection = (
        StoreConnection.objects.for_org(organization)
        .select_for_update()
        .filter(kind=StoreKind.SHOPIFY, shop_domain=domain)
        .first()
    )
    if connection is None:
        connection = StoreConnection(
            organization=organization, kind=StoreKind.SHOPIFY, shop_domain=domain,
            public_id=secrets.token_hex(16), created_by=by, **fields,
        )  # fmt: skip
    else:
        for key, value in fields.items():
            setattr(connection, key, value)
    connection.full_clean(exclude=["organization", "created_by"], validate_constraints=False)
    connection.save()
    store_discounts_reconcile(organization=organization, connection=connection)
    return connection


@transaction.atomic
def store_disconnect(*, organization: Organization, connection: StoreConnection) -> StoreConnection:
    """Stop pulling and refuse its webhooks. The credentials are erased, not kept around
    for a store we no longer read; the recorded orders stay."""
    _same_org(organization, connection)
    connection.status = ConnectionStatus.DISCONNECTED
    connection.access_token_encrypted = ""
    connection.webhook_secret_encrypted = ""
    connection.next_attempt_at = None
    connection.save()
    return connection


@transaction.atomic
def store_sync_set(
    *, organization: Organization, connection: StoreConnection, sync_discount_codes: bool
) -> StoreConnection:
    _same_org(organization, connection)
    turned_on = sync_discount_codes and not connection.sync_discount_codes
    connection.sync_discount_codes = sync_discount_codes
    connection.save(update_fields=["sync_discount_codes"])
    if turned_on:
        store_discounts_reconcile(organization=organization, connection=connection)
    return connection


def store_pull_request(*, organization: Organization, connection: StoreConnection) -> None:
    """ "Pull now": enqueued once the request commits. A person asked, so it runs even on
    a connection that stopped retrying by itself."""
    _same_org(organization, connection)
    if connection.status == ConnectionStatus.DISCONNECTED:
        raise ValidationError("This store is disconnected: connect it again first.")
    from tracking.connectors.tasks import pull_store_orders_task

    org_id, connection_id = organization.pk, connection.pk
    transaction.on_commit(lambda: pull_store_orders_task.delay(org_id, connection_id, True))


def _same_org(organization: Organization, *objects) -> None:
    for obj in objects:
        if obj.organization_id != organization.pk:
            raise ValidationError("Not found.")


def _client(connection: StoreConnection, sleep: Sleep) -> ShopifyClient:
    stored = connection.access_token_encrypted
    token = secret_decrypt(stored) if stored else None
    if not token:
        # Encrypted under another SECRET_KEY, or erased by a disconnect.
        raise ShopifyAuthError("The stored access token cannot be read: reconnect the store.")
    return ShopifyClient(
        shop_domain=connection.shop_domain, access_token=token,
        api_version=connection.api_version, sleep=sleep,
    )  # fmt: skip


# --- recording one order ---------------------------------------------------------------------


def _order_record(
    organization: Organization,
    connection: StoreConnection,
    parse: Callable[[], ConversionInput],
    *,
    external_id: str,
    name: str,
    origin: str,
) -> str:
    """Record one order; an order that cannot be recorded becomes an error line instead of
    stopping its batch (and its "field: reason" is returned; "" when recorded). Runs inside
    the caller's transaction."""
    try:
        data = parse()
        conversion_record(organization=organization, data=data)
    except ConversionInvalid as invalid:
        StoreOrderError.objects.for_org(organization).update_or_create(
            organization=organization, connection=connection, external_id=external_id[:120],
            defaults={"name": name[:60], "field": invalid.field[:60],
                      "reason": invalid.reason[:300], "origin": origin, "seen_at": timezone.now()},
        )  # fmt: skip
        return str(invalid)
    # A later, good version of an order clears the line its bad version left.
    StoreOrderError.objects.for_org(organization).filter(
        connection=connection, external_id=data.external_id
    ).delete()
    return ""


# --- the pull --------------------------------------------------------------------------------


@dataclass
class PullSummary:
    pages: int = 0
    recorded: int = 0
    invalid: int = 0
    status: str = ""
    skipped: str = ""
    error: str = ""
    queries: list[str | None] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"pages": self.pages, "recorded": self.recorded, "invalid": self.invalid,
                "status": self.status, "skipped": self.skipped, "error": self.error}  # fmt: skip


def _pull_skip_reason(connection: StoreConnection, *, manual: bool) -> str:
    if connection.status == ConnectionStatus.DISCONNECTED:
        return "disconnected"
    if manual:
        return ""
    if connection.status == ConnectionStatus.FAILED:
        return "failed: waits for a person"
    if (
        connection.status == ConnectionStatus.RETRYING
        and connection.next_attempt_at
        and connection.next_attempt_at > timezone.now()
    ):
        return "backing off"
    return ""


def _updated_at(node: Mapping[str, Any]) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(node.get("updatedAt")))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def store_pull(
    *,
    organization: Organization,
    connection_id: int,
    manual: bool = False,
    sleep: Sleep = time.sleep,
) -> PullSummary:
    """Pull the orders updated since the connection's high-water mark, page by page.

    Called outside a transaction (a TenantBatchTask): each page commits in its own
    tenant_context, with the mark moved forward in the same transaction."""
    summary = PullSummary()
    with tenant_context(organization):
        connection = StoreConnection.objects.for_org(organization).get(pk=connection_id)
        summary.skipped = _pull_skip_reason(connection, manual=manual)
        if summary.skipped:
            summary.status = connection.status
            return summary
    since = connection.orders_high_water
    cursor: str | None = None
    try:
        client = _client(connection, sleep)
        while True:
            page = client.orders_page(
                updated_since=since, after=cursor, first=settings.SHOPIFY_PAGE_SIZE
            )
            summary.pages += 1
            with tenant_context(organization):
                for node in page.orders:
                    problem = _order_record(
                        organization, connection,
                        lambda node=node: order_from_graphql(node, connection_id=connection.pk),
                        external_id=str(node.get("id") or ""), name=str(node.get("name") or ""),
                        origin="pull",
                    )  # fmt: skip
                    summary.recorded += not problem
                    summary.invalid += bool(problem)
                _high_water_advance(organization, connection, page.orders)
            if not page.has_next_page or not page.end_cursor:
                break
            cursor = page.end_cursor
    except ShopifyAuthError as refused:
        summary.error = str(refused)
        _pull_failed(organization, connection, str(refused), final=True)
    except ShopifyError as error:
        summary.error = str(error)
        _pull_failed(organization, connection, str(error), final=False)
    else:
        with tenant_context(organization):
            StoreConnection.objects.for_org(organization).filter(pk=connection.pk).update(
                status=ConnectionStatus.ACTIVE, failures=0, last_error="",
                next_attempt_at=None, last_pulled_at=timezone.now(),
            )  # fmt: skip
    with tenant_context(organization):
        summary.status = StoreConnection.objects.for_org(organization).get(pk=connection.pk).status
    return summary


def _high_water_advance(organization: Organization, connection: StoreConnection, orders) -> None:
    moments = [m for m in (_updated_at(node) for node in orders) if m is not None]
    if not moments:
        return
    newest = max(moments)
    # Only forward: a concurrent pull (beat and "pull now") may have moved it further.
    scoped = StoreConnection.objects.for_org(organization).filter(pk=connection.pk)
    scoped.filter(orders_high_water__isnull=True).update(orders_high_water=newest)
    scoped.filter(orders_high_water__lt=newest).update(orders_high_water=newest)


def _pull_failed(
    organization: Organization, connection: StoreConnection, message: str, *, final: bool
) -> None:
    with tenant_context(organization):
        current = (
            StoreConnection.objects.for_org(organization).select_for_update().get(pk=connection.pk)
        )
        current.failures += 1
        current.last_error = message[:2000]
        if final or current.failures >= settings.SHOPIFY_MAX_FAILURES:
            current.status = ConnectionStatus.FAILED
            current.next_attempt_at = None
        else:
            current.status = ConnectionStatus.RETRYING
            # 1, 2, 4, 8... minutes: a brief outage costs little, a long one few requests.
            delay = datetime.timedelta(minutes=2 ** (current.failures - 1))
            current.next_attempt_at = timezone.now() + delay
        current.save(update_fields=["failures", "last_error", "status", "next_attempt_at"])
    logger.warning(
        "store pull failed for organization %s connection %s (%s): %s",
        organization.pk, connection.pk, current.status, message,
    )  # fmt: skip


# --- webhooks --------------------------------------------------------------------------------


@transaction.atomic
def webhook_delivery_receive(
    *,
    organization: Organization,
    connection: StoreConnection,
    webhook_id: str,
    topic: str,
    body: Any,
) -> tuple[WebhookDelivery, bool]:
    """Keep a (verified) webhook and queue its processing; a replay of the same
    X-Shopify-Webhook-Id is counted, not processed again. Returns (delivery, is_new)."""
    _same_org(organization, connection)
    delivery, created = WebhookDelivery.objects.for_org(organization).get_or_create(
        organization=organization, webhook_id=webhook_id,
        defaults={"connection": connection, "topic": topic, "received_at": timezone.now(),
                  "body": body},
    )  # fmt: skip
    if not created:
        WebhookDelivery.objects.for_org(organization).filter(pk=delivery.pk).update(
            replays=F("replays") + 1
        )
        return delivery, False
    from tracking.connectors.tasks import process_webhook_delivery_task

    org_id, delivery_id = organization.pk, delivery.pk
    transaction.on_commit(lambda: process_webhook_delivery_task.delay(org_id, delivery_id))
    return delivery, True


@transaction.atomic
def webhook_delivery_process(
    *, organization: Organization, delivery_id: int, sleep: Sleep = time.sleep
) -> WebhookDelivery:
    """Record what a delivery says. Idempotent: a processed delivery is left alone."""
    delivery = (
        WebhookDelivery.objects.for_org(organization)
        .select_for_update()
        .select_related("connection")
        .get(pk=delivery_id)
    )
    if delivery.processed_at is not None:
        return delivery
    connection, body = delivery.connection, delivery.body
    outcome, error = "recorded", ""
    if delivery.topic in ORDER_TOPICS:
        error = _order_record(
            organization, connection,
            lambda: order_from_rest(body, connection_id=connection.pk, topic=delivery.topic),
            external_id=gid("Order", body.get("admin_graphql_api_id") or body.get("id")),
            name=str(body.get("name") or ""), origin=delivery.topic,
        )  # fmt: skip
        outcome = "invalid" if error else "recorded"
    elif delivery.topic in REFUND_TOPICS:
        outcome, error = _refund_delivery(organization, connection, body, sleep)
    else:
        outcome = "ignored"
    delivery.processed_at = timezone.now()
    delivery.outcome, delivery.error = outcome, error[:2000]
    delivery.save(update_fields=["processed_at", "outcome", "error"])
    return delivery


def _refund_delivery(
    organization: Organization, connection: StoreConnection, body: Mapping, sleep: Sleep
) -> tuple[str, str]:
    """A refunds/create body names its order but not the order's totals, journey or other
    refunds: read the whole order from the store and record that, so a refund arriving
    before its order (or alone) still lands on a complete conversion."""
    order_id = gid("Order", body.get("order_id"))
    if not order_id:
        return "invalid", "the refund names no order_id"
    try:
        node = _client(connection, sleep).order_get(order_id)
    except ShopifyError as error:
        # The next pull reads the order anyway (a refund moves its updated_at).
        return "deferred to the pull", str(error)
    if node is None:
        return "order not found", f"{order_id} is not in the store"
    problem = _order_record(
        organization, connection, lambda: order_from_graphql(node, connection_id=connection.pk),
        external_id=order_id, name=str(node.get("name") or ""), origin="refunds/create",
    )  # fmt: skip
    return ("invalid" if problem else "recorded"), problem


# --- discount codes in the store -------------------------------------------------------------


def _sync_after_commit(organization: Organization, discount_ids: list[int]) -> None:
    """Queue each discount's sync with the store once the transaction commits."""
    from tracking.connectors.tasks import sync_store_discount_task

    org_id = organization.pk
    for discount_id in discount_ids:
        transaction.on_commit(
            lambda discount_id=discount_id: sync_store_discount_task.delay(org_id, discount_id)
        )


def store_discounts_schedule(
    *, organization: Organization, promo_code: PromoCode
) -> list[StoreDiscount]:
    """Called in the transaction that creates a promo code: for each connected store that
    syncs discount codes, a pending StoreDiscount and a task queued after the commit."""
    connections = StoreConnection.objects.for_org(organization).filter(
        sync_discount_codes=True, status__in=CONNECTED
    )
    made = []
    for connection in connections:
        discount, _ = StoreDiscount.objects.for_org(organization).get_or_create(
            organization=organization, connection=connection, promo_code=promo_code
        )
        made.append(discount)
    _sync_after_commit(organization, [d.pk for d in made])
    return made


def store_discounts_reconcile(
    *, organization: Organization, connection: StoreConnection
) -> list[StoreDiscount]:
    """Called in the transaction that connects a store (or reconnects it) or turns its
    code sync on. With the sync on, the organization's active codes made before are added
    too, not only the codes created from now on. Whatever the switch, a discount whose
    code was switched off or on while the store could not be reached is queued to follow
    it. A refused code is left to its retry button."""
    if connection.status not in CONNECTED:
        return []
    discounts = StoreDiscount.objects.for_org(organization).filter(connection=connection)
    if connection.sync_discount_codes:
        missing = (
            PromoCode.objects.for_org(organization)
            .filter(is_active=True)
            .exclude(pk__in=discounts.values("promo_code_id"))
        )
        StoreDiscount.objects.bulk_create(
            [
                StoreDiscount(organization=organization, connection=connection, promo_code_id=pk)
                for pk in missing.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
    out_of_step = list(
        discounts.filter(
            Q(status=StoreDiscountStatus.PENDING)
            | Q(status=StoreDiscountStatus.CREATED, promo_code__is_active=False)
            | Q(status=StoreDiscountStatus.DEACTIVATED, promo_code__is_active=True)
        )
    )
    _sync_after_commit(organization, [d.pk for d in out_of_step])
    return out_of_step


def store_discounts_follow(*, organization: Organization, promo_code: PromoCode) -> int:
    """Called in the transaction that activates or deactivates a promo code: every
    connected store that holds it as a discount is brought in line after the commit, so
    a code switched off here stops working at checkout too (whether or not that store
    still syncs new codes). Returns how many syncs were queued."""
    discounts = StoreDiscount.objects.for_org(organization).filter(
        promo_code=promo_code, connection__status__in=CONNECTED
    )
    ids = list(discounts.values_list("pk", flat=True))
    _sync_after_commit(organization, ids)
    return len(ids)


@transaction.atomic
def store_discount_retry(
    *, organization: Organization, connection: StoreConnection, store_discount_id: int
) -> StoreDiscount:
    """Ask the store again for a code it refused (or that failed on the way): the code is
    set back to pending and a sync is queued after the commit. Only failed codes, and
    only while the store is connected."""
    _same_org(organization, connection)
    discount = (
        StoreDiscount.objects.for_org(organization)
        .select_for_update()
        .get(pk=store_discount_id, connection=connection)
    )
    if discount.status != StoreDiscountStatus.FAILED:
        raise ValidationError(
            f"{discount.promo_code.code} is {discount.get_status_display().lower()}: only a"
            " failed code is retried."
        )
    if connection.status not in CONNECTED:
        raise ValidationError("This store is not connected: connect it again first.")
    discount.status, discount.errors = StoreDiscountStatus.PENDING, ""
    discount.save(update_fields=["status", "errors", "updated_at"])
    _sync_after_commit(organization, [discount.pk])
    return discount


@transaction.atomic
def store_discount_sync(
    *, organization: Organization, store_discount_id: int, sleep: Sleep = time.sleep
) -> StoreDiscount:
    """Bring the store's discount in line with the promo code: an active code is created
    (discountCodeBasicCreate, keeping the store's discount id) or switched back on
    (discountCodeActivate); an inactive one is switched off (discountCodeDeactivate).
    Failures are kept on the row for the retry button. Idempotent: a discount already in
    the wanted state is not sent again."""
    discount = (
        StoreDiscount.objects.for_org(organization)
        .select_for_update()
        .select_related("connection", "promo_code__collaboration__creator",
                        "promo_code__collaboration__campaign")
        .get(pk=store_discount_id)
    )  # fmt: skip
    promo = discount.promo_code
    wanted = StoreDiscountStatus.CREATED if promo.is_active else StoreDiscountStatus.DEACTIVATED
    if discount.status == wanted:
        return discount
    if not promo.is_active and not discount.store_discount_id:
        # Never made in the store (still pending, or refused): nothing there to switch off,
        # and nothing is created for a code that is off.
        discount.status, discount.errors = StoreDiscountStatus.DEACTIVATED, ""
        discount.save()
        return discount
    discount.attempts += 1
    try:
        client = _client(discount.connection, sleep)
        if discount.store_discount_id:
            errors = client.discount_code_active_set(
                discount.store_discount_id, active=promo.is_active
            )
        else:
            errors = _discount_create(client, discount, promo)
    except (ValueError, ShopifyError) as error:
        errors = [str(error)]
    if errors:
        discount.status, discount.errors = StoreDiscountStatus.FAILED, "; ".join(errors)
    else:
        discount.status, discount.errors = wanted, ""
    discount.save()
    return discount


def _discount_create(client: ShopifyClient, discount: StoreDiscount, promo: PromoCode) -> list[str]:
    """discountCodeBasicCreate; the store's discount id is kept on the row (it is what
    deactivating the code later needs). Returns the errors."""
    collaboration = promo.collaboration
    wanted = discount_input(
        title=f"{promo.code} · {collaboration.creator.name} · {collaboration.campaign.name}",
        code=promo.code, starts_at=timezone.now(), kind=promo.discount_kind,
        value=promo.discount_value,
    )  # fmt: skip
    result = client.discount_code_create(wanted)
    if result.errors or not result.discount_id:
        return result.errors or ["the store returned no discount id"]
    discount.store_discount_id = result.discount_id
    return []
