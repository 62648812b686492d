"""Shopify: the Admin GraphQL API client, the order parsers and the webhook signature.

- `ShopifyClient` POSTs to https://{shop}/admin/api/{version}/graphql.json with the
  X-Shopify-Access-Token header. Throttling is waited out here, not reported: HTTP 429
  (Retry-After) and a GraphQL `THROTTLED` error (the wait computed from
  extensions.cost.throttleStatus) sleep and send the same request again, so a page is
  resumed, not skipped. A refused token (401/403, ACCESS_DENIED) raises `ShopifyAuthError`
  (a person must reconnect; retrying cannot help); anything else raises `ShopifyError`.
- `order_from_graphql` / `order_from_rest` turn an order (GraphQL node from a pull, REST
  JSON from a webhook) into the one `ConversionInput` that `conversion_record` takes. Both
  name orders, refunds and customers by their GraphQL global id, so a webhook and a pull
  of the same order meet on the same conversion.
- `webhook_signature_valid`: base64(HMAC-SHA256(raw body, app secret)), compared in
  constant time.

The base URL is settings.SHOPIFY_ADMIN_URL ("https://{shop}"); tests point it at a local
server. The shop domain is validated as *.myshopify.com before it is ever stored, so a
connection cannot make us send the token anywhere else."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings

from tracking.links import CLICK_PARAM
from tracking.services.conversions import ConversionInput, ConversionInvalid, RefundInput

SHOP_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$")
PAGE_SIZE = 50
# Waits allowed for one request while Shopify throttles us; past this the pull is retried
# later with backoff rather than holding a worker for minutes.
MAX_THROTTLE_WAITS = 8
MAX_WAIT_SECONDS = 60.0
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
# Shopify's documented referral-code URL attributes (CustomerVisit.referralCode).
REFERRAL_PARAMS = ("ref", "source", "r")


class ShopifyError(Exception):
    """The store could not be read; worth another try later."""


class ShopifyAuthError(ShopifyError):
    """The store refused the access token (revoked, wrong, or missing a scope)."""


def shop_domain_normalize(raw: str) -> str:
    """`my-brand.myshopify.com` from what a person pastes (a URL, mixed case, a slash);
    ValueError for anything that is not a myshopify.com shop."""
    value = (raw or "").strip().lower()
    value = re.sub(r"^https?://", "", value).split("/", 1)[0]
    if not SHOP_DOMAIN_RE.match(value):
        raise ValueError("Enter the shop's myshopify.com domain, like my-brand.myshopify.com.")
    return value


def webhook_signature_valid(body: bytes, secret: str, header: str | None) -> bool:
    if not secret or not header:
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), header.strip().encode())


# --- the GraphQL client -------------------------------------------------------------------

_VISIT = "landingPage referralCode utmParameters { source medium campaign content term }"
_MONEY = "shopMoney { amount currencyCode }"
# The amounts before returns (totalPriceSet, subtotalPriceSet, totalTaxSet), not the
# "current" ones: those already leave out refunded items, and the ledger books each refund
# as its own entry, so a current amount would take a refund off twice. `shippingLine` (the
# summary of all shipping, one object) rather than the shippingLines connection keeps the
# query's cost per order low.
ORDER_FIELDS = f"""
  id name createdAt updatedAt cancelledAt taxesIncluded
  totalPriceSet {{ {_MONEY} }}
  subtotalPriceSet {{ {_MONEY} }}
  totalTaxSet {{ {_MONEY} }}
  shippingLine {{ taxLines {{ priceSet {{ {_MONEY} }} }} }}
  discountCodes
  customerJourneySummary {{
    customerOrderIndex
    firstVisit {{ {_VISIT} }}
    lastVisit {{ {_VISIT} }}
  }}
  customer {{ id }}
  shippingAddress {{ countryCodeV2 }}
