"""Conversions in: one path for every source (store pull and webhooks, postback, CSV
import, landing-page leads).

A source turns what it received into a `ConversionInput`; `conversion_record` checks it
(`ConversionInvalid` names the field and the reason), then in one transaction inserts or
updates the Conversion keyed by (organization, source, source label, external id), adds
refunds it has not seen, and runs the attribution. The same input recorded twice changes
nothing, so a replayed webhook, a retried pull and a re-imported CSV are harmless; an
older version of an order (by the source's updated_at) arriving after a newer one does
not overwrite it.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import pycountry
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kolhub.models import Organization
from tracking.models import Conversion, ConversionKind, ConversionSource, Refund

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
MAX_AMOUNT = Decimal("1000000000")
# Clocks differ; an order "from the future" by more than this is a mistake in the data.
FUTURE_SLACK = datetime.timedelta(days=1)
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class ConversionInvalid(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class RefundInput:
    external_id: str
    amount: Decimal
    currency: str
    refunded_at: datetime.datetime
    # The attributed revenue the refund undoes (METRICS.md: net of taxes; shipping is not
    # revenue), when the source can tell it from the money returned (Shopify: the refunded
    # line items). None: the amount, for sources that report only money (CSV, postback).
    revenue: Decimal | None = None


@dataclasses.dataclass(frozen=True)
class ConversionInput:
    source: str
    external_id: str
    occurred_at: datetime.datetime
    kind: str = ConversionKind.SALE
    source_label: str = ""
    name: str = ""
    currency: str = ""
    total: Decimal = Decimal("0")
    subtotal: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")
    cancelled_at: datetime.datetime | None = None
    source_updated_at: datetime.datetime | None = None
    discount_codes: tuple[str, ...] = ()
    click_id: str = ""
    landing_url: str = ""
    referral_code: str = ""
    utms: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # The store's customer id or the email: hashed before it is stored.
    customer_ref: str = ""
    customer_order_index: int | None = None
    shipping_country: str = ""
    refunds: tuple[RefundInput, ...] = ()
    connection_id: int | None = None
    lead_id: int | None = None


@dataclasses.dataclass(frozen=True)
class RecordOutcome:
    conversion: Conversion
    created: bool
    changed: bool
    refunds_added: int


def currency_valid(code: str) -> bool:
    return len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def country_valid(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def _amount(field: str, value) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ConversionInvalid(field, f"{value!r} is not a number") from None
    if not amount.is_finite():
        raise ConversionInvalid(field, "must be a finite number")
    if amount < 0:
        raise ConversionInvalid(field, "must not be negative")
    if amount >= MAX_AMOUNT:
        raise ConversionInvalid(field, "is implausibly large")
    if amount != amount.quantize(Decimal("0.01")):
        raise ConversionInvalid(field, "has more than 2 decimal places")
    return amount


def _moment(field: str, value: datetime.datetime | None, *, required: bool = False):
    if value is None:
        if required:
            raise ConversionInvalid(field, "is required")
        return None
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise ConversionInvalid(field, "must be a date and time with a timezone")
    if value > timezone.now() + FUTURE_SLACK:
        raise ConversionInvalid(field, "is in the future")
    if value < EARLIEST:
        raise ConversionInvalid(field, "is before 2000")
    return value


def conversion_validate(data: ConversionInput) -> None:
    """Raise ConversionInvalid for the first field that cannot be recorded."""
    if data.source not in ConversionSource.values:
        raise ConversionInvalid("source", f"unknown source {data.source!r}")
    if data.kind not in ConversionKind.values:
        raise ConversionInvalid("event", f"must be one of {', '.join(ConversionKind.values)}")
    if not data.external_id or len(data.external_id) > 120:
        raise ConversionInvalid("external_id", "is required (at most 120 characters)")
    if len(data.source_label) > 60:
        raise ConversionInvalid("source", "label is longer than 60 characters")
    _moment("occurred_at", data.occurred_at, required=True)
    _moment("cancelled_at", data.cancelled_at)
    if (data.kind == ConversionKind.SALE or data.total) and not currency_valid(data.currency):
        raise ConversionInvalid("currency", f"{data.currency!r} is not an ISO 4217 code")
    for field in ("total", "subtotal", "tax"):
        _amount(field, getattr(data, field))
    if data.shipping_country and not country_valid(data.shipping_country):
        raise ConversionInvalid("shipping_country", f"{data.shipping_country!r} is not ISO 3166")
    unknown = set(data.utms) - set(UTM_KEYS)
    if unknown:
        raise ConversionInvalid("utm", f"unknown parameters {', '.join(sorted(unknown))}")
    if data.customer_order_index is not None and data.customer_order_index < 1:
        raise ConversionInvalid("customer_order_index", "must be 1 or more")
    for refund in data.refunds:
        _amount("refund.amount", refund.amount)
        if refund.amount == 0:
            raise ConversionInvalid("refund.amount", "must be more than 0")
        if refund.revenue is not None:
            _amount("refund.revenue", refund.revenue)
            if refund.revenue > refund.amount:
                raise ConversionInvalid("refund.revenue", "is more than the money refunded")
        if refund.currency != data.currency:
            raise ConversionInvalid("refund.currency", "differs from the order's currency")
        _moment("refund.refunded_at", refund.refunded_at, required=True)
        if not refund.external_id:
            raise ConversionInvalid("refund.external_id", "is required")


def customer_key(raw: str) -> str:
    """A salted hash of a customer id or email: enough to tell returning customers apart,
    never the value itself."""
    if not raw:
        return ""
    key = hashlib.sha256(b"kolhub-tracking-customer:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, raw.strip().lower().encode(), hashlib.sha256).hexdigest()


def _fields(data: ConversionInput) -> dict:
    return {
        "kind": data.kind, "name": data.name[:60], "occurred_at": data.occurred_at,
        "cancelled_at": data.cancelled_at, "source_updated_at": data.source_updated_at,
        "currency": data.currency, "total": Decimal(data.total),
        "subtotal": Decimal(data.subtotal), "tax": Decimal(data.tax),
        "discount_codes": sorted({c.strip().upper() for c in data.discount_codes if c.strip()}),
        "click_id": data.click_id[:64], "landing_url": data.landing_url,
        "referral_code": data.referral_code[:200],
        **{key: (data.utms.get(key) or "")[:200] for key in UTM_KEYS},
        "customer_key": customer_key(data.customer_ref),
        "customer_order_index": data.customer_order_index,
        "shipping_country": data.shipping_country, "connection_id": data.connection_id,
        "lead_id": data.lead_id,
    }  # fmt: skip


def conversion_record(*, organization: Organization, data: ConversionInput) -> RecordOutcome:
    """Insert or update one conversion, add its new refunds and attribute it, in one
    transaction. Idempotent: recording the same input again changes nothing."""
    conversion_validate(data)
    fields = _fields(data)
    with transaction.atomic():
        conversion, created = Conversion.objects.for_org(organization).get_or_create(
            organization=organization, source=data.source, source_label=data.source_label,
            external_id=data.external_id, defaults=fields,
        )  # fmt: skip
        changed = created
        if not created:
            conversion = (
                Conversion.objects.for_org(organization).select_for_update().get(pk=conversion.pk)
            )
            stale = (
                data.source_updated_at is not None
                and conversion.source_updated_at is not None
                and data.source_updated_at < conversion.source_updated_at
            )
            if conversion.customer_order_index is not None:
                # Where an order stands in its customer's history is settled when it is
                # placed: a later version of it (a webhook or an export reading the
                # customer's order count today) must not turn a new customer's first
                # order into a returning one's.
                fields["customer_order_index"] = conversion.customer_order_index
            if not stale:
                differing = {k: v for k, v in fields.items() if getattr(conversion, k) != v}
                if differing:
                    for key, value in differing.items():
                        setattr(conversion, key, value)
                    conversion.save()
                    changed = True
        refunds_added = _refunds_add(organization, conversion, data.refunds)
        if refunds_added:
            changed = True
        if changed:
            _attribute(organization, conversion)
    return RecordOutcome(conversion, created, changed, refunds_added)


def _refunds_add(organization: Organization, conversion: Conversion, refunds) -> int:
    known = set(
        Refund.objects.for_org(organization)
        .filter(conversion=conversion)
        .values_list("external_id", flat=True)
    )
    added = [
        Refund(organization=organization, conversion=conversion, external_id=r.external_id,
               amount=Decimal(r.amount), currency=r.currency, refunded_at=r.refunded_at,
               revenue=None if r.revenue is None else Decimal(r.revenue))
        for r in refunds if r.external_id not in known
    ]  # fmt: skip
    if not added:
        return 0
    Refund.objects.bulk_create(added, ignore_conflicts=True)
    total = sum(
        Refund.objects.for_org(organization)
        .filter(conversion=conversion)
        .values_list("amount", flat=True),
        Decimal("0"),
    )
    Conversion.objects.for_org(organization).filter(pk=conversion.pk).update(refunded=total)
    conversion.refunded = total
    return len(added)


def _attribute(organization: Organization, conversion: Conversion) -> None:
    """The attribution ledger follows every change of a conversion (see
    tracking.services.attribution)."""
    from tracking.services.attribution import conversion_attribute

    conversion_attribute(organization=organization, conversion=conversion)


def conversion_refund_add(
    *, organization: Organization, conversion: Conversion, refund: RefundInput
) -> bool:
    """Add one refund to a recorded conversion (a source that reports refunds on their
    own, such as a postback, has no whole order to send again), and book it in the
    ledger. False when a refund with that external id is already recorded: a replay."""
    if conversion.organization_id != organization.pk:
        raise ConversionInvalid("external_id", "no such conversion")
    if not refund.external_id or len(refund.external_id) > 120:
        raise ConversionInvalid("refund.external_id", "is required (at most 120 characters)")
    _amount("refund.amount", refund.amount)
    if refund.amount == 0:
        raise ConversionInvalid("refund.amount", "must be more than 0")
    _moment("refund.refunded_at", refund.refunded_at, required=True)
    with transaction.atomic():
        conversion = (
            Conversion.objects.for_org(organization).select_for_update().get(pk=conversion.pk)
        )
        known = Refund.objects.for_org(organization).filter(conversion=conversion)
        if known.filter(external_id=refund.external_id).exists():
            return False
        if refund.currency != conversion.currency:
            raise ConversionInvalid(
                "refund.currency", f"differs from the order's currency ({conversion.currency})"
            )
        if conversion.refunded + Decimal(refund.amount) > conversion.total:
            left = conversion.total - conversion.refunded
            raise ConversionInvalid(
                "refund.amount",
                f"is more than what is left to refund ({left} {conversion.currency})",
            )
        _refunds_add(organization, conversion, (refund,))
        _attribute(organization, conversion)
    return True
