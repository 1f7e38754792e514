"""Cash-in forecast: when the open receivables will be paid, in three scenarios.

Each open item gets a predicted payment date in each scenario (``None``: not expected
at all, so outside any horizon). ``today`` is the day of the forecast; nothing is ever
predicted before it.

**The partner's delay** (``Delay``) comes from its payment behaviour (``behaviour.py``,
stored by the scoring): ``usual`` is the amount-weighted **median** days late of its
settlements, ``slow`` the 80 % quantile. The median, not the average: a forecast is judged
by how far its cash lands from the real one, and the median is the delay that errs least
in absolute terms; the average of a customer who pays nine invoices on time and one 90
days late is 9 days, which moves all ten invoices by more than a week when nine of them
come on the due date. A partner without history pays on the due date (``usual`` 0) and
is slow by ``DEFAULT_SLOW_DAYS``.

**An invoice** (its open amount):

- *optimistic*: on its due date (today, if already past);
- *expected*: on the due date plus the usual delay. An item already later than that is
  predicted halfway between today and the day its partner would be given up for:
  ``give_up_days`` after the due date (the slow delay plus the gap between slow and
  usual, at least ``GIVE_UP_MARGIN_DAYS``); an item older than that is not expected, nor
  is an overdue item of a **defaulting** partner (it has stopped paying what is late:
  on the benchmark's ledger counting on those items triples the error);
- *pessimistic*: on the due date plus the slow delay; an item already later than its
  usual delay on the day it would be given up for (so never before the expected date);
  an item already later than the slow delay, and every item of a **defaulting** partner,
  is not expected.

A partner paying a median of 10 and a slow 30 days late, an invoice due in a week:

>>> from datetime import date, timedelta
>>> today = date(2026, 3, 2)  # a Monday
>>> delay = Delay(usual=10, slow=30, defaulting=False)
>>> predict_invoice(today + timedelta(days=7), delay, today)
{'expected': datetime.date(2026, 3, 19), 'optimistic': datetime.date(2026, 3, 9), \
'pessimistic': datetime.date(2026, 4, 8)}

Due 20 days ago, already 10 days later than usual: given up at 30 + max(30, 20) = 60 days
after the due date, 40 days from today, so expected in 20 days; the pessimist waits
until that last day, in 40 days:

>>> give_up_days(delay)
60
>>> predict_invoice(today - timedelta(days=20), delay, today)
{'expected': datetime.date(2026, 3, 22), 'optimistic': datetime.date(2026, 3, 2), \
'pessimistic': datetime.date(2026, 4, 11)}

Due 45 days ago (later than the slow delay): the pessimist gives up; 70 days ago (later
than 60): not expected either, only the optimist still counts on it, today:

>>> predict_invoice(today - timedelta(days=45), delay, today)["pessimistic"] is None
True
>>> predict_invoice(today - timedelta(days=70), delay, today)
{'expected': None, 'optimistic': datetime.date(2026, 3, 2), 'pessimistic': None}

A defaulting partner: its invoice not yet due is expected at its usual delay, its overdue
one not at all:

>>> defaulting = Delay(usual=90, slow=150, defaulting=True)
>>> predict_invoice(today + timedelta(days=10), defaulting, today)
{'expected': datetime.date(2026, 6, 10), 'optimistic': datetime.date(2026, 3, 12), \
'pessimistic': None}
>>> predict_invoice(today - timedelta(days=1), defaulting, today)["expected"] is None
True

**A payment plan's open installment** (instead of its invoices): on its own date in the
expected and optimistic scenarios (today, if past), its date plus the slow delay in the
pessimistic one (not at all for a defaulting partner).

**An invoice with a collection agency**: the agency's **recovery rate** (recovered over
handed over, of its closed cases; ``DEFAULT_RECOVERY_RATE`` without any) times the open
amount, at the start of the horizon's last week in the expected and optimistic scenarios
(an agency's recoveries are not to be counted on week by week: they come, if at all,
within about a quarter), never in the pessimistic one:

>>> recovery_rate(handed_over=10000.0, recovered=4500.0), recovery_rate(0.0, 0.0)
(0.45, 0.3)
>>> predict_case(today)
{'expected': datetime.date(2026, 5, 25), 'optimistic': datetime.date(2026, 5, 25), \
'pessimistic': None}

**An e-invoice rejected by the SdI** was never issued: nothing is expected from it until
it is delivered (the caller leaves it out).

**Weeks**: 13 weeks from the Monday of this week; ``weekly_totals`` sums the rows (``key,
scenario, date, amount``) per week and scenario, leaving out what falls outside:

>>> rows = forecast(
...     [Item("inv1", 7, "invoice", today + timedelta(days=7), 1000.0),
...      Item("case1", 8, "case", today - timedelta(days=200), 500.0, rate=0.3)],
...     {7: delay}, today)
>>> rows  # doctest: +NORMALIZE_WHITESPACE
[('inv1', 'expected', datetime.date(2026, 3, 19), 1000.0),
 ('inv1', 'optimistic', datetime.date(2026, 3, 9), 1000.0),
 ('inv1', 'pessimistic', datetime.date(2026, 4, 8), 1000.0),
 ('case1', 'expected', datetime.date(2026, 5, 25), 150.0),
 ('case1', 'optimistic', datetime.date(2026, 5, 25), 150.0),
 ('case1', 'pessimistic', None, 150.0)]
>>> weeks = weekly_totals(rows, today)
>>> len(weeks), weeks[0]["week_start"], weeks[2]
(13, datetime.date(2026, 3, 2), {'week_start': datetime.date(2026, 3, 16), \
'expected': 1000.0, 'optimistic': 0.0, 'pessimistic': 0.0})
>>> weeks[12]
{'week_start': datetime.date(2026, 5, 25), 'expected': 150.0, 'optimistic': 150.0, \
'pessimistic': 0.0}

**Accuracy** (the backtest, ``bench/backtest.py``): the weighted absolute percentage error
of weekly forecasts against the cash that came in, summed over every week:

>>> wape([100.0, 200.0, 0.0], [150.0, 150.0, 50.0])
0.42857142857142855
"""

