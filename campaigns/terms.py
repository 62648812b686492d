"""Offer terms as plain values, how they read, and what changed between two versions.

Nothing here touches the database: campaigns.services.offers turns input into
OfferTerms (validating it) and stores them; `terms_of(offer)` reads them back from a
saved offer (its rows prefetched); `diff(old, new)` lists the differences field by field,
and row by row for deliverables, gifts and the payment schedule. Both UIs (the brand's
collaboration page and the creator portal) and the API show the same diff."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from campaigns.models import OfferDeliverable, OfferGift, OfferInstallment, PaymentTrigger
from creators.models import Deliverable, Platform

NONE = "—"


def money_text(amount, currency: str = "") -> str:
    """1234.5, "USD" -> "USD 1,234.50"; None -> "—" (no figure, not zero)."""
    if amount in (None, ""):
        return NONE
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"{currency} {value:,.2f}".strip()


def percent_text(value) -> str:
    number = Decimal(str(value or 0)).normalize()
    return f"{number:f}%"


def date_text(value: datetime.date | None) -> str:
    return value.strftime("%b %-d, %Y") if value else NONE


def days_text(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


@dataclass(frozen=True)
class DeliverableTerm:
    platform: str
    kind: str
    quantity: int
    due_date: datetime.date

    def text(self) -> str:
        platform = Platform(self.platform).label if self.platform in Platform.values else ""
        kind = Deliverable(self.kind).label if self.kind in Deliverable.values else self.kind
        return f"{self.quantity} × {platform} {kind.lower()}, due {date_text(self.due_date)}"


@dataclass(frozen=True)
class GiftTerm:
    product_id: int | None
    product_name: str
    sku: str
    quantity: int

    def text(self) -> str:
        return f"{self.quantity} × {self.product_name} ({self.sku})"


@dataclass(frozen=True)
class InstallmentTerm:
    percent: Decimal
    trigger: str
    net_days: int

    def text(self) -> str:
        trigger = PaymentTrigger(self.trigger).label.lower()
        return f"{percent_text(self.percent)} {trigger}, net {days_text(self.net_days)}"


@dataclass(frozen=True)
class OfferTerms:
    fee: Decimal
    currency: str
    exchange_rate: Decimal | None = None
    commission_percent: Decimal = Decimal("0")
    gifts: tuple[GiftTerm, ...] = ()
    gift_note: str = ""
    deliverables: tuple[DeliverableTerm, ...] = ()
    usage_rights_days: int = 0
    usage_channels: tuple[str, ...] = ()
    paid_amplification: bool = False
    exclusivity_categories: tuple[str, ...] = ()
    exclusivity_days: int = 0
    installments: tuple[InstallmentTerm, ...] = ()
    # Why this version (shown to the other side); commentary, not a term, so not diffed.
    note: str = ""

    @property
    def has_gift(self) -> bool:
        return bool(self.gifts or self.gift_note.strip())

    def usage_text(self) -> str:
        if not self.usage_rights_days:
            return "No reuse by the brand"
        channels = ", ".join(self.usage_channels) or "any channel"
        paid = "paid amplification allowed" if self.paid_amplification else "no paid amplification"
        return f"{days_text(self.usage_rights_days)} on {channels}; {paid}"

    def exclusivity_text(self) -> str:
        if not self.exclusivity_days:
            return "None"
        return f"{', '.join(self.exclusivity_categories)} for {days_text(self.exclusivity_days)}"


def terms_of(offer) -> OfferTerms:
    """The terms a saved offer holds (prefetch deliverables, gifts and installments)."""
    deliverables: list[OfferDeliverable] = list(offer.deliverables.all())
    gifts: list[OfferGift] = list(offer.gifts.all())
    installments: list[OfferInstallment] = list(offer.installments.all())
    return OfferTerms(
        fee=offer.fee,
        currency=offer.currency,
        exchange_rate=offer.exchange_rate,
        commission_percent=offer.commission_percent,
        gifts=tuple(
            GiftTerm(g.product_id, g.product_name, g.sku, g.quantity)
            for g in sorted(gifts, key=lambda g: g.position)
        ),
        gift_note=offer.gift_note,
        deliverables=tuple(
            DeliverableTerm(d.platform, d.kind, d.quantity, d.due_date)
            for d in sorted(deliverables, key=lambda d: d.position)
        ),
        usage_rights_days=offer.usage_rights_days,
        usage_channels=tuple(offer.usage_channels or ()),
        paid_amplification=offer.paid_amplification,
        exclusivity_categories=tuple(offer.exclusivity_categories or ()),
        exclusivity_days=offer.exclusivity_days,
        installments=tuple(
            InstallmentTerm(i.percent, i.trigger, i.net_days)
            for i in sorted(installments, key=lambda i: i.position)
        ),
        note=offer.note,
    )


@dataclass(frozen=True)
class Change:
    """One difference: what it is about, how it read before and how it reads now. Texts
    are plain (templates escape them)."""

    field: str
    label: str
    before: str
    after: str


def _fee(terms: OfferTerms) -> str:
    return money_text(terms.fee, terms.currency)


def _rate(terms: OfferTerms) -> str:
    return NONE if terms.exchange_rate is None else f"{terms.exchange_rate.normalize():f}"


def _joined(values: tuple[str, ...]) -> str:
    return ", ".join(values) or NONE


SCALARS = [
    ("fee", "Fee", _fee),
    ("exchange_rate", "Exchange rate", _rate),
    ("commission_percent", "Commission", lambda t: percent_text(t.commission_percent)),
    ("gift_note", "Product gift (notes)", lambda t: t.gift_note.strip() or NONE),
    ("usage_rights_days", "Usage rights", lambda t: days_text(t.usage_rights_days)
     if t.usage_rights_days else "No reuse"),
    ("usage_channels", "Usage channels", lambda t: _joined(t.usage_channels)),
    ("paid_amplification", "Paid amplification", lambda t: "Allowed" if t.paid_amplification
     else "Not allowed"),
    ("exclusivity_categories", "Exclusivity categories",
     lambda t: _joined(t.exclusivity_categories)),
    ("exclusivity_days", "Exclusivity", lambda t: days_text(t.exclusivity_days)
     if t.exclusivity_days else "None"),
]  # fmt: skip

ROWS = [
    ("deliverables", "Deliverable"),
    ("gifts", "Gift"),
    ("installments", "Payment"),
]


def diff(old: OfferTerms, new: OfferTerms) -> list[Change]:
    """Every difference from `old` to `new`, in the order the terms are shown. Rows are
    compared by position: row 2 of the schedule against row 2, an added row against
    "—" and a removed one to "—"."""
    changes: list[Change] = []
    for name, label, show in SCALARS:
        before, after = show(old), show(new)
        if before != after:
            changes.append(Change(name, label, before, after))
    for name, label in ROWS:
        old_rows, new_rows = getattr(old, name), getattr(new, name)
        for n in range(max(len(old_rows), len(new_rows))):
            before = old_rows[n].text() if n < len(old_rows) else NONE
            after = new_rows[n].text() if n < len(new_rows) else NONE
            if before != after:
                changes.append(Change(name, f"{label} {n + 1}", before, after))
    return changes
