"""A local Shopify Admin GraphQL server for tests: it speaks the documented wire format
(POST /admin/api/<version>/graphql.json, X-Shopify-Access-Token, `data`/`errors`/
`extensions.cost`, HTTP 401 for a bad token, 429 with Retry-After), so the real client
code talks to it over HTTP. It serves `orders` (cursor pagination, sorted by updated_at,
filtered by the `updated_at:>='...'` search), `order(id:)`, `discountCodeBasicCreate`,
`discountCodeDeactivate` and `discountCodeActivate`. Orders carry both their amounts
before returns and their "current" ones (after refunds), so a test shows which the
connector reads; refunds carry their line items (subtotal and tax, cut to the query's
`first:`), their shipping and the money returned.

Tests script trouble with `script` (served in order before normal answers) and can hold a
page (`hold_page`) to kill a worker while it waits for it."""

from __future__ import annotations

import copy
import datetime
import json
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "shpat_test_token_0123456789"
SHOP = "zebra-store.myshopify.com"


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount, currency: str = "USD") -> dict:
    return {"shopMoney": {"amount": str(Decimal(amount)), "currencyCode": currency}}


def order_node(
    n: int,
    *,
    updated_at: datetime.datetime,
    created_at: datetime.datetime | None = None,
    total: str = "50.00",
    subtotal: str | None = None,
    tax: str = "0.00",
    currency: str = "USD",
    codes: tuple[str, ...] = (),
    landing_page: str | None = None,
    utm: dict | None = None,
    referral_code: str | None = None,
    customer_id: int | None = None,
    order_index: int | None = 1,
    country: str | None = "US",
    refunds: list[dict] | None = None,
    cancelled_at: datetime.datetime | None = None,
    taxes_included: bool = False,
    shipping_tax: str = "0.00",
) -> dict:
    """An Order node shaped as the Admin GraphQL API returns it for our query. `total`,
    `subtotal` and `tax` are the amounts before returns; the "current" ones are what is
    left after the refunds (each refund taken as returned items without tax)."""
    visit = None
    if landing_page is not None:
        visit = {"landingPage": landing_page, "referralCode": referral_code,
                 "utmParameters": utm}  # fmt: skip
    refunds = refunds or []
    refunded = sum((Decimal(r["totalRefundedSet"]["shopMoney"]["amount"]) for r in refunds),
                   Decimal("0"))  # fmt: skip
    subtotal = subtotal or total
    return {
        "id": f"gid://shopify/Order/{1000 + n}",
        "name": f"#{1000 + n}",
        "createdAt": stamp(created_at or updated_at),
        "updatedAt": stamp(updated_at),
        "cancelledAt": stamp(cancelled_at) if cancelled_at else None,
        "taxesIncluded": taxes_included,
        "totalPriceSet": money(total, currency),
        "subtotalPriceSet": money(subtotal, currency),
        "totalTaxSet": money(tax, currency),
        "currentTotalPriceSet": money(Decimal(total) - refunded, currency),
        "currentSubtotalPriceSet": money(Decimal(subtotal) - refunded, currency),
        "currentTotalTaxSet": money(tax, currency),
        "shippingLine": {"taxLines": [{"priceSet": money(shipping_tax, currency)}]},
        "discountCodes": list(codes),
        "customerJourneySummary": {
            "customerOrderIndex": order_index,
            "firstVisit": visit,
            "lastVisit": visit,
        },
        "customer": {"id": f"gid://shopify/Customer/{customer_id or 500 + n}"},
        "shippingAddress": {"countryCodeV2": country} if country else None,
        "refunds": refunds,
    }


def order_refund(
    order: dict,
    n: int,
    amount: str | None,
    at: datetime.datetime,
    currency: str = "USD",
    **lines,
) -> None:
    """Refund returned items of a served order as Shopify does: the refund is listed, the
    current amounts drop, the amounts before returns stay, and updatedAt moves. `lines` as
    in `refund_node`."""
    refund = refund_node(n, amount, at, currency, **lines)
    order["refunds"].append(refund)
    items = sum((Decimal(line["subtotalSet"]["shopMoney"]["amount"])
                 for line in refund["refundLineItems"]["nodes"]), Decimal("0"))  # fmt: skip
    returned = Decimal(refund["totalRefundedSet"]["shopMoney"]["amount"])
    for key, taken in (("currentTotalPriceSet", returned), ("currentSubtotalPriceSet", items)):
        order[key] = money(Decimal(order[key]["shopMoney"]["amount"]) - taken, currency)
    order["updatedAt"] = stamp(at)


