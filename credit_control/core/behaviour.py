"""Payment behaviour of a customer, from its receivable ledger.

Definitions (the same words are in ``readme/SCORING.md``):

- A **settlement** is one matching (``account.partial.reconcile``) of an invoice's
  receivable line with a payment or a credit note: an amount and a date (the later of the
  two lines' dates).
- **Days late of a settlement**: days from the line's due date to the settlement date,
  0 when paid on or before the due date.
- **Days late of a line**: the amount-weighted average of its settlements' days late, so a
  line half paid on time and half paid 20 days late is 10 days late.
- **Average days late** of a customer: the amount-weighted average over all settlements of
  its lines in the window (equal to the average of the lines' days late weighted by the
  settled amount). Three invoices of 1,000.00 paid 0, 10 and 50 days late give 20 days:

  >>> from datetime import date
  >>> due = date(2026, 1, 31)
  >>> lines = [
  ...     LineFacts(due, 1000.0, 0.0, [Settlement(date(2026, 1, 31), 1000.0)]),
  ...     LineFacts(due, 1000.0, 0.0, [Settlement(date(2026, 2, 10), 1000.0)]),
  ...     LineFacts(due, 1000.0, 0.0, [Settlement(date(2026, 3, 22), 1000.0)]),
  ... ]
  >>> facts = summarise(lines, today=date(2026, 6, 1))
  >>> facts.average_days_late, facts.worst_delay, facts.settled_count
  (20.0, 50, 3)
  >>> round(facts.share_late, 3), round(facts.share_late_30, 3)
  (0.667, 0.333)
  >>> facts.median_days_late, facts.slow_days_late
  (10, 50)

- **Share paid late** (and **> 30 days late**): among the lines fully settled, the share
  (by count) whose days late are above the grace of 5 days (above 30).
- **Worst delay**: the largest days late of any single settlement.
- **Median days late** and **slow days late**: the amount-weighted 50 % and 80 % quantiles
  of the settlements' days late (half, and four fifths, of the money paid came in within
  these days). Unlike the average, a few very late payments do not move the median: nine
  invoices paid on time and one 90 days late are 9 days late on average, 0 at the median
  and 0 at the slow quantile; the cash-in forecast (``forecast.py``) reads them:

  >>> on_time = [LineFacts(due, 100.0, 0.0, [Settlement(due, 100.0)])] * 9
  >>> very_late = LineFacts(due, 100.0, 0.0, [Settlement(date(2026, 5, 1), 100.0)])
  >>> facts = summarise(on_time + [very_late], today=date(2026, 6, 1))
  >>> facts.average_days_late, facts.median_days_late, facts.slow_days_late
  (9.0, 0, 0)

- **Open exposure**: what the customer still owes (sum of open residuals); **overdue
  exposure**: the part of it past its due date; **oldest overdue**: days since the oldest
  open overdue due date.
- **Trend**: average days late of the settlements of the last 3 months minus that of
  the 12 months before (positive: paying later than before); ``None`` without data on
  both sides.
- **Highest dunning stage reached**: the stage of the sent dunning letter of the window
  whose level comes latest after the due date (most days), ``None`` without letters:

  >>> highest_dunning_stage([(10, "reminder"), (60, "formal_notice"), (30, "reminder")])
  'formal_notice'
  >>> highest_dunning_stage([]) is None
  True

**Profile** (first rule that applies; no profile without any settled or open item):

1. ``defaulting``: does not pay: a third or more of the invoices due more than 90 days
   ago are still open, or 2 or more returned payments, or dunning reached legal action
   or a collection agency;
2. ``habitually_late``: pays, but late as a habit: half or more of the settled invoices
   paid late, or an average of 20 days late or more;
3. ``sometimes_late``: late by accident: 15 % or more paid late, or an average above 3
   days, or one returned payment, or an item open more than 30 days past its due date,
   or dunning reached a formal notice (or a final notice);
4. ``reliable``: otherwise.

An invoice counts as **paid late** when its days late exceed a grace of 5 days (a payment
two days late is no habit); the average days late counts every day.

>>> profile(BehaviourFacts(settled_count=10, share_late=0.1, average_days_late=1.0))
'reliable'
>>> profile(BehaviourFacts(settled_count=10, share_late=0.3, average_days_late=4.0))
'sometimes_late'
>>> profile(BehaviourFacts(settled_count=10, share_late=0.6, average_days_late=12.0))
'habitually_late'
>>> profile(BehaviourFacts(settled_count=10, share_late=0.1, returned_count=2))
'defaulting'
>>> profile(BehaviourFacts(settled_count=5, mature_count=8, severe_overdue_count=3, overdue=1.0,
...                        exposure=1.0, oldest_overdue_days=200))
'defaulting'
>>> profile(BehaviourFacts(settled_count=10, share_late=0.1, dunning_stage="formal_notice"))
'sometimes_late'
>>> profile(BehaviourFacts(settled_count=10, dunning_stage="legal"))
'defaulting'
>>> profile(BehaviourFacts()) is None
True

A partial payment weighs by its amount and its own date:

>>> line = LineFacts(due, 1000.0, 0.0, [Settlement(date(2026, 1, 31), 500.0),
...                                      Settlement(date(2026, 2, 20), 500.0)])
>>> line_days_late(line)
10.0
>>> summarise([line], today=date(2026, 6, 1)).worst_delay
20

Open and overdue items:

>>> open_line = LineFacts(date(2026, 4, 30), 800.0, 800.0, [])
>>> facts = summarise([open_line], today=date(2026, 6, 1))
>>> facts.exposure, facts.overdue, facts.oldest_overdue_days, facts.average_days_late
(800.0, 800.0, 32, None)

Open days late weigh each overdue item by its residual: 1,500.00 open 300 days and 500.00
open 256 days are (1,500 x 300 + 500 x 256) / 2,000 = 289 days late on average:

>>> old = LineFacts(date(2025, 8, 5), 1500.0, 1500.0, [])
>>> newer = LineFacts(date(2025, 9, 18), 500.0, 500.0, [])
>>> summarise([old, newer], today=date(2026, 6, 1)).open_days_late
289.0
"""

