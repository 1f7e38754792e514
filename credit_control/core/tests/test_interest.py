"""Known answers for statutory and contractual late interest."""

from datetime import date
from decimal import Decimal

import pytest

from core.interest import FLAT_COMPENSATION_EUR
from core.interest import MissingRateError
from core.interest import compute_interest
from core.interest import half_years_between
from core.interest import yearly_to_half_years

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


def test_partial_payment_reduces_the_base_from_the_day_after_its_date():
    # 1,000.00 due 31 May 2024; 600.00 paid on 16 Jul 2024; to 31 Aug 2024.
    # The paid 600.00 runs up to 16 July included (16 July - 31 May = 46 days):
    # 1-16 Jul: 16 x 1,000 x 12.25 % / 365 = 5.37; 17 Jul-31 Aug: 46 x 400 x 12.25 % / 365 = 6.18
    result = compute_interest(
        1000,
        date(2024, 5, 31),
        date(2024, 8, 31),
        payments=[(date(2024, 7, 16), 600)],
        rate_table=RATES_2024,
    )
    assert [(s.base, s.days, s.interest) for s in result.segments] == [
        (Decimal(1000), 30, Decimal("10.27")),
        (Decimal(1000), 16, Decimal("5.37")),
        (Decimal(400), 46, Decimal("6.18")),
    ]
    assert result.total == Decimal("21.82")


def test_payment_in_full_stops_interest_and_early_payment_counts_from_the_start():
    paid = compute_interest(
        1000,
        date(2024, 5, 31),
        date(2024, 8, 31),
        payments=[(date(2024, 6, 11), 1000)],
        rate_table=RATES_2024,
    )
    # 1-11 June accrue, the payment day included (11 June - 31 May = 11 days):
    # 11 x 1,000 x 12.5 % / 365 = 3.767 -> 3.77
    assert paid.total == Decimal("3.77")
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


def test_credit_note_reduces_the_base_from_the_due_date():
    # 1,000.00 due 31 May 2024, a 300.00 credit note matched on 20 June, to 30 June:
    # 30 x 700 x 12.5 % / 365 = 7.19 (not 1,000 until 20 June)
    result = compute_interest(
        1000, date(2024, 5, 31), date(2024, 6, 30), credit_notes=[300], rate_table=RATES_2024
    )
    assert result.total == Decimal("7.19")


def test_start_after_bills_only_the_new_days():
    # invoiced up to 15 June: 16-30 June = 15 x 1,000 x 12.5 % / 365 = 5.14
    result = compute_interest(
        1000,
        date(2024, 5, 31),
        date(2024, 6, 30),
        rate_table=RATES_2024,
        start_after=date(2024, 6, 15),
    )
    assert [(s.start, s.days) for s in result.segments] == [(date(2024, 6, 16), 15)]
    assert result.total == Decimal("5.14")


def test_yearly_legal_table_keeps_a_rate_until_the_next_row():
    table = yearly_to_half_years({date(2025, 1, 1): 2.0, date(2026, 1, 1): 1.6})
    # 1,000.00 due 31 Dec 2025, to 30 Jan 2026: 30 x 1,000 x 1.6 % / 365 = 1.32
    result = compute_interest(1000, date(2025, 12, 31), date(2026, 1, 30), rate_table=table)
    assert result.total == Decimal("1.32")
    with pytest.raises(MissingRateError):
        compute_interest(1000, date(2026, 12, 31), date(2027, 1, 30), rate_table=table)
