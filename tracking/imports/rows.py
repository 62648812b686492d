"""Validating one row of an orders file: the cells of the mapped columns become a
ConversionInput (source "csv"), or errors naming line, column, value and reason. After
the cells, the input goes through tracking.services.conversions.conversion_validate, the
same checks as every other source (future dates, ISO codes, amounts).

A validator is used for one pass over one file: it remembers each order id, so the
second row with the same id is an error naming the first."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from django.utils import timezone

from creators.imports.countries import country_code
from creators.imports.rows import CellProblem, RowError
from tracking.imports.fields import TARGETS_BY_KEY, UTM_TARGETS
from tracking.models import ConversionSource
from tracking.services.conversions import (
    FUTURE_SLACK,
    ConversionInput,
    ConversionInvalid,
    conversion_validate,
)

_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
# conversion_validate's field names -> the target whose column to blame.
BLAME = {"occurred_at": "occurred_at", "cancelled_at": "cancelled_at", "currency": "currency",
          "total": "total", "subtotal": "subtotal", "tax": "tax", "external_id": "external_id",
          "shipping_country": "shipping_country", "customer_order_index": "customer_order_index",
          "refund.amount": "refunded"}  # fmt: skip


@dataclass
class OrderRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)
    data: ConversionInput | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _amount(value: str) -> Decimal:
    text = value.strip().replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif "," in text:
        raise CellProblem("Use a dot for decimals (12.50), not a comma.")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellProblem("Not a number.") from None
    if not amount.is_finite():
        raise CellProblem("Not a number.")
    if amount < 0:
        raise CellProblem("Must not be negative.")
    return amount


def _text(limit: int):
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellProblem(f"Longer than {limit} characters ({len(value)}).")
        return value

    return parse


def _index(value: str) -> int:
    try:
        number = int(value.replace(",", ""))
    except ValueError:
        raise CellProblem("Not a whole number.") from None
    if number < 1:
        raise CellProblem("Must be 1 or more (1 is a customer's first order).")
    return number


def _country(value: str) -> str:
    code = country_code(value)
    if code is None:
        raise CellProblem("Not an ISO 3166-1 alpha-2 country code (e.g. DE, US).")
    return code


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https", "") or (parts.scheme and not parts.netloc):
        raise CellProblem("Not a web address.")
    return value


class OrderValidator:
    def __init__(self, headers: Sequence[str], mapping: Mapping[str, str], *,
                 tz: datetime.tzinfo | str = "UTC") -> None:  # fmt: skip
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        # (index, header, target) of each mapped column.
        self.columns = [
            (index, header, mapping[header])
            for index, header in enumerate(headers)
            if mapping.get(header) in TARGETS_BY_KEY
        ]
        self.headers = {target: header for _, header, target in self.columns}
        self.width = len(headers)
        self.seen: dict[str, int] = {}
        self.parsers = {
            "external_id": _text(120), "name": _text(60), "occurred_at": self._time,
            "cancelled_at": self._time, "currency": self._currency, "total": _amount,
            "subtotal": _amount, "tax": _amount, "refunded": _amount,
            "refunded_at": self._time,
            "discount_codes": _codes, "landing_url": _url, "click_id": _text(64),
            "customer_ref": _text(254), "customer_order_index": _index,
            "shipping_country": _country, **{key: _text(200) for key in UTM_TARGETS},
        }  # fmt: skip

    def _time(self, value: str) -> datetime.datetime:
        try:
            moment = datetime.datetime.fromisoformat(value.replace(" UTC", "+00:00"))
        except ValueError:
            raise CellProblem("Not a date and time (e.g. 2025-05-01T14:30:00Z).") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment

    @staticmethod
    def _currency(value: str) -> str:
        return value.upper()

    def remember(self, line: int, cells: list[str]) -> None:
        """A row an earlier run imported: only its order id is noted."""
        column = next((i for i, _, t in self.columns if t == "external_id"), None)
        if column is not None and column < len(cells) and cells[column].strip():
            self.seen.setdefault(cells[column].strip(), line)

    def validate(self, line: int, cells: list[str]) -> OrderRow:
        row = OrderRow(line)
        if len(cells) > self.width and any(c.strip() for c in cells[self.width :]):
            reason = f"The row has {len(cells)} cells but the header only {self.width} columns."
            row.errors.append(RowError(line, "", "", reason))
        for index, _, target in self.columns:
            raw = cells[index].strip() if index < len(cells) else ""
            if not raw:
                continue
            try:
                row.values[target] = self.parsers[target](raw)
            except CellProblem as problem:
                self._fail(row, target, raw, str(problem))
        for target in ("external_id", "occurred_at", "currency", "total"):
            if (
                target in self.headers
                and target not in row.values
                and target not in (row.field_errors)
            ):
                self._fail(row, target, "", "Required: this cell is empty.")
        external_id = row.values.get("external_id")
        if external_id:
            first = self.seen.setdefault(external_id, line)
            if first != line:
                self._fail(row, "external_id", external_id,
                           f"Order id {external_id} is already on line {first}.")  # fmt: skip
        if row.ok and all(t in self.headers for t in ("external_id", "occurred_at", "currency",
                                                        "total")):  # fmt: skip
            self._build(row)
        return row

    def _fail(self, row: OrderRow, target: str, value: str, reason: str) -> None:
        header = self.headers.get(target, "")
        row.errors.append(RowError(row.line, header, value, reason))
        row.field_errors.setdefault(target, reason)

    def _build(self, row: OrderRow) -> None:
        v = row.values
        utms = {key: v[key] for key in UTM_TARGETS if v.get(key)}
        click_id = v.get("click_id", "")
        landing = v.get("landing_url", "")
        if landing:
            query = parse_qs(urlsplit(landing).query)
            # Columns of their own win over what the URL carries.
            click_id = click_id or (query.get("kh_click") or [""])[0][:64]
            for key in UTM_TARGETS:
                if key not in utms and query.get(key):
                    utms[key] = query[key][0][:200]
        data = ConversionInput(
            source=ConversionSource.CSV, external_id=v["external_id"],
            occurred_at=v["occurred_at"], name=v.get("name", ""), currency=v["currency"],
            total=v["total"], subtotal=v.get("subtotal", Decimal("0")),
            tax=v.get("tax", Decimal("0")), cancelled_at=v.get("cancelled_at"),
            discount_codes=v.get("discount_codes", ()), click_id=click_id,
            landing_url=landing, utms=utms, customer_ref=v.get("customer_ref", ""),
            customer_order_index=v.get("customer_order_index"),
            shipping_country=v.get("shipping_country", ""),
        )  # fmt: skip
        try:
            conversion_validate(data)
        except ConversionInvalid as bad:
            target = BLAME.get(bad.field, "")
            value = v.get(target, "")
            self._fail(row, target, str(value), f"{bad.reason[:1].upper()}{bad.reason[1:]}.")
            return
        refunded = v.get("refunded", Decimal("0"))
        if refunded > data.total:
            self._fail(row, "refunded", str(refunded), "More than the order's total.")
            return
        refunded_at = v.get("refunded_at")
        if refunded_at is not None and refunded_at < data.occurred_at:
            self._fail(row, "refunded_at", refunded_at.isoformat(),
                       "Before the order was created.")  # fmt: skip
            return
        if refunded_at is not None and refunded_at > timezone.now() + FUTURE_SLACK:
            self._fail(row, "refunded_at", refunded_at.isoformat(), "In the future.")
            return
        row.data = data
