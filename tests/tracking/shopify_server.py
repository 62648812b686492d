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

import datetime
import json
import re
import threading
from dataclasses import dataclass
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


def throttled_body(requested: float, available: float, restore: float = 50.0) -> dict:
    return {
        "errors": [{"message": "Throttled", "extensions": {
            "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
        "extensions": {"cost": {
            "requestedQueryCost": requested, "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": available,
                               "restoreRate": restore}}},
    }  # fmt: skip


# --- the requested cost, as Shopify prices a query before running it ----------------------
# shopify.dev "GraphQL Admin API rate limits", cost calculation: a scalar or enum costs 0, an
# object 1, a connection is sized by its `first`/`last` argument: 2 for the connection and,
# per requested item, the item's object (1) and everything selected inside it, so nested
# connections multiply. A query whose requested cost is over the single-query maximum
# (1,000) is refused before it runs with MAX_COST_EXCEEDED, whatever the bucket holds. An
# unsized list of objects (Order.refunds, ShippingLine.taxLines) is priced as one object
# here; pageInfo as an object.
MAX_QUERY_COST = 1000
_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|\.\.\.|[{}():$!\[\],=@]'
)


@dataclass
class Field:
    name: str
    args: dict
    selections: list[Field]


def _parse_selections(tokens: list[str], i: int, variables: dict) -> tuple[list[Field], int]:
    assert tokens[i] == "{", f"expected a selection set at {tokens[i : i + 5]}"
    i += 1
    fields: list[Field] = []
    while tokens[i] != "}":
        name = tokens[i]
        i += 1
        if i < len(tokens) and tokens[i] == ":":  # an alias
            name, i = tokens[i + 1], i + 2
        args: dict = {}
        if tokens[i] == "(":
            i += 1
            while tokens[i] != ")":
                key, value = tokens[i], tokens[i + 2]
                i += 3
                if value == "$":
                    value, i = variables.get(tokens[i]), i + 1
                args[key] = value
            i += 1
        selections: list[Field] = []
        if tokens[i] == "{":
            selections, i = _parse_selections(tokens, i, variables)
        fields.append(Field(name, args, selections))
    return fields, i + 1


def query_fields(query: str, variables: dict) -> list[Field]:
    """The operation's root fields (one operation, no fragments: what our client sends)."""
    tokens = [t for t in _TOKEN.findall(query) if t != ","]
    depth, i = 0, 0
    while tokens[i] != "{" or depth:  # skip `query Name($a: T!, ...)`
        depth += {"(": 1, ")": -1}.get(tokens[i], 0)
        i += 1
    return _parse_selections(tokens, i, variables)[0]


def _size(field: Field) -> int | None:
    for key in ("first", "last"):
        if field.args.get(key) is not None:
            return int(field.args[key])
    return None


def requested_cost(fields: list[Field]) -> int:
    total = 0
    for field in fields:
        if not field.selections:
            continue
        size = _size(field)
        if size is None:
            total += 1 + requested_cost(field.selections)
            continue
        per_item = sum(
            (1 + requested_cost(s.selections)) if s.name == "nodes"
            else requested_cost(s.selections)  # edges { cursor node { ... } }
            for s in field.selections if s.name in ("nodes", "edges")
        )  # fmt: skip
        rest = [s for s in field.selections if s.name not in ("nodes", "edges")]
        total += 2 + size * per_item + requested_cost(rest)
    return total


def max_cost_exceeded_body(cost: int) -> dict:
    """Shopify's answer to a query over the single-query maximum (HTTP 200, no data)."""
    return {"errors": [{
        "message": f"Query cost is {cost}, which exceeds the single query max cost limit "
                   f"({MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits "
                   "for more information on how the\ncost of a query is calculated.\n\nTo query "
                   "larger amounts of data with fewer limits, bulk operations should be used "
                   "instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api "
                   "for usage details.\n",
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_QUERY_COST,
                       "documentation": "https://shopify.dev/api/usage/rate-limits"}}]}  # fmt: skip


def shaped(value, selections: list[Field]):
    """`value` as the query selects it: only the fields asked for, and each sized
    connection cut to its `first:` (hasNextPage when some were left off)."""
    if isinstance(value, list):
        return [shaped(v, selections) for v in value]
    if not isinstance(value, dict) or not selections:
        return value
    out = {}
    for field in selections:
        item = value.get(field.name)
        size = _size(field)
        if size is not None and isinstance(item, dict) and isinstance(item.get("nodes"), list):
            nodes = item["nodes"]
            item = {**item, "nodes": nodes[:size],
                    "pageInfo": {**(item.get("pageInfo") or {}),
                                 "hasNextPage": len(nodes) > size}}  # fmt: skip
        out[field.name] = shaped(item, field.selections)
    return out


def _cost_extension(requested: int) -> dict:
    return {"cost": {"requestedQueryCost": requested, "actualQueryCost": min(requested, 12),
                     "throttleStatus": {"maximumAvailable": 1000.0,
                                        "currentlyAvailable": 1000.0 - min(requested, 12),
                                        "restoreRate": 50.0}}}  # fmt: skip


class FakeShopify:
    def __init__(self, *, token: str = TOKEN, shop: str = SHOP) -> None:
        self.token = token
        self.shop = shop
        self.orders: list[dict] = []
        # Each entry: (status, body dict or raw bytes, headers) answered instead of the next
        # request's normal answer.
        self.script: list[tuple[int, object, dict]] = []
        self.requests: list[dict] = []
        # The requested cost of each orders/order query, as Shopify computes it.
        self.costs: list[int] = []
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
        if not query.lstrip().startswith("mutation"):
            fields = query_fields(query, variables)
            cost = requested_cost(fields)
            self.costs.append(cost)
            if cost > MAX_QUERY_COST:
                return 200, max_cost_exceeded_body(cost), {}
            root = fields[0]
        if "orders(" in query:
            return 200, self._orders(variables, root, cost), {}
        if "order(id:" in query:
            found = next((o for o in self.orders if o["id"] == variables["id"]), None)
            return 200, {"data": {"order": shaped(found, root.selections)},
                         "extensions": _cost_extension(cost)}, {}  # fmt: skip
        return 200, {"errors": [{"message": "unknown query"}]}, {}

    def _orders(self, variables: dict, root: Field, cost: int) -> dict:
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
        nodes = next(f for f in root.selections if f.name == "nodes")
        end = start + len(chunk)
        return {
            "data": {"orders": {"nodes": shaped(chunk, nodes.selections),
                                "pageInfo": {
                "hasNextPage": end < len(rows), "endCursor": f"c{end}" if chunk else None}}},
            "extensions": _cost_extension(cost),
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
