"""Known answers for statutory and contractual late interest."""

from datetime import date
from decimal import Decimal

import pytest

from core.interest import FLAT_COMPENSATION_EUR
from core.interest import MissingRateError
from core.interest import compute_interest
from core.interest import half_years_between

# H2 2025 and H1 2026 rates of the shipped table (ECB 2.15 + 8)
RATES = {date(2025, 7, 1): Decimal("10.15"), date(2026, 1, 1): Decimal("10.15")}
RATES_2024 = {date(2024, 1, 1): Decimal("12.50"), date(2024, 7, 1): Decimal("12.25")}


def test_one_half_year_only():
    # 10,000.00 due 31 Jan 2026, to 2 Mar 2026: 30 days x 10,000 x 10.15 % / 365 = 83.42
    result = compute_interest(10000, date(2026, 1, 31), date(2026, 3, 2), rate_table=RATES)
    assert [s.days for s in result.segments] == [30]
    assert result.total == Decimal("83.42")


def test_across_a_half_year_boundary_uses_each_half_years_rate():
    # 2,500.00 due 15 Jun 2024, to 15 Jan 2025 (three half-years, last one missing)
    with pytest.raises(MissingRateError) as error:
        compute_interest(2500, date(2024, 6, 15), date(2025, 1, 15), rate_table=RATES_2024)
    assert error.value.half_years == [date(2025, 1, 1)]
    rates = {**RATES_2024, date(2025, 1, 1): Decimal("11.15")}
    result = compute_interest(2500, date(2024, 6, 15), date(2025, 1, 15), rate_table=rates)
    # 16 Jun-30 Jun: 15 d x 12.50 % = 12.84; 1 Jul-31 Dec: 184 d x 12.25 % = 154.38;
    # 1 Jan-15 Jan 2025: 15 d x 11.15 % = 11.46
    assert [(s.days, s.interest) for s in result.segments] == [
        (15, Decimal("12.84")),
        (184, Decimal("154.38")),
        (15, Decimal("11.46")),
    ]
    assert result.total == Decimal("178.68")


def test_partial_payment_reduces_the_base_from_its_date():
    # 1,000.00 due 31 May 2024; 600.00 paid on 16 Jul 2024; to 31 Aug 2024
    result = compute_interest(
        1000,
        date(2024, 5, 31),
        date(2024, 8, 31),
        payments=[(date(2024, 7, 16), 600)],
        rate_table=RATES_2024,
    )
    assert [(s.base, s.days, s.interest) for s in result.segments] == [
        (Decimal(1000), 30, Decimal("10.27")),
        (Decimal(1000), 15, Decimal("5.03")),
        (Decimal(400), 47, Decimal("6.31")),
    ]
    assert result.total == Decimal("21.61")


def test_payment_in_full_stops_interest_and_early_payment_counts_from_the_start():
    paid = compute_interest(
        1000,
        date(2024, 5, 31),
        date(2024, 8, 31),
        payments=[(date(2024, 6, 11), 1000)],
        rate_table=RATES_2024,
    )
    # only 1-10 June accrue: 10 x 1,000 x 12.5 % / 365 = 3.42
    assert paid.total == Decimal("3.42")
    before_due = compute_interest(
        1000,
        date(2024, 5, 31),
        date(2024, 6, 30),
        payments=[(date(2024, 5, 20), 250)],
        rate_table=RATES_2024,
    )
    assert before_due.segments[0].base == Decimal(750)


def test_year_of_365_days_even_in_a_leap_year():
    # 29 Feb 2024 counts as a day; 366 days at 10 % on 365 -> 10.03 % of the base
    result = compute_interest(1000, date(2023, 12, 31), date(2024, 12, 31), fixed_rate=10)
    assert sum(s.days for s in result.segments) == 366
    assert result.total == Decimal("100.27")


def test_contractual_rate_and_currency_digits():
    result = compute_interest(123456, date(2026, 1, 1), date(2026, 1, 31), fixed_rate=5, digits=0)
    # 30 days x 123,456 x 5 % / 365 = 507.35 -> 507 in a currency without decimals
    assert result.total == Decimal("507")
    with pytest.raises(ValueError):
        compute_interest(100, date(2026, 1, 1), date(2026, 2, 1))


def test_flat_compensation_and_half_year_listing():
    assert Decimal("40.00") == FLAT_COMPENSATION_EUR
    assert half_years_between(date(2026, 1, 1), date(2026, 6, 30)) == [date(2026, 1, 1)]
