"""The shared SVG charts (crm.charts) every report draws."""

from decimal import Decimal

from crm.charts import (
    BLUE,
    GREEN,
    RED,
    Scale,
    Series,
    Target,
    Value,
    bar_chart,
    fit,
    horizontal,
    vertical,
)


def test_bars_keep_what_they_show_and_scale_to_the_maximum():
    chart = horizontal(
        "完成率",
        [("张伟", [50, None]), ("李娜", [100, 25])],
        [Series("A"), Series("B", GREEN)],
        scale=Scale(100, unit="%"),
        width=520,
        label_width=90,
    )
    bars = {(bar.label, bar.colour): bar for bar in chart.bars}
    assert [bar.value for bar in chart.bars] == [50, None, 100, 25]
    assert bars[("李娜", "#1d5fa7")].width == 2 * bars[("张伟", "#1d5fa7")].width
    assert bars[("张伟", GREEN)].width == 0 and bars[("张伟", GREEN)].text == "—"
    assert bars[("李娜", GREEN)].text == "25%"


def test_a_chart_is_svg_markup_without_styles_or_scripts():
    html = str(vertical("每月", [("1月", [3]), ("2月", [5])], [Series("成交")], key="deals"))
    assert html.startswith("<svg") and html.count("<rect") == 3  # two columns and the legend
    assert "style=" not in html and "<script" not in html
    assert "<title>2月 · 成交: 5</title>" in html


def test_an_empty_chart_draws_nothing_and_labels_are_escaped():
    assert str(bar_chart([], title="空")) == ""
    html = str(bar_chart([("<b>客户</b>", 12)], title="x", value_format="{:.0f} 套"))
    assert "<b>" not in html and "&lt;b&gt;" in html and "12 套" in html


def test_a_target_draws_a_dashed_line_and_marks_the_columns_below_it():
    chart = vertical(
        "回收率",
        [("居民", [Decimal("96.5"), Decimal("80.0")])],
        [Series("三日内"), Series("一个月内", GREEN)],
        scale=Scale(100),
        target=Target(95, "目标 95%"),
    )
    above, below = chart.bars
    assert above.colour == BLUE and below.colour == RED
    (rule,) = chart.rules
    assert rule.y1 == rule.y2 and below.y > rule.y1 > above.y
    html = str(chart)
    assert 'stroke-dasharray="6 4"' in html and "目标 95%" in html


def test_without_a_maximum_the_axis_reaches_the_target():
    chart = vertical("x", [("A", [40])], [Series("a")], target=Target(80, "80"))
    (column,) = chart.bars
    assert column.colour == RED
    assert chart.rules[0].y1 == column.y - column.height  # 40 is half of 80


def test_a_value_writes_its_own_text_and_long_labels_keep_their_room():
    """Bars are as long as the amount; the text makes room for itself right of the bar."""
    label = "Feasibility and price of an unlisted job"
    chart = horizontal(
        "超时",
        [(label, [Value(4, "4 / 20 (20%)")]), ("张伟", [Value(8, "8 / 8 (100%)")])],
        [Series("超时", RED)],
        label_width=200,
        label_chars=30,
        legend=False,
    )
    short, long_ = chart.bars
    assert (short.value, short.text, long_.value) == (4, "4 / 20 (20%)", 8)
    assert long_.width == 2 * short.width
    assert long_.text_x + 6 * len(long_.text) <= chart.width
    html = str(chart)
    assert f"<title>{label}: 4 / 20 (20%)</title>" in html
    assert 'fill="#364152">Feasibility and price of' in html  # not cut after 12 characters


def test_counts_get_gridlines_on_whole_numbers():
    chart = horizontal("投诉", [("收费", [1]), ("维修", [6])], [Series("件")], legend=False)
    ticks = [label.text for label in chart.labels if label.anchor == "middle"]
    assert ticks == ["0", "2", "4", "6", "8"]
    shares = horizontal("x", [("a", [0.5])], [Series("a")], legend=False)
    ticks = [label.text for label in shares.labels if label.anchor == "middle"]
    assert ticks == ["0", "0.20", "0.40", "0.60", "0.80"]


def test_amounts_get_round_gridlines_and_room_for_their_labels():
    """Money reads on round gridlines (0, 1,000 … 4,000, not 0, 789.78 … 3,159.14), and the
    axis leaves room on the left for its longest label."""
    chart = vertical(
        "欠费",
        [("未到期", [Decimal("3159.14")]), ("1–30天", [Decimal("503.69")])],
        [Series("元")],
        scale=Scale(value_format="{:,.2f}".format),
    )
    ticks = [label.text for label in chart.labels if label.anchor == "end"]
    assert ticks == ["0.00", "1,000.00", "2,000.00", "3,000.00", "4,000.00"]
    tick = next(label for label in chart.labels if label.text == "4,000.00")
    assert tick.x - 6.5 * len(tick.text) >= 0
    assert [bar.text for bar in chart.bars] == ["3,159.14", "503.69"]


def test_a_value_wider_than_its_column_is_left_to_the_tooltip():
    """Two series in narrow columns: "100.0%" does not run into its neighbour; the bar's title
    still says it."""
    columns = [(f"{m}月", [100, 9]) for m in range(1, 13)]
    chart = vertical("收费率", columns, [Series("3天"), Series("1月")], scale=Scale(100, "%"))
    shown = {bar.text: bar.show_text for bar in chart.bars}
    assert shown == {"100%": False, "9%": True}
    assert "<title>1月 · 3天: 100%</title>" in str(chart)
    assert str(chart).count(">100%</text>") == 1  # the gridline label only


def test_labels_are_cut_to_the_room_they_have():
    """English labels keep as many letters as fit, Chinese ones fewer, wider characters."""
    assert fit("Sales promise", 102) == "Sales promise"
    assert fit("Not yet forwarded to a department", 102) == "Not yet forwa…"
    assert fit("销售承诺未兑现的投诉与建议", 102) == "销售承诺未兑现的…"
    assert fit("Feasibility and price of an unlisted job", 1000, chars=12) == "Feasibility…"
    chart = horizontal("x", [("Not yet forwarded", [1])], [Series("a")], legend=False)
    assert "Not yet forward" in str(chart)
