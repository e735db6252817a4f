"""Server-rendered SVG bar charts for every report: the geometry is computed here and drawn by
templates/includes/chart.html with SVG attributes only (no JavaScript, no inline styles: strict
CSP), readable in print.

    chart = horizontal(_("Visits by kind"), [("上门", [3]), ("电话", [5])], [Series(_("Visits"))])
    chart = vertical(_("Per month"), [("1月", [80, 60])], [Series("A", BLUE), Series("B", GREEN)],
                     scale=Scale(100, unit="%"), target=Target(95, _("Target 95%")))
    chart = horizontal(_("Broken"), [("张伟", [Value(3, "3 / 20")])], [Series("x", RED)])

A chart is safe markup for a template: `{{ chart }}`. Its `bars` keep each label and value, so
tests and tables can read what was drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

BLUE = "#1d5fa7"
GREEN = "#1f8a4c"
AMBER = "#b7791f"
RED = "#c53030"

Number = int | float | Decimal


@dataclass(frozen=True)
class Value:
    """A value that reads its own way: the bar is as long as `amount`, its text is `text`."""

    amount: Number
    text: str


Values = Sequence[Number | Value | None]


def _amount(value: Number | Value | None) -> Number | None:
    return value.amount if isinstance(value, Value) else value


@dataclass(frozen=True)
class Target:
    """A goal on the value axis: a dashed line with its label; bars below it turn `below`."""

    value: Number
    label: str
    colour: str = GREEN
    below: str = RED


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
    show_text: bool = True  # False where the text is wider than a narrow column (see title)


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "end"


@dataclass(frozen=True)
class Rule:
    """A dashed line across the plot (a target), its label at the end."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: Label
    colour: str


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
    rules: list[Rule] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.bars

    def __html__(self) -> str:
        return mark_safe(render_to_string("includes/chart.html", {"chart": self}).strip())

    def __str__(self) -> str:
        return self.__html__()


@dataclass(frozen=True)
class Scale:
    """Where the value axis ends (the largest value when not given) and how values read."""

    maximum: Number | None = None
    unit: str = ""
    value_format: Callable | None = None

    def fitted(self, rows: Sequence[tuple[str, Values]], target: Target | None = None) -> Scale:
        """The scale with its maximum: the largest value, or the target when that is higher.
        Counts (whole numbers) end on a multiple of four, so that every gridline is a count."""
        if self.maximum is not None:
            return self
        amounts = [_amount(v) for _label, values in rows for v in values]
        if target is not None:
            amounts.append(target.value)
        top = max((float(v) for v in amounts if v), default=0)
        if all(isinstance(v, int) for v in amounts if v is not None):
            return Scale(4 * math.ceil(top / 4) or 4, self.unit, self.value_format)
        return Scale(4 * _nice_step(top / 4), self.unit, self.value_format)

    def share(self, value: Number | Value | None) -> float:
        """How much of the axis a value takes, from 0 to 1."""
        value = _amount(value)
        if not value or not self.maximum:
            return 0.0
        return min(float(value), float(self.maximum)) / float(self.maximum)

    def text(self, value: Number | Value | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, Value):
            return value.text
        if self.value_format is not None:
            return str(self.value_format(value))
        whole = self.unit == "%" or float(value).is_integer()
        return f"{value:.0f}{self.unit}" if whole else f"{value:.2f}{self.unit}"

    def ticks(self) -> list[tuple[float, str]]:
        """Five gridlines: where each sits (0 to 1) and its value."""
        return [(step / 4, self.text(float(self.maximum) * step / 4)) for step in range(5)]


def _nice_step(at_least: float) -> float:
    """The gridline step a reader expects: 1, 2, 2.5 or 5 times a power of ten."""
    if at_least <= 0:
        return 0.25
    power = 10 ** math.floor(math.log10(at_least))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= at_least * (1 - 1e-9))


TEXT_WIDTH = 7.0  # px per character of an 11px label, near enough for digits and Latin
WIDE_WIDTH = 11.0  # px per Chinese character (or any other full-width one)


def _width(text: str) -> float:
    """Chinese characters are twice as wide as Latin ones; so is the ellipsis in a CJK font."""
    return sum(WIDE_WIDTH if ord(char) >= 0x2E80 or char == "…" else TEXT_WIDTH for char in text)


def fit(text: str, room: float, chars: int | None = None) -> str:
    """`text` cut (with …) to `chars` characters and to what `room` pixels hold: 20 Chinese
    characters take the room of about 34 Latin ones."""
    text = str(text)
    if chars is not None and len(text) > chars:
        text = text[: chars - 1] + "…"
    if _width(text) <= room:
        return text
    while text and _width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _bar(
    label: str,
    value: Number | Value | None,
    colour: str,
    scale: Scale,
    title: str,
    box: tuple[float, float, float, float],
    text_at: tuple[float, float],
    anchor: str = "start",
    room: float | None = None,
) -> Bar:
    """A bar in its box (x, y, width, height), its value written at text_at when it fits in
    `room` (None: always)."""
    text = scale.text(value)
    x, y, width, height = box
    amount = _amount(value)
    fits = room is None or len(text) * (TEXT_WIDTH - 0.5) <= room - 2
    return Bar(
        label,
        amount,
        x,
        y,
        width,
        height,
        colour,
        text,
        *text_at,
        f"{title}: {text}",
        anchor,
        fits,
    )


