"""Which dunning level each open item reaches, and which letters a run proposes.

Rules (see ``readme/DUNNING.md``, "The ladder"): a letter never states a notice that
was never sent.

* ``days_late = run date - due date`` (negative before the due date). Levels of 0 days
  or fewer are *pre-due* reminders ("falls due in the next few days"): only an item not
  yet past due gets one, never an item already past due.
* An item past due that was never in a **sent** letter gets the first after-due level,
  however old it is (after a go-live, a pause, a plan or a hold).
* After that, each later letter takes the item at most one level up, once the item
  has passed that level's days and at least the level's own ``min_days_since_last``
  have passed since the item's previous *sent* letter. Letters in review, in error
  or cancelled prove nothing: they don't count.
* A policy may allow skipping (``allow_skip``): an item may then jump to a higher level
  it has reached, but only to a level whose wording holds without an earlier notice
  (``Level.direct``); the letter then uses that wording (``Proposal.direct_wording``).
* An item back from a **broken payment plan** (``Item.resume``) climbs exactly one
  level above the highest level it was sent, at once: the days of that level and the
  wait since the last letter don't hold it back (the broken promise is the reason), and
  skipping takes it no further. Never sent: the first after-due level.
* A level suppressed by its minimum amount sent nothing: its items stay where they were
  and the next level cannot be reached through it.
* One letter per group (commercial partner and currency), at the highest level of its
  items, listing every item that reached a level, each with its own level. On an
  after-due letter, items not yet due are listed "for information" only
  (``Proposal.for_information``): the amount demanded (``total``) is what is past due.
* A letter is proposed only when at least one item reaches a level it did not have
  in a live letter yet (nothing new, nothing proposed: a second run the same day
  proposes nothing), the amount demanded is at least the letter level's minimum
  amount, and the letter level's minimum days have passed since the group's previous
  sent letter.

>>> from datetime import date
>>> levels = [
...     Level(key="pre", days=-5),
...     Level(key="first", days=10, min_days_since_last=7),
...     Level(key="second", days=25, min_days_since_last=10),
...     Level(key="notice", days=45, min_amount=100, min_days_since_last=14),
... ]
>>> items = [
...     Item(key=1, group="ACME/EUR", due_date=date(2026, 1, 5), amount=500),
...     Item(key=2, group="ACME/EUR", due_date=date(2026, 4, 8), amount=200),
...     Item(key=3, group="ACME/EUR", due_date=date(2026, 5, 1), amount=300),
...     Item(key=4, group="BETA/EUR", due_date=date(2026, 3, 25), amount=50),
... ]
>>> plan = propose_letters(items, levels, date(2026, 4, 5), tolerance=1)
>>> for p in plan.letters:
...     print(p.group, p.level.key, [(i.key, lv.key) for i, lv in p.items], p.total,
...           sorted(p.for_information))
ACME/EUR first [(1, 'first'), (2, 'pre')] 500 [2]
BETA/EUR first [(4, 'first')] 50 []

Item 1 is 90 days late, but ACME was never sent a letter: its first letter is the
first reminder, not a formal notice. Item 2 falls due in 3 days: listed for
information, outside the 500.00 demanded. Item 3 is not due for 26 days: not listed.

The first reminder was sent on 5 April. On 10 April nothing new: nothing proposed.
On 15 April (10 days after it) item 1 may climb one level, to the second reminder
(not to the formal notice it has long passed):

>>> items[0] = Item(key=1, group="ACME/EUR", due_date=date(2026, 1, 5), amount=500,
...                 previous_level="first", last_letter_date=date(2026, 4, 5),
...                 sent_level="first", sent_date=date(2026, 4, 5))
>>> items[1] = Item(key=2, group="ACME/EUR", due_date=date(2026, 4, 8), amount=200,
...                 previous_level="pre", last_letter_date=date(2026, 4, 5),
...                 sent_level="pre", sent_date=date(2026, 4, 5))
>>> propose_letters(items[:2], levels, date(2026, 4, 10)).letters
[]
>>> plan = propose_letters(items[:2], levels, date(2026, 4, 15))
>>> [(p.level.key, [(i.key, lv.key) for i, lv in p.items], str(p.total)) for p in plan.letters]
[('second', [(1, 'second')], '500')]

Item 2 is 7 days late on 15 April: no after-due level yet, and no pre-due reminder
either (it is past due), so it is not on the letter.

Item 1 then went into a payment plan on 6 April and the plan broke on 12 April. The
ladder alone would wait: the second reminder needs 10 days since the first, only 7
passed. Back from the broken plan, it resumes one level up at once (and no further:
the formal notice stays out of reach):

>>> resumed = Item(key=1, group="ACME/EUR", due_date=date(2026, 1, 5), amount=500,
...                previous_level="first", last_letter_date=date(2026, 4, 5),
...                sent_level="first", sent_date=date(2026, 4, 5))
>>> propose_letters([resumed], levels, date(2026, 4, 12)).letters
[]
>>> resumed = Item(key=1, group="ACME/EUR", due_date=date(2026, 1, 5), amount=500,
...                previous_level="first", last_letter_date=date(2026, 4, 5),
...                sent_level="first", sent_date=date(2026, 4, 5), resume=True)
>>> [(p.level.key, str(p.total)) for p in propose_letters([resumed], levels,
...                                                      date(2026, 4, 12)).letters]
[('second', '500')]
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from . import dates
from . import money
from .money import Decimal

ZERO = Decimal(0)

__all__ = [
    "Item",
    "LetterPlan",
    "Level",
    "Proposal",
    "assign_level",
    "ladder_level",
    "propose_letters",
]


@dataclass(frozen=True)
class Level:
    """A dunning level: reached ``days`` after the due date (0 or negative: before).

    ``direct``: the level's wording holds without an earlier notice, so a policy that
    allows skipping may send it as an item's first letter at that level.
    """

    key: object
    days: int
    min_amount: Decimal = ZERO
    min_days_since_last: int = 0
    direct: bool = False

    @property
    def before_due(self):
        return self.days <= 0


@dataclass(frozen=True)
class Item:
    """An open receivable item of a ``group`` (commercial partner and currency).

    ``previous_level``: highest level of a live letter (not cancelled) listing it;
    ``last_letter_date``: date of the group's last *sent* letter;
    ``sent_level`` / ``sent_date``: highest level, and last date, of a *sent* letter
    listing it.
    """

    key: object
    group: object
    due_date: date
    amount: Decimal
    previous_level: object = None
    last_letter_date: date = None
    sent_level: object = None
    sent_date: date = None
    resume: bool = False  # back from a broken payment plan: one level up at once


@dataclass
class Proposal:
    group: object
    level: Level
    items: list  # [(Item, Level)]
    total: Decimal  # the amount demanded: past-due items only on an after-due letter
    for_information: set = field(default_factory=set)  # keys of items not yet due
    direct_wording: bool = False  # no item at the letter's level had the level below


@dataclass
class LetterPlan:
    letters: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)  # group -> reason


def assign_level(days_late, levels, previous_level=None):
    """The highest level whose days an item has passed (days only, no ladder).

    ``levels`` sorted by days; ``previous_level`` is the key of a level the item keeps
    if it is higher. Returns a :class:`Level` or None.

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


