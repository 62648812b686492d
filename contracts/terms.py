"""Contract terms as data: the plain interface between whoever agrees the terms (the
offers in campaigns, later; a person on the contract form, now) and the contract.

A contract stores its terms as JSON (`ContractTerms.to_json()`), always read back through
`ContractTerms.from_json()`, which validates: what is stored is what a template can merge
and what the usage-rights and exclusivity checks query. Frozen dataclasses, so a value
handed to a template or a service cannot be changed behind the contract's back.

Money is Decimal with a currency code; dates are dates; nothing here touches the database.
The offers side will add `terms_from_offer(offer) -> ContractTerms`; this module does not
know offers exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from campaigns.models import PaymentTrigger
from campaigns.terms import terms_of
from kolhub.models import CURRENCIES

CURRENCY_CODES = frozenset(code for code, _ in CURRENCIES)
MAX_DAYS = 3650  # ten years: longer usage or exclusivity periods are a typo, not a deal
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Parties:
    brand_name: str
    brand_signer_name: str
    brand_signer_email: str
    creator_name: str
    creator_email: str
    brand_signer_title: str = ""


@dataclass(frozen=True)
class Deliverable:
    platform: str  # instagram, tiktok, youtube, …
    type: str  # reel, post, story, video, …
    quantity: int
    due_date: date


@dataclass(frozen=True)
class Installment:
    percent: Decimal
    trigger: str  # "signature", "publication", "content approval", …
    net_days: int


@dataclass(frozen=True)
class UsageRights:
    duration_days: int = 0  # 0: the brand may only share the creator's own posts
    channels: tuple[str, ...] = ()
    paid_amplification: bool = False


@dataclass(frozen=True)
class Exclusivity:
    categories: tuple[str, ...] = ()
    duration_days: int = 0


@dataclass(frozen=True)
class ContractTerms:
    parties: Parties
    campaign_name: str
    deliverables: tuple[Deliverable, ...]
    fee_amount: Decimal
    fee_currency: str
    start_date: date
    governing_law: str
    commission_percent: Decimal = Decimal("0")
    payment_schedule: tuple[Installment, ...] = ()
    usage_rights: UsageRights = field(default_factory=UsageRights)
    exclusivity: Exclusivity = field(default_factory=Exclusivity)

    # --- derived dates: what the indexed columns hold -------------------------------

    @property
    def usage_rights_end(self) -> date | None:
        """Last day the brand may use the content (usage runs from the start date)."""
        if not self.usage_rights.duration_days:
            return None
        return self.start_date + timedelta(days=self.usage_rights.duration_days - 1)

    @property
    def exclusivity_start(self) -> date | None:
        return self.start_date if self.exclusivity.duration_days else None

    @property
    def exclusivity_end(self) -> date | None:
        if not self.exclusivity.duration_days:
            return None
        return self.start_date + timedelta(days=self.exclusivity.duration_days - 1)

    def installment_amount(self, installment: Installment) -> Decimal:
        return (self.fee_amount * installment.percent / HUNDRED).quantize(Decimal("0.01"))

    # --- JSON -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only (Decimals and dates as strings), in a fixed key order."""
        p = self.parties
        return {
            "parties": {
                "brand_name": p.brand_name,
                "brand_signer_name": p.brand_signer_name,
                "brand_signer_email": p.brand_signer_email,
                "brand_signer_title": p.brand_signer_title,
                "creator_name": p.creator_name,
                "creator_email": p.creator_email,
            },
            "campaign_name": self.campaign_name,
            "deliverables": [
                {
                    "platform": d.platform,
                    "type": d.type,
                    "quantity": d.quantity,
                    "due_date": d.due_date.isoformat(),
                }
                for d in self.deliverables
            ],
            "fee_amount": str(self.fee_amount),
            "fee_currency": self.fee_currency,
            "commission_percent": str(self.commission_percent),
            "payment_schedule": [
                {"percent": str(i.percent), "trigger": i.trigger, "net_days": i.net_days}
                for i in self.payment_schedule
            ],
            "usage_rights": {
                "duration_days": self.usage_rights.duration_days,
                "channels": list(self.usage_rights.channels),
                "paid_amplification": self.usage_rights.paid_amplification,
            },
            "exclusivity": {
                "categories": list(self.exclusivity.categories),
                "duration_days": self.exclusivity.duration_days,
            },
            "start_date": self.start_date.isoformat(),
            "governing_law": self.governing_law,
        }

    @classmethod
    def from_json(cls, data: Any) -> ContractTerms:
        """Parse and validate; a ValidationError names every bad field by its path
        (`deliverables[2].due_date`), so a form or an API client can point at it."""
        return _Reader(data).terms()


