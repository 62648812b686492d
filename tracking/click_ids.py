"""Click ids: time-ordered UUIDs (the UUIDv7 layout of RFC 9562), 32 hex characters on the
wire as before.

Why time-ordered: tracking_click's unique index (organization_id, click_id) is written by
every flushed click. Random ids land on random leaf pages of that btree; ids that grow with
time land next to each other at its right edge, so the pages a flush touches stay few and
hot however large the table grows.

Layout: 48 bits of Unix time in milliseconds, the version (7), 12 random bits, the variant
(0b10), 62 random bits. 74 random bits keep the id unguessable (it travels in the
destination URL as kh_click and names a click in attribution). Python 3.11 has no
uuid.uuid7, hence this helper."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import datetime

_MS_BITS = (1 << 48) - 1
_B62 = (1 << 62) - 1


def new_click_id(at: datetime | None = None) -> uuid.UUID:
    """A UUIDv7 for a click at `at` (now by default)."""
    ms = int((at.timestamp() if at is not None else time.time()) * 1000) & _MS_BITS
    rand = secrets.randbits(74)
    return uuid.UUID(int=ms << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | rand & _B62)