from collections import namedtuple
from dataclasses import dataclass

from . import dates
from . import money

__all__ = [
    "DUNNING_STAGES",
    "BehaviourFacts",
    "LineFacts",
    "Settlement",
    "highest_dunning_stage",
    "line_days_late",
    "profile",
    "summarise",
    "trend_label",
    "weighted_quantile",
]

TREND_RECENT_MONTHS = 3
TREND_BEFORE_MONTHS = 12
TREND_STABLE_DAYS = 5
LATE_GRACE_DAYS = 5
SEVERE_OVERDUE_DAYS = 90
MEDIAN_QUANTILE = 0.5
SLOW_QUANTILE = 0.8
# the stages of dunning levels, mildest first (the same keys as credit.dunning.level.stage)
DUNNING_STAGES = ("reminder", "formal_notice", "final_notice", "legal", "agency")
FORMAL_DUNNING_STAGES = DUNNING_STAGES[1:]
DEFAULTING_DUNNING_STAGES = ("legal", "agency")

Settlement = namedtuple("Settlement", "date amount")
LineFacts = namedtuple("LineFacts", "due_date amount residual settlements")


@dataclass
class BehaviourFacts:
    """What the ledger says about one customer."""

    average_days_late: float = None
    median_days_late: int = None
    slow_days_late: int = None
    share_late: float = None
    share_late_30: float = None
    worst_delay: int = 0
    settled_count: int = 0
    returned_count: int = 0
    exposure: float = 0.0
    overdue: float = 0.0
    oldest_overdue_days: int = 0
    open_days_late: float = None
    trend: float = None
    invoiced: float = 0.0
    mature_count: int = 0
    severe_overdue_count: int = 0
    dunning_stage: str = None
    broken_plans: int = 0  # payment plans broken in the window
    completed_plans: int = 0  # payment plans kept to the end in the window


def _settlement_days_late(due_date, settlement):
    return max(0, dates.days_between(due_date, settlement.date))


def line_days_late(line):
    """Amount-weighted days late of one line's settlements (None if nothing settled).

    Days are averaged in floats: the weights are amounts, the result a number of days.
    """
    total = sum(s.amount for s in line.settlements)
    if total <= 0:
        return None
    weighted = sum(s.amount * _settlement_days_late(line.due_date, s) for s in line.settlements)
    return weighted / total


def _weighted_average(pairs):
    total = sum(amount for amount, _days in pairs)
    if total <= 0:
        return None
    return sum(amount * days for amount, days in pairs) / total


def weighted_quantile(pairs, share):
    """The smallest days late such that settlements of at most that many days carry at
    least ``share`` of the amount, from ``(amount, days)`` pairs (``None`` without any).

    >>> pairs = [(300.0, 0), (100.0, 40)]
    >>> weighted_quantile(pairs, 0.5), weighted_quantile(pairs, 0.8)
    (0, 40)
    >>> weighted_quantile([(100.0, 5), (100.0, 15)], 0.5), weighted_quantile([], 0.5) is None
    (5, True)
    """
    total = sum(amount for amount, _days in pairs)
    if total <= 0:
        return None
    threshold = share * total - 1e-9 * total
    running = 0.0
    days = None
    for amount, days in sorted(pairs, key=lambda pair: pair[1]):
        running += amount
        if running >= threshold:
            return days
    return days


