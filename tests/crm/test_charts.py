"""The shared SVG charts (crm.charts) every report draws."""

from crm.charts import GREEN, Scale, Series, bar_chart, horizontal, vertical


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
