"""Which dunning level each open item reaches, and which letters a run proposes.

Rules (see ``readme/DUNNING.md``):

* An item (an open receivable line) reaches the highest level whose ``days`` it has
  passed: ``days_late = run date - due date`` (negative before the due date, so a
  level of ``-5`` days is a reminder five days before it falls due).
* An item never goes back a level: a lower level than the one it already had in a
  previous letter keeps the previous one.
* Items whose open amount is under the tolerance are ignored.
* One letter per group (commercial partner and currency) at the highest level any
  of its items reached, listing every item that reached a level.
* A letter is proposed only when at least one item reaches a level it did not have
  yet (nothing new, nothing sent: a second run the same day proposes nothing), the
  group's total is at least the letter level's minimum amount, and at least the
  level's minimum days have passed since the group's previous letter.

>>> from datetime import date
>>> levels = [
...     Level(key="pre", days=-5),
...     Level(key="first", days=10, min_days_since_last=7),
...     Level(key="notice", days=30, min_amount=100),
... ]
>>> items = [
...     Item(key=1, group="ACME/EUR", due_date=date(2026, 3, 1), amount=500),
...     Item(key=2, group="ACME/EUR", due_date=date(2026, 3, 28), amount=200),
...     Item(key=3, group="ACME/EUR", due_date=date(2026, 5, 1), amount=300),
...     Item(key=4, group="BETA/EUR", due_date=date(2026, 3, 25), amount=50),
... ]
>>> plan = propose_letters(items, levels, date(2026, 4, 5), tolerance=1)
>>> for p in plan.letters:
...     print(p.group, p.level.key, [(i.key, lv.key) for i, lv in p.items], p.total)
ACME/EUR notice [(1, 'notice'), (2, 'pre')] 700
BETA/EUR first [(4, 'first')] 50

Item 3 is not due for 26 days yet: it reaches no level and stays off the letter.
The next day, nothing new has happened, so nothing is proposed:

>>> items[0] = Item(key=1, group="ACME/EUR", due_date=date(2026, 3, 1), amount=500,
...                 previous_level="notice", last_letter_date=date(2026, 4, 5))
>>> items[1] = Item(key=2, group="ACME/EUR", due_date=date(2026, 3, 28), amount=200,
...                 previous_level="pre", last_letter_date=date(2026, 4, 5))
>>> propose_letters(items[:2], levels, date(2026, 4, 6)).letters
[]

On 13 April item 2 is 16 days late and reaches "first"; the letter stays at
"notice" (the highest level of the group) and lists both items with their own level:

>>> plan = propose_letters(items[:2], levels, date(2026, 4, 13))
>>> [(p.level.key, [(i.key, lv.key) for i, lv in p.items]) for p in plan.letters]
[('notice', [(1, 'notice'), (2, 'first')])]
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from . import dates
from . import money
from .money import Decimal

ZERO = Decimal(0)

__all__ = ["Item", "LetterPlan", "Level", "Proposal", "assign_level", "propose_letters"]


@dataclass(frozen=True)
class Level:
    """A dunning level: reached ``days`` after the due date (negative: before)."""

    key: object
    days: int
    min_amount: Decimal = ZERO
    min_days_since_last: int = 0


@dataclass(frozen=True)
class Item:
    """An open receivable item of a ``group`` (commercial partner and currency)."""

    key: object
    group: object
    due_date: date
    amount: Decimal
    previous_level: object = None
    last_letter_date: date = None


@dataclass
class Proposal:
    group: object
    level: Level
    items: list  # [(Item, Level)]
    total: Decimal


@dataclass
class LetterPlan:
    letters: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)  # group -> reason


def assign_level(days_late, levels, previous_level=None):
    """The level reached by an item ``days_late`` days after its due date.

    ``levels`` sorted by days; ``previous_level`` is the key of the level the item
    already had. Returns a :class:`Level` or None.

    >>> levels = [Level("r1", 10), Level("r2", 20), Level("notice", 40)]
    >>> assign_level(5, levels), assign_level(10, levels).key, assign_level(39, levels).key
    (None, 'r1', 'r2')
    >>> assign_level(12, levels, previous_level="notice").key
    'notice'
    """
    reached = None
    for level in levels:
        if level.days <= days_late:
            reached = level
    previous = next((level for level in levels if level.key == previous_level), None)
    if previous is not None and (reached is None or previous.days > reached.days):
        return previous
    return reached


def propose_letters(items, levels, run_date, tolerance=0):
    """Letters to propose on ``run_date`` for ``items`` (see the module docstring).

    Groups are returned in the order of their first item.
    """
    levels = sorted(levels, key=lambda level: level.days)
    if not levels:
        raise ValueError("a dunning policy needs at least one level")
    rank = {level.key: index for index, level in enumerate(levels)}
    tolerance = money.to_decimal(tolerance)
    groups = {}
    for item in items:
        amount = money.to_decimal(item.amount)
        if amount <= 0 or amount < tolerance:
            continue
        level = assign_level(
            dates.days_between(item.due_date, run_date), levels, item.previous_level
        )
        if level is None:
            continue
        groups.setdefault(item.group, []).append((item, level))
    plan = LetterPlan()
    for group, reached in groups.items():
        reason = _skip_reason(reached, rank, run_date)
        top = max((level for _item, level in reached), key=lambda level: rank[level.key])
        total = sum((money.to_decimal(item.amount) for item, _level in reached), Decimal(0))
        if reason is None and total < money.to_decimal(top.min_amount):
            reason = "under the level's minimum amount"
        if reason:
            plan.skipped[group] = reason
            continue
        plan.letters.append(Proposal(group, top, reached, total))
    return plan


def _skip_reason(reached, rank, run_date):
    escalated = [
        (item, level)
        for item, level in reached
        if item.previous_level is None or rank[level.key] > rank.get(item.previous_level, -1)
    ]
    if not escalated:
        return "no item reached a new level"
    last_dates = [item.last_letter_date for item, _level in reached if item.last_letter_date]
    if last_dates:
        top = max((level for _item, level in reached), key=lambda level: rank[level.key])
        since_last = dates.days_between(max(last_dates), run_date)
        if since_last < top.min_days_since_last:
            return "too soon after the previous letter"
    return None
