"""Validating one row of an import: the cells of the mapped columns become typed values
for a creator, an account and a rate card, or errors naming line, column, value and
reason. The figures go through creators.services (clean_account_figures and its
distribution check, normalize_handle, normalize_tags), the same checks as a form.

A Validator is used for one pass over one file: it remembers each (platform, handle)
so the second row with the same account is an error naming the first."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from creators.imports.countries import country_code
from creators.imports.fields import ACCOUNT, AUDIENCE, CREATOR, RATE_KEYS, TARGETS_BY_KEY
from creators.models import AGE_BUCKETS, CreatorRole, CreatorStatus, Platform
from creators.services import clean_account_figures, normalize_handle, normalize_tags
from kolhub.models import CURRENCIES

_CREATOR_FIELDS = frozenset(k for k, t in TARGETS_BY_KEY.items() if t.group == CREATOR)
_ACCOUNT_FIELDS = frozenset(k for k, t in TARGETS_BY_KEY.items() if t.group in (ACCOUNT, AUDIENCE))


class CellProblem(Exception):
    """A cell that cannot be imported; the message is the reason shown to the person."""


@dataclass
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class RowResult:
    line: int
    # field -> typed value, for the non-empty cells that passed.
    values: dict[str, Any] = dataclass_field(default_factory=dict)
    errors: list[RowError] = dataclass_field(default_factory=list)
    # field -> reason, for showing errors next to their cells in the preview.
    field_errors: dict[str, str] = dataclass_field(default_factory=dict)
    # For a row that passed, its values split the way the writer needs them; worked out
    # here, in the reading thread, so the writer's thread spends its time writing.
    creator_data: dict[str, Any] = dataclass_field(default_factory=dict)
    account_data: dict[str, Any] = dataclass_field(default_factory=dict)
    rates: dict[str, Decimal] = dataclass_field(default_factory=dict)
    key: tuple[str, str] = ("", "")  # (platform, handle)
    # (name, email), lower-case: who the creator is; None without an email.
    identity: tuple[str, str] | None = None
    # Set by the writer's preparation (creators.imports.writing.prepare_rows).
    prepared: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def split(self) -> None:
        values = self.values
        self.creator_data = {k: v for k, v in values.items() if k in _CREATOR_FIELDS}
        self.account_data = {k: v for k, v in values.items() if k in _ACCOUNT_FIELDS}
        self.rates = {RATE_KEYS[k]: v for k, v in values.items() if k in RATE_KEYS}
        # A preview may validate rows under a mapping that still lacks a required column.
        self.key = (values.get("platform", ""), values.get("handle", ""))
        email = values.get("email")
        self.identity = (values.get("name", "").lower(), email.lower()) if email else None


# --- cell parsers: stripped text in, typed value out, CellProblem on bad input ----------

_LIST_SPLIT = re.compile(r"[;|]")
_url_validator = URLValidator(schemes=["http", "https"])
_CURRENCY_CODES = {code for code, _ in CURRENCIES}
_ROLES = {
    **{v: v for v in CreatorRole.values},
    **{label.lower(): v for v, label in CreatorRole.choices},
    "key opinion leader": CreatorRole.KOL,
    "ugc": CreatorRole.UGC,
}
_STATUSES = {
    **{v: v for v in CreatorStatus.values},
    **{label.lower(): v for v, label in CreatorStatus.choices},
    "do not contact": CreatorStatus.DO_NOT_CONTACT,
    "dnc": CreatorStatus.DO_NOT_CONTACT,
}
PLATFORMS = {
    **{v: v for v in Platform.values},
    **{label.lower(): v for v, label in Platform.choices},
    "ig": Platform.INSTAGRAM, "insta": Platform.INSTAGRAM, "twitter": Platform.X,
    "yt": Platform.YOUTUBE, "xhs": Platform.XIAOHONGSHU, "rednote": Platform.XIAOHONGSHU,
    "little red book": Platform.XIAOHONGSHU,
}  # fmt: skip


def _text(max_length: int | None) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if max_length and len(value) > max_length:
            raise CellProblem(f"Longer than {max_length} characters ({len(value)}).")
        return value

    return parse


def _name(value: str) -> str:
    return _text(200)(" ".join(value.split()))


def _email(value: str) -> str:
    if len(value) > 254:
        raise CellProblem("Longer than 254 characters.")
    try:
        validate_email(value)
    except ValidationError:
        raise CellProblem("Not a valid email address.") from None
    return value


def _url(value: str) -> str:
    # "instagram.com/dr.lee" is a URL to a person; to the validator it needs a scheme.
    if "://" not in value and "." in value and " " not in value:
        value = "https://" + value
    if len(value) > 500:
        raise CellProblem("Longer than 500 characters.")
    try:
        _url_validator(value)
    except ValidationError:
        raise CellProblem("Not a valid web address (http:// or https://).") from None
    return value


def _choice(choices: Mapping[str, str], what: str, allowed: Sequence[str]):
    def parse(value: str) -> str:
        found = choices.get(" ".join(value.split()).lower())
        if found is None:
            raise CellProblem(f"Unknown {what}: use one of {', '.join(allowed)}.")
        return found

    return parse


def _currency(value: str) -> str:
    code = value.upper()
    if code not in _CURRENCY_CODES:
        raise CellProblem(f"Unknown currency: use one of {', '.join(sorted(_CURRENCY_CODES))}.")
    return code


def _country(value: str) -> str:
    code = country_code(value)
    if code is None:
        raise CellProblem("Not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE).")
    return code


def _years(value: str) -> int:
    try:
        years = int(value)
    except ValueError:
        raise CellProblem("Not a whole number of years.") from None
    if not 0 <= years <= 100:
        raise CellProblem("Years of experience must be between 0 and 100.")
    return years


def _list(max_length: int) -> Callable[[str], list[str]]:
    def parse(value: str) -> list[str]:
        items = normalize_tags(_LIST_SPLIT.split(value))
        for item in items:
            if len(item) > max_length:
                raise CellProblem(f"“{item}” is longer than {max_length} characters.")
        return items

    return parse


def _handle(value: str) -> str:
    handle = normalize_handle(value)
    if not handle:
        raise CellProblem("A handle is required.")
    if len(handle) > 120:
        raise CellProblem("Longer than 120 characters.")
    return handle


def _figure(name: str) -> Callable[[str], Any]:
    """Followers, views and percentages, checked by creators.services."""
    percent = name in ("engagement_rate", "credibility", "sponsored_ratio")

    def parse(value: str) -> Any:
        if percent:
            value = value.removesuffix("%").strip()
        return _account_figure(name, value)

    return parse


def _account_figure(name: str, value: Any) -> Any:
    try:
        return clean_account_figures({name: value})[name]
    except ValidationError as error:
        raise CellProblem(" ".join(error.messages)) from None


def _brands(value: str) -> list[str]:
    brands = _account_figure("brands_mentioned", _LIST_SPLIT.split(value))
    for brand in brands:
        if len(brand) > 120:
            raise CellProblem(f"“{brand}” is longer than 120 characters.")
    return brands


def _shares(name: str) -> Callable[[str], dict[str, float]]:
    """ "US:40;GB:20" -> {"US": 40.0, "GB": 20.0}, then creators.services' distribution
    check (each 0–100, a sum of at most 100, known age buckets and genders)."""

    def parse(value: str) -> dict[str, float]:
        shares: dict[str, str] = {}
        for part in _LIST_SPLIT.split(value):
            part = part.strip()
            if not part:
                continue
            key, sep, share = part.rpartition(":")
            if not sep:
                key, sep, share = part.rpartition("=")
            key = key.strip()
            if not sep or not key:
                raise CellProblem(f"“{part}” is not KEY:SHARE (for example US:40;GB:20).")
            if name == "audience_countries":
                code = country_code(key)
                if code is None:
                    raise CellProblem(f"“{key}” is not an ISO 3166-1 alpha-2 country code.")
                key = code
            elif name == "audience_gender":
                key = key.lower()
            elif name == "audience_ages":
                key = key.replace("–", "-").replace(" ", "")
                if key not in AGE_BUCKETS:
                    raise CellProblem(f"“{key}” is not an age bucket: {', '.join(AGE_BUCKETS)}.")
            if key in shares:
                raise CellProblem(f"“{key}” appears twice.")
            shares[key] = share.strip().removesuffix("%").strip()
        return _account_figure(name, shares)

    return parse


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise CellProblem("Not an amount (e.g. 1200 or 1200.50).") from None
    if not amount.is_finite() or amount < 0:
        raise CellProblem("A rate must be an amount of 0 or more.")
    if amount >= Decimal("1e10"):
        raise CellProblem("Too large for a rate.")
    return amount


PARSERS: dict[str, Callable[[str], Any]] = {
    "name": _name,
    "email": _email,
    "photo_url": _url,
    "bio": _text(None),
    "role": _choice(_ROLES, "role", CreatorRole.values),
    "profession": _text(120),
    "credentials": _text(255),
    "years_experience": _years,
    "credential_evidence_url": _url,
    "niches": _list(60),
    "languages": _list(8),
    "country": _country,
    "city": _text(120),
    "rate_currency": _currency,
    "status": _choice(_STATUSES, "status", CreatorStatus.values),
    "notes": _text(None),
    "platform": _choice(PLATFORMS, "platform", Platform.values),
    "handle": _handle,
    "url": _url,
    "followers": _figure("followers"),
    "avg_views": _figure("avg_views"),
    "engagement_rate": _figure("engagement_rate"),
    "credibility": _figure("credibility"),
    "sponsored_ratio": _figure("sponsored_ratio"),
    "brands_mentioned": _brands,
    **{name: _shares(name) for name in
       ("audience_countries", "audience_ages", "audience_gender", "audience_interests")},
    **{key: _amount for key in RATE_KEYS},
}  # fmt: skip
assert set(PARSERS) == set(TARGETS_BY_KEY), "every target field needs a parser"

REQUIRED_REASONS = {
    "name": "A name is required.",
    "platform": "A platform is required.",
    "handle": "A handle is required.",
}


class Validator:
    """Validates the rows of one file, in order, for one mapping {header: field}."""

    def __init__(self, headers: Sequence[str], mapping: Mapping[str, str]) -> None:
        self.width = len(headers)
        self.columns = [
            (index, header, field, PARSERS[field])
            for index, header in enumerate(headers)
            if (field := mapping.get(header))
        ]
        self.header_of = {field: header for _, header, field, _ in self.columns}
        self.index_of = {field: index for index, _, field, _ in self.columns}
        self.required = [(f, self.header_of[f]) for f in REQUIRED_REASONS if f in self.header_of]
        self._key_columns = [
            (index, field) for index, _, field, _ in self.columns if field in ("platform", "handle")
        ]
        self.seen: dict[tuple[str, str], int] = {}

    def validate(self, line: int, cells: Sequence[str]) -> RowResult:
        result = RowResult(line=line)
        values, width = result.values, len(cells)
        for index, header, field, parse in self.columns:
            text = cells[index].strip() if index < width else ""
            if not text:
                continue
            try:
                values[field] = parse(text)
            except CellProblem as problem:
                self._error(result, field, header, cells[index], str(problem))
        for field, header in self.required:
            if field not in values and field not in result.field_errors:
                self._error(result, field, header, "", REQUIRED_REASONS[field])
        if width > self.width and any(c.strip() for c in cells[self.width :]):
            result.errors.append(
                RowError(
                    line,
                    "",
                    ", ".join(cells[self.width :])[:1000],
                    f"This row has {width} cells but the header has {self.width}: a value "
                    "containing the delimiter needs quotes.",
                )  # fmt: skip
            )
        if "platform" in values and "handle" in values:
            key = (values["platform"], values["handle"])
            first = self.seen.setdefault(key, line)
            if first != line:
                self._error(
                    result, "handle", self.header_of["handle"], cells[self.index_of["handle"]],
                    f"Duplicate of line {first}: {key[0]} @{key[1]} is already in this file.",
                )  # fmt: skip
        if result.ok:
            result.split()
        return result

    def remember(self, line: int, cells: Sequence[str]) -> None:
        """Only note the row's account, for a run that resumes after this line."""
        key = []
        for index, field in self._key_columns:
            text = cells[index].strip() if index < len(cells) else ""
            try:
                key.append((field, PARSERS[field](text)))
            except CellProblem:
                return
        if len(key) == 2:
            found = dict(key)
            self.seen.setdefault((found["platform"], found["handle"]), line)

    def _error(self, result: RowResult, field: str, header: str, value: str, reason: str) -> None:
        result.errors.append(RowError(result.line, header, value[:1000], reason))
        result.field_errors.setdefault(field, reason)
