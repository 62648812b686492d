"""The Shopify order pull against a local server speaking the Admin GraphQL wire format:
pagination, the high-water mark, throttling (429 and THROTTLED), error bodies, a revoked
token, bad orders, and a pull interrupted between pages."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.campaigns.factories import make_campaign, make_collaboration
from tracking import services
from tracking.connectors.shopify import (
    ORDER_QUERY,
    ORDER_REFUNDS_QUERY,
    ShopifyClient,
    ShopifyError,
    updated_since_query,
)
from tracking.models import (
    AttributionEntry,
    ConnectionStatus,
    Conversion,
    Refund,
    StoreConnection,
    StoreOrderError,
)
from tracking.selectors.stores import store_connections_due
from tracking.services.stores import store_connect, store_pull

from .shopify_server import (
    MAX_QUERY_COST,
    SHOP,
    TOKEN,
    order_node,
    order_refund,
    query_fields,
    refund_node,
    requested_cost,
    throttled_body,
)

BASE = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)


def at(minutes: int) -> datetime.datetime:
    return BASE + datetime.timedelta(minutes=minutes)


def connect(tenant, **data) -> StoreConnection:
    data.setdefault("shop_domain", SHOP)
    data.setdefault("access_token", TOKEN)
    data.setdefault("webhook_secret", "app-secret")
    with tenant.context():
        return store_connect(organization=tenant.organization, **data)


def pull(tenant, connection, *, manual=False, sleeps=None):
    sleeps = [] if sleeps is None else sleeps
    return store_pull(organization=tenant.organization, connection_id=connection.pk,
                      manual=manual, sleep=sleeps.append)  # fmt: skip


def connection_of(tenant, connection) -> StoreConnection:
    with tenant.context():
        return StoreConnection.objects.get(pk=connection.pk)


def conversions(tenant) -> list[Conversion]:
    with tenant.context():
        return list(Conversion.objects.order_by("external_id"))


def test_three_pages_are_read_with_cursors_and_every_order_recorded_once(tenant_a, shopify):
    shopify.orders = [order_node(n, updated_at=at(n)) for n in range(8)]
    connection = connect(tenant_a)

    summary = pull(tenant_a, connection)

    assert (summary.pages, summary.recorded, summary.invalid) == (3, 8, 0)
    asked = shopify.order_requests()
    assert [r["after"] for r in asked] == [None, "c3", "c6"]
    assert all(r["first"] == 3 and r["query"] is None for r in asked)
    assert [c.external_id for c in conversions(tenant_a)] == [
        f"gid://shopify/Order/{1000 + n}" for n in range(8)
    ]
    stored = connection_of(tenant_a, connection)
    assert stored.orders_high_water == at(7)
    assert stored.status == ConnectionStatus.ACTIVE and stored.last_pulled_at is not None

    # The next pull asks only for orders updated at or after the mark.
    shopify.orders.append(order_node(8, updated_at=at(20)))
    summary = pull(tenant_a, connection)
    assert shopify.order_requests()[-1]["query"] == updated_since_query(at(7))
    assert summary.recorded == 2  # the boundary order again (harmless) and the new one
    assert len(conversions(tenant_a)) == 9
    assert connection_of(tenant_a, connection).orders_high_water == at(20)


def test_the_request_carries_the_token_and_the_documented_query(shopify):
    client = ShopifyClient(shop_domain=SHOP, access_token=TOKEN, api_version="2025-10")
    page = client.orders_page(updated_since=None, after=None, first=5)
    assert page.orders == [] and page.has_next_page is False
    query = shopify.requests[0]["query"]
    for fragment in ("sortKey: UPDATED_AT", "customerJourneySummary", "customerOrderIndex",
                     "utmParameters { source medium campaign content term }",
                     "totalPriceSet", "subtotalPriceSet", "totalTaxSet", "taxesIncluded",
                     "refunds { id }", "countryCodeV2",
                     "pageInfo { hasNextPage endCursor }"):  # fmt: skip
        assert fragment in query
    # The refunds' money and lines are read per order that has refunds (see ORDER_FIELDS).
    for fragment in ("totalRefundedSet", "refundLineItems(first: 10)",
                     "subtotalSet { shopMoney", "refundShippingLines(first: 1)"):  # fmt: skip
        assert fragment in ORDER_REFUNDS_QUERY and fragment not in query


def test_an_order_maps_to_a_conversion_with_click_utms_refunds_and_customer(tenant_a, shopify):
    shopify.orders = [
        order_node(
            1, updated_at=at(5), created_at=at(1), total="107.50", subtotal="100.00", tax="7.50",
            codes=("zebra15",), country="DE", order_index=3, customer_id=77,
            landing_page="https://zebra-store.com/p/serum?utm_source=instagram&kh_click=clk123",
            utm={"source": "instagram", "medium": "influencer", "campaign": "spring",
                 "content": "zebra_handle", "term": None},
            referral_code="zeb", refunds=[refund_node(1, "20.00", at(4))],
        )
    ]  # fmt: skip
    connection = connect(tenant_a)
    pull(tenant_a, connection)

    [conversion] = conversions(tenant_a)
    assert conversion.name == "#1001" and conversion.connection_id == connection.pk
    assert (conversion.total, conversion.subtotal, conversion.tax, conversion.currency) == (
        Decimal("107.50"), Decimal("100.00"), Decimal("7.50"), "USD")  # fmt: skip
    assert conversion.occurred_at == at(1) and conversion.source_updated_at == at(5)
    assert conversion.click_id == "clk123"
    assert conversion.discount_codes == ["ZEBRA15"]
    assert (conversion.utm_source, conversion.utm_medium, conversion.utm_campaign,
            conversion.utm_content, conversion.utm_term) == (
        "instagram", "influencer", "spring", "zebra_handle", "")  # fmt: skip
    assert conversion.referral_code == "zeb"
    assert conversion.customer_order_index == 3 and conversion.is_new_customer is False
    assert conversion.customer_key and "77" not in conversion.customer_key
    assert conversion.shipping_country == "DE"
    assert conversion.refunded == Decimal("20.00")
    with tenant_a.context():
        assert Refund.objects.get().external_id == "gid://shopify/Refund/1"


def test_429_and_throttled_are_waited_out_and_the_same_page_resumed(tenant_a, shopify):
    shopify.orders = [order_node(n, updated_at=at(n)) for n in range(5)]
    connection = connect(tenant_a)
    # Page 1 answers normally; page 2 is refused twice before it is served.
    sleeps: list[float] = []
    original = shopify.answer

    def answer(path, headers, raw):
        if b'"c3"' in raw and not getattr(answer, "done", False):
            answer.done = True
            shopify.script = [
                (429, {"errors": "Exceeded 2 calls per second for api client."},
                 {"Retry-After": "2.0"}),
                (200, throttled_body(requested=502, available=2, restore=50), {}),
            ]  # fmt: skip
        return original(path, headers, raw)

    shopify.answer = answer
    summary = pull(tenant_a, connection, sleeps=sleeps)

    assert sleeps == [2.0, 10.0]  # Retry-After, then (502 - 2) / 50 points per second
    assert [r["after"] for r in shopify.order_requests()] == [None, "c3", "c3", "c3"]
    assert summary.recorded == 5 and summary.status == ConnectionStatus.ACTIVE
    assert len(conversions(tenant_a)) == 5


def test_an_error_body_backs_off_and_fails_after_the_last_attempt(tenant_a, shopify, settings):
    settings.SHOPIFY_MAX_FAILURES = 3
    shopify.orders = [order_node(1, updated_at=at(1))]
    connection = connect(tenant_a)
    internal = {"errors": [{"message": "Internal error. Looks like something went wrong on "
                                       "our end.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}  # fmt: skip

    shopify.script = [(200, internal, {})]
    before = timezone.now()
    summary = pull(tenant_a, connection)
    stored = connection_of(tenant_a, connection)
    assert summary.status == ConnectionStatus.RETRYING and stored.failures == 1
    assert "Internal error" in stored.last_error
    assert before + datetime.timedelta(seconds=55) < stored.next_attempt_at
    assert stored.next_attempt_at < before + datetime.timedelta(minutes=2)
    # Beat leaves it alone until the backoff runs out, and a beat-run pull is skipped.
    assert (tenant_a.organization.pk, connection.pk) not in store_connections_due()
    assert pull(tenant_a, connection).skipped == "backing off"

    for expected_failures, minutes in ((2, 2),):
        shopify.script = [(502, b"<html>Bad gateway</html>", {})]
        pull(tenant_a, connection, manual=True)
        stored = connection_of(tenant_a, connection)
        assert stored.failures == expected_failures and "HTTP 502" in stored.last_error
        assert stored.next_attempt_at > timezone.now() + datetime.timedelta(minutes=minutes - 0.2)

    shopify.script = [(200, internal, {})]
    pull(tenant_a, connection, manual=True)
    stored = connection_of(tenant_a, connection)
    assert stored.status == ConnectionStatus.FAILED and stored.next_attempt_at is None
    assert conversions(tenant_a) == []

    # A later success clears it all.
    pull(tenant_a, connection, manual=True)
    stored = connection_of(tenant_a, connection)
    assert (stored.status, stored.failures, stored.last_error) == (ConnectionStatus.ACTIVE, 0, "")
    assert len(conversions(tenant_a)) == 1


def test_a_revoked_token_fails_at_once_shows_the_error_and_is_not_retried(tenant_a, shopify):
    shopify.orders = [order_node(1, updated_at=at(1))]
    connection = connect(tenant_a, access_token="shpat_revoked")

    summary = pull(tenant_a, connection)

    stored = connection_of(tenant_a, connection)
    assert summary.status == ConnectionStatus.FAILED and stored.next_attempt_at is None
    assert "refused the Admin API access token (HTTP 401)" in stored.last_error
    assert "Invalid API key or access token" in stored.last_error
    assert (tenant_a.organization.pk, connection.pk) not in store_connections_due()
    sent = len(shopify.requests)
    assert pull(tenant_a, connection).skipped == "failed: waits for a person"
    assert len(shopify.requests) == sent

    # Reconnecting with a good token lifts it.
    connect(tenant_a, access_token=TOKEN)
    assert (tenant_a.organization.pk, connection.pk) in store_connections_due()
    assert pull(tenant_a, connection).recorded == 1


def test_a_bad_order_is_an_error_line_and_the_batch_goes_on(tenant_a, shopify):
    shopify.orders = [order_node(n, updated_at=at(n)) for n in range(4)]
    shopify.orders[1]["totalPriceSet"]["shopMoney"]["amount"] = "-5.00"
    shopify.orders[2]["createdAt"] = "2999-01-01T00:00:00Z"
    connection = connect(tenant_a)

    summary = pull(tenant_a, connection)

    assert (summary.recorded, summary.invalid) == (2, 2)
    assert connection_of(tenant_a, connection).orders_high_water == at(3)
    with tenant_a.context():
        lines = {e.name: (e.field, e.reason) for e in StoreOrderError.objects.all()}
    assert lines == {"#1001": ("total", "must not be negative"),
                     "#1002": ("occurred_at", "is in the future")}  # fmt: skip

    # The store fixes the order: the next pull records it and clears its line.
    shopify.orders[1]["totalPriceSet"]["shopMoney"]["amount"] = "5.00"
    shopify.orders[1]["updatedAt"] = shopify.orders[3]["updatedAt"]
    pull(tenant_a, connection)
    with tenant_a.context():
        assert list(StoreOrderError.objects.values_list("name", flat=True)) == ["#1002"]
    assert len(conversions(tenant_a)) == 3


def test_a_pull_cut_between_pages_resumes_from_the_committed_mark(tenant_a, shopify):
    shopify.orders = [order_node(n, updated_at=at(n)) for n in range(8)]
    connection = connect(tenant_a)
    original = shopify.answer

    def fail_page_three(path, headers, raw):
        if b'"c6"' in raw and not getattr(fail_page_three, "done", False):
            fail_page_three.done = True
            return 503, {"errors": "Service unavailable"}, {}
        return original(path, headers, raw)

    shopify.answer = fail_page_three
    summary = pull(tenant_a, connection)
    assert summary.pages == 2 and summary.status == ConnectionStatus.RETRYING
    assert connection_of(tenant_a, connection).orders_high_water == at(5)
    before = {c.external_id: c.pk for c in conversions(tenant_a)}
    assert len(before) == 6

    pull(tenant_a, connection, manual=True)

    rerun = shopify.order_requests()[-1]
    assert rerun == {"first": 3, "after": None, "query": updated_since_query(at(5))}
    after = {c.external_id: c.pk for c in conversions(tenant_a)}
    assert len(after) == 8 and all(after[k] == pk for k, pk in before.items())
    assert connection_of(tenant_a, connection).orders_high_water == at(7)


def creator_code(tenant, code: str = "ZEBRA15") -> None:
    """A creator's promo code, so an order carrying it is credited to them."""
    with tenant.context():
        campaign = make_campaign(tenant.organization, name="Zebra revenue campaign")
        collaboration = make_collaboration(tenant.organization, campaign)
        services.promo_code_create(tenant.organization, collaboration=collaboration, code=code)