"""
# A refund's revenue is its line items' subtotal (RefundLineItem.subtotalSet/totalTaxSet),
# not totalRefundedSet, which also holds refunded tax and shipping; whether it refunded
# shipping is read from refundShippingLines (see refund_revenue). Both are connections,
# priced by `first:` (shopify.dev, "GraphQL Admin API rate limits": 2 + first x (1 + what
# each node selects), so they multiply inside another connection): ~60 requested points per
# refund. Shopify refuses a query whose *requested* cost is over 1,000 (MAX_COST_EXCEEDED)
# before running it, and a 50-order page carrying these for every order asks ~3,700 (the
# page below asks ~950, the test server checks it at SHOPIFY_PAGE_SIZE's default). So
# the page asks only for each order's refund ids, and the refunds of the few orders that
# have any are read with ORDER_REFUNDS_QUERY, one small query per such order. A refund with
# more lines than REFUND_LINES is read as a whole from its money (see refund_revenue).
REFUND_LINES = 10
REFUND_FIELDS = f"""
  id createdAt totalRefundedSet {{ {_MONEY} }}
  refundLineItems(first: {REFUND_LINES}) {{
    pageInfo {{ hasNextPage }}
    nodes {{ subtotalSet {{ {_MONEY} }} totalTaxSet {{ {_MONEY} }} }}
  }}
  refundShippingLines(first: 1) {{
    nodes {{ subtotalAmountSet {{ {_MONEY} }} taxAmountSet {{ {_MONEY} }} }}
  }}
"""
ORDERS_QUERY = f"""
query KolhubOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {ORDER_FIELDS} refunds {{ id }} }}
  }}
}}
"""
ORDER_QUERY = f"""
query KolhubOrder($id: ID!) {{
  order(id: $id) {{ {ORDER_FIELDS} refunds {{ {REFUND_FIELDS} }} }}
}}
"""
ORDER_REFUNDS_QUERY = f"""
query KolhubOrderRefunds($id: ID!) {{
  order(id: $id) {{ id refunds {{ {REFUND_FIELDS} }} }}
}}
"""
DISCOUNT_CREATE = """
mutation KolhubDiscountCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""

# Switching a created code discount off and on again, by the DiscountCodeNode id that
# discountCodeBasicCreate returned (the discount keeps its history and usage count).
DISCOUNT_DEACTIVATE = """
mutation KolhubDiscountDeactivate($id: ID!) {
  discountCodeDeactivate(id: $id) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""
DISCOUNT_ACTIVATE = """
mutation KolhubDiscountActivate($id: ID!) {
  discountCodeActivate(id: $id) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""


@dataclass(frozen=True)
class OrdersPage:
    orders: list[dict]
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True)
class DiscountResult:
    discount_id: str
    errors: list[str]


def updated_since_query(high_water: datetime.datetime | None) -> str | None:
    """Shopify's search syntax for "updated at or after the mark". `>=`, not `>`: orders
    sharing the mark's second are read again (recording them again changes nothing)
    rather than missed."""
    if high_water is None:
        return None
    stamp = high_water.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"updated_at:>='{stamp}'"


