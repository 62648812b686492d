"""Who is calling, for the public endpoints (contract signing and /verify/, the lead
form, the conversion postback): the client's address behind trusted proxies, and a
fixed-window request counter kept in the shared cache (Redis), so every web process
counts the same requests."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's address. Behind N trusted proxies (PROXY_HOPS), the Nth
    address from the right of X-Forwarded-For: the ones left of it the client wrote."""
    hops = settings.PROXY_HOPS
    if hops:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [p for p in chain if p]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR") or None


def hits(key: str, *, window_seconds: int) -> int:
    """Count one more request under `key` (which should name its time window) and return
    the count so far; the key expires a little after its window.

    Fails open (counts 0) when Redis is unreachable: these endpoints (the lead form,
    the postback, /verify/) must keep working through an outage, as the redirect does."""
    try:
        cache.add(key, 0, timeout=window_seconds + 60)
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        return 1
    except redis.RedisError:
        log.warning("rate limit not applied to %s: Redis unavailable", key.split(":", 1)[0])
        return 0