def refund_node(
    n: int,
    amount: str | None,
    at: datetime.datetime,
    currency: str = "USD",
    *,
    items: list[tuple[str, str]] | None = None,
    shipping: str = "0.00",
    shipping_tax: str = "0.00",
    taxes_included: bool = False,
) -> dict:
    """A Refund as the Admin GraphQL API returns it: its refunded line items (`items`:
    subtotal and tax of each; RefundLineItem.subtotalSet holds the tax where prices include
    it), its refunded shipping (RefundShippingLine) and the money returned
    (totalRefundedSet: items, their tax unless included, and shipping with its tax).
    `amount` None: that sum; a given amount with no `items` is a return of items of that
    value without tax, or (`items=[]`) what the caller says."""
    if items is None:
        items = [(amount or "0.00", "0.00")]
    if amount is None:
        returned = sum((Decimal(subtotal) + (0 if taxes_included else Decimal(tax))
                        for subtotal, tax in items), Decimal("0"))  # fmt: skip
        returned += Decimal(shipping) + (0 if taxes_included else Decimal(shipping_tax))
        amount = str(returned)
    shipping_lines = []
    if Decimal(shipping) or Decimal(shipping_tax):
        shipping_lines = [{"subtotalAmountSet": money(shipping, currency),
                           "taxAmountSet": money(shipping_tax, currency)}]  # fmt: skip
    return {
        "id": f"gid://shopify/Refund/{n}",
        "createdAt": stamp(at),
        "totalRefundedSet": money(amount, currency),
        "refundLineItems": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [
                {
                    "quantity": 1,
                    "subtotalSet": money(subtotal, currency),
                    "totalTaxSet": money(tax, currency),
                }
                for subtotal, tax in items
            ],
        },  # fmt: skip
        "refundShippingLines": {"nodes": shipping_lines},
    }


def order_as_queried(order: dict, query: str) -> dict:
    """The order with each refund's line items cut to the query's `first:`, as Shopify
    pages a connection (hasNextPage when some were left off)."""
    asked = re.search(r"refundLineItems\(first: *(\d+)\)", query)
    if not asked:
        return order
    first = int(asked.group(1))
    shaped = copy.deepcopy(order)
    for refund in shaped["refunds"]:
        nodes = refund["refundLineItems"]["nodes"]
        refund["refundLineItems"] = {"pageInfo": {"hasNextPage": len(nodes) > first},
                                     "nodes": nodes[:first]}  # fmt: skip
    return shaped