from collections import namedtuple
from datetime import timedelta

from . import money

__all__ = [
    "SCENARIOS",
    "Delay",
    "Item",
    "forecast",
    "give_up_days",
    "horizon",
    "predict_case",
    "predict_installment",
    "predict_invoice",
    "recovery_rate",
    "wape",
    "week_start",
    "weekly_totals",
]

SCENARIOS = ("expected", "optimistic", "pessimistic")
WEEKS = 13
DEFAULT_SLOW_DAYS = 30
GIVE_UP_MARGIN_DAYS = 30
DEFAULT_RECOVERY_RATE = 0.3

Delay = namedtuple("Delay", "usual slow defaulting", defaults=(0, DEFAULT_SLOW_DAYS, False))
Delay.__doc__ = "A partner's usual (median) and slow (80 %) days late, and if it defaults."
NO_HISTORY = Delay()

Item = namedtuple("Item", "key partner_id kind date amount rate", defaults=(1.0,))
Item.__doc__ = (
    "An open amount: an invoice (``date``: its due date), a plan's installment (its "
    "date) or an invoice with an agency (``case``; ``rate``: the agency's recovery rate)."
)


def offset_credits(items, unmatched, digits=2):
    """``items`` less what each partner already paid or was credited and is not yet
    matched (``unmatched``: ``{partner id: amount}``, positive): the cash has arrived, so it
    is taken off the partner's open items, oldest due first (the receivable items only:
    ``invoice`` and ``case``; a plan's installments are left as they are). An item wholly
    covered is dropped.

    >>> from datetime import date
    >>> items = [
    ...     Item(("invoice", 1), 7, "invoice", date(2026, 3, 1), 500.0),
    ...     Item(("invoice", 2), 7, "invoice", date(2026, 2, 1), 300.0),
    ...     Item(("invoice", 3), 8, "invoice", date(2026, 2, 1), 100.0),
    ... ]
    >>> [(item.key[1], item.amount) for item in offset_credits(items, {7: 450.0})]
    [(1, 350.0), (3, 100.0)]

    More credit than owed: nothing left to come (the rest waits for the next invoice);
    installments are left as they are:

    >>> plan = Item(("installment", 4), 8, "installment", date(2026, 1, 1), 250.0)
    >>> [(item.key[1], item.amount) for item in offset_credits([*items, plan], {8: 500.0})]
    [(1, 500.0), (2, 300.0), (4, 250.0)]
    """
    left = {partner: amount for partner, amount in unmatched.items() if amount > 0}
    if not left:
        return list(items)
    reduced = {}
    receivable = [item for item in items if item.kind in ("invoice", "case")]
    for item in sorted(receivable, key=lambda item: (item.date, str(item.key))):
        credit = left.get(item.partner_id, 0.0)
        if credit <= 0:
            continue
        taken = min(credit, item.amount)
        left[item.partner_id] = round(credit - taken, digits)
        reduced[item.key] = round(item.amount - taken, digits)
    result = []
    for item in items:
        if item.key not in reduced:
            result.append(item)
        elif reduced[item.key] > 0:
            result.append(item._replace(amount=reduced[item.key]))
    return result


def week_start(day):
    """The Monday of ``day``'s week.

    >>> from datetime import date
    >>> week_start(date(2026, 3, 8)), week_start(date(2026, 3, 9))
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9))
    """
    return day - timedelta(days=day.weekday())


