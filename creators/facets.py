"""Facet queries: discovery filters as lexemes of the search vector.

Each creator's search vector carries its filter values as positionless lexemes
(creator_search_facets, migration 0005: 'f:c:US', 'f:cred:verified', 'f:er:3' = engagement
≥ 3, 'f:ac:US:30' = audience US share ≥ 30, ...). A filter that has a facet adds
`search_vector @@ <its lexemes>` next to its exact condition, so a text search and its
filters are intersected by one GIN scan inside the index, instead of a bitmap of every
row with the word followed by a visit to each (docs/fit-score.md, "Facets").

Each function here returns the tsquery text for a filter, or None when the filter has no
useful facet. The one rule: the facet must be a necessary condition of the exact filter
(it may keep rows the filter then drops, never drop one it keeps), so the buckets below
round every minimum down, and must agree with the function's (tests/creators/test_facets.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

from creators.models import TIERS

# Bucket widths of the audience share lexemes, by column (as in creator_search_facets).
SHARE_FACETS = {"audience_countries": ("ac", 10), "audience_ages": ("aa", 20),
                "audience_gender": ("ag", 20)}  # fmt: skip
ER_TOP = 10  # f:er:1 … f:er:10
LONGEST = 200  # longer values get no lexeme
# A sum of shares is compared as float8 after an exact numeric sum: allow its rounding.
SUM_SLACK = 1e-9


def _quoted(lexeme: str) -> str:
    """A lexeme in tsquery syntax: quoted, so ':' and spaces are part of it."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def any_of(lexemes: Iterable[str]) -> str | None:
    """Rows with at least one of the lexemes; None (no facet) if one cannot be stored."""
    lexemes = sorted(set(lexemes))
    if not lexemes or any(len(lexeme) > LONGEST for lexeme in lexemes):
        return None
    return " | ".join(_quoted(lexeme) for lexeme in lexemes)


def values(kind: str, chosen: Iterable[str]) -> str | None:
    """A value among `chosen` (country 'c', credential 'cred', role 'r', tier 't',
    platform 'p', niche 'n', language 'l', audience interest 'ai')."""
    return any_of(f"f:{kind}:{value}" for value in chosen)


def tiers(chosen: Iterable[str]) -> str | None:
    known = {key for key, _label, _low, _high in TIERS}
    return values("t", [key for key in chosen if key in known])


def engagement_at_least(minimum: Decimal | float) -> str | None:
    """f:er:k means engagement ≥ k: the largest k not above the minimum."""
    k = min(ER_TOP, math.floor(minimum))
    return values("er", [str(k)]) if k >= 1 else None


def share_at_least(column: str, keys: list[str], minimum: Decimal | float) -> str | None:
    """The sum of the keys' shares ≥ minimum. With n keys one of them has a share ≥
    minimum / n (pigeonhole), so: any key at the bucket below that."""
    if not keys:
        return None
    prefix, step = SHARE_FACETS[column]
    least = float(minimum) / len(keys)
    if len(keys) > 1:
        least -= SUM_SLACK
    bucket = min(100, math.floor(least / step) * step)
    if bucket < step:
        return None  # every row is in bucket 0: nothing to narrow
    return any_of(f"f:{prefix}:{key}:{bucket}" for key in keys)
