"""Server-rendered SVG bar charts: geometry computed here, drawn by
templates/billing/includes/bar_chart.html with SVG attributes only (strict CSP, no styles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

COLOURS = ("#1d5fa7", "#7aa7d9", "#b7791f", "#c53030", "#1f8a4c")
BELOW_TARGET = "#c53030"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    value_label: str

    @property
    def label_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass
class Group:
    label: str
    x: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    title: str
    width: int
    height: int
    top: int
    bottom: int
    left: int
    groups: list[Group]
    legend: list[tuple[str, str]]
    target_y: float | None = None
    target_label: str = ""

    @property
    def label_y(self) -> int:
        return self.bottom + 16

    @property
    def right(self) -> int:
        return self.width - 4

    @property
    def target_label_y(self) -> float | None:
        return None if self.target_y is None else round(self.target_y - 4, 1)


def grouped_bars(
    title: str,
    groups: list[tuple[str, list[Decimal | None]]],
    series: list[str],
    *,
    max_value: Decimal | None = None,
    target: Decimal | None = None,
    target_label: str = "",
    suffix: str = "",
    width: int = 640,
    height: int = 240,
) -> Chart:
    """One group of bars per label, one bar per series. With a target, bars below it are red
    and a dashed line marks it."""
    top, bottom, left, right = 24, 40, 8, 8
    plot_height = height - top - bottom
    values = [v for _label, vs in groups for v in vs if v is not None]
    ceiling = max_value or max([*values, target or 0, Decimal(1)])
    slot = (width - left - right) / max(len(groups), 1)
    bar_width = min(48.0, slot * 0.7 / max(len(series), 1))
    chart_groups = []
    for index, (label, group_values) in enumerate(groups):
        start = left + index * slot + (slot - bar_width * len(series)) / 2
        group = Group(label=label, x=left + index * slot + slot / 2)
        for position, value in enumerate(group_values):
            amount = value or Decimal(0)
            bar_height = float(amount / ceiling) * plot_height if ceiling else 0.0
            fill = COLOURS[position % len(COLOURS)]
            if target is not None and value is not None and value < target:
                fill = BELOW_TARGET
            group.bars.append(
                Bar(
                    x=round(start + position * bar_width, 1),
                    y=round(top + plot_height - bar_height, 1),
                    width=round(bar_width - 4, 1),
                    height=round(bar_height, 1),
                    fill=fill,
                    value_label="—" if value is None else f"{value:,}{suffix}",
                )
            )
        chart_groups.append(group)
    target_y = None
    if target is not None and ceiling:
        target_y = round(top + plot_height - float(target / ceiling) * plot_height, 1)
    return Chart(
        title=title,
        width=width,
        height=height,
        top=top,
        bottom=height - bottom,
        left=left,
        groups=chart_groups,
        legend=[(name, COLOURS[i % len(COLOURS)]) for i, name in enumerate(series)],
        target_y=target_y,
        target_label=target_label,
    )
