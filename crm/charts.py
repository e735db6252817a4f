"""Server-rendered SVG bar charts for every report: the geometry is computed here and drawn by
templates/includes/chart.html with SVG attributes only (no JavaScript, no inline styles: strict
CSP), readable in print.

    chart = horizontal(_("Visits by kind"), [("上门", [3]), ("电话", [5])], [Series(_("Visits"))])
    chart = vertical(_("Per month"), [("1月", [80, 60])], [Series("A", BLUE), Series("B", GREEN)],
                     maximum=100, unit="%")

A chart is safe markup for a template: `{{ chart }}`. Its `bars` keep each label and value, so
tests and tables can read what was drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string

BLUE = "#1d5fa7"
GREEN = "#1f8a4c"
AMBER = "#b7791f"
RED = "#c53030"

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    name: str
    colour: str = BLUE


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number | None
    x: float
    y: float
    width: float
    height: float
    colour: str
    text: str
    text_x: float
    text_y: float
    title: str
    anchor: str = "start"


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "end"


@dataclass
class Chart:
    width: int
    height: int
    title: str
    key: str = ""
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[Label, Series, float, float]] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.bars

    def __html__(self) -> str:
        return render_to_string("includes/chart.html", {"chart": self}).strip()

    def __str__(self) -> str:
        return self.__html__()


def _text(value: Number | None, unit: str, value_format: Callable | None) -> str:
    if value is None:
        return "—"
    if value_format is not None:
        return str(value_format(value))
    number = f"{value:.0f}" if unit == "%" or float(value).is_integer() else f"{value:.2f}"
    return f"{number}{unit}"


def _top(values: Sequence[Sequence[Number | None]], maximum: Number | None) -> float:
    if maximum is not None:
        return float(maximum)
    return max((float(v) for row in values for v in row if v), default=0) or 1.0


def _legend(chart: Chart, series: Sequence[Series], y: float, left: float) -> None:
    x = left
    for item in series:
        chart.legend.append((Label(x + 14, y + 9, item.name, "start"), item, x, y))
        x += 14 + 14 * max(len(item.name), 2) + 16


def horizontal(
    title: str,
    rows: Sequence[tuple[str, Sequence[Number | None]]],
    series: Sequence[Series],
    *,
    maximum: Number | None = None,
    unit: str = "",
    value_format: Callable | None = None,
    width: int = 640,
    label_width: int = 110,
    bar_height: int = 14,
    legend: bool = True,
    key: str = "",
) -> Chart:
    """One group of bars per row (e.g. per consultant), one bar per series: long Chinese labels
    stay readable on a phone. `maximum` is the scale's end (the largest value by default)."""
    top_value = _top([values for _label, values in rows], maximum)
    gap = 10
    top = 24 if legend else 8
    group_h = bar_height * len(series) + gap
    height = top + group_h * len(rows) + 22
    chart = Chart(width=width, height=height, title=title, key=key)
    if legend:
        _legend(chart, series, 4, label_width)
    plot = width - label_width - 60
    for step in range(5):
        x = round(label_width + plot * step / 4, 1)
        chart.lines.append((x, top - 4, x, height - 18))
        chart.labels.append(
            Label(x, height - 4, _text(top_value * step / 4, unit, value_format), "middle")
        )
    for index, (label, values) in enumerate(rows):
        y0 = top + index * group_h
        chart.labels.append(Label(label_width - 6, y0 + bar_height * len(series) / 2 + 4, label))
        for offset, (value, item) in enumerate(zip(values, series, strict=True)):
            length = 0 if not value else plot * min(float(value), top_value) / top_value
            y = y0 + offset * bar_height
            text = _text(value, unit, value_format)
            chart.bars.append(
                Bar(
                    label=label,
                    value=value,
                    x=label_width,
                    y=y + 1,
                    width=round(length, 1),
                    height=bar_height - 2,
                    colour=item.colour,
                    text=text,
                    text_x=round(label_width + length + 4, 1),
                    text_y=y + bar_height - 3,
                    title=f"{label} · {item.name}: {text}" if legend else f"{label}: {text}",
                )
            )
    return chart


def vertical(
    title: str,
    columns: Sequence[tuple[str, Sequence[Number | None]]],
    series: Sequence[Series],
    *,
    maximum: Number | None = None,
    unit: str = "",
    value_format: Callable | None = None,
    width: int = 640,
    height: int = 240,
    key: str = "",
) -> Chart:
    """One group of columns per category (e.g. per month), one column per series, a legend."""
    top_value = _top([values for _label, values in columns], maximum)
    left, top, bottom = 40, 26, 24
    chart = Chart(width=width, height=height, title=title, key=key)
    _legend(chart, series, 4, left)
    plot_w, plot_h = width - left - 10, height - top - bottom
    for step in range(5):
        y = round(top + plot_h - plot_h * step / 4, 1)
        chart.lines.append((left, y, width - 10, y))
        chart.labels.append(Label(left - 4, y + 4, _text(top_value * step / 4, unit, value_format)))
    if not columns:
        return chart
    group_w = plot_w / len(columns)
    bar_w = min(28, (group_w - 10) / len(series))
    for index, (label, values) in enumerate(columns):
        x0 = left + index * group_w + (group_w - bar_w * len(series)) / 2
        chart.labels.append(
            Label(left + index * group_w + group_w / 2, height - 8, label, "middle")
        )
        for offset, (value, item) in enumerate(zip(values, series, strict=True)):
            size = 0 if not value else plot_h * min(float(value), top_value) / top_value
            x = x0 + offset * bar_w
            text = _text(value, unit, value_format)
            chart.bars.append(
                Bar(
                    label=label,
                    value=value,
                    x=round(x, 1),
                    y=round(top + plot_h - size, 1),
                    width=round(bar_w - 2, 1),
                    height=round(size, 1),
                    colour=item.colour,
                    text=text,
                    text_x=round(x + bar_w / 2 - 1, 1),
                    text_y=round(top + plot_h - size - 3, 1),
                    title=f"{label} · {item.name}: {text}",
                    anchor="middle",
                )
            )
    return chart


def bar_chart(
    rows: Sequence[tuple[str, Number]],
    *,
    title: str = "",
    value_format: str | Callable = "{:,.0f}",
    width: int = 640,
    label_width: int = 150,
) -> Chart:
    """One bar per row, no legend: `bar_chart([("A 重点客户", 12)], title=…)`."""
    formatter = value_format.format if isinstance(value_format, str) else value_format
    return horizontal(
        title,
        [(label, [value]) for label, value in rows],
        [Series(title)],
        value_format=formatter,
        width=width,
        label_width=label_width,
        bar_height=22,
        legend=False,
    )
