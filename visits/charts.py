"""Server-rendered SVG bar charts: the geometry is computed here, the template only draws it.

No JavaScript and no inline styles (strict CSP): every colour and size is an SVG attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLUE = "#1d5fa7"
GREEN = "#1f8a4c"
AMBER = "#b7791f"
RED = "#c53030"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True)
class Bar:
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
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[Label, Series, float, float]] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.bars


def _fmt(value: float, unit: str) -> str:
    if value is None:
        return "—"
    number = f"{value:.0f}" if unit == "%" or float(value).is_integer() else f"{value:.2f}"
    return f"{number}{unit}"


def _legend(chart: Chart, series: list[Series], y: float, left: float) -> None:
    x = left
    for item in series:
        chart.legend.append((Label(x + 14, y + 9, item.name, "start"), item, x, y))
        x += 14 + 14 * max(len(item.name), 2) + 16


def horizontal(
    title: str,
    rows: list[tuple[str, list[float | None]]],
    series: list[Series],
    *,
    maximum: float,
    unit: str = "",
    width: int = 640,
    label_width: int = 110,
) -> Chart:
    """One group of bars per row (e.g. per consultant), one bar per series."""
    bar_h, gap, top = 14, 10, 24
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(rows) + 22
    chart = Chart(width=width, height=height, title=title)
    _legend(chart, series, 4, label_width)
    plot = width - label_width - 60
    for step in range(5):
        x = round(label_width + plot * step / 4, 1)
        chart.lines.append((x, top - 4, x, height - 18))
        chart.labels.append(Label(x, height - 4, _fmt(maximum * step / 4, unit), "middle"))
    for index, (label, values) in enumerate(rows):
        y0 = top + index * group_h
        chart.labels.append(Label(label_width - 6, y0 + bar_h * len(series) / 2 + 4, label))
        for offset, (value, item) in enumerate(zip(values, series, strict=True)):
            length = 0 if not value or not maximum else plot * min(value, maximum) / maximum
            y = y0 + offset * bar_h
            chart.bars.append(
                Bar(
                    x=label_width,
                    y=y + 1,
                    width=round(length, 1),
                    height=bar_h - 2,
                    colour=item.colour,
                    text=_fmt(value, unit),
                    text_x=round(label_width + length + 4, 1),
                    text_y=y + bar_h - 3,
                    title=f"{label} · {item.name}: {_fmt(value, unit)}",
                )
            )
    return chart


def vertical(
    title: str,
    columns: list[tuple[str, list[float | None]]],
    series: list[Series],
    *,
    maximum: float,
    unit: str = "",
    width: int = 640,
    height: int = 240,
) -> Chart:
    """One group of columns per category (e.g. per month), one column per series."""
    left, top, bottom = 40, 26, 24
    chart = Chart(width=width, height=height, title=title)
    _legend(chart, series, 4, left)
    plot_w, plot_h = width - left - 10, height - top - bottom
    for step in range(5):
        y = round(top + plot_h - plot_h * step / 4, 1)
        chart.lines.append((left, y, width - 10, y))
        chart.labels.append(Label(left - 4, y + 4, _fmt(maximum * step / 4, unit)))
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
            size = 0 if not value or not maximum else plot_h * min(value, maximum) / maximum
            x = x0 + offset * bar_w
            chart.bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(top + plot_h - size, 1),
                    width=round(bar_w - 2, 1),
                    height=round(size, 1),
                    colour=item.colour,
                    text=_fmt(value, unit),
                    text_x=round(x + bar_w / 2 - 1, 1),
                    text_y=round(top + plot_h - size - 3, 1),
                    title=f"{label} · {item.name}: {_fmt(value, unit)}",
                    anchor="middle",
                )
            )
    return chart
