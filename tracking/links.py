"""The one place that builds tracking URLs (STYLE.md rule 7): the destination with our
UTM tags, the click id appended on redirect, short codes and QR images.

Existing query parameters are kept, in order. Our utm_* tags override any utm_source /
utm_medium / utm_campaign / utm_content already in the destination: the link exists to
attribute traffic to this creator, and a stale `utm_source=old` left in a pasted URL
would credit someone else."""

from __future__ import annotations

import io
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import segno
from django.core.exceptions import ValidationError

from creators.models import CreatorRole

CLICK_PARAM = "kh_click"
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


def validate_destination(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            {
                "destination_url": "Enter a full http:// or https:// address, e.g. https://shop.example/product"
            }
        )
    return url


def utm_medium(role: str) -> str:
    return "kol" if role == CreatorRole.KOL else "influencer"


def tracked_url(destination: str, *, platform: str, role: str, campaign_slug: str,
                handle: str = "") -> str:  # fmt: skip
    parts = urlsplit(destination)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    ours = [("utm_source", platform), ("utm_medium", utm_medium(role)),
            ("utm_campaign", campaign_slug)]  # fmt: skip
    if handle:
        ours.append(("utm_content", handle))
    return urlunsplit(parts._replace(query=urlencode(kept + ours)))


def with_click_id(url: str, click_id: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({CLICK_PARAM: click_id})))


def new_code() -> str:
    # 56^8 ≈ 9.7e13 codes; the unique constraint catches the rare collision.
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def qr_image(url: str, kind: str) -> bytes:
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    if kind == "svg":
        qr.save(out, kind="svg", scale=8, border=2)
    else:
        qr.save(out, kind="png", scale=10, border=2)
    return out.getvalue()
