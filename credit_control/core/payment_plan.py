"""Payment plans (rateizzazione): the schedule, the allocation of payments, the states.

Public API (stable: the plan model and the preview wizard call it)
------------------------------------------------------------------

``build_schedule(amount, *, down_payment=0.0, count, first_date, frequency="monthly",
yearly_rate=0.0, dates=None, rounding=0.01) -> list[ScheduledInstallment]``
    The installments of a plan for ``amount`` owed. ``ScheduledInstallment`` has
    ``sequence``, ``date_due``, ``principal``, ``interest`` and ``amount`` (principal +
    interest), amounts as floats rounded to ``rounding``. A down payment, if any, comes
    first as sequence 0, due on ``first_date``, without interest; the ``count``
    installments follow, numbered 1..count.
``allocate(paid, amounts, rounding=0.01) -> list[float]``
    What a total paid covers of each installment, oldest first.
``installment_state(amount, amount_paid, date_due, today, grace_days=0, rounding=0.01)``
    ``"paid"``, ``"open"``, ``"late"`` or ``"missed"``.
``plan_state(states, misses_allowed=0)``
    ``"completed"``, ``"broken"`` or ``"active"``.
``PlanError``
    A ``ValueError`` with a ``code`` and ``values`` (the model words it in the user's
    language, see ``ERROR_MESSAGES`` for the English).

The schedule
------------

* With a **down payment** it is due on ``first_date`` and the installments start one
  period later; without one, the first installment is due on ``first_date``. Periods are
  ``weekly`` (7 days), ``monthly`` (calendar months from the first date, the 31st
  becoming the last day of shorter months) or ``quarterly`` (3 months); or the dates come
  by hand (``dates``, strictly increasing, not before ``first_date``; ``count`` is then
  their number).
* **Without interest**: equal installments of (amount - down payment) / count rounded to
  the cent; the last one takes the rounding difference. 1,000.00 in 3:

  >>> from datetime import date
  >>> for line in build_schedule(1000, count=3, first_date=date(2026, 1, 31)):
  ...     print(line.sequence, line.date_due, line.principal, line.interest, line.amount)
  1 2026-01-31 333.33 0.0 333.33
  2 2026-02-28 333.33 0.0 333.33
  3 2026-03-31 333.34 0.0 333.34

* **With interest** (``yearly_rate`` in %, on the declining balance, French amortisation):
  every installment is the same amount ``A = P x r / (1 - (1 + r)^-n)`` with ``r`` the
  yearly rate divided by 52, 12 or 4; each period's interest is ``r`` times the balance
  still owed, rounded to the cent; the rest of the installment repays principal; the last
  installment repays what is left (so the principal adds up to the debt exactly) with its
  own interest. 1,200.00 with 200.00 down: 1,000.00 left in 4 monthly installments at
  6 % a year (r = 0.5 %, A = 1,000.00 x 0.005 / (1 - 1.005^-4) = 253.13):

  >>> schedule = build_schedule(1200, down_payment=200, count=4, first_date=date(2026, 3, 1),
  ...                           yearly_rate=6)
  >>> for line in schedule:
  ...     print(line.sequence, line.date_due, line.principal, line.interest, line.amount)
  0 2026-03-01 200.0 0.0 200.0
  1 2026-04-01 248.13 5.0 253.13
  2 2026-05-01 249.37 3.76 253.13
  3 2026-06-01 250.62 2.51 253.13
  4 2026-07-01 251.88 1.26 253.14
  >>> principal = sum(line.principal for line in schedule)
  >>> round(principal, 2), round(sum(line.amount for line in schedule), 2)
  (1200.0, 1212.53)

  The first period's interest: 1,000.00 x 0.5 % = 5.00; the balance then is 751.87 and the
  second period's interest 3.76 (751.87 x 0.5 % = 3.759). The last installment repays the
  251.88 left: one cent more than the others.

  With dates by hand the interest of each period counts its days (actual/365) from the
  previous date, the first period from ``first_date``:

  >>> for line in build_schedule(730, count=2, first_date=date(2026, 1, 1), yearly_rate=10,
  ...                            dates=[date(2026, 1, 1), date(2026, 3, 2)], frequency="manual"):
  ...     print(line.sequence, line.date_due, line.principal, line.interest, line.amount)
  1 2026-01-01 367.98 0.0 367.98
  2 2026-03-02 362.02 5.95 367.97

  No day has passed at the first date: no interest. The second period runs 60 days:
  r = 10 % x 60 / 365 = 1.6438 %, A = 730 / (1 + 1 / 1.016438) = 367.98, and the interest
  on the 362.02 left is 5.95; the last installment carries the cent of difference.

Payments and states
-------------------

Payments fill the installments **oldest first**, the down payment first of all:

>>> allocate(700, [200, 253.13, 253.13, 253.13, 253.14])
[200.0, 253.13, 246.87, 0.0, 0.0]

An installment is ``paid`` once covered to the cent; ``open`` until its date; ``late``
for ``grace_days`` after it; ``missed`` after that:

>>> today = date(2026, 5, 10)
>>> [installment_state(100, 0, date(2026, 5, day), today, grace_days=5) for day in (12, 10, 5, 4)]
['open', 'open', 'late', 'missed']
>>> installment_state(100, 99.999, date(2026, 1, 1), today)
'paid'

The plan is ``completed`` when every installment is paid, ``broken`` when more are
missed than allowed, else ``active``:

>>> plan_state(["paid", "paid"]), plan_state(["paid", "missed", "open"], misses_allowed=1)
('completed', 'active')
>>> plan_state(["missed", "missed", "open"], misses_allowed=1)
'broken'

Bad input raises :class:`PlanError` with a code:

>>> build_schedule(100, down_payment=150, count=2, first_date=date(2026, 1, 1))
Traceback (most recent call last):
...
core.payment_plan.PlanError: The down payment (150.00) is larger than the amount owed (100.00).
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP

from . import dates as dates_module
from .money import Decimal
from .money import to_decimal

__all__ = [
    "ERROR_MESSAGES",
    "FREQUENCIES",
    "PlanError",
    "ScheduledInstallment",
    "allocate",
    "build_schedule",
    "installment_state",
    "installment_states",
    "plan_state",
    "schedule_dates",
]

FREQUENCIES = ("weekly", "monthly", "quarterly", "manual")
PERIODS_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4}
DAYS_PER_YEAR = 365

ERROR_MESSAGES = {
    "nothing_owed": "There is nothing to pay: the amount owed is {amount}.",
    "bad_count": "The number of installments must be at least 1 (it is {count}).",
    "negative_down_payment": "The down payment cannot be negative ({down_payment}).",
    "down_payment_too_large": (
        "The down payment ({down_payment}) is larger than the amount owed ({amount})."
    ),
    "nothing_left": (
        "The down payment pays everything: no installment is left (use no plan, or a smaller "
        "down payment)."
    ),
    "bad_frequency": "Unknown frequency {frequency!r}: weekly, monthly, quarterly or manual.",
    "no_first_date": "Set the date of the first payment.",
    "no_dates": "Give the date of each installment.",
    "dates_not_increasing": "The installment dates must increase: {date} does not.",
    "date_before_start": "The installment date {date} is before the plan's first date {first}.",
    "negative_rate": "The interest rate cannot be negative ({rate}).",
    "installment_too_small": (
        "{count} installments of {amount} would be smaller than {rounding}: choose fewer."
    ),
}


class PlanError(ValueError):
    """Bad input of a plan: ``code`` (a key of ``ERROR_MESSAGES``) and its ``values``."""

    def __init__(self, code, **values):
        self.code = code
        self.values = values
        super().__init__(ERROR_MESSAGES[code].format(**values))


@dataclass(frozen=True)
class ScheduledInstallment:
    """One line of a schedule; amounts are floats rounded to the schedule's rounding."""

    sequence: int
    date_due: object
    principal: float
    interest: float
    amount: float


