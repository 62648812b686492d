"""Charts drawn server-side as SVG, for the PDF report (WeasyPrint runs no JavaScript).

Two shapes are enough for a report: bars (a figure per day or per creator, optionally two
series side by side) and a line over bars. Every label goes through format_html, so a
creator's name cannot inject markup into the document."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

COLORS = ("#4f46e5", "#10b981", "#f59e0b")


def _scale(values: Sequence[float]) -> float:
    top = max([float(v) for v in values] + [0.0])
    return top if top > 0 else 1.0


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    *,
    width: int = 640,
    height: int = 200,
    line: tuple[str, Sequence[Decimal | int]] | None = None,
) -> SafeString:
    """Grouped bars, one group per label, one bar per series; `line` draws one more series
    as a polyline on its own scale (e.g. conversions over clicks)."""
    left, bottom, top_pad = 40, 30, 20
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    n = max(len(labels), 1)
    group_w = plot_w / n
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    peak = _scale([v for _, values in series for v in values])
    parts = [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9ca3af"/>',
                    left, top_pad + plot_h, left + plot_w, top_pad + plot_h),
        format_html('<text x="{}" y="{}" font-size="9" text-anchor="end">{}</text>',
                    left - 4, top_pad + 4, _short(peak)),
    ]  # fmt: skip
    for s, (_name, values) in enumerate(series):
        for i, value in enumerate(values):
            h = plot_h * float(value) / peak
            x = left + i * group_w + group_w * 0.1 + s * bar_w
            # format_html escapes its arguments to text, so numbers are formatted first.
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                _n(x), _n(top_pad + plot_h - h), _n(bar_w), _n(h), COLORS[s % len(COLORS)],
            ))  # fmt: skip
    if line is not None and line[1]:
        line_peak = _scale(line[1])
        points = " ".join(
            f"{left + i * group_w + group_w / 2:.1f},"
            f"{top_pad + plot_h - plot_h * float(v) / line_peak:.1f}"
            for i, v in enumerate(line[1])
        )
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" '
                                 'stroke-width="2"/>', points, COLORS[2]))  # fmt: skip
    # At most ~12 labels under the axis, so 90 days stay readable.
    step = max(1, n // 12)
    parts.extend(
        format_html('<text x="{}" y="{}" font-size="8" text-anchor="middle">{}</text>',
                    _n(left + i * group_w + group_w / 2), height - bottom + 12, label[:14])
        for i, label in enumerate(labels) if i % step == 0
    )  # fmt: skip
    names = [*(name for name, _ in series), *([line[0]] if line else [])]
    parts.append(format_html_join("", '<text x="{}" y="12" font-size="9" fill="{}">■ {}</text>', (
        (left + 110 * i, COLORS[i % len(COLORS)] if i < len(series) else COLORS[2], name)
        for i, name in enumerate(names)
    )))  # fmt: skip
    body = mark_safe("".join(parts))  # noqa: S308 (every part was built by format_html)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img">{}</svg>', width, height, width, height, body,
    )  # fmt: skip


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:g}"
