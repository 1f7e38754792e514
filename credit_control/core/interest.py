"""Late-payment interest: Italian statutory rate (D.Lgs. 231/2002) or a contractual rate.

Rules (see ``readme/DUNNING.md``):

* Interest runs from the day after the due date up to and including ``until``.
* It is simple interest, day by day, on the amount still open that day: a payment
  dated ``P`` reduces the open amount from day ``P`` on (day ``P`` itself carries
  interest only on what is still unpaid after it).
* Statutory rate (art. 5): the yearly rate of the half-year (1 January / 1 July)
  each day falls in, from a table ``{half_year_start: percent}``. A day whose
  half-year has no rate raises :class:`MissingRateError` naming the half-years:
  a rate is never guessed.
* Contractual rate: one yearly percent for every day.
* Year of 365 days, also in leap years (the decree sets no day count; 365 is the
  common practice of Italian courts and of the Bank of Italy's calculators).
* The computation is cut into segments of constant rate and constant open
  amount; each segment is rounded half up to the currency's digits and the total
  is the sum of the rounded segments, so the letter's lines add up to its total.
* The EUR 40 flat compensation of art. 6 is due once per invoice.

Worked example: 1,000.00 due on 31 May 2024, computed to 31 August 2024, rates
12.50 % for H1 2024 and 12.25 % for H2 2024::

    1 Jun - 30 Jun 2024:  30 days x 1,000.00 x 12.50 % / 365 = 10.27
    1 Jul - 31 Aug 2024:  62 days x 1,000.00 x 12.25 % / 365 = 20.81
                                                       total   31.08

>>> from datetime import date
>>> rates = {date(2024, 1, 1): 12.5, date(2024, 7, 1): 12.25}
>>> result = compute_interest(1000, date(2024, 5, 31), date(2024, 8, 31), rate_table=rates)
>>> [(s.start.isoformat(), s.days, str(s.rate), str(s.interest)) for s in result.segments]
[('2024-06-01', 30, '12.5', '10.27'), ('2024-07-01', 62, '12.25', '20.81')]
>>> result.total
Decimal('31.08')

A payment of 600.00 on 16 July 2024 leaves 400.00 open from that day on:

>>> result = compute_interest(
...     1000, date(2024, 5, 31), date(2024, 8, 31),
...     payments=[(date(2024, 7, 16), 600)], rate_table=rates)
>>> for s in result.segments:
...     print(s.start, s.days, s.base, s.interest)
2024-06-01 30 1000 10.27
2024-07-01 15 1000 5.03
2024-07-16 47 400 6.31
>>> result.total
Decimal('21.61')

A contractual 5 % a year, no table needed:

>>> compute_interest(1000, date(2025, 12, 31), date(2026, 3, 1), fixed_rate=5).total
Decimal('8.22')

A missing half-year is reported, not guessed:

>>> compute_interest(
...     1000, date(2026, 6, 15), date(2026, 7, 10), rate_table={date(2026, 1, 1): 10.15})
Traceback (most recent call last):
...
core.interest.MissingRateError: no late-interest rate for the half-year(s) starting 2026-07-01

Nothing before or on the due date, nothing once paid:

>>> compute_interest(1000, date(2026, 1, 31), date(2026, 1, 31), fixed_rate=8).total
Decimal('0.00')
>>> compute_interest(
...     1000, date(2026, 1, 31), date(2026, 3, 31),
...     payments=[(date(2026, 1, 20), 1000)], fixed_rate=8).total
Decimal('0.00')
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from . import dates
from . import money
from .money import Decimal

ZERO = Decimal(0)

__all__ = [
    "FLAT_COMPENSATION_EUR",
    "InterestResult",
    "InterestSegment",
    "MissingRateError",
    "compute_interest",
    "half_years_between",
]

#: D.Lgs. 231/2002 art. 6: flat compensation for recovery costs, once per invoice.
FLAT_COMPENSATION_EUR = Decimal("40.00")
#: Day count of the yearly rate (see the module docstring).
YEAR_DAYS = 365


class MissingRateError(ValueError):
    """The rate table has no rate for some half-years that the computation needs."""

    def __init__(self, half_years):
        self.half_years = sorted(half_years)
        names = ", ".join(day.isoformat() for day in self.half_years)
        super().__init__(f"no late-interest rate for the half-year(s) starting {names}")


@dataclass(frozen=True)
class InterestSegment:
    """Days ``start``..``end`` (inclusive) at one ``rate`` on one open ``base``."""

    start: date
    end: date
    days: int
    base: Decimal
    rate: Decimal
    interest: Decimal


@dataclass
class InterestResult:
    segments: list = field(default_factory=list)
    total: Decimal = ZERO


def half_years_between(first_day, last_day):
    """Starts of the half-years touched by ``first_day``..``last_day``.

    >>> half_years_between(date(2025, 11, 5), date(2026, 7, 1))
    [datetime.date(2025, 7, 1), datetime.date(2026, 1, 1), datetime.date(2026, 7, 1)]
    """
    starts = []
    current = dates.half_year_start(first_day)
    while current <= last_day:
        starts.append(current)
        current = date(current.year, 7, 1) if current.month == 1 else date(current.year + 1, 1, 1)
    return starts


def compute_interest(
    principal, due_date, until, payments=(), rate_table=None, fixed_rate=None, digits=2
):
    """Interest on ``principal`` due on ``due_date``, counted up to ``until`` included.

    ``payments`` is an iterable of ``(date, amount)`` reducing the open amount from
    their date; ``rate_table`` maps half-year starts to yearly percents (statutory),
    ``fixed_rate`` is a yearly percent for every day (contractual). Exactly one of
    the two must be given.
    """
    if (rate_table is None) == (fixed_rate is None):
        raise ValueError("give either a rate table or a fixed rate")
    result = InterestResult(total=money.round_money(0, digits))
    first_day = due_date + timedelta(days=1)
    if until < first_day:
        return result
    rates = _rates_by_half_year(first_day, until, rate_table, fixed_rate)
    open_amount, changes = _open_amounts(principal, first_day, until, payments)
    # segments break at every half-year start and every payment date in the period
    boundaries = sorted({first_day} | {day for day in rates if day > first_day} | set(changes))
    for index, start in enumerate(boundaries):
        open_amount = changes.get(start, open_amount)
        is_last = index + 1 == len(boundaries)
        end = until if is_last else boundaries[index + 1] - timedelta(days=1)
        if open_amount <= 0:
            continue
        rate = rates[dates.half_year_start(start)]
        days = dates.days_between(start, end) + 1
        interest = money.round_money(open_amount * rate / 100 * days / YEAR_DAYS, digits)
        result.segments.append(InterestSegment(start, end, days, open_amount, rate, interest))
        result.total += interest
    return result


def _rates_by_half_year(first_day, until, rate_table, fixed_rate):
    half_years = half_years_between(first_day, until)
    if fixed_rate is not None:
        return {start: money.to_decimal(fixed_rate) for start in half_years}
    missing = [start for start in half_years if rate_table.get(start) is None]
    if missing:
        raise MissingRateError(missing)
    return {start: money.to_decimal(rate_table[start]) for start in half_years}


def _open_amounts(principal, first_day, until, payments):
    """The amount open on ``first_day`` and ``{date: amount open from that date}``."""
    opening = money.to_decimal(principal)
    later = []
    for payment_date, amount in sorted(payments):
        if payment_date <= first_day:
            opening -= money.to_decimal(amount)
        elif payment_date <= until:
            later.append((payment_date, money.to_decimal(amount)))
    changes = {}
    running = opening
    for payment_date, amount in later:
        running -= amount
        changes[payment_date] = running
    return opening, changes
