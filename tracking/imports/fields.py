"""What a column of an orders file can be imported into, the header names each one is
recognised by, and the rules a person needs. The machinery (Target, the synonym index,
mapping_problems) is creators' import's."""

from __future__ import annotations

from collections.abc import Mapping

from creators.imports.fields import Target, guess_in, mapping_problems, synonym_index

ORDER, MONEY, SOURCE, CUSTOMER = "Order", "Money", "Where it came from", "Customer"
UTM_TARGETS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")

TARGETS: list[Target] = [
    Target("external_id", "Order id", ORDER, "Required; the store's id, unique per order"),
    Target("name", "Order name", ORDER, "e.g. #1001"),
    Target("occurred_at", "Created at", ORDER, "Required; e.g. 2025-05-01T14:30:00Z"),
    Target("cancelled_at", "Cancelled at", ORDER, "Empty unless cancelled"),
    Target("currency", "Currency", MONEY, "Required; ISO 4217, e.g. EUR"),
    Target("total", "Total", MONEY, "Required; after discounts, e.g. 119.90"),
    Target("subtotal", "Subtotal", MONEY, "After discounts, before shipping and tax"),
    Target("tax", "Tax", MONEY),
    Target("refunded", "Refunded amount", MONEY, "Money refunded on the order so far"),
    Target("refunded_at", "Refunded at", MONEY, "When the latest refund was made"),
    Target("discount_codes", "Discount codes", SOURCE, "Several separated by commas"),
    Target("landing_url", "Landing URL", SOURCE, "kh_click and utm_* are read from it"),
    Target("click_id", "Click id", SOURCE, "The kh_click value, if you have it apart"),
    *[Target(key, key, SOURCE) for key in UTM_TARGETS],
    Target("customer_ref", "Customer email or id", CUSTOMER, "Hashed, never stored as is"),
    Target("customer_order_index", "Customer order index", CUSTOMER,
           "1 for a customer's first order"),
    Target("shipping_country", "Shipping country", CUSTOMER, "ISO 3166-1 alpha-2, e.g. DE"),
]  # fmt: skip
TARGETS_BY_KEY = {t.key: t for t in TARGETS}
REQUIRED = ("external_id", "occurred_at", "currency", "total")
GROUPS = (ORDER, MONEY, SOURCE, CUSTOMER)

CONVENTIONS = [
    ("One row, one order",
     "Order id, created at, currency and total are required. The same order id twice in "
     "one file is an error on the second row."),
    ("Importing again",
     "An order already imported is updated when its row changed and left alone when it did "
     "not: importing the same file twice changes nothing."),
    ("Times",
     "ISO 8601 (2025-05-01T14:30:00Z or 2025-05-01 14:30). A time without a timezone is "
     "read in your organization's timezone. Orders in the future are refused."),
    ("Money",
     "A dot for decimals (1234.50; 1,234.50 is fine). Total is after discounts; revenue "
     "credited to creators is the subtotal, or the total less tax."),
    ("Refunds",
     "Refunded amount is what was refunded so far; a larger amount in a later file adds the "
     "difference as a refund. It is booked at Refunded at when the file has it, else when "
     "the order was cancelled, else on the order's day."),
    ("Attribution",
     "Each order is credited by its click id (kh_click, also read from the landing URL), "
     "its discount codes and its UTM tags, like a store order."),
    ("Lines", "Errors name the line of the spreadsheet: the header is line 1."),
]  # fmt: skip

_SYNONYMS: dict[str, list[str]] = {
    "external_id": ["order id", "order", "id", "order number", "transaction id", "order_id"],
    "name": ["order name", "name", "order ref", "reference"],
    "occurred_at": ["created at", "created", "date", "order date", "processed at", "time",
                    "created_at", "timestamp"],
    "cancelled_at": ["cancelled", "canceled at", "cancelled_at", "cancellation date"],
    "currency": ["currency code", "currency"],
    "total": ["total", "total price", "order total", "amount", "total_price"],
    "subtotal": ["subtotal", "subtotal price", "sub total", "subtotal_price"],
    "tax": ["taxes", "total tax", "vat", "tax amount"],
    "refunded": ["refunded", "refunded amount", "refunds", "total refunded"],
    "refunded_at": ["refunded at", "refund date", "refunded_at", "refund time", "refunded on"],
    "discount_codes": ["discount code", "discount codes", "promo code", "coupon", "coupons",
                       "codes"],
    "landing_url": ["landing page", "landing site", "landing url", "landing_site"],
    "click_id": ["kh click", "kh_click", "click"],
    "customer_ref": ["customer", "customer email", "email", "customer id", "customer_id"],
    "customer_order_index": ["orders count", "customer orders", "order index",
                             "customer order number"],
    "shipping_country": ["ship country", "shipping country code", "country"],
}  # fmt: skip
_INDEX = synonym_index(TARGETS, _SYNONYMS)


def guess_field(header: str) -> str:
    return guess_in(_INDEX, header)


def order_mapping_problems(mapping: Mapping[str, str]) -> list[str]:
    return mapping_problems(mapping, targets=TARGETS_BY_KEY, required=REQUIRED)
