"""Late-payment interest: Italian statutory rate (D.Lgs. 231/2002) or a contractual rate.

Rules (see ``readme/DUNNING.md``):

* Interest runs from the day after the due date up to and including ``until``.
* It is simple interest, day by day, on the amount still open that day: the paid
  part runs up to and including its payment date ``P`` (days = ``P`` - due date)
  and the payment reduces the open amount from day ``P + 1`` on.
* Credit notes matched to the invoice correct the debt itself: they reduce the
  base from the first day (interest runs on the net amount), whatever their date.
  A payment is a payment, even one made before the due date of a later item.
* ``start_after`` counts only the days after that date (an invoiced charge bills
  the interest accrued since the previous charge invoice, never the same days twice).
* Legal interest (art. 1284 c.c., consumers) has a yearly rate; a row stays in force
  until the next one (:func:`yearly_to_half_years` turns it into the same table).
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

A payment of 600.00 on 16 July 2024: the 600.00 runs up to 16 July included
(46 days = 16 July - 31 May), 400.00 stays open from 17 July on::

    1 Jun - 30 Jun:  30 days x 1,000.00 x 12.50 % / 365 = 10.27
    1 Jul - 16 Jul:  16 days x 1,000.00 x 12.25 % / 365 =  5.37
   17 Jul - 31 Aug:  46 days x   400.00 x 12.25 % / 365 =  6.18
                                                 total   21.82

>>> result = compute_interest(
...     1000, date(2024, 5, 31), date(2024, 8, 31),
...     payments=[(date(2024, 7, 16), 600)], rate_table=rates)
>>> for s in result.segments:
...     print(s.start, s.days, s.base, s.interest)
2024-06-01 30 1000 10.27
2024-07-01 16 1000 5.37
2024-07-17 46 400 6.18
>>> result.total
Decimal('21.82')

A credit note of 200.00 matched to the invoice (issued on 20 July) corrects the
debt: 800.00 from the first day, 200.00 after the payment of 600.00::

    1 Jun - 30 Jun:  30 days x 800.00 x 12.50 % / 365 = 8.22
    1 Jul - 16 Jul:  16 days x 800.00 x 12.25 % / 365 = 4.30
   17 Jul - 31 Aug:  46 days x 200.00 x 12.25 % / 365 = 3.09

>>> result = compute_interest(
...     1000, date(2024, 5, 31), date(2024, 8, 31), payments=[(date(2024, 7, 16), 600)],
...     credit_notes=[200], rate_table=rates)
>>> [str(s.interest) for s in result.segments], result.total
(['8.22', '4.30', '3.09'], Decimal('15.61'))

Invoiced up to 30 June already: only July and August are billed again:

>>> compute_interest(
...     1000, date(2024, 5, 31), date(2024, 8, 31), rate_table=rates,
...     start_after=date(2024, 6, 30)).total
Decimal('20.81')

A payment on the due date itself leaves no interest; one the day after, one day:

>>> compute_interest(
...     1000, date(2026, 1, 31), date(2026, 3, 31),
...     payments=[(date(2026, 2, 1), 1000)], fixed_rate=36.5).total
Decimal('1.00')

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
    "yearly_to_half_years",
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
    principal,
    due_date,
    until,
    payments=(),
    rate_table=None,
    fixed_rate=None,
    digits=2,
    credit_notes=(),
    start_after=None,
):
    """Interest on ``principal`` due on ``due_date``, counted up to ``until`` included.

    ``payments`` is an iterable of ``(date, amount)`` reducing the open amount from
    the day after their date; ``credit_notes`` (amounts of matched credit notes) reduce it
    from the first day; ``rate_table`` maps half-year starts to yearly percents
    (statutory, or legal through :func:`yearly_to_half_years`), ``fixed_rate`` is a
    yearly percent for every day (contractual). Exactly one of the two must be given.
    ``start_after``: count only the days after this date (already invoiced).
    """
    if (rate_table is None) == (fixed_rate is None):
        raise ValueError("give either a rate table or a fixed rate")
    result = InterestResult(total=money.round_money(0, digits))
    first_day = max(due_date, start_after or due_date) + timedelta(days=1)
    if until < first_day:
        return result
    rates = _rates_by_half_year(first_day, until, rate_table, fixed_rate)
    principal = money.to_decimal(principal) - sum(
        (money.to_decimal(amount) for amount in credit_notes), ZERO
    )
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
    """The amount open on ``first_day`` and ``{date: amount open from that date}``.

    The paid part still runs on its payment date: a payment reduces the base from
    the next day.
    """
    opening = money.to_decimal(principal)
    later = []
    for payment_date, amount in sorted(payments):
        reduces_from = payment_date + timedelta(days=1)
        if reduces_from <= first_day:
            opening -= money.to_decimal(amount)
        elif reduces_from <= until:
            later.append((reduces_from, money.to_decimal(amount)))
    changes = {}
    running = opening
    for payment_date, amount in later:
        running -= amount
        changes[payment_date] = running
    return opening, changes


def yearly_to_half_years(yearly_table):
    """A yearly table (``{1 January: percent}``, art. 1284 c.c.) as a half-year table.

    A row stays in force until the next row (2.50 % covered 2012 and 2013); years
    after the last row are unknown and stay missing: a rate is never guessed.

    >>> table = yearly_to_half_years({date(2012, 1, 1): 2.5, date(2014, 1, 1): 1.0})
    >>> [(day.isoformat(), rate) for day, rate in sorted(table.items())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('2012-01-01', 2.5), ('2012-07-01', 2.5), ('2013-01-01', 2.5), ('2013-07-01', 2.5),
     ('2014-01-01', 1.0), ('2014-07-01', 1.0)]
    """
    if not yearly_table:
        return {}
    years = sorted(yearly_table)
    table = {}
    rate = None
    for year in range(years[0].year, years[-1].year + 1):
        rate = yearly_table.get(date(year, 1, 1), rate)
        table[date(year, 1, 1)] = table[date(year, 7, 1)] = rate
    return table
