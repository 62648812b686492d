"""Shopify webhooks at /hooks/shopify/<public_id>/: the HMAC (checked on the raw body
before anything is read), deduplication by X-Shopify-Webhook-Id, malformed bodies, and
processing by the (eager) task through conversion_record."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
from decimal import Decimal

import pytest
from django.test import Client

from tracking.connectors.shopify import webhook_signature_valid
from tracking.models import AttributionEntry, Conversion, StoreOrderError, WebhookDelivery
from tracking.services.stores import store_pull

from .shopify_server import order_node, order_refund, refund_node
from .test_shopify_pull import at, connect, creator_code, credited, pull, refund_entries

SECRET = "app-secret"


def test_signature_matches_the_documented_hmac_sha256_example():
    # RFC 4231 test case 2 (HMAC-SHA256, key "Jefe"), base64-encoded as Shopify sends it.
    digest = bytes.fromhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    header = base64.b64encode(digest).decode()
    assert header == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
    assert webhook_signature_valid(b"what do ya want for nothing?", "Jefe", header)
    assert not webhook_signature_valid(b"what do ya want for nothing!", "Jefe", header)
    assert not webhook_signature_valid(b"what do ya want for nothing?", "jefe", header)
    assert not webhook_signature_valid(b"what do ya want for nothing?", "Jefe", None)
    assert not webhook_signature_valid(b"what do ya want for nothing?", "", header)


def rest_order(n: int = 1, **extra) -> dict:
    body = {
        "id": 1000 + n, "admin_graphql_api_id": f"gid://shopify/Order/{1000 + n}",
        "name": f"#{1000 + n}", "created_at": "2026-11-20T10:00:00-05:00",
        "updated_at": "2026-11-20T10:05:00-05:00", "cancelled_at": None, "currency": "EUR",
        "total_price": "59.90", "subtotal_price": "50.00", "total_tax": "9.90",
        "taxes_included": False, "current_total_price": "59.90",
        "current_subtotal_price": "50.00", "current_total_tax": "9.90", "discount_codes": [{"code": "zebra10", "amount": "5.00",
                                                         "type": "percentage"}],
        "landing_site": "/products/serum?utm_source=tiktok&utm_medium=kol&kh_click=clk9",
        "referring_site": "https://www.tiktok.com/",
        "customer": {"id": 555, "orders_count": 1},
        "shipping_address": {"country_code": "FR"}, "refunds": [],
    }  # fmt: skip
    body.update(extra)
    return body


def sign(raw: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def post(connection, body, *, topic="orders/create", webhook_id="wh-1", signature=None,
         raw: bytes | None = None):  # fmt: skip
    raw = raw if raw is not None else json.dumps(body).encode()
    headers = {"HTTP_X_SHOPIFY_TOPIC": topic, "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id,
               "HTTP_X_SHOPIFY_SHOP_DOMAIN": connection.shop_domain}  # fmt: skip
    if signature is not False:
        headers["HTTP_X_SHOPIFY_HMAC_SHA256"] = signature or sign(raw)
    return Client().post(f"/hooks/shopify/{connection.public_id}/", raw,
                         content_type="application/json", **headers)  # fmt: skip


def test_a_signed_order_is_kept_and_recorded_by_the_worker(
    tenant_a, django_capture_on_commit_callbacks
):
    connection = connect(tenant_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(connection, rest_order())
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "queued" and len(callbacks) == 1
    with tenant_a.context():
        delivery = WebhookDelivery.objects.get()
        conversion = Conversion.objects.get()
    assert (delivery.topic, delivery.outcome, delivery.replays) == ("orders/create", "recorded", 0)
    assert delivery.processed_at is not None
    assert conversion.external_id == "gid://shopify/Order/1001"
    assert (conversion.total, conversion.currency) == (Decimal("59.90"), "EUR")
    assert conversion.discount_codes == ["ZEBRA10"] and conversion.click_id == "clk9"
    assert (conversion.utm_source, conversion.utm_medium) == ("tiktok", "kol")
    assert conversion.shipping_country == "FR" and conversion.customer_order_index == 1


def test_a_webhook_replayed_ten_times_is_counted_once(tenant_a, django_capture_on_commit_callbacks):
    connection = connect(tenant_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcomes = [post(connection, rest_order(), webhook_id="wh-same").json()["outcome"]
                    for _ in range(10)]  # fmt: skip
    assert outcomes == ["queued"] + ["replay"] * 9
    assert len(callbacks) == 1  # processed once
    with tenant_a.context():
        delivery = WebhookDelivery.objects.get()
        assert delivery.replays == 9
        assert Conversion.objects.count() == 1


@pytest.mark.parametrize("signature", [False, "bm90IHRoZSBzaWduYXR1cmU=", "not base64 at all"])
def test_a_bad_or_missing_signature_is_401_logged_and_writes_nothing(tenant_a, signature, caplog):
    connection = connect(tenant_a)
    with caplog.at_level(logging.WARNING, logger="tracking.shopify_webhook"):
        response = post(connection, rest_order(), signature=signature)
    assert response.status_code == 401
    assert any("bad or missing signature" in r.getMessage() for r in caplog.records)
    with tenant_a.context():
        assert not WebhookDelivery.objects.exists() and not Conversion.objects.exists()


def test_a_body_signed_with_another_secret_is_refused(tenant_a):
    connection = connect(tenant_a)
    raw = json.dumps(rest_order()).encode()
    assert post(connection, None, raw=raw, signature=sign(raw, "other")).status_code == 401


def test_malformed_json_is_400_after_the_signature(tenant_a):
    connection = connect(tenant_a)
    for raw in (b"{not json", b'["a list"]', b"\xff\xfe"):
        response = post(connection, None, raw=raw)
        assert response.status_code == 400, raw
    with tenant_a.context():
        assert not WebhookDelivery.objects.exists()


def test_missing_webhook_id_is_400_and_unknown_store_is_404(tenant_a):
    connection = connect(tenant_a)
    assert post(connection, rest_order(), webhook_id="").status_code == 400
    raw = json.dumps(rest_order()).encode()
    response = Client().post("/hooks/shopify/nosuchstore/", raw, content_type="application/json",
                             HTTP_X_SHOPIFY_HMAC_SHA256=sign(raw))  # fmt: skip
    assert response.status_code == 404


def test_a_disconnected_store_takes_no_webhooks(tenant_a):
    from tracking.services.stores import store_disconnect

    connection = connect(tenant_a)
    with tenant_a.context():
        store_disconnect(organization=tenant_a.organization, connection=connection)
    assert post(connection, rest_order()).status_code == 404


def test_an_invalid_order_is_an_error_line_not_a_crash(
    tenant_a, django_capture_on_commit_callbacks
):
    connection = connect(tenant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(connection, rest_order(currency="EURO"))
    assert response.status_code == 200
    with tenant_a.context():
        delivery = WebhookDelivery.objects.get()
        line = StoreOrderError.objects.get()
        assert not Conversion.objects.exists()
    assert delivery.outcome == "invalid" and "currency" in delivery.error
    assert (line.field, line.origin, line.name) == ("currency", "orders/create", "#1001")


def test_a_refund_webhook_reads_the_order_from_the_store(
    tenant_a,
    shopify,
    django_capture_on_commit_callbacks,
):
    shopify.orders = [order_node(4, updated_at=at(10), total="80.00",
                                 refunds=[refund_node(71, "30.00", at(9))])]  # fmt: skip
    connection = connect(tenant_a)
    refund = {"id": 71, "order_id": 1004, "created_at": "2026-11-20T10:00:00Z",
              "transactions": [{"id": 1, "kind": "refund", "status": "success",
                                "amount": "30.00", "currency": "USD"}],
              "refund_line_items": []}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = post(connection, refund, topic="refunds/create", webhook_id="wh-refund")
    assert response.status_code == 200
    assert shopify.requests[-1]["variables"] == {"id": "gid://shopify/Order/1004"}
    with tenant_a.context():
        conversion = Conversion.objects.get()
        assert WebhookDelivery.objects.get().outcome == "recorded"
    assert conversion.refunded == Decimal("30.00") and conversion.total == Decimal("80.00")


def test_rest_refunds_in_an_order_webhook_use_the_graphql_ids(
    tenant_a, django_capture_on_commit_callbacks
):
    connection = connect(tenant_a)
    refunds = [{"id": 71, "admin_graphql_api_id": "gid://shopify/Refund/71",
                "created_at": "2026-11-21T10:00:00Z",
                "refund_line_items": [{"quantity": 1, "subtotal": "10.00", "total_tax": "0.00"}],
                "transactions": [{"kind": "refund", "status": "success", "amount": "10.00",
                                  "currency": "EUR"},
                                 {"kind": "refund", "status": "failure", "amount": "99.00",
                                  "currency": "EUR"}]}]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, rest_order(refunds=refunds), topic="orders/updated")
    with tenant_a.context():
        conversion = Conversion.objects.get()
        assert list(conversion.refunds.values_list("external_id", "amount")) == [
            ("gid://shopify/Refund/71", Decimal("10.00"))
        ]


def test_an_order_webhook_credits_pre_tax_revenue_net_of_its_refund_once(
    tenant_a, django_capture_on_commit_callbacks
):
    creator_code(tenant_a, "ZEBRA10")
    connection = connect(tenant_a)
    refund = {"id": 72, "admin_graphql_api_id": "gid://shopify/Refund/72",
              "created_at": "2026-11-21T10:00:00Z",
              "transactions": [{"kind": "refund", "status": "success", "amount": "30.00",
                                "currency": "EUR"}],
              "refund_line_items": [{"quantity": 1, "subtotal": "30.00", "total_tax": "0.00"}]}  # fmt: skip
    # After a $30 return Shopify sends the order with its current amounts down by 30 and
    # the refund listed.
    refunded = rest_order(1, total_price="100.00", subtotal_price="100.00", total_tax="0.00",
                          current_total_price="70.00", current_subtotal_price="70.00",
                          current_total_tax="0.00", refunds=[refund],
                          updated_at="2026-11-21T10:00:00Z")  # fmt: skip
    # Prices with 20% VAT included: items 120.00 (20.00 VAT), shipping 6.00 (1.00 VAT).
    taxed = rest_order(2, total_price="126.00", subtotal_price="120.00", total_tax="21.00",
                       taxes_included=True,
                       shipping_lines=[{"price": "6.00", "tax_lines": [{"price": "1.00"}]}])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, rest_order(1, total_price="100.00", subtotal_price="100.00",
                                    total_tax="0.00"), webhook_id="wh-a")  # fmt: skip
        post(connection, refunded, topic="orders/updated", webhook_id="wh-b")
        post(connection, taxed, webhook_id="wh-c")

    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("70.00")
    assert credited(tenant_a, "gid://shopify/Order/1002") == Decimal("100.00")


def test_new_or_returning_stays_what_it_was_when_the_order_was_placed(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    creator_code(tenant_a, "ZEBRA10")
    connection = connect(tenant_a)
    first = rest_order(1, customer={"id": 555, "orders_count": 1})
    # The customer ordered again; then the first order is fulfilled and Shopify sends it
    # again, with the customer's count as of now.
    later = rest_order(1, customer={"id": 555, "orders_count": 2},
                       updated_at="2026-11-22T09:00:00Z")  # fmt: skip
    # Another order whose orders/create never came: its first delivery is an update.
    unseen = rest_order(2, customer={"id": 556, "orders_count": 3},
                        updated_at="2026-11-22T09:00:00Z")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, first, webhook_id="wh-1")
        post(connection, later, topic="orders/updated", webhook_id="wh-2")
        post(connection, unseen, topic="orders/updated", webhook_id="wh-3")

    def state(order_id):
        with tenant_a.context():
            conversion = Conversion.objects.get(external_id=order_id)
            flags = list(AttributionEntry.objects.filter(conversion=conversion)
                         .values_list("kind", "new_customer"))  # fmt: skip
        return conversion.customer_order_index, flags

    assert state("gid://shopify/Order/1001") == (1, [("credit", True)])
    assert state("gid://shopify/Order/1002")[0] is None

    # The pull reads the same orders with their customerOrderIndex: it agrees with the
    # webhook on the first and fills the second in.
    shopify.orders = [
        order_node(n, updated_at=at(30 + n), customer_id=554 + n, order_index=1,
                   codes=("zebra10",), total="59.90", subtotal="50.00", tax="9.90",
                   currency="EUR")
        for n in (1, 2)
    ]  # fmt: skip
    store_pull(organization=tenant_a.organization, connection_id=connection.pk)
    assert state("gid://shopify/Order/1001")[0] == 1
    assert state("gid://shopify/Order/1002")[0] == 1
    assert state("gid://shopify/Order/1002")[1][-1] == ("credit", True)


def rest_refund(n: int, returned: str, *, items=()) -> dict:
    """A refund in a REST order body as API 2024-10 and later send it: its line items
    (subtotal, total_tax) and the money returned as a successful refund transaction;
    refunded shipping is in the money only (no longer an order adjustment, and refund
    shipping lines are GraphQL only)."""
    return {"id": n, "admin_graphql_api_id": f"gid://shopify/Refund/{n}",
            "created_at": "2026-11-21T10:00:00Z", "order_adjustments": [],
            "refund_line_items": [{"quantity": 1, "restock_type": "return",
                                   "subtotal": subtotal, "total_tax": tax}
                                  for subtotal, tax in items],
            "transactions": [{"kind": "refund", "status": "success", "amount": returned,
                              "currency": "USD"}]}  # fmt: skip


def test_a_refund_in_an_order_webhook_undoes_its_items_before_tax_as_the_pull_does(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    creator_code(tenant_a, "ZEBRA10")
    connection = connect(tenant_a)
    order = {"currency": "USD", "total_price": "113.00", "subtotal_price": "100.00",
             "total_tax": "8.00", "shipping_lines": [{"price": "5.00", "tax_lines": []}]}  # fmt: skip
    # A $30 item back with its $2.40 tax, and the $5 shipping: 37.40 returned.
    refunded = rest_order(1, **order, updated_at="2026-11-21T10:00:00Z", refunds=[
        rest_refund(7, "37.40", items=[("30.00", "2.40")])])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, rest_order(1, **order), webhook_id="wh-a")
        post(connection, refunded, topic="orders/updated", webhook_id="wh-b")
    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("70.00")

    # The pull reads the same order and refund: the two agree, nothing more is written.
    placed = datetime.datetime(2026, 11, 20, 15, tzinfo=datetime.UTC)
    shopify.orders = [order_node(1, updated_at=at(10), created_at=placed, total="113.00",
                                 subtotal="100.00", tax="8.00", codes=("zebra10",))]  # fmt: skip
    order_refund(shopify.orders[0], 7, None, placed + datetime.timedelta(hours=19),
                 items=[("30.00", "2.40")], shipping="5.00")  # fmt: skip
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("70.00")
    assert [r for r, _ in refund_entries(tenant_a, "gid://shopify/Order/1001")] == [
        Decimal("-30.00")
    ]


def test_a_tax_inclusive_refund_in_an_order_webhook_undoes_its_items_without_tax(
    tenant_a, django_capture_on_commit_callbacks
):
    creator_code(tenant_a, "ZEBRA10")
    connection = connect(tenant_a)
    # Prices with 20% VAT included: items 120.00 (20.00 VAT), shipping 6.00 (1.00 VAT);
    # an item of 36.00 (6.00 VAT in it) and the shipping come back: 42.00 returned.
    refund = rest_refund(8, "42.00", items=[("36.00", "6.00")])
    for transaction in refund["transactions"]:
        transaction["currency"] = "EUR"
    taxed = rest_order(2, total_price="126.00", subtotal_price="120.00", total_tax="21.00",
                       taxes_included=True, refunds=[refund],
                       shipping_lines=[{"price": "6.00", "tax_lines": [{"price": "1.00"}]}])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, taxed, topic="orders/updated")

    assert credited(tenant_a, "gid://shopify/Order/1002") == Decimal("70.00")


def test_a_shipping_only_refund_in_an_order_webhook_changes_no_revenue(
    tenant_a, django_capture_on_commit_callbacks
):
    creator_code(tenant_a, "ZEBRA10")
    connection = connect(tenant_a)
    # $5 of shipping back: no line items, and nothing in the body says it was shipping.
    refund = rest_refund(9, "5.00")
    refund["transactions"][0]["currency"] = "EUR"
    body = rest_order(3, total_price="105.00", subtotal_price="100.00", total_tax="0.00",
                      refunds=[refund])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, body, topic="orders/updated")

    assert credited(tenant_a, "gid://shopify/Order/1003") == Decimal("100.00")
    assert refund_entries(tenant_a, "gid://shopify/Order/1003") == []


def test_a_goodwill_refund_in_an_order_webhook_waits_for_the_pull(
    tenant_a, shopify, django_capture_on_commit_callbacks
):
    """$20 back on a $100 order as a custom amount (no line items, no shipping). The
    webhook body cannot tell it from refunded shipping, so it leaves it to the pull, which
    reads the refund's shipping lines: the customer paid 80."""
    creator_code(tenant_a, "ZEBRA10")
    connection = connect(tenant_a)
    body = rest_order(4, total_price="100.00", subtotal_price="100.00", total_tax="0.00",
                      currency="USD", refunds=[rest_refund(10, "20.00")])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post(connection, body, topic="orders/updated")
    assert credited(tenant_a, "gid://shopify/Order/1004") == Decimal("100.00")
    assert refund_entries(tenant_a, "gid://shopify/Order/1004") == []

    shopify.orders = [order_node(4, updated_at=at(10), total="100.00", codes=("zebra10",))]
    order_refund(shopify.orders[0], 10, "20.00", at(11), items=[])
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1004") == Decimal("80.00")
    assert [r for r, _ in refund_entries(tenant_a, "gid://shopify/Order/1004")] == [
        Decimal("-20.00")
    ]