def credited(tenant, order_id: str) -> Decimal:
    """The revenue the ledger credits an order with now: credits, reversals and refunds."""
    with tenant.context():
        rows = AttributionEntry.objects.filter(conversion__external_id=order_id)
        return sum(rows.values_list("revenue", flat=True), Decimal("0"))


def test_a_refund_is_taken_off_the_credited_revenue_once(tenant_a, shopify):
    creator_code(tenant_a)
    shopify.orders = [order_node(1, updated_at=at(1), total="100.00", codes=("zebra15",))]
    connection = connect(tenant_a)
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("100.00")

    # $30 of items come back: Shopify's current subtotal drops to 70 and the refund is
    # listed; the ledger books the refund itself, so the order stays at its 100.
    order_refund(shopify.orders[0], 7, "30.00", at(9))
    pull(tenant_a, connection)

    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("70.00")
    [conversion] = conversions(tenant_a)
    assert (conversion.subtotal, conversion.refunded) == (Decimal("100.00"), Decimal("30.00"))


def test_a_tax_inclusive_order_credits_its_pre_tax_subtotal(tenant_a, shopify):
    creator_code(tenant_a)
    # A German store's prices include 19% VAT: items 119.00 (19.00 VAT) and shipping 5.95
    # (0.95 VAT); the subtotal holds the items' VAT, the order's tax both.
    shopify.orders = [
        order_node(2, updated_at=at(1), total="124.95", subtotal="119.00", tax="19.95",
                   currency="EUR", taxes_included=True, shipping_tax="0.95",
                   codes=("zebra15",)),
        order_node(3, updated_at=at(2), total="107.50", subtotal="100.00", tax="7.50",
                   codes=("zebra15",)),
    ]  # fmt: skip
    pull(tenant_a, connect(tenant_a))

    assert credited(tenant_a, "gid://shopify/Order/1002") == Decimal("100.00")
    # Prices without tax (a US store): the subtotal is already pre-tax.
    assert credited(tenant_a, "gid://shopify/Order/1003") == Decimal("100.00")


