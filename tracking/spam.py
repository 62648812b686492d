"""Spam guards for the public lead form: a per-visitor rate limit kept in the cache,
keyed by a salted hash of the address (raw IPs are never stored)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils import timezone

from kolhub.clients import client_ip, hits


def ip_hash(request) -> str:
    salted = f"{settings.SECRET_KEY}:lead-ip:{client_ip(request) or ''}".encode()
    return hashlib.sha256(salted).hexdigest()[:32]


def lead_rate_limited(request) -> bool:
    """True once a visitor has posted more than TRACKING_LEADS_PER_HOUR lead forms in the
    current hour. Counts every post, honeypot ones too, so a bot cannot probe for free."""
    key = f"tracking-lead:{ip_hash(request)}:{timezone.now():%Y%m%d%H}"
    return hits(key, window_seconds=3600) > settings.TRACKING_LEADS_PER_HOUR