class ShopifyClient:
    def __init__(
        self,
        *,
        shop_domain: str,
        access_token: str,
        api_version: str,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.shop_domain = shop_domain
        self.access_token = access_token
        base = settings.SHOPIFY_ADMIN_URL.format(shop=shop_domain).rstrip("/")
        self.url = f"{base}/admin/api/{api_version}/graphql.json"
        self.sleep = sleep
        self.session = session or requests.Session()

    def execute(self, query: str, variables: Mapping[str, Any]) -> dict:
        """The `data` of a GraphQL response, after waiting out any throttling."""
        for _attempt in range(MAX_THROTTLE_WAITS + 1):
            wait = None
            response = self._post(query, variables)
            if response.status_code == 429:
                wait = _retry_after(response.headers.get("Retry-After"))
            else:
                body = self._body(response)
                errors = body.get("errors")
                if errors:
                    wait = _throttle_wait(body, errors)
                    if wait is None:
                        raise _error_from(errors, self.shop_domain)
                else:
                    data = body.get("data")
                    if not isinstance(data, dict):
                        raise ShopifyError(f"{self.shop_domain} answered without data")
                    return data
            self.sleep(wait)
        raise ShopifyError(
            f"{self.shop_domain} kept throttling after {MAX_THROTTLE_WAITS} waits; will retry"
        )

    def _post(self, query: str, variables: Mapping[str, Any]) -> requests.Response:
        try:
            return self.session.post(
                self.url,
                json={"query": query, "variables": dict(variables)},
                headers={"X-Shopify-Access-Token": self.access_token, "Accept": "application/json"},
                timeout=settings.SHOPIFY_TIMEOUT_SECONDS,
            )
        except requests.Timeout:
            raise ShopifyError(f"{self.shop_domain} did not answer in time") from None
        except requests.RequestException as error:
            reason = type(error).__name__
            raise ShopifyError(f"could not reach {self.shop_domain}: {reason}") from None

    def _body(self, response: requests.Response) -> dict:
        status = response.status_code
        if status in (401, 403):
            raise ShopifyAuthError(
                f"{self.shop_domain} refused the Admin API access token (HTTP {status}): "
                f"{_detail(response)}. Reconnect the store with a valid token."
            )
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise ShopifyError(f"{self.shop_domain} sent an oversized response")
        if status != 200:
            raise ShopifyError(f"{self.shop_domain} answered HTTP {status}: {_detail(response)}")
        try:
            body = response.json()
        except ValueError:
            raise ShopifyError(f"{self.shop_domain} answered something not JSON") from None
        if not isinstance(body, dict):
            raise ShopifyError(f"{self.shop_domain} answered with an unexpected JSON shape")
        return body

    # --- the operations we use ---

    def orders_page(
        self, *, updated_since: datetime.datetime | None, after: str | None, first: int = PAGE_SIZE
    ) -> OrdersPage:
        data = self.execute(
            ORDERS_QUERY,
            {"first": first, "after": after, "query": updated_since_query(updated_since)},
        )
        orders = data.get("orders")
        if not isinstance(orders, dict) or not isinstance(orders.get("nodes"), list):
            raise ShopifyError(f"{self.shop_domain} answered orders without nodes")
        info = orders.get("pageInfo") or {}
        nodes = [node for node in orders["nodes"] if isinstance(node, dict)]
        for node in nodes:
            if node.get("refunds"):
                node["refunds"] = self._order_refunds(str(node.get("id") or ""))
        return OrdersPage(
            orders=nodes,
            has_next_page=bool(info.get("hasNextPage")),
            end_cursor=info.get("endCursor"),
        )

    def _order_refunds(self, order_id: str) -> list:
        """The refunds of one order from a page, with what the page leaves out (see
        ORDER_FIELDS). The order's other fields stay as the page read them, so the pull's
        high-water mark follows the page."""
        order = self.execute(ORDER_REFUNDS_QUERY, {"id": order_id}).get("order")
        if not isinstance(order, dict) or not isinstance(order.get("refunds"), list):
            raise ShopifyError(f"{self.shop_domain} answered no refunds for {order_id}")
        return order["refunds"]

    def order_get(self, order_id: str) -> dict | None:
        data = self.execute(ORDER_QUERY, {"id": order_id})
        order = data.get("order")
        return order if isinstance(order, dict) else None

    def discount_code_create(self, discount_input: Mapping[str, Any]) -> DiscountResult:
        data = self.execute(DISCOUNT_CREATE, {"basicCodeDiscount": dict(discount_input)})
        payload = data.get("discountCodeBasicCreate") or {}
        node = payload.get("codeDiscountNode") or {}
        return DiscountResult(discount_id=str(node.get("id") or ""), errors=_user_errors(payload))

    def discount_code_active_set(self, discount_id: str, *, active: bool) -> list[str]:
        """discountCodeActivate or discountCodeDeactivate; the store's user errors."""
        name = "discountCodeActivate" if active else "discountCodeDeactivate"
        data = self.execute(DISCOUNT_ACTIVATE if active else DISCOUNT_DEACTIVATE,
                            {"id": discount_id})  # fmt: skip
        payload = data.get(name) or {}
        errors = _user_errors(payload)
        if not errors and not (payload.get("codeDiscountNode") or {}).get("id"):
            errors = [f"{name} returned no discount"]
        return errors


def _user_errors(payload: Mapping[str, Any]) -> list[str]:
    return [
        f"{'.'.join(e.get('field') or []) or 'discount'}: {e.get('message', '')}".strip()
        for e in payload.get("userErrors") or []
    ]


def discount_input(
    *, title: str, code: str, starts_at: datetime.datetime, kind: str, value: Decimal
) -> dict:
    """DiscountCodeBasicInput for a creator's code: everyone may use it, once each, on
    every item. `kind` is tracking's DiscountKind ("percent" or "amount")."""
    if kind == "percent":
        # Shopify takes a fraction: 0.15 for 15% off.
        gets_value: dict = {"percentage": float(value / 100)}
    elif kind == "amount":
        gets_value = {"discountAmount": {"amount": str(value), "appliesOnEachItem": False}}
    else:
        raise ValueError("the promo code states no discount to create in the store")
    return {
        "title": title[:255],
        "code": code,
        "startsAt": starts_at.astimezone(datetime.UTC).isoformat(),
        "context": {"all": "ALL"},
        "customerGets": {"value": gets_value, "items": {"all": True}},
        "appliesOncePerCustomer": True,
    }


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return (response.text or "")[:200]
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, str):
        return errors[:300]
    if isinstance(errors, list):
        return "; ".join(str(e.get("message", e)) for e in errors if e)[:300]
    return json.dumps(body)[:200]