def refund_entries(tenant, order_id: str) -> list[tuple[Decimal, str]]:
    with tenant.context():
        rows = AttributionEntry.objects.filter(
            conversion__external_id=order_id, kind="refund"
        ).order_by("id")
        return list(rows.values_list("revenue", "reason"))


def test_a_refund_undoes_its_items_before_tax_not_the_tax_or_shipping_returned(tenant_a, shopify):
    creator_code(tenant_a)
    # A US store, 8% sales tax: items 100.00 + tax 8.00 + shipping 5.00 (untaxed).
    shopify.orders = [order_node(1, updated_at=at(1), total="113.00", subtotal="100.00",
                                 tax="8.00", codes=("zebra15",))]  # fmt: skip
    connection = connect(tenant_a)
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("100.00")

    # A $30 item comes back with its $2.40 tax, and the $5 shipping is refunded: the
    # customer gets 37.40; the revenue undone is the item's 30.00.
    order_refund(shopify.orders[0], 7, None, at(9), items=[("30.00", "2.40")], shipping="5.00")
    assert shopify.orders[0]["refunds"][0]["totalRefundedSet"]["shopMoney"]["amount"] == "37.40"
    pull(tenant_a, connection)
    pull(tenant_a, connection)  # read again: nothing more comes off

    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("70.00")
    [conversion] = conversions(tenant_a)
    assert conversion.refunded == Decimal("37.40")  # the money returned, as the store says
    [(revenue, reason)] = refund_entries(tenant_a, "gid://shopify/Order/1001")
    assert revenue == Decimal("-30.00") and "37.40" in reason and "30.00" in reason
    with tenant_a.context():
        assert Refund.objects.get().revenue == Decimal("30.00")