def horizon(today, weeks=WEEKS):
    """The Mondays of the ``weeks`` weeks from this one."""
    first = week_start(today)
    return [first + timedelta(weeks=index) for index in range(weeks)]


def give_up_days(delay):
    """Days after the due date beyond which an item of this partner is not expected."""
    return delay.slow + max(GIVE_UP_MARGIN_DAYS, delay.slow - delay.usual)


def _not_before(day, today):
    return max(day, today)


def predict_invoice(due, delay, today):
    """Predicted payment dates of an open invoice due on ``due`` (see the module's rules)."""
    age = (today - due).days
    if delay.defaulting and age > 0:
        expected = None
    elif age <= delay.usual:
        expected = due + timedelta(days=delay.usual)
    elif age <= give_up_days(delay):
        expected = today + timedelta(days=(give_up_days(delay) - age + 1) // 2)
    else:
        expected = None
    pessimistic = None
    if not delay.defaulting and age <= delay.usual:
        pessimistic = due + timedelta(days=delay.slow)
    elif not delay.defaulting and age <= delay.slow:
        pessimistic = due + timedelta(days=give_up_days(delay))
    return {
        "expected": expected,
        "optimistic": _not_before(due, today),
        "pessimistic": pessimistic,
    }


def predict_installment(due, delay, today):
    """Predicted payment dates of a plan's open installment due on ``due``.

    >>> from datetime import date
    >>> predict_installment(date(2026, 2, 20), Delay(5, 12), date(2026, 3, 2))
    {'expected': datetime.date(2026, 3, 2), 'optimistic': datetime.date(2026, 3, 2), \
'pessimistic': datetime.date(2026, 3, 4)}
    """
    on_date = _not_before(due, today)
    pessimistic = None
    if not delay.defaulting:
        pessimistic = _not_before(due + timedelta(days=delay.slow), today)
    return {"expected": on_date, "optimistic": on_date, "pessimistic": pessimistic}


def predict_case(today, weeks=WEEKS):
    """Predicted dates of an invoice handed over to an agency: its horizon's last week."""
    last_week = horizon(today, weeks)[-1]
    return {"expected": last_week, "optimistic": last_week, "pessimistic": None}


def recovery_rate(handed_over, recovered):
    """An agency's share recovered of what its closed cases were handed (0-1), the
    default without closed cases."""
    if not handed_over or handed_over <= 0:
        return DEFAULT_RECOVERY_RATE
    return min(1.0, max(0.0, (recovered or 0.0) / handed_over))


def forecast(items, delays, today, digits=2, weeks=WEEKS):
    """Rows ``(key, scenario, date, amount)`` of ``items`` (``Item``), three per item in
    the order of ``SCENARIOS``; ``delays`` maps partner ids to their ``Delay`` (missing:
    no history). Amounts of cases are the open amount times the agency's rate, rounded
    to ``digits``."""
    rows = []
    for item in items:
        delay = delays.get(item.partner_id) or NO_HISTORY
        if item.kind == "installment":
            dates = predict_installment(item.date, delay, today)
        elif item.kind == "case":
            dates = predict_case(today, weeks)
        else:
            dates = predict_invoice(item.date, delay, today)
        amount = item.amount
        if item.rate != 1.0:
            amount = float(
                money.round_money(money.to_decimal(amount) * money.to_decimal(item.rate), digits)
            )
        rows.extend((item.key, scenario, dates[scenario], amount) for scenario in SCENARIOS)
    return rows


def weekly_totals(rows, today, weeks=WEEKS, digits=2):
    """``weeks`` dicts ``{week_start, expected, optimistic, pessimistic}``: the rows'
    amounts summed per week of the horizon (rows outside it, or without a date, are left
    out), rounded to ``digits``."""
    starts = horizon(today, weeks)
    first, end = starts[0], starts[-1] + timedelta(days=7)
    sums = [dict.fromkeys(SCENARIOS, money.Decimal(0)) for _start in starts]
    for _key, scenario, day, amount in rows:
        if day is None or not first <= day < end:
            continue
        sums[(day - first).days // 7][scenario] += money.to_decimal(amount)
    return [
        {
            "week_start": start,
            **{
                scenario: float(money.round_money(total[scenario], digits))
                for scenario in SCENARIOS
            },
        }
        for start, total in zip(starts, sums, strict=True)
    ]


def wape(forecast_weeks, actual_weeks):
    """Weighted absolute percentage error: the sum of the weeks' absolute errors over the
    sum of the actual amounts (``None`` when nothing came in)."""
    actual_total = sum(actual_weeks)
    if actual_total <= 0:
        return None
    error = sum(abs(f - a) for f, a in zip(forecast_weeks, actual_weeks, strict=True))
    return error / actual_total