def _quantize(value, quantum):
    return (to_decimal(value) / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum


def _text(value, quantum):
    """An amount as text with the rounding's decimals (for messages)."""
    return str(_quantize(value, quantum).quantize(quantum if quantum < 1 else Decimal(1)))


def schedule_dates(first_date, count, frequency="monthly"):
    """``count`` due dates from ``first_date``, one ``frequency`` apart.

    >>> from datetime import date
    >>> schedule_dates(date(2026, 1, 31), 3)
    [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)]
    >>> schedule_dates(date(2026, 1, 1), 3, "weekly")
    [datetime.date(2026, 1, 1), datetime.date(2026, 1, 8), datetime.date(2026, 1, 15)]
    >>> schedule_dates(date(2026, 11, 30), 2, "quarterly")
    [datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)]
    """
    if frequency == "weekly":
        return [first_date + timedelta(days=7 * index) for index in range(count)]
    months = {"monthly": 1, "quarterly": 3}.get(frequency)
    if months is None:
        raise PlanError("bad_frequency", frequency=frequency)
    return [dates_module.add_months(first_date, months * index) for index in range(count)]


def _validate(amount, down_payment, count, first_date, frequency, yearly_rate, dates, quantum):
    if frequency not in FREQUENCIES:
        raise PlanError("bad_frequency", frequency=frequency)
    if amount <= 0:
        raise PlanError("nothing_owed", amount=_text(amount, quantum))
    if down_payment < 0:
        raise PlanError("negative_down_payment", down_payment=_text(down_payment, quantum))
    if down_payment > amount:
        raise PlanError(
            "down_payment_too_large",
            down_payment=_text(down_payment, quantum),
            amount=_text(amount, quantum),
        )
    if down_payment == amount:
        raise PlanError("nothing_left")
    if yearly_rate < 0:
        raise PlanError("negative_rate", rate=yearly_rate)
    if not first_date:
        raise PlanError("no_first_date")
    if frequency == "manual" or dates:
        if not dates:
            raise PlanError("no_dates")
        previous = None
        for day in dates:
            if day < first_date:
                raise PlanError("date_before_start", date=day, first=first_date)
            if previous is not None and day <= previous:
                raise PlanError("dates_not_increasing", date=day)
            previous = day
    elif count is None or count < 1:
        raise PlanError("bad_count", count=count)


def build_schedule(
    amount,
    *,
    down_payment=0.0,
    count=None,
    first_date,
    frequency="monthly",
    yearly_rate=0.0,
    dates=None,
    rounding=0.01,
):
    """The installments of a plan (see the module docstring). Raises :class:`PlanError`."""
    quantum = to_decimal(rounding)
    amount = _quantize(amount, quantum)
    down_payment = _quantize(down_payment or 0, quantum)
    yearly_rate = to_decimal(yearly_rate or 0)
    dates = list(dates or [])
    _validate(amount, down_payment, count, first_date, frequency, yearly_rate, dates, quantum)
    lines = []
    if dates:
        count = len(dates)
        due_dates = dates
    else:
        start = first_date
        if down_payment:
            start = schedule_dates(first_date, 2, frequency)[1]
        due_dates = schedule_dates(start, count, frequency)
    principal = amount - down_payment
    if principal / count < quantum:
        raise PlanError(
            "installment_too_small",
            count=count,
            amount=_text(principal, quantum),
            rounding=_text(quantum, quantum),
        )
    if down_payment:
        value = float(down_payment)
        lines.append(ScheduledInstallment(0, first_date, value, 0.0, value))
    rates = _period_rates(yearly_rate, frequency, first_date, due_dates, bool(dates))
    if not yearly_rate:
        payment = _quantize(principal / count, quantum)
    else:
        # A = P / sum_k prod_{j<=k} (1 + r_j)^-1: the French payment, also for unequal periods
        discount, factor = Decimal(0), Decimal(1)
        for rate in rates:
            factor /= 1 + rate
            discount += factor
        payment = _quantize(principal / discount, quantum)
    balance = principal
    for index, (due, rate) in enumerate(zip(due_dates, rates, strict=True)):
        interest = _quantize(balance * rate, quantum)
        # the last installment repays what is left: the principal adds up to the cent
        repaid = balance if index == count - 1 else min(balance, payment - interest)
        balance -= repaid
        lines.append(
            ScheduledInstallment(
                index + 1, due, float(repaid), float(interest), float(repaid + interest)
            )
        )
    return lines


def _period_rates(yearly_rate, frequency, first_date, due_dates, by_hand):
    """The interest rate of each period (as a fraction)."""
    if not yearly_rate:
        return [Decimal(0)] * len(due_dates)
    yearly = yearly_rate / 100
    if not by_hand:
        return [yearly / PERIODS_PER_YEAR[frequency]] * len(due_dates)
    rates, previous = [], first_date
    for day in due_dates:
        rates.append(yearly * (day - previous).days / DAYS_PER_YEAR)
        previous = day
    return rates


def _units(value, rounding):
    """``value`` in whole units of ``rounding`` (cents), half up. Amounts of the ledger
    are already rounded: integers keep the daily update of thousands of plans fast."""
    return math.floor(float(value or 0) / rounding + 0.5)


def _digits(rounding):
    return max(0, -Decimal(repr(float(rounding))).normalize().as_tuple().exponent)


def allocate(paid, amounts, rounding=0.01):
    """What ``paid`` covers of each of ``amounts``, in order (oldest first).

    >>> allocate(0, [10, 10]), allocate(25, [10, 10]), allocate(15.5, [10, 10])
    ([0.0, 0.0], [10.0, 10.0], [10.0, 5.5])
    """
    rounding = float(rounding)
    digits = _digits(rounding)
    left = max(0, _units(paid, rounding))
    result = []
    for amount in amounts:
        share = min(left, _units(amount, rounding))
        result.append(round(share * rounding, digits))
        left -= share
    return result


def installment_state(amount, amount_paid, date_due, today, grace_days=0, rounding=0.01):
    """``paid``, ``open`` (not due yet), ``late`` (due, within the grace days) or ``missed``."""
    rounding = float(rounding)
    if _units(amount_paid, rounding) >= _units(amount, rounding):
        return "paid"
    days_late = (today - date_due).days
    if days_late <= 0:
        return "open"
    if days_late <= (grace_days or 0):
        return "late"
    return "missed"


def installment_states(installments, paid, today, grace_days=0, rounding=0.01):
    """``[(amount_paid, state)]`` of ``installments`` (``(amount, date_due)`` pairs, oldest
    first) once ``paid`` is allocated.

    >>> from datetime import date
    >>> installment_states([(100, date(2026, 1, 1)), (100, date(2026, 2, 1))], 150,
    ...                    date(2026, 2, 10), grace_days=5)
    [(100.0, 'paid'), (50.0, 'missed')]
    """
    shares = allocate(paid, [amount for amount, _due in installments], rounding)
    return [
        (share, installment_state(amount, share, due, today, grace_days, rounding))
        for (amount, due), share in zip(installments, shares, strict=True)
    ]


def plan_state(states, misses_allowed=0):
    """``completed`` when every state is ``paid``, ``broken`` when more than
    ``misses_allowed`` are ``missed``, else ``active``."""
    states = list(states)
    if states and all(state == "paid" for state in states):
        return "completed"
    if sum(1 for state in states if state == "missed") > (misses_allowed or 0):
        return "broken"
    return "active"