def test_a_tax_inclusive_refund_undoes_its_items_without_their_included_tax(tenant_a, shopify):
    creator_code(tenant_a)
    # Prices with 20% VAT included: items 120.00 (20.00 VAT), shipping 6.00 (1.00 VAT).
    shopify.orders = [order_node(2, updated_at=at(1), total="126.00", subtotal="120.00",
                                 tax="21.00", currency="EUR", taxes_included=True,
                                 shipping_tax="1.00", codes=("zebra15",))]  # fmt: skip
    connection = connect(tenant_a)
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1002") == Decimal("100.00")

    # An item of 36.00 (6.00 VAT in it) and the shipping come back: 42.00 returned.
    order_refund(shopify.orders[0], 8, None, at(9), "EUR", items=[("36.00", "6.00")],
                 shipping="6.00", shipping_tax="1.00", taxes_included=True)  # fmt: skip
    pull(tenant_a, connection)

    assert credited(tenant_a, "gid://shopify/Order/1002") == Decimal("70.00")
    assert conversions(tenant_a)[0].refunded == Decimal("42.00")


def test_a_shipping_only_refund_changes_no_revenue(tenant_a, shopify):
    creator_code(tenant_a)
    shopify.orders = [order_node(3, updated_at=at(1), total="105.00", subtotal="100.00",
                                 codes=("zebra15",))]  # fmt: skip
    connection = connect(tenant_a)
    pull(tenant_a, connection)

    order_refund(shopify.orders[0], 9, None, at(9), items=[], shipping="5.00")
    pull(tenant_a, connection)

    assert credited(tenant_a, "gid://shopify/Order/1003") == Decimal("100.00")
    assert refund_entries(tenant_a, "gid://shopify/Order/1003") == []
    # The refund is still recorded: money went back, just no revenue.
    assert conversions(tenant_a)[0].refunded == Decimal("5.00")


