"""A local Shopify Admin GraphQL server for tests: it speaks the documented wire format
(POST /admin/api/<version>/graphql.json, X-Shopify-Access-Token, `data`/`errors`/
`extensions.cost`, HTTP 401 for a bad token, 429 with Retry-After), so the real client
code talks to it over HTTP. It serves `orders` (cursor pagination, sorted by updated_at,
filtered by the `updated_at:>='...'` search), `order(id:)`, `discountCodeBasicCreate`,
`discountCodeDeactivate` and `discountCodeActivate`. Orders carry both their amounts
before returns and their "current" ones (after refunds), so a test shows which the
connector reads.

Tests script trouble with `script` (served in order before normal answers) and can hold a
page (`hold_page`) to kill a worker while it waits for it."""

from __future__ import annotations

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
    order: dict, n: int, amount: str, at: datetime.datetime, currency: str = "USD"
) -> None:
    """Refund returned items of a served order as Shopify does: the refund is listed, the
    current amounts drop, the amounts before returns stay, and updatedAt moves."""
    order["refunds"].append(refund_node(n, amount, at, currency))
    for key in ("currentTotalPriceSet", "currentSubtotalPriceSet"):
        left = Decimal(order[key]["shopMoney"]["amount"]) - Decimal(amount)
        order[key] = money(left, currency)
    order["updatedAt"] = stamp(at)


def refund_node(n: int, amount: str, at: datetime.datetime, currency: str = "USD") -> dict:
    return {"id": f"gid://shopify/Refund/{n}", "createdAt": stamp(at),
            "totalRefundedSet": money(amount, currency)}  # fmt: skip


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
            return 200, self._orders(variables), {}
        if "order(id:" in query:
            found = next((o for o in self.orders if o["id"] == variables["id"]), None)
            return 200, {"data": {"order": found}}, {}
        return 200, {"errors": [{"message": "unknown query"}]}, {}

    def _orders(self, variables: dict) -> dict:
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
            "data": {"orders": {"nodes": chunk, "pageInfo": {
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
