"""The server-to-server postback, POST /t/conversion: a brand's own system (an app, a
CRM, a checkout we do not connect to) reports a lead, a sale or a refund.

Authentication, one of:
- signed: the body names the organization by its postback key (`organization_key`);
  `X-KolHub-Signature: sha256=<hex>` is the HMAC-SHA256, with the organization's postback
  secret, of `<X-KolHub-Timestamp>.<raw body>`, and the timestamp (Unix seconds) is
  within five minutes of our clock. The timestamp is part of what is signed: signing
  the body alone would let anyone who saw one request replay it later under a fresh
  timestamp header;
- key-authenticated: `Authorization: Api-Key kh_…`, an organization API key with
  read-write access (kolhub's keys: stored hashed, looked up by prefix).

What it records goes through the one recording path (tracking.services.conversions):
source "postback", the body's optional `source_label`, idempotent per (organization,
source, label, external id), so a retried or replayed postback counts once. A refund
names the conversion it refunds by its external id.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from campaigns.shipping.secrets import secret_decrypt, secret_encrypt
from kolhub.clients import hits
from kolhub.models import ApiKey, Organization, Role
from kolhub.selectors import api_key_authenticate, api_key_needs_touch
from kolhub.services import api_key_touch
from kolhub.tenancy.context import dangerously_unscoped
from tracking.models import (
    POSTBACK_KEY_PREFIX,
    AttributionEntry,
    Conversion,
    ConversionKind,
    ConversionSource,
    PostbackCredential,
)
from tracking.selectors.conversion_detail import conversion_credit_get
from tracking.services.conversions import (
    UTM_KEYS,
    ConversionInput,
    ConversionInvalid,
    RefundInput,
    conversion_record,
    conversion_refund_add,
)

logger = logging.getLogger("tracking.postback")

SIGNATURE_HEADER = "X-KolHub-Signature"
TIMESTAMP_HEADER = "X-KolHub-Timestamp"
MAX_SKEW = datetime.timedelta(minutes=5)
MAX_BODY = 64 * 1024  # one event is a few hundred bytes
EVENTS = ("lead", "sale", "refund")
FIELDS = frozenset(
    {"organization_key", "click_id", "code", "external_id", "event", "amount", "currency",
     "time", "source_label", "customer_ref", "order_name", "refund_id", "landing_url",
     *UTM_KEYS}
)  # fmt: skip
# ConversionInvalid names our fields; the sender knows its own.
FIELD_NAMES = {
    "occurred_at": "time", "total": "amount", "refund.amount": "amount",
    "refund.currency": "currency", "refund.refunded_at": "time", "source": "source_label",
    "refund.external_id": "refund_id", "utm": "utm",
}  # fmt: skip


class PostbackUnauthorized(Exception):
    """401: the signature or key does not check out. The reason is logged and returned."""


class PostbackForbidden(Exception):
    """403: a valid key that may not write."""


class PostbackNotFound(ConversionInvalid):
    """404: a refund for a conversion we do not have."""


# --- the credential ------------------------------------------------------------------


@transaction.atomic
def postback_credential_rotate(
    *, organization: Organization, by: AbstractBaseUser | None
) -> tuple[PostbackCredential, str]:
    """Create the organization's postback credential, or give it a new secret. Returns
    the credential and the raw secret, which is shown once and never again. Rotation
    replaces the secret at once (the key stays): requests signed with the old one get
    401 from now on."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    credential = PostbackCredential.objects.for_org(organization).select_for_update().first()
    if credential is None:
        credential = PostbackCredential(
            organization=organization,
            public_key=POSTBACK_KEY_PREFIX + secrets.token_urlsafe(18),
        )
    credential.secret_encrypted = secret_encrypt(raw)
    credential.rotated_at = now
    credential.created_by = by if by is not None and by.is_authenticated else None
    credential.full_clean()
    credential.save()
    return credential, raw


def postback_credential_find(public_key: str) -> PostbackCredential | None:
    """Platform-level lookup: the key tells us the tenant (like an API key's prefix)."""
    if not public_key.startswith(POSTBACK_KEY_PREFIX) or len(public_key) > 40:
        return None
    with dangerously_unscoped():
        return (
            PostbackCredential.objects.select_related("organization")
            .filter(public_key=public_key)
            .first()
        )


# --- reading and authenticating a request --------------------------------------------


