"""Carrier-tracking webhooks: one interface, one adapter per tracking provider.

An adapter turns a delivery (raw body + headers) into verified TrackingEvents, or raises
SignatureInvalid (nothing is read from a body whose signature does not match) or
PayloadInvalid (signed, but not a shape we understand). The view that receives the
webhook (campaigns.views.hooks) and the service that applies the events
(campaigns.services.shipping.tracking_events_apply) know nothing of any provider.

AfterShip, the implemented provider:
- Signature: "Each webhook request includes a aftership-hmac-sha256 header. The signature
  is a base64-encoded HMAC generated using sha256 algorithm with webhook request body
  and webhook secret of your account." (AfterShip Tracking docs, Webhook Signature:
  https://www.aftership.com/docs/tracking/webhook/webhook-signature). HTTP header names
  are case-insensitive (the changelog notes AfterShip changed their case), and Django
  reads them so.
- Body (Webhook Specifications:
  https://www.aftership.com/docs/tracking/webhook/webhook-specifications):
  {"event_id": UUID v4, "event": "tracking_update" | "edd_revise" | ..., "is_tracking_first_tag":
  bool, "msg": {the tracking: "id", "tracking_number", "slug" (courier), "tag" (delivery
  status), "subtag", "checkpoints": [{"checkpoint_time", "tag", "message", "location",
  ...}], ...}, "ts": unix time}.
- Delivery statuses ("tag", AfterShip's Delivery Statuses enum): Pending, InfoReceived,
  InTransit, OutForDelivery, AvailableForPickup, AttemptFail, Exception, Expired,
  Delivered."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

from campaigns.models import Carrier, ShipmentStatus


class SignatureInvalid(Exception):
    """The delivery is not signed with this endpoint's secret."""


class PayloadInvalid(Exception):
    """Signed, but not a payload this adapter understands."""


@dataclass(frozen=True)
class TrackingEvent:
    event_id: str
    tracking_number: str
    carrier: str | None  # one of Carrier, or None when the provider's courier is unknown
    status: str | None  # one of ShipmentStatus, or None: not a status change (e.g. EDD)
    at: datetime.datetime
    message: str = ""
    location: str = ""


class TrackingProvider:
    """The interface. `slug` names the provider in the webhook URL."""

    slug: str
    label: str
    signature_header: str

    def parse(self, body: bytes, headers: Mapping[str, str], secret: str) -> list[TrackingEvent]:
        raise NotImplementedError


def _utc(value) -> datetime.datetime | None:
    if isinstance(value, int | float):
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        # AfterShip's checkpoint_time is local to the checkpoint and may carry no offset.
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
    return None


class AfterShip(TrackingProvider):
    slug = "aftership"
    label = "AfterShip"
    signature_header = "aftership-hmac-sha256"

    TAGS = {
        "Pending": ShipmentStatus.LABEL_CREATED,
        "InfoReceived": ShipmentStatus.LABEL_CREATED,
        "InTransit": ShipmentStatus.IN_TRANSIT,
        "OutForDelivery": ShipmentStatus.IN_TRANSIT,
        "AvailableForPickup": ShipmentStatus.IN_TRANSIT,
        "Delivered": ShipmentStatus.DELIVERED,
        "AttemptFail": ShipmentStatus.EXCEPTION,
        "Exception": ShipmentStatus.EXCEPTION,
        "Expired": ShipmentStatus.EXCEPTION,
    }
    # AfterShip courier slugs (its Couriers list) for the carriers a shipment can name.
    SLUGS = {
        "ups": Carrier.UPS, "usps": Carrier.USPS, "fedex": Carrier.FEDEX, "dhl": Carrier.DHL,
        "dhl-global-mail": Carrier.DHL, "dhl-ecommerce": Carrier.DHL,
    }  # fmt: skip

    @staticmethod
    def sign(body: bytes, secret: str) -> str:
        return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()

    def parse(self, body: bytes, headers: Mapping[str, str], secret: str) -> list[TrackingEvent]:
        given = headers.get(self.signature_header) or ""
        # Compared in constant time, before the body is parsed at all.
        expected = self.sign(body, secret).encode()
        if not secret or not given or not hmac.compare_digest(expected, given.encode()):
            raise SignatureInvalid(f"{self.signature_header} does not match the body")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise PayloadInvalid("the body is not JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("msg"), dict):
            raise PayloadInvalid("no msg object")
        msg = payload["msg"]
        event_id = str(payload.get("event_id") or "")[:80]
        number = str(msg.get("tracking_number") or "")
        if not event_id or not number:
            raise PayloadInvalid("event_id and msg.tracking_number are required")
        status = (
            self.TAGS.get(msg.get("tag")) if payload.get("event") == "tracking_update" else None
        )
        checkpoints = [c for c in msg.get("checkpoints") or [] if isinstance(c, dict)]
        last = checkpoints[-1] if checkpoints else {}
        at = (_utc(last.get("checkpoint_time")) or _utc(payload.get("ts"))
              or datetime.datetime.now(tz=datetime.UTC))  # fmt: skip
        location = last.get("location") or ", ".join(
            str(part) for part in (last.get("city"), last.get("state"), last.get("country_iso3"))
            if part
        )  # fmt: skip
        return [TrackingEvent(
            event_id=event_id, tracking_number=number,
            carrier=self.SLUGS.get(str(msg.get("slug") or "").lower()), status=status, at=at,
            message=str(last.get("message") or msg.get("subtag_message") or "")[:500],
            location=str(location or "")[:200],
        )]  # fmt: skip


PROVIDERS: dict[str, TrackingProvider] = {provider.slug: provider for provider in (AfterShip(),)}


def provider_get(slug: str) -> TrackingProvider | None:
    return PROVIDERS.get(slug)
