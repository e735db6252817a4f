"""Tariffs and tiers, priced to the fen (R-BIL-02, R-BIL-04): exact Decimal results."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing import pricing
from billing.pricing import Line, PriceList, TierPrice

RESIDENTIAL = PriceList(
    tariff_id=1,
    user_type="residential",
    valid_from=dt.date(2020, 1, 1),
    valid_to=None,
    tiers=(
        TierPrice(1, D("350"), D("2.67")),
        TierPrice(2, D("500"), D("3.20")),
        TierPrice(3, None, D("4.01")),
    ),
)


def price(volume, before="0", start=dt.date(2026, 5, 20), end=dt.date(2026, 6, 20), lists=None):
    return pricing.price_period(
        user_type="residential",
        start=start,
        end=end,
        volume=D(volume),
        annual_before={start.year: D(before), end.year: D(before)}
        if start.year == end.year
        else {start.year: D(before)},
        price_lists=lists or [RESIDENTIAL],
    )


def test_a_period_inside_the_first_tier_bills_at_one_price():
    """R-BIL-02: 25 m³ in tier 1 at 2.67 = 66.75."""
    lines = price("25.00", before="100")
    assert [(line.tier, line.volume, line.amount) for line in lines] == [
        (1, D("25.00"), D("66.75"))
    ]
    assert pricing.total(lines) == D("66.75")


def test_a_reading_that_crosses_350_is_billed_partly_at_each_price():
    """R-BIL-02: 340 m³ so far; 25 more = 10 at 2.67 + 15 at 3.20 = 26.70 + 48.00 = 74.70."""
    lines = price("25", before="340")
    assert [(line.tier, line.volume, line.amount) for line in lines] == [
        (1, D("10"), D("26.70")),
        (2, D("15"), D("48.00")),
    ]
    assert pricing.total(lines) == D("74.70")


def test_exactly_reaching_the_threshold_stays_in_the_lower_tier():
    """R-BIL-02: the boundary itself: 340 + 10 = 350 is still all tier 1."""
    lines = price("10", before="340")
    assert [(line.tier, line.volume) for line in lines] == [(1, D("10"))]
    lines = price("5", before="350")
    assert [(line.tier, line.volume, line.amount) for line in lines] == [(2, D("5"), D("16.00"))]


def test_one_big_reading_can_span_all_three_tiers():
    """R-BIL-02: 300 so far, 250 more = 50 @2.67 + 150 @3.20 + 50 @4.01."""
    lines = price("250", before="300")
    assert [(line.tier, line.volume, line.amount) for line in lines] == [
        (1, D("50"), D("133.50")),
        (2, D("150"), D("480.00")),
        (3, D("50"), D("200.50")),
    ]
    assert pricing.total(lines) == D("814.00")


def test_amounts_round_half_up_to_the_fen():
    """1.50 m³ × 2.67 = 4.005 → 4.01 (banker's rounding would give 4.00)."""
    lines = price("1.50")
    assert lines[0].amount == D("4.01")
    assert pricing.fen(D("2.675")) == D("2.68")


def test_a_price_change_in_the_middle_of_the_period_is_prorated_by_days():
    """R-BIL-02: 30 days, price rises on day 11: 10 days at 2.67, 20 days at 2.80 of 30 m³."""
    old = PriceList(
        1,
        "residential",
        dt.date(2020, 1, 1),
        dt.date(2026, 6, 30),
        (TierPrice(1, None, D("2.67")),),
    )
    new = PriceList(2, "residential", dt.date(2026, 7, 1), None, (TierPrice(1, None, D("2.80")),))
    lines = price("30", start=dt.date(2026, 6, 20), end=dt.date(2026, 7, 20), lists=[old, new])
    assert [(line.tariff_id, line.start, line.end, line.volume, line.amount) for line in lines] == [
        (1, dt.date(2026, 6, 21), dt.date(2026, 6, 30), D("10.00"), D("26.70")),
        (2, dt.date(2026, 7, 1), dt.date(2026, 7, 20), D("20.00"), D("56.00")),
    ]
    assert pricing.total(lines) == D("82.70")


def test_prorated_volumes_add_up_exactly():
    """The last segment takes the rounding remainder: 10 m³ over 31 days split 11 / 20."""
    old = PriceList(
        1,
        "residential",
        dt.date(2020, 1, 1),
        dt.date(2026, 6, 30),
        (TierPrice(1, None, D("2.67")),),
    )
    new = PriceList(2, "residential", dt.date(2026, 7, 1), None, (TierPrice(1, None, D("2.80")),))
    lines = price("10", start=dt.date(2026, 6, 19), end=dt.date(2026, 7, 20), lists=[old, new])
    assert [line.volume for line in lines] == [D("3.55"), D("6.45")]  # 10 × 11/31 = 3.548…
    assert sum(line.volume for line in lines) == D("10")
    assert [line.amount for line in lines] == [D("9.48"), D("18.06")]  # 9.4785 → 9.48
    assert pricing.total(lines) == D("27.54")


def test_a_new_year_starts_the_annual_volume_again():
    """R-BIL-02: 480 m³ used in 2026; a period over New Year: the 2027 part starts in tier 1."""
    lines = pricing.price_period(
        user_type="residential",
        start=dt.date(2026, 12, 21),
        end=dt.date(2027, 1, 20),
        volume=D("60"),
        annual_before={2026: D("480"), 2027: D("0")},
        price_lists=[RESIDENTIAL],
    )
    # 10 days in 2026 (the 22nd to the 31st) and 20 in 2027: 20 m³ and 40 m³
    assert [(line.year, line.tier, line.volume, line.amount) for line in lines] == [
        (2026, 2, D("20.00"), D("64.00")),
        (2027, 1, D("40.00"), D("106.80")),
    ]


def test_a_tariff_changing_its_thresholds_from_a_year_applies_them():
    """Tier thresholds per year: 2027 raises tier 1 to 400 m³."""
    until_2026 = PriceList(
        1, "residential", dt.date(2020, 1, 1), dt.date(2026, 12, 31), RESIDENTIAL.tiers
    )
    from_2027 = PriceList(
        2,
        "residential",
        dt.date(2027, 1, 1),
        None,
        (TierPrice(1, D("400"), D("2.70")), TierPrice(2, None, D("3.30"))),
    )
    lines = pricing.price_period(
        user_type="residential",
        start=dt.date(2027, 5, 1),
        end=dt.date(2027, 6, 1),
        volume=D("30"),
        annual_before={2027: D("380")},
        price_lists=[until_2026, from_2027],
    )
    assert [(line.tier, line.volume, line.amount) for line in lines] == [
        (1, D("20"), D("54.00")),
        (2, D("10"), D("33.00")),
    ]


def test_missing_price_is_refused_not_billed_at_zero():
    late = PriceList(1, "residential", dt.date(2026, 7, 1), None, RESIDENTIAL.tiers)
    with pytest.raises(pricing.MissingTariff) as caught:
        price("10", start=dt.date(2026, 6, 20), end=dt.date(2026, 7, 20), lists=[late])
    assert caught.value.day == dt.date(2026, 6, 21)


def test_no_gas_used_gives_no_lines_and_no_charge():
    assert price("0") == []
    assert pricing.total([]) == D("0.00")


def test_lines_are_plain_data():
    assert isinstance(price("1")[0], Line)