def ladder_level(days_late, levels, sent_level=None, days_since_sent=None, allow_skip=False):
    """The level an item may have on a letter today (see the module docstring).

    ``levels`` sorted by days; ``sent_level`` is the key of the highest level of a sent
    letter listing the item, ``days_since_sent`` the days since the last one.

    >>> levels = [Level("pre", -5), Level("r1", 10), Level("r2", 20, min_days_since_last=10),
    ...           Level("notice", 40, direct=True), Level("final", 70)]
    >>> [getattr(ladder_level(days, levels), "key", None) for days in (-6, -5, 0, 3, 10, 200)]
    [None, 'pre', 'pre', None, 'r1', 'r1']

    Sent a first reminder 9 days ago, 60 days late: one level up, but not before
    the second reminder's 10 days since that letter:

    >>> ladder_level(60, levels, "r1", 9).key, ladder_level(60, levels, "r1", 10).key
    ('r1', 'r2')

    Skipping allowed: straight to the formal notice (its wording needs no earlier
    notice), never to the final notice (its wording refers to the formal notice):

    >>> ladder_level(60, levels, allow_skip=True).key, ladder_level(90, levels, "r1", 30, True).key
    ('notice', 'notice')
    """
    return _Ladder(levels, allow_skip).level(days_late, sent_level, days_since_sent)