def normalize_categories(values) -> tuple[str, ...]:
    """Exclusivity categories compare case- and space-insensitively: "Skin care " is
    "skin care". Order kept, duplicates dropped."""
    out: list[str] = []
    for value in values or ():
        text = " ".join(str(value).split()).lower()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _clean_list(values) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        text = " ".join(str(value).split())
        if text and text.lower() not in (o.lower() for o in out):
            out.append(text)
    return tuple(out)


class _Reader:
    """Reads a terms dict field by field and collects every error before raising."""

    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.errors: dict[str, list[str]] = {}
        if not isinstance(data, dict):
            self.error("terms", "Terms must be an object.")

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def text(self, source: dict, key: str, path: str, *, required=True, max_length=200) -> str:
        value = " ".join(str(source.get(key) or "").split())
        if required and not value:
            self.error(path, "This is required.")
        elif len(value) > max_length:
            self.error(path, f"At most {max_length} characters.")
        return value

    def decimal(
        self,
        source: dict,
        key: str,
        path: str,
        *,
        low: Decimal,
        high: Decimal | None,
        default: str | None = None,
    ) -> Decimal:
        raw = source.get(key, default)
        try:
            value = Decimal(str(raw).strip().replace(",", ""))
        except (InvalidOperation, ValueError, TypeError):
            self.error(path, f"{raw!r} is not a number.")
            return Decimal("0")
        if not value.is_finite():
            self.error(path, f"{raw!r} is not a number.")
            return Decimal("0")
        if value < low or (high is not None and value > high):
            self.error(
                path,
                f"Must be between {low} and {high}."
                if high is not None
                else f"Must be at least {low}.",
            )
        return value

    def integer(
        self, source: dict, key: str, path: str, *, low: int, high: int, default: int | None = None
    ) -> int:
        raw = source.get(key, default)
        if isinstance(raw, bool):
            raw = None
        try:
            value = int(str(raw).strip())
        except (ValueError, TypeError):
            self.error(path, f"{raw!r} is not a whole number.")
            return low
        if not low <= value <= high:
            self.error(path, f"Must be between {low} and {high}.")
        return value

    def date(self, source: dict, key: str, path: str) -> date:
        raw = source.get(key)
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw or "").strip())
        except ValueError:
            self.error(path, f"{raw!r} is not a date (YYYY-MM-DD).")
            return date(1970, 1, 1)

    def email(self, source: dict, key: str, path: str) -> str:
        value = str(source.get(key) or "").strip().lower()
        try:
            validate_email(value)
        except ValidationError:
            self.error(path, f"{value!r} is not an email address." if value else "Required.")
        return value

    def section(self, key: str) -> dict:
        value = self.data.get(key) or {}
        if not isinstance(value, dict):
            self.error(key, "Must be an object.")
            return {}
        return value

    def rows(self, key: str) -> list:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            self.error(key, "Must be a list of objects.")
            return []
        return value

    def strings(self, source: dict, key: str, path: str) -> list[str]:
        value = source.get(key) or []
        if isinstance(value, str):
            value = re.split(r"[,;\n]", value)
        if not isinstance(value, list | tuple):
            self.error(path, "Must be a list of words.")
            return []
        return [str(v) for v in value]

    def terms(self) -> ContractTerms:
        d = self.data
        p = self.section("parties")
        parties = Parties(
            brand_name=self.text(p, "brand_name", "parties.brand_name"),
            brand_signer_name=self.text(p, "brand_signer_name", "parties.brand_signer_name"),
            brand_signer_email=self.email(p, "brand_signer_email", "parties.brand_signer_email"),
            brand_signer_title=self.text(
                p,
                "brand_signer_title",
                "parties.brand_signer_title",
                required=False,
                max_length=120,
            ),
            creator_name=self.text(p, "creator_name", "parties.creator_name"),
            creator_email=self.email(p, "creator_email", "parties.creator_email"),
        )
        start = self.date(d, "start_date", "start_date")
        deliverables = []
        rows = self.rows("deliverables")
        if not rows and "deliverables" not in self.errors:
            self.error("deliverables", "List at least one deliverable.")
        for n, row in enumerate(rows):
            path = f"deliverables[{n}]"
            deliverable = Deliverable(
                platform=self.text(row, "platform", f"{path}.platform", max_length=40).lower(),
                type=self.text(row, "type", f"{path}.type", max_length=60),
                quantity=self.integer(
                    row, "quantity", f"{path}.quantity", low=1, high=1000, default=1
                ),
                due_date=self.date(row, "due_date", f"{path}.due_date"),
            )
            if f"{path}.due_date" not in self.errors and deliverable.due_date < start:
                self.error(f"{path}.due_date", "A deliverable cannot be due before the start date.")
            deliverables.append(deliverable)

        fee = self.decimal(d, "fee_amount", "fee_amount", low=Decimal("0"), high=None)
        currency = str(d.get("fee_currency") or "").strip().upper()
        if currency not in CURRENCY_CODES:
            self.error("fee_currency", f"{currency!r} is not a supported currency.")
        commission = self.decimal(
            d,
            "commission_percent",
            "commission_percent",
            low=Decimal("0"),
            high=HUNDRED,
            default="0",
        )

        schedule = []
        for n, row in enumerate(self.rows("payment_schedule")):
            path = f"payment_schedule[{n}]"
            schedule.append(
                Installment(
                    percent=self.decimal(
                        row, "percent", f"{path}.percent", low=Decimal("0.01"), high=HUNDRED
                    ),
                    trigger=self.text(row, "trigger", f"{path}.trigger", max_length=120),
                    net_days=self.integer(
                        row, "net_days", f"{path}.net_days", low=0, high=365, default=0
                    ),
                )
            )
        if schedule and not any(k.startswith("payment_schedule") for k in self.errors):
            total = sum((i.percent for i in schedule), Decimal("0"))
            if total != HUNDRED:
                self.error("payment_schedule", f"The installments add up to {total}%, not 100%.")

        u = self.section("usage_rights")
        usage = UsageRights(
            duration_days=self.integer(
                u, "duration_days", "usage_rights.duration_days", low=0, high=MAX_DAYS, default=0
            ),
            channels=_clean_list(self.strings(u, "channels", "usage_rights.channels")),
            paid_amplification=bool(u.get("paid_amplification", False)),
        )
        if usage.duration_days and not usage.channels:
            self.error("usage_rights.channels", "Name the channels the brand may use it on.")
        x = self.section("exclusivity")
        exclusivity = Exclusivity(
            categories=normalize_categories(
                self.strings(x, "categories", "exclusivity.categories")
            ),
            duration_days=self.integer(
                x, "duration_days", "exclusivity.duration_days", low=0, high=MAX_DAYS, default=0
            ),
        )
        if exclusivity.duration_days and not exclusivity.categories:
            self.error("exclusivity.categories", "Name the categories the exclusivity covers.")
        if exclusivity.categories and not exclusivity.duration_days:
            self.error("exclusivity.duration_days", "Give the exclusivity a duration.")

        terms = ContractTerms(
            parties=parties,
            campaign_name=self.text(d, "campaign_name", "campaign_name"),
            deliverables=tuple(deliverables),
            fee_amount=fee,
            fee_currency=currency,
            commission_percent=commission,
            payment_schedule=tuple(schedule),
            usage_rights=usage,
            exclusivity=exclusivity,
            start_date=start,
            governing_law=self.text(d, "governing_law", "governing_law", max_length=120),
        )
        if self.errors:
            raise ValidationError(self.errors)
        return terms


def rows_from_offer(offer) -> dict:
    """The contract form's starting values from a collaboration's accepted offer
    (campaigns.terms.terms_of): the money, rights and exclusivity fields, plus the
    deliverable and payment-schedule rows. Typed as the form expects them."""
    terms = terms_of(offer)
    fields = {
        "fee_amount": terms.fee,
        "fee_currency": terms.currency,
        "commission_percent": terms.commission_percent,
        "usage_days": terms.usage_rights_days,
        "usage_channels": ", ".join(terms.usage_channels),
        "paid_amplification": terms.paid_amplification,
        "exclusivity_days": terms.exclusivity_days,
        "exclusivity_categories": ", ".join(terms.exclusivity_categories),
    }
    deliverables = [
        {"platform": d.platform, "type": d.kind, "quantity": d.quantity,
         "due_date": d.due_date.isoformat()}
        for d in terms.deliverables
    ]  # fmt: skip
    labels = dict(PaymentTrigger.choices)
    installments = [
        {"percent": str(i.percent), "net_days": i.net_days,
         "trigger": labels.get(i.trigger, i.trigger).removeprefix("On ").lower()}
        for i in terms.installments
    ]  # fmt: skip
    return {"fields": fields, "deliverables": deliverables, "installments": installments}