def test_a_refund_with_more_lines_than_the_query_reads_falls_back_to_its_money(tenant_a, shopify):
    creator_code(tenant_a)
    shopify.orders = [order_node(4, updated_at=at(1), total="100.00", codes=("zebra15",))]
    connection = connect(tenant_a)
    pull(tenant_a, connection)

    # Twelve 2.00 items with 0.16 tax each: more lines than refundLineItems(first: 10)
    # reads, so the lines read cannot tell the whole refund; its money stands in.
    order_refund(shopify.orders[0], 10, None, at(9), items=[("2.00", "0.16")] * 12)
    pull(tenant_a, connection)

    assert credited(tenant_a, "gid://shopify/Order/1004") == Decimal("74.08")


def test_the_server_prices_connections_as_shopify_documents_and_refuses_over_1000(shopify):
    # shopify.dev: an object costs 1, a scalar 0, a connection 2 + first x (its node and
    # what the node selects), so a connection inside a connection multiplies.
    assert requested_cost(query_fields("query { shop { id name } }", {})) == 1
    nested = "query($n: Int!) { products(first: $n) { nodes { id variants(first: 5) { nodes { id } } } } }"
    assert requested_cost(query_fields(nested, {"n": 10})) == 2 + 10 * (1 + 2 + 5 * 1)
    client = ShopifyClient(shop_domain=SHOP, access_token=TOKEN, api_version="2025-10")
    with pytest.raises(ShopifyError, match="exceeds the single query max cost limit"):
        client.execute(nested, {"n": 200})
    body = shopify.answer(
        f"/{SHOP}/admin/api/2025-10/graphql.json",
        {"X-Shopify-Access-Token": TOKEN},
        json.dumps({"query": nested, "variables": {"n": 200}}).encode(),
    )[1]
    [error] = body["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED" and "data" not in body
    assert error["extensions"]["cost"] == 2 + 200 * 8 and error["extensions"]["maxCost"] == 1000


def test_a_pull_at_the_default_page_size_stays_under_the_single_query_cost_limit(
    tenant_a, shopify, settings
):
    """Shopify refuses any query whose requested cost is over 1,000 before it runs; the page
    query at SHOPIFY_PAGE_SIZE's default (50) and the per-order refunds query stay under."""
    settings.SHOPIFY_PAGE_SIZE = 50  # the default in kolhub/settings/base.py
    shopify.orders = [order_node(n, updated_at=at(n), total="100.00") for n in range(60)]
    for n in (3, 41):
        order_refund(shopify.orders[n], 700 + n, None, at(70 + n),
                     items=[("20.00", "1.60")] * 12, shipping="5.00")  # fmt: skip
    connection = connect(tenant_a)
    summary = pull(tenant_a, connection)

    assert summary.error == "" or summary.error is None, summary.error
    assert summary.recorded == 60 and summary.pages == 2
    assert shopify.costs and max(shopify.costs) <= MAX_QUERY_COST
    assert [r["first"] for r in shopify.order_requests()] == [50, 50]
    with tenant_a.context():
        assert Refund.objects.count() == 2
    for query in (ORDER_QUERY, ORDER_REFUNDS_QUERY):
        assert requested_cost(query_fields(query, {"id": "gid://shopify/Order/1"})) <= 1000


def test_a_goodwill_refund_without_items_or_shipping_undoes_its_amount(tenant_a, shopify):
    """$20 back on a $100 order as a custom amount: no line items, no shipping. The
    customer paid 80, so the order's revenue is 80, not 100."""
    creator_code(tenant_a, "ZEBRA10")
    shopify.orders = [order_node(1, updated_at=at(1), total="100.00", codes=("zebra10",))]
    order_refund(shopify.orders[0], 7, "20.00", at(9), items=[])
    connection = connect(tenant_a)
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1001") == Decimal("80.00")
    [(revenue, _)] = refund_entries(tenant_a, "gid://shopify/Order/1001")
    assert revenue == Decimal("-20.00")


def test_a_tax_inclusive_goodwill_refund_undoes_its_amount_without_tax(tenant_a, shopify):
    creator_code(tenant_a, "ZEBRA10")
    # Prices with 20% VAT included: items 120.00 (20.00 VAT in them), revenue 100.00.
    shopify.orders = [order_node(2, updated_at=at(1), total="120.00", subtotal="120.00",
                                 tax="20.00", currency="EUR", taxes_included=True,
                                 codes=("zebra10",))]  # fmt: skip
    # 24.00 back as goodwill: 20.00 of it was revenue, 4.00 VAT.
    order_refund(shopify.orders[0], 8, "24.00", at(9), "EUR", items=[])
    connection = connect(tenant_a)
    pull(tenant_a, connection)
    assert credited(tenant_a, "gid://shopify/Order/1002") == Decimal("80.00")