def throttled_body(requested: float, available: float, restore: float = 50.0) -> dict:
    return {
        "errors": [{"message": "Throttled", "extensions": {
            "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
        "extensions": {"cost": {
            "requestedQueryCost": requested, "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": available,
                               "restoreRate": restore}}},
    }  # fmt: skip


class FakeShopify:
    def __init__(self, *, token: str = TOKEN, shop: str = SHOP) -> None:
        self.token = token
        self.shop = shop
        self.orders: list[dict] = []
        # Each entry: (status, body dict or raw bytes, headers) answered instead of the next
        # request's normal answer.
        self.script: list[tuple[int, object, dict]] = []
        self.requests: list[dict] = []
        self.discount_inputs: list[dict] = []
        self.discount_user_errors: list[dict] = []
        # The store's code discounts by DiscountCodeNode id: {"code", "status"}, where
        # status is Shopify's DiscountStatus (a deactivated discount ends now: EXPIRED).
        self.discounts: dict[str, dict] = {}
        self.active_set_user_errors: list[dict] = []
        self.hold_page: int | None = None
        self.page_reached = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/{{shop}}"

    def order_requests(self) -> list[dict]:
        return [r["variables"] for r in self.requests if "orders(" in r["query"]]

    # --- answers ---

    def answer(self, path: str, headers, raw: bytes) -> tuple[int, object, dict]:
        if not re.fullmatch(rf"/{re.escape(self.shop)}/admin/api/[0-9-]+/graphql\.json", path):
            return 404, {"errors": "Not Found"}, {}
        if headers.get("X-Shopify-Access-Token") != self.token:
            return 401, {"errors": "[API] Invalid API key or access token (unrecognized login "
                                   "or wrong password)"}, {}  # fmt: skip
        request = json.loads(raw)
        with self._lock:
            self.requests.append(request)
            scripted = self.script.pop(0) if self.script else None
        if scripted is not None:
            return scripted
        query, variables = request["query"], request.get("variables") or {}
        if "discountCodeBasicCreate" in query:
            return 200, self._discount(variables["basicCodeDiscount"]), {}
        for name, status in (("discountCodeDeactivate", "EXPIRED"),
                             ("discountCodeActivate", "ACTIVE")):  # fmt: skip
            if f"{name}(" in query:
                return 200, self._discount_status(name, variables["id"], status), {}
        if "orders(" in query:
            return 200, self._orders(variables, query), {}
        if "order(id:" in query:
            found = next((o for o in self.orders if o["id"] == variables["id"]), None)
            found = order_as_queried(found, query) if found else None
            return 200, {"data": {"order": found}}, {}
        return 200, {"errors": [{"message": "unknown query"}]}, {}

    def _orders(self, variables: dict, query: str) -> dict:
        first = int(variables["first"])
        start = int(variables["after"][1:]) if variables.get("after") else 0
        rows = sorted(self.orders, key=lambda o: (o["updatedAt"], o["id"]))
        search = variables.get("query")
        if search:
            since = re.fullmatch(r"updated_at:>='([^']+)'", search)
            assert since, f"unexpected search {search!r}"
            rows = [o for o in rows if o["updatedAt"] >= since.group(1)]
        page_number = start // first + 1 if first else 1
        if self.hold_page is not None and page_number == self.hold_page:
            self.page_reached.set()
            self.release.wait(timeout=120)
        chunk = rows[start : start + first]
        end = start + len(chunk)
        return {
            "data": {"orders": {"nodes": [order_as_queried(o, query) for o in chunk],
                                "pageInfo": {
                "hasNextPage": end < len(rows), "endCursor": f"c{end}" if chunk else None}}},
            "extensions": {"cost": {"requestedQueryCost": 52, "actualQueryCost": 12,
                                    "throttleStatus": {"maximumAvailable": 1000.0,
                                                       "currentlyAvailable": 988.0,
                                                       "restoreRate": 50.0}}},
        }  # fmt: skip

    def _discount(self, discount_input: dict) -> dict:
        self.discount_inputs.append(discount_input)
        if self.discount_user_errors:
            return {"data": {"discountCodeBasicCreate": {
                "codeDiscountNode": None, "userErrors": self.discount_user_errors}}}  # fmt: skip
        number = 9000 + len(self.discount_inputs)
        node_id = f"gid://shopify/DiscountCodeNode/{number}"
        self.discounts[node_id] = {"code": discount_input["code"], "status": "ACTIVE"}
        return {"data": {"discountCodeBasicCreate": {
            "codeDiscountNode": {"id": node_id}, "userErrors": []}}}  # fmt: skip

    def _discount_status(self, name: str, node_id: str, status: str) -> dict:
        errors = list(self.active_set_user_errors)
        if not errors and node_id not in self.discounts:
            errors = [{"field": ["id"], "code": "INVALID", "message": "Discount does not exist"}]
        if errors:
            return {"data": {name: {"codeDiscountNode": None, "userErrors": errors}}}
        self.discounts[node_id]["status"] = status
        return {"data": {name: {"codeDiscountNode": {"id": node_id}, "userErrors": []}}}

    # --- the server ---

    def __enter__(self) -> FakeShopify:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body, headers = fake.answer(self.path, self.headers, raw)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client (a killed worker) is gone

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