def _retry_after(header: str | None) -> float:
    try:
        seconds = float(header) if header else 2.0
    except ValueError:
        seconds = 2.0
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def _codes(errors) -> set[str]:
    if not isinstance(errors, list):
        return set()
    return {str((e.get("extensions") or {}).get("code", "")) for e in errors if isinstance(e, dict)}


def _throttle_wait(body: dict, errors) -> float | None:
    """Seconds until the bucket holds the query's cost again, or None if not throttled.
    Shopify puts `cost` in the top-level extensions (some docs show it per error)."""
    if "THROTTLED" not in _codes(errors):
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    if not cost:
        for error in errors:
            cost = ((error.get("extensions") or {}).get("cost")) or cost
    status = cost.get("throttleStatus") or {}
    try:
        needed = float(cost.get("requestedQueryCost") or 0)
        available = float(status.get("currentlyAvailable") or 0)
        restore = float(status.get("restoreRate") or 0)
    except (TypeError, ValueError):
        return 1.0
    if restore <= 0:
        return 1.0
    return min(max((needed - available) / restore, 0.1), MAX_WAIT_SECONDS)


def _error_from(errors, shop: str) -> ShopifyError:
    if isinstance(errors, str):
        return ShopifyError(f"{shop}: {errors[:300]}")
    messages = "; ".join(
        str(e.get("message", "error")) if isinstance(e, dict) else str(e) for e in errors
    )[:500]
    if "ACCESS_DENIED" in _codes(errors):
        return ShopifyAuthError(f"{shop} denied access: {messages}. Check the app's scopes.")
    return ShopifyError(f"{shop} answered errors: {messages}")


# --- orders into ConversionInput -------------------------------------------------------------


def gid(kind: str, raw: Any) -> str:
    """Shopify's global id for a REST id (`gid://shopify/Order/123`); a gid stays as is."""
    value = str(raw or "")
    if not value:
        return ""
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