def postback_parse(body: bytes, content_type: str) -> dict[str, str]:
    """The body's fields, from JSON or a form-encoded body. Raises ConversionInvalid."""
    if len(body) > MAX_BODY:
        raise ConversionInvalid("body", f"is larger than {MAX_BODY // 1024} KB")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ConversionInvalid("body", "is not UTF-8") from None
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        pairs = parse_qsl(text, keep_blank_values=True)
        raw: dict = {}
        for key, value in pairs:
            if key in raw:
                raise ConversionInvalid(key, "is given more than once")
            raw[key] = value
    else:
        try:
            # Decimals, not floats: 19.99 must stay 19.99.
            raw = json.loads(text, parse_float=Decimal)
        except ValueError as error:
            raise ConversionInvalid("body", f"is not valid JSON ({error})") from None
        if not isinstance(raw, dict):
            raise ConversionInvalid("body", "must be a JSON object")
    fields: dict[str, str] = {}
    for key, value in raw.items():
        if key not in FIELDS:
            raise ConversionInvalid(key, "is not a postback field")
        if value is None:
            continue
        if isinstance(value, dict | list | bool):
            raise ConversionInvalid(key, "must be a string or a number")
        fields[key] = str(value).strip()
    return fields


@dataclasses.dataclass(frozen=True)
class PostbackCaller:
    organization: Organization
    # What the rate limit counts against: the postback key or the API key's prefix.
    key: str
    credential: PostbackCredential | None = None
    api_key: ApiKey | None = None


