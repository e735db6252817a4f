"""Server-rendered SVG charts: no JavaScript, no inline styles (CSP), readable in print.

    bar_chart([("A 重点客户", 12), ("B 意向客户", 30)], value_format="{:.0f}")
    column_chart(["1月", "2月"], [("成交", [3, 5]), ("回访", [8, 9])])

Both return safe markup for a template: `{{ chart }}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1d5fa7", "#2f9e6b", "#d69e2e", "#c53030", "#6b46c1", "#319795", "#718096"]


def _fmt(value, value_format: str | Callable) -> str:
    if callable(value_format):
        return value_format(value)
    return value_format.format(value)


def bar_chart(
    rows: Sequence[tuple[str, float | Decimal]],
    *,
    title: str = "",
    value_format: str | Callable = "{:,.0f}",
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 150,
) -> SafeString:
    """Horizontal bars: long Chinese labels stay readable on a phone."""
    if not rows:
        return mark_safe("")
    top = max((float(value) for _label, value in rows), default=0) or 1
    gap = 8
    height = len(rows) * (bar_height + gap) + gap
    plot = width - label_width - 80
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = max(1.0, plot * float(value) / top) if value else 0
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'rx="3" fill="{colour}"><title>{escape(label)}: {escape(_fmt(value, value_format))}'
            f"</title></rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}">'
            f"{escape(_fmt(value, value_format))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | Decimal]]],
    *,
    title: str = "",
    width: int = 640,
    height: int = 240,
    value_format: str | Callable = "{:,.0f}",
) -> SafeString:
    """Grouped columns per category (e.g. months), with a legend."""
    if not categories or not series:
        return mark_safe("")
    top = max((float(v) for _name, values in series for v in values), default=0) or 1
    left, bottom, legend = 40, 28, 22
    plot_h = height - bottom - legend - 10
    slot = (width - left - 10) / len(categories)
    bar = max(4.0, (slot - 8) / len(series))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    base_y = legend + 10 + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base_y}" x2="{width - 10}" y2="{base_y}" stroke="#c5ced9"/>'
    )
    for s_index, (name, _values) in enumerate(series):
        x = left + s_index * 110
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[s_index % 7]}"/>'
            f'<text x="{x + 16}" y="14">{escape(name)}</text>'
        )
    for c_index, category in enumerate(categories):
        x0 = left + c_index * slot + 4
        for s_index, (name, values) in enumerate(series):
            value = float(values[c_index]) if c_index < len(values) else 0
            h = plot_h * value / top
            x = x0 + s_index * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s_index % 7]}"><title>{escape(category)} {escape(name)}: '
                f"{escape(_fmt(value, value_format))}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + (slot - 8) / 2:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