def _moment(field: str, value: Any, *, required: bool = False) -> datetime.datetime | None:
    if value in (None, ""):
        if required:
            raise ConversionInvalid(field, "is missing")
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise ConversionInvalid(field, f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ConversionInvalid(field, "has no timezone")
    return moment


def _decimal(field: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise ConversionInvalid(field, f"{value!r} is not a number") from None


def _money(field: str, money_set: Any) -> tuple[Decimal, str]:
    shop_money = (money_set or {}).get("shopMoney") if isinstance(money_set, dict) else None
    if not isinstance(shop_money, dict):
        return Decimal("0"), ""
    return _decimal(field, shop_money.get("amount")), str(shop_money.get("currencyCode") or "")


def landing_details(url: str) -> dict:
    """Click id, UTM tags and referral code carried by a landing URL (absolute or a path)."""
    params = parse_qs(urlsplit(url or "").query)

    def first(name: str) -> str:
        return (params.get(name) or [""])[0].strip()

    return {
        "click_id": first(CLICK_PARAM),
        "utms": {f"utm_{k}": first(f"utm_{k}") for k in UTM_PARTS if first(f"utm_{k}")},
        "referral_code": next((first(p) for p in REFERRAL_PARAMS if first(p)), ""),
    }


UTM_PARTS = ("source", "medium", "campaign", "content", "term")


def pre_tax_subtotal(
    subtotal: Decimal, *, taxes_included: bool, tax: Decimal, shipping_tax: Decimal
) -> Decimal:
    """The line items after discounts, without tax (METRICS.md: revenue is net of taxes).
    Where prices include tax (taxesIncluded: EU, UK, AU stores) Shopify's subtotal carries
    the line items' tax, which is the order's tax less the tax on shipping (shipping is
    not in the subtotal)."""
    if not taxes_included:
        return subtotal
    return max(subtotal - max(tax - shipping_tax, Decimal("0")), Decimal("0"))


def refund_revenue(
    lines: list[tuple[Decimal, Decimal]],
    *,
    taxes_included: bool,
    returned: Decimal,
    complete: bool = True,
    shipping: bool = False,
    pre_tax_share: Decimal = Decimal("1"),
) -> Decimal:
    """The revenue a refund undoes (METRICS.md: a refund reverses what it undoes): its line
    items' subtotal without tax, taken as the order's revenue is (`pre_tax_subtotal`), so
    refunded tax and shipping, and a refund of shipping alone, take nothing.
    `lines` are (subtotal, tax) of each refunded line item. Never more than the money
    `returned`: a refund of items for less than their price (Shopify books the difference
    as an order adjustment) undoes no more revenue than it paid back. When the lines were
    cut short (`complete` False) the money returned stands in, as before line items were
    read: it may take refunded tax or shipping too, but never leaves revenue credited for
    items that came back.

    A refund that returns money but names no line items and no `shipping` (a custom amount:
    $20 back on a $100 order as goodwill) takes back part of what the order was paid for, so
    it undoes its amount before tax: all of it, or where prices include tax the order's
    `pre_tax_share` of it (its pre-tax subtotal over its subtotal), the tax a line item
    would carry. Otherwise the order would keep revenue the customer did not pay."""
    if not complete:
        return returned
    if not lines and not shipping:
        share = pre_tax_share if taxes_included else Decimal("1")
        undone = (returned * min(max(share, Decimal("0")), Decimal("1"))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        return min(undone, returned)
    items = sum(
        (subtotal - tax if taxes_included else subtotal for subtotal, tax in lines), Decimal("0")
    )
    return min(max(items, Decimal("0")), returned)


def _pre_tax_share(subtotal: Decimal, pre_tax: Decimal) -> Decimal:
    """The part of the order's item prices that is not tax (1 where they carry none)."""
    return pre_tax / subtotal if subtotal > 0 else Decimal("1")


def order_from_graphql(node: Mapping[str, Any], *, connection_id: int | None) -> ConversionInput:
    external_id = str(node.get("id") or "")
    if not external_id:
        raise ConversionInvalid("external_id", "the order has no id")
    total, currency = _money("total", node.get("totalPriceSet"))
    subtotal, _ = _money("subtotal", node.get("subtotalPriceSet"))
    tax, _ = _money("tax", node.get("totalTaxSet"))
    shipping_tax = sum(
        (
            _money("shipping_tax", line.get("priceSet"))[0]
            for line in (node.get("shippingLine") or {}).get("taxLines") or []
        ),
        Decimal("0"),
    )
    journey = node.get("customerJourneySummary") or {}
    last, first = journey.get("lastVisit") or {}, journey.get("firstVisit") or {}
    visit = last or first
    landing = str(visit.get("landingPage") or "")
    details = landing_details(landing)
    # The click id of the last visit wins (last touch); the first visit's stands in when
    # the last visit did not come through a tracking link.
    click_id = (
        details["click_id"] or landing_details(str(first.get("landingPage") or ""))["click_id"]
    )
    utm = visit.get("utmParameters") or {}
    utms = {f"utm_{k}": str(utm.get(k) or "") for k in UTM_PARTS if utm.get(k)} or details["utms"]
    taxes_included = node.get("taxesIncluded") is True
    pre_tax = pre_tax_subtotal(
        subtotal, taxes_included=taxes_included, tax=tax, shipping_tax=shipping_tax
    )
    refunds = []
    for refund in node.get("refunds") or []:
        amount, refund_currency = _money("refund.amount", refund.get("totalRefundedSet"))
        # A refund that only restocked items returns no money: nothing to record.
        if amount == 0:
            continue
        lines = refund.get("refundLineItems") or {}
        refunds.append(
            RefundInput(
                external_id=str(refund.get("id") or ""),
                amount=amount,
                currency=refund_currency or currency,
                refunded_at=_moment("refund.created_at", refund.get("createdAt"), required=True),
                revenue=refund_revenue(
                    [
                        (
                            _money("refund.line.subtotal", line.get("subtotalSet"))[0],
                            _money("refund.line.tax", line.get("totalTaxSet"))[0],
                        )
                        for line in lines.get("nodes") or []
                        if isinstance(line, dict)
                    ],
                    taxes_included=taxes_included,
                    returned=amount,
                    complete=not (lines.get("pageInfo") or {}).get("hasNextPage"),
                    shipping=any(
                        _money("refund.shipping", line.get("subtotalAmountSet"))[0]
                        or _money("refund.shipping_tax", line.get("taxAmountSet"))[0]
                        for line in (refund.get("refundShippingLines") or {}).get("nodes") or []
                        if isinstance(line, dict)
                    ),
                    pre_tax_share=_pre_tax_share(subtotal, pre_tax),
                ),
            )
        )
    return ConversionInput(
        source="shopify",
        external_id=external_id,
        occurred_at=_moment("created_at", node.get("createdAt"), required=True),
        name=str(node.get("name") or ""),
        currency=currency,
        total=total,
        subtotal=pre_tax,
        tax=tax,
        cancelled_at=_moment("cancelled_at", node.get("cancelledAt")),
        source_updated_at=_moment("updated_at", node.get("updatedAt")),
        discount_codes=tuple(str(c) for c in node.get("discountCodes") or []),
        click_id=click_id,
        landing_url=landing,
        referral_code=str(visit.get("referralCode") or "") or details["referral_code"],
        utms=utms,
        customer_ref=str((node.get("customer") or {}).get("id") or ""),
        customer_order_index=journey.get("customerOrderIndex"),
        shipping_country=str((node.get("shippingAddress") or {}).get("countryCodeV2") or ""),
        refunds=tuple(refunds),
        connection_id=connection_id,
    )


def _rest_refund(
    refund: Mapping[str, Any], currency: str, *, taxes_included: bool
) -> RefundInput | None:
    # REST refunds carry money in their transactions; only successful refund transactions
    # moved money back to the customer. The revenue undone is read from the refunded line
    # items, as in the pull (refund_revenue).
    amount = Decimal("0")
    for transaction in refund.get("transactions") or []:
        if transaction.get("kind") == "refund" and transaction.get("status") in ("success", None):
            amount += _decimal("refund.amount", transaction.get("amount"))
            currency = str(transaction.get("currency") or currency)
    if amount == 0:
        return None
    lines = [
        (_decimal("refund.line.subtotal", line.get("subtotal")),
         _decimal("refund.line.tax", line.get("total_tax")))
        for line in refund.get("refund_line_items") or [] if isinstance(line, Mapping)
    ]  # fmt: skip
    if not lines:
        # Without line items a webhook body cannot tell refunded shipping (no revenue)
        # from a custom "goodwill" amount (revenue): since API 2024-10 refunded shipping
        # is no longer an order adjustment, and refund shipping lines are GraphQL only.
        # The refund moved the order's updatedAt, so the next pull reads it with its
        # refundShippingLines and records it; recorded here, a shipping refund would
        # stand as lost revenue for good (a refund is recorded once).
        return None
    return RefundInput(
        external_id=gid("Refund", refund.get("admin_graphql_api_id") or refund.get("id")),
        amount=amount,
        currency=currency,
        refunded_at=_moment(
            "refund.created_at", refund.get("processed_at") or refund.get("created_at"),
            required=True,
        ),
        revenue=refund_revenue(lines, taxes_included=taxes_included, returned=amount),
    )  # fmt: skip


def order_from_rest(
    body: Mapping[str, Any], *, connection_id: int | None, topic: str
) -> ConversionInput:
    """An orders/create or orders/updated webhook body (REST order JSON)."""
    if not isinstance(body, Mapping):
        raise ConversionInvalid("body", "is not a JSON object")
    external_id = gid("Order", body.get("admin_graphql_api_id") or body.get("id"))
    if not external_id:
        raise ConversionInvalid("external_id", "the order has no id")
    currency = str(body.get("currency") or "")
    landing = str(body.get("landing_site") or "")
    details = landing_details(landing)
    customer = body.get("customer") or {}
    address = body.get("shipping_address") or {}
    taxes_included = body.get("taxes_included") is True
    orders_count = customer.get("orders_count")
    tax = _decimal("tax", body.get("total_tax"))
    shipping_tax = sum(
        (
            _decimal("shipping_tax", line.get("price"))
            for shipping in body.get("shipping_lines") or []
            for line in shipping.get("tax_lines") or []
        ),
        Decimal("0"),
    )
    subtotal = _decimal("subtotal", body.get("subtotal_price"))
    pre_tax = pre_tax_subtotal(
        subtotal, taxes_included=taxes_included, tax=tax, shipping_tax=shipping_tax
    )
    refunds = tuple(
        r
        for r in (
            _rest_refund(x, currency, taxes_included=taxes_included)
            for x in body.get("refunds") or []
        )
        if r is not None
    )
    return ConversionInput(
        source="shopify",
        external_id=external_id,
        occurred_at=_moment("created_at", body.get("created_at"), required=True),
        name=str(body.get("name") or ""),
        currency=currency,
        # Before returns, as in the pull (see ORDER_FIELDS): refunds are booked on their own.
        total=_decimal("total", body.get("total_price")),
        subtotal=pre_tax,
        tax=tax,
        cancelled_at=_moment("cancelled_at", body.get("cancelled_at")),
        source_updated_at=_moment("updated_at", body.get("updated_at")),
        discount_codes=tuple(
            str(d.get("code") or "")
            for d in body.get("discount_codes") or []
            if isinstance(d, dict)
        ),
        click_id=details["click_id"],
        landing_url=landing,
        referral_code=details["referral_code"],
        utms=details["utms"],
        customer_ref=gid("Customer", customer.get("admin_graphql_api_id") or customer.get("id")),
        # The body carries the customer's order count as of now. At orders/create that
        # count ends with this order, so it is the order's index (as customerOrderIndex in
        # the pull); in a later orders/updated it also counts the customer's later orders,
        # so it says nothing about this one (the pull fills the index in).
        customer_order_index=(
            orders_count if topic == "orders/create" and isinstance(orders_count, int) else None
        ),
        shipping_country=str(address.get("country_code") or ""),
        refunds=refunds,
        connection_id=connection_id,
    )
