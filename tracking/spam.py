"""Spam guards for the public lead form: a per-visitor rate limit kept in the cache,
keyed by a salted hash of the address (raw IPs are never stored)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def client_ip(request) -> str:
    hops = getattr(settings, "CONTRACTS_PROXY_HOPS", 0)
    if hops:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [p for p in chain if p]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR") or ""


def ip_hash(request) -> str:
    salted = f"{settings.SECRET_KEY}:lead-ip:{client_ip(request)}".encode()
    return hashlib.sha256(salted).hexdigest()[:32]


def lead_rate_limited(request) -> bool:
    """True once a visitor has posted more than TRACKING_LEADS_PER_HOUR lead forms in the
    current hour. Counts every post, honeypot ones too, so a bot cannot probe for free."""
    key = f"tracking-lead:{ip_hash(request)}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3700)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > settings.TRACKING_LEADS_PER_HOUR
