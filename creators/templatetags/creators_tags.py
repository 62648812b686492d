from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def compact(number) -> str:
    """15,000 -> 15K; 1,250,000 -> 1.25M."""
    if number in (None, ""):
        return "—"
    number = float(number)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= size:
            return f"{number / size:.3g}{suffix}"
    return f"{number:.0f}"


@register.filter
def share_of(distribution, keys) -> float:
    """Sum of a distribution's shares over keys (a list, or one key)."""
    if not distribution or not keys:
        return 0.0
    if isinstance(keys, str):
        keys = [keys]
    return min(100.0, sum(float(distribution.get(k) or 0) for k in keys))


@register.filter
def sorted_shares(distribution, limit=8) -> list[tuple[str, float]]:
    items = sorted((distribution or {}).items(), key=lambda kv: -float(kv[1]))
    return [(k, float(v)) for k, v in items[: int(limit)]]


@register.filter
def ordered_shares(distribution, keys) -> list[tuple[str, float]]:
    return [(k, float((distribution or {}).get(k) or 0)) for k in keys]


@register.filter
def pct(value) -> str:
    if value in (None, ""):
        return "—"
    return f"{float(value):.1f}%"
