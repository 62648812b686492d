"""Tracking-number formats by carrier: a typo caught when the shipment is made, instead
of a parcel nobody can follow. Spaces and hyphens are layout, not part of the number.

- UPS: "1Z" + 16 letters or digits (18 characters).
- USPS: 20 to 22 digits (IMpb domestic), or a 13-character S10 international number
  (two letters, nine digits, two letters: "EC123456785US").
- FedEx: 12, 15, 20 or 22 digits.
- DHL: 10 digits (Express waybill), or "JD" / "JJD" + digits (DHL Parcel / eCommerce).
- Other carriers: anything of letters and digits, 4 to 40 characters."""

from __future__ import annotations

import re

from campaigns.models import Carrier

PATTERNS: dict[str, tuple[re.Pattern, str]] = {
    Carrier.UPS: (re.compile(r"1Z[0-9A-Z]{16}"),
                  "UPS numbers are 1Z followed by 16 letters or digits (1Z999AA10123456784)."),
    Carrier.USPS: (re.compile(r"\d{20,22}|[A-Z]{2}\d{9}[A-Z]{2}"),
                   "USPS numbers are 20 to 22 digits, or 13 characters like EC123456785US."),
    Carrier.FEDEX: (re.compile(r"\d{12}|\d{15}|\d{20}|\d{22}"),
                    "FedEx numbers are 12, 15, 20 or 22 digits."),
    Carrier.DHL: (re.compile(r"\d{10}|J?JD\d{16,20}"),
                  "DHL numbers are 10 digits, or JD / JJD followed by 16 to 20 digits."),
    Carrier.OTHER: (re.compile(r"[0-9A-Z]{4,40}"),
                    "Use 4 to 40 letters and digits."),
}  # fmt: skip


def normalise(number: str) -> str:
    return re.sub(r"[\s\-]", "", number or "").upper()


def tracking_number_problem(carrier: str, number: str) -> str | None:
    """Why `number` is not a tracking number of `carrier`, or None when it is."""
    if carrier not in PATTERNS:
        return f"{carrier!r} is not a carrier we know."
    pattern, hint = PATTERNS[carrier]
    if pattern.fullmatch(normalise(number)):
        return None
    return f"This is not a {Carrier(carrier).label} tracking number. {hint}"