def _colour(value: Number | Value | None, item: Series, target: Target | None) -> str:
    amount = _amount(value)
    if target is not None and amount is not None and amount < target.value:
        return target.below
    return item.colour


def _legend(chart: Chart, series: Sequence[Series], y: float, left: float) -> None:
    x = left
    for item in series:
        chart.legend.append((Label(x + 14, y + 9, item.name, "start"), item, x, y))
        x += 14 + 14 * max(len(item.name), 2) + 16


def horizontal(
    title: str,
    rows: Sequence[tuple[str, Values]],
    series: Sequence[Series],
    *,
    scale: Scale = Scale(),
    width: int = 640,
    label_width: int = 110,
    label_chars: int | None = None,
    bar_height: int = 14,
    legend: bool = True,
    key: str = "",
) -> Chart:
    """One group of bars per row (e.g. per consultant), one bar per series: long Chinese labels
    stay readable on a phone. Labels are cut to what label_width holds (and to label_chars
    characters when given); right of the longest bar there is room for the longest value text."""
    scale = scale.fitted(rows)
    gap = 10
    top = 24 if legend else 8
    group_h = bar_height * len(series) + gap
    height = top + group_h * len(rows) + 22
    chart = Chart(width=width, height=height, title=title, key=key)
    if legend:
        _legend(chart, series, 4, label_width)
    longest = max((len(scale.text(v)) for _label, values in rows for v in values), default=0)
    plot = width - label_width - max(60, 6 * longest + 10)
    for share, text in scale.ticks():
        x = round(label_width + plot * share, 1)
        chart.lines.append((x, top - 4, x, height - 18))
        chart.labels.append(Label(x, height - 4, text, "middle"))
    for index, (label, values) in enumerate(rows):
        y0 = top + index * group_h
        text = fit(label, label_width - 8, label_chars)
        chart.labels.append(Label(label_width - 6, y0 + bar_height * len(series) / 2 + 4, text))
        for offset, (value, item) in enumerate(zip(values, series, strict=True)):
            length = plot * scale.share(value)
            y = y0 + offset * bar_height
            title = f"{label} · {item.name}" if legend else label
            box = (label_width, y + 1, round(length, 1), bar_height - 2)
            text_at = (round(label_width + length + 4, 1), y + bar_height - 3)
            chart.bars.append(_bar(label, value, item.colour, scale, title, box, text_at))
    return chart


def vertical(
    title: str,
    columns: Sequence[tuple[str, Values]],
    series: Sequence[Series],
    *,
    scale: Scale = Scale(),
    width: int = 640,
    height: int = 240,
    target: Target | None = None,
    key: str = "",
) -> Chart:
    """One group of columns per category (e.g. per month), one column per series, a legend.
    With a target, a dashed line marks it and the columns below it take its `below` colour."""
    scale = scale.fitted(columns, target)
    ticks = scale.ticks()
    left = max(40, round(TEXT_WIDTH * max(len(text) for _share, text in ticks)) + 8)
    top, bottom = 26, 24
    group_w = (width - left - 10) / max(len(columns), 1)
    chart = Chart(width=width, height=height, title=title, key=key)
    _legend(chart, series, 4, left)
    plot_h = height - top - bottom
    for share, text in ticks:
        y = round(top + plot_h - plot_h * share, 1)
        chart.lines.append((left, y, width - 10, y))
        chart.labels.append(Label(left - 4, y + 4, text))
    if target is not None:
        y = round(top + plot_h - plot_h * scale.share(target.value), 1)
        label = Label(width - 10, y - 4, target.label)
        chart.rules.append(Rule(left, y, width - 10, y, label, target.colour))
    if not columns:
        return chart
    bar_w = min(28, (group_w - 10) / len(series))
    for index, (label, values) in enumerate(columns):
        x0 = left + index * group_w + (group_w - bar_w * len(series)) / 2
        text = fit(label, group_w - 4)
        chart.labels.append(Label(left + index * group_w + group_w / 2, height - 8, text, "middle"))
        for offset, (value, item) in enumerate(zip(values, series, strict=True)):
            size = plot_h * scale.share(value)
            x = x0 + offset * bar_w
            title = f"{label} · {item.name}"
            box = (round(x, 1), round(top + plot_h - size, 1), round(bar_w - 2, 1), round(size, 1))
            text_at = (round(x + bar_w / 2 - 1, 1), round(top + plot_h - size - 3, 1))
            colour = _colour(value, item, target)
            room = bar_w if len(series) > 1 else group_w
            chart.bars.append(
                _bar(label, value, colour, scale, title, box, text_at, "middle", room)
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
        scale=Scale(value_format=formatter),
        width=width,
        label_width=label_width,
        bar_height=22,
        legend=False,
    )