class _Ladder:
    """A policy's levels prepared once for thousands of items (see :func:`ladder_level`)."""

    def __init__(self, levels, allow_skip):
        self.before_due = [level for level in levels if level.before_due]
        self.after_due = [level for level in levels if not level.before_due]
        self.index = {level.key: index for index, level in enumerate(self.after_due)}
        after = self.after_due
        # the levels an item may reach from each sent level (None: never sent)
        self.above = {
            None: after[:1] + ([lv for lv in after[1:] if lv.direct] if allow_skip else [])
        }
        for index, level in enumerate(after):
            skip_to = [lv for lv in after[index + 2 :] if lv.direct] if allow_skip else []
            self.above[level.key] = after[index + 1 : index + 2] + skip_to

    def resume(self, sent_level):
        """One level above ``sent_level`` (the first after-due level if never sent), at
        most the last level."""
        if not self.after_due:
            return None
        if sent_level not in self.index:
            return self.after_due[0]
        return self.after_due[min(self.index[sent_level] + 1, len(self.after_due) - 1)]

    def level(self, days_late, sent_level, days_since_sent):
        if days_late <= 0:
            reached = None
            for level in self.before_due:
                if level.days <= days_late:
                    reached = level
            return reached
        if sent_level not in self.index:
            sent_level, current, waited = None, None, None
        else:
            current = self.after_due[self.index[sent_level]]
            waited = days_since_sent or 0
        reached = current
        for level in self.above[sent_level]:
            if level.days <= days_late and (waited is None or waited >= level.min_days_since_last):
                reached = level
        return reached


def propose_letters(items, levels, run_date, tolerance=0, allow_skip=False):
    """Letters to propose on ``run_date`` for ``items`` (see the module docstring).

    Groups are returned in the order of their first item.
    """
    levels = sorted(levels, key=lambda level: level.days)
    if not levels:
        raise ValueError("a dunning policy needs at least one level")
    rank = {level.key: index for index, level in enumerate(levels)}
    ladder = _Ladder(levels, allow_skip)
    tolerance = money.to_decimal(tolerance)
    groups = {}
    for item in items:
        amount = money.to_decimal(item.amount)
        if amount <= 0 or amount < tolerance:
            continue
        days_since_sent = item.sent_date and (run_date - item.sent_date).days
        days_late = (run_date - item.due_date).days
        if item.resume and days_late > 0:
            level = ladder.resume(item.sent_level)
        else:
            level = ladder.level(days_late, item.sent_level, days_since_sent)
        if level is None:
            continue
        groups.setdefault(item.group, []).append((item, level))
    first_after_due = ladder.after_due[:1]
    plan = LetterPlan()
    for group, reached in groups.items():
        top = reached[0][1]
        for _item, level in reached:
            if rank[level.key] > rank[top.key]:
                top = level
        proposal = _proposal(group, reached, top, rank, first_after_due, run_date)
        reason = _skip_reason(reached, top, rank, run_date)
        if reason is None and proposal.total < money.to_decimal(top.min_amount):
            reason = "under the level's minimum amount"
        if reason:
            plan.skipped[group] = reason
            continue
        plan.letters.append(proposal)
    return plan


def _proposal(group, reached, top, rank, first_after_due, run_date):
    for_information = set()
    if not top.before_due:
        for_information = {item.key for item, _level in reached if item.due_date >= run_date}
    total = Decimal(0)
    for item, _level in reached:
        if item.key not in for_information:
            total += money.to_decimal(item.amount)
    direct_wording = False
    if not top.before_due and top not in first_after_due:
        below = rank[top.key] - 1
        direct_wording = not any(
            level is top and rank.get(item.sent_level, -1) >= below for item, level in reached
        )
    return Proposal(group, top, reached, total, for_information, direct_wording)


def _skip_reason(reached, top, rank, run_date):
    escalated = any(
        item.previous_level is None or rank[level.key] > rank.get(item.previous_level, -1)
        for item, level in reached
    )
    if not escalated:
        return "no item reached a new level"
    if any(item.resume for item, level in reached if level is top):
        return None  # a broken plan: the customer is told at once
    last_dates = [item.last_letter_date for item, _level in reached if item.last_letter_date]
    if last_dates:
        since_last = dates.days_between(max(last_dates), run_date)
        if since_last < top.min_days_since_last:
            return "too soon after the previous letter"
    return None