def highest_dunning_stage(letters):
    """Stage of the letter whose level has the most days, from ``(level days, stage)``
    pairs of the customer's sent letters (a tie goes to the harsher stage); ``None``
    without letters.

    >>> highest_dunning_stage([(-5, "reminder"), (45, "legal"), (45, "final_notice")])
    'legal'
    """
    rank = {stage: index for index, stage in enumerate(DUNNING_STAGES)}
    highest = max(letters, key=lambda pair: (pair[0], rank.get(pair[1], -1)), default=None)
    return highest[1] if highest else None


def summarise(lines, today, returned_count=0, digits=2, dunning_stage=None):
    """Behaviour facts of one customer from its receivable lines (``LineFacts``)."""
    facts = BehaviourFacts(returned_count=returned_count, dunning_stage=dunning_stage)
    recent_start = dates.add_months(today, -TREND_RECENT_MONTHS)
    before_start = dates.add_months(recent_start, -TREND_BEFORE_MONTHS)
    all_pairs, recent_pairs, before_pairs, open_pairs = [], [], [], []
    late_lines = late_30_lines = 0
    exposure = overdue = money.Decimal(0)
    for line in lines:
        facts.invoiced += line.amount
        residual = money.to_decimal(line.residual) if line.residual else money.Decimal(0)
        age = dates.days_between(line.due_date, today)
        facts.mature_count += age > SEVERE_OVERDUE_DAYS
        is_open = bool(residual) and not money.is_zero(residual, digits)
        if is_open:
            exposure += residual
            if age > 0:
                overdue += residual
                open_pairs.append((float(residual), age))
                facts.oldest_overdue_days = max(facts.oldest_overdue_days, age)
                facts.severe_overdue_count += age > SEVERE_OVERDUE_DAYS
        for settlement in line.settlements:
            days = _settlement_days_late(line.due_date, settlement)
            pair = (settlement.amount, days)
            all_pairs.append(pair)
            facts.worst_delay = max(facts.worst_delay, days)
            if settlement.date >= recent_start:
                recent_pairs.append(pair)
            elif settlement.date >= before_start:
                before_pairs.append(pair)
        if line.settlements and not is_open:
            facts.settled_count += 1
            days_late = line_days_late(line) or 0
            late_lines += days_late > LATE_GRACE_DAYS
            late_30_lines += days_late > 30
    facts.average_days_late = _weighted_average(all_pairs)
    facts.median_days_late = weighted_quantile(all_pairs, MEDIAN_QUANTILE)
    facts.slow_days_late = weighted_quantile(all_pairs, SLOW_QUANTILE)
    facts.open_days_late = _weighted_average(open_pairs)
    if facts.settled_count:
        facts.share_late = late_lines / facts.settled_count
        facts.share_late_30 = late_30_lines / facts.settled_count
    recent, before = _weighted_average(recent_pairs), _weighted_average(before_pairs)
    if recent is not None and before is not None:
        facts.trend = recent - before
    facts.exposure = float(money.round_money(exposure, digits))
    facts.overdue = float(money.round_money(overdue, digits))
    return facts


def trend_label(trend):
    """``improving``, ``stable`` or ``worsening`` (``None`` without a trend).

    >>> trend_label(-12.0), trend_label(2.0), trend_label(9.5), trend_label(None)
    ('improving', 'stable', 'worsening', None)
    """
    if trend is None:
        return None
    if trend <= -TREND_STABLE_DAYS:
        return "improving"
    if trend >= TREND_STABLE_DAYS:
        return "worsening"
    return "stable"


DEFAULTING_OPEN_SHARE = 1 / 3
DEFAULTING_RETURNED = 2
HABITUAL_SHARE = 0.5
HABITUAL_AVERAGE_DAYS = 20
SOMETIMES_SHARE = 0.15
SOMETIMES_AVERAGE_DAYS = 3
SOMETIMES_OVERDUE_DAYS = 30


def profile(facts):
    """The customer's profile by the rules in this module's docstring."""
    if not facts.settled_count and not facts.exposure and not facts.returned_count:
        return None
    share = facts.share_late or 0.0
    average = facts.average_days_late or 0.0
    overdue_days = facts.oldest_overdue_days if facts.overdue > 0 else 0
    open_share = facts.severe_overdue_count / facts.mature_count if facts.mature_count else 0.0
    if (
        open_share >= DEFAULTING_OPEN_SHARE
        or facts.returned_count >= DEFAULTING_RETURNED
        or facts.dunning_stage in DEFAULTING_DUNNING_STAGES
    ):
        return "defaulting"
    if share >= HABITUAL_SHARE or average >= HABITUAL_AVERAGE_DAYS:
        return "habitually_late"
    if (
        share >= SOMETIMES_SHARE
        or average > SOMETIMES_AVERAGE_DAYS
        or facts.returned_count
        or overdue_days > SOMETIMES_OVERDUE_DAYS
        or facts.dunning_stage in FORMAL_DUNNING_STAGES
    ):
        return "sometimes_late"
    return "reliable"