def postback_authenticate(
    *, headers: Mapping[str, str], body: bytes, fields: Mapping[str, str],
    now: datetime.datetime | None = None,
) -> PostbackCaller:  # fmt: skip
    """Who sent this postback. Raises PostbackUnauthorized (bad or missing signature,
    stale timestamp, unknown key) or PostbackForbidden (a read-only API key)."""
    authorization = headers.get("Authorization", "")
    if authorization:
        key = api_key_authenticate(authorization)
        if key is None:
            raise PostbackUnauthorized("the API key is not valid, or it was revoked")
        if not Role.at_least(key.role, Role.MEMBER):
            raise PostbackForbidden("this API key is read-only; recording needs read-write")
        named = fields.get("organization_key")
        if named:
            credential = postback_credential_find(named)
            if credential is None or credential.organization_id != key.organization_id:
                raise PostbackUnauthorized("organization_key is not the API key's organization")
        return PostbackCaller(key.organization, f"api:{key.prefix}", api_key=key)

    public_key = fields.get("organization_key", "")
    if not public_key:
        raise PostbackUnauthorized("no credentials: sign the body or send an API key")
    credential = postback_credential_find(public_key)
    if credential is None:
        raise PostbackUnauthorized("unknown organization_key")
    signature = headers.get(SIGNATURE_HEADER, "")
    stamp = headers.get(TIMESTAMP_HEADER, "")
    if not signature or not stamp:
        raise PostbackUnauthorized(f"{SIGNATURE_HEADER} and {TIMESTAMP_HEADER} are required")
    try:
        sent = datetime.datetime.fromtimestamp(int(stamp), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        raise PostbackUnauthorized(f"{TIMESTAMP_HEADER} is not Unix seconds") from None
    if abs((now or timezone.now()) - sent) > MAX_SKEW:
        raise PostbackUnauthorized(f"{TIMESTAMP_HEADER} is more than 5 minutes off")
    secret = secret_decrypt(credential.secret_encrypted)
    if secret is None:
        raise PostbackUnauthorized("the postback secret must be rotated (SECRET_KEY changed)")
    expected = "sha256=" + postback_signature(secret, stamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise PostbackUnauthorized("signature does not match")
    return PostbackCaller(credential.organization, f"pb:{credential.public_key}", credential)


def postback_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<timestamp>.<body>`: what a sender computes (docs/postback.md)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _minute() -> str:
    return f"{timezone.now():%Y%m%d%H%M}"


def postback_rate_limited(caller: PostbackCaller) -> bool:
    """True past TRACKING_POSTBACKS_PER_MINUTE requests from one key in the current
    minute. Counted in the shared cache (Redis), so every web process sees one count."""
    key = f"tracking-postback:{caller.key}:{_minute()}"
    return hits(key, window_seconds=60) > settings.TRACKING_POSTBACKS_PER_MINUTE


# --- recording -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PostbackOutcome:
    conversion: Conversion
    # "created", "updated", "unchanged", "refund_added" or "refund_known"
    status: str
    credit: AttributionEntry | None

    @property
    def created(self) -> bool:
        return self.status in ("created", "refund_added")


def _time(value: str) -> datetime.datetime:
    if not value:
        raise ConversionInvalid("time", "is required (ISO 8601, e.g. 2025-05-01T12:30:00Z)")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ConversionInvalid("time", f"{value!r} is not an ISO 8601 date and time") from None
    if timezone.is_naive(moment):
        raise ConversionInvalid("time", "needs a timezone (Z or +01:00)")
    return moment


def _amount(value: str, *, required: bool) -> Decimal:
    if not value:
        if required:
            raise ConversionInvalid("amount", "is required")
        return Decimal("0")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise ConversionInvalid("amount", f"{value!r} is not a number") from None
    if amount.is_finite() and amount < 0:
        raise ConversionInvalid("amount", "must not be negative")
    return amount


def _renamed(error: ConversionInvalid) -> ConversionInvalid:
    return type(error)(FIELD_NAMES.get(error.field, error.field), error.reason)


def postback_record(*, organization: Organization, fields: Mapping[str, str]) -> PostbackOutcome:
    """Record one postback event (fields as postback_parse returns them), in one
    transaction. Raises ConversionInvalid naming the sender's field; PostbackNotFound for
    a refund of a conversion we do not have. An unknown click id or code is not an
    error: the conversion is recorded, and stays unattributed."""
    try:
        return _record(organization, fields)
    except PostbackNotFound:
        raise
    except ConversionInvalid as error:
        raise _renamed(error) from None


def _record(organization: Organization, fields: Mapping[str, str]) -> PostbackOutcome:
    event = fields.get("event", "").lower()
    if event not in EVENTS:
        raise ConversionInvalid("event", f"must be one of {', '.join(EVENTS)}")
    external_id = fields.get("external_id", "")
    if not external_id:
        raise ConversionInvalid("external_id", "is required")
    label = fields.get("source_label", "")
    occurred_at = _time(fields.get("time", ""))
    currency = fields.get("currency", "").upper()
    amount = _amount(fields.get("amount", ""), required=event != "lead")
    with transaction.atomic():
        if event == "refund":
            conversion = (
                Conversion.objects.for_org(organization)
                .filter(source=ConversionSource.POSTBACK, source_label=label,
                        external_id=external_id)
                .first()
            )  # fmt: skip
            if conversion is None:
                raise PostbackNotFound(
                    "external_id", "no sale or lead was posted with this external id"
                    + (f" and source_label {label!r}" if label else "")
                )  # fmt: skip
            refund_id = fields.get("refund_id") or f"{occurred_at.isoformat()}/{amount}"
            added = conversion_refund_add(
                organization=organization, conversion=conversion,
                refund=RefundInput(refund_id, amount, currency, occurred_at),
            )  # fmt: skip
            status = "refund_added" if added else "refund_known"
        else:
            code = fields.get("code", "")
            data = ConversionInput(
                source=ConversionSource.POSTBACK, source_label=label, external_id=external_id,
                kind=ConversionKind.LEAD if event == "lead" else ConversionKind.SALE,
                occurred_at=occurred_at, currency=currency, total=amount,
                name=fields.get("order_name", ""), click_id=fields.get("click_id", ""),
                discount_codes=(code,) if code else (),
                landing_url=fields.get("landing_url", ""),
                utms={k: fields[k] for k in UTM_KEYS if fields.get(k)},
                customer_ref=fields.get("customer_ref", ""),
            )  # fmt: skip
            recorded = conversion_record(organization=organization, data=data)
            conversion = recorded.conversion
            status = (
                "created" if recorded.created else "updated" if recorded.changed else "unchanged"
            )
        credit = conversion_credit_get(organization=organization, conversion=conversion)
        return PostbackOutcome(conversion, status, credit)


def postback_caller_touch(*, organization: Organization, caller: PostbackCaller) -> None:
    """Keep "last used" to the minute: one write a minute per key, not per request."""
    now = timezone.now()
    if caller.credential is not None:
        last = caller.credential.last_used_at
        if last is None or now - last > datetime.timedelta(minutes=1):
            PostbackCredential.objects.for_org(organization).filter(pk=caller.credential.pk).update(
                last_used_at=now
            )
    if caller.api_key is not None and api_key_needs_touch(caller.api_key):
        api_key_touch(organization=organization, key=caller.api_key)
