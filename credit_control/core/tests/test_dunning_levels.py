"""Known answers for the level of each item and the letters a run proposes."""

from datetime import date
from decimal import Decimal

import pytest

from core.dunning_levels import Item
from core.dunning_levels import Level
from core.dunning_levels import assign_level
from core.dunning_levels import propose_letters

RUN = date(2026, 6, 30)
LEVELS = [
    Level("pre", -5),
    Level("first", 7, min_days_since_last=7),
    Level("second", 21, min_days_since_last=10),
    Level("notice", 45, min_amount=Decimal("100"), min_days_since_last=14),
    Level("final", 75, min_days_since_last=14),
]


def item(key, due, amount, group="P1/EUR", previous=None, last=None):
    return Item(key, group, due, Decimal(amount), previous, last)


@pytest.mark.parametrize(
    ("days_late", "expected"),
    [
        (-6, None),
        (-5, "pre"),
        (0, "pre"),
        (6, "pre"),
        (7, "first"),
        (44, "second"),
        (45, "notice"),
        (400, "final"),
    ],
)
def test_level_from_days_late(days_late, expected):
    level = assign_level(days_late, LEVELS)
    assert (level.key if level else None) == expected


def test_an_item_never_goes_back_a_level():
    # a payment term change moved the due date later: the item keeps its notice
    assert assign_level(8, LEVELS, previous_level="notice").key == "notice"
    assert assign_level(80, LEVELS, previous_level="notice").key == "final"


def test_one_letter_per_group_at_the_highest_level_listing_every_due_item():
    items = [
        item(1, date(2026, 5, 1), 300),  # 60 days: notice
        item(2, date(2026, 6, 20), 200),  # 10 days: first
        item(3, date(2026, 7, 3), 100),  # due in 3 days: pre-due reminder
        item(4, date(2026, 8, 30), 900),  # due in 61 days: no level, not listed
        item(5, date(2026, 6, 1), 80, group="P2/EUR"),  # 29 days: second
    ]
    plan = propose_letters(items, LEVELS, RUN)
    letters = {p.group: p for p in plan.letters}
    assert letters["P1/EUR"].level.key == "notice"
    assert [(i.key, lv.key) for i, lv in letters["P1/EUR"].items] == [
        (1, "notice"),
        (2, "first"),
        (3, "pre"),
    ]
    assert letters["P1/EUR"].total == Decimal(600)
    assert letters["P2/EUR"].level.key == "second"


def test_minimum_amount_tolerance_and_minimum_days_since_last_letter():
    # notice needs 100: a 90.00 group is not chased at that level
    small = propose_letters([item(1, date(2026, 5, 1), 90)], LEVELS, RUN)
    assert not small.letters
    assert small.skipped["P1/EUR"] == "under the level's minimum amount"
    # residuals under the tolerance are ignored
    assert not propose_letters([item(1, date(2026, 6, 1), "0.40")], LEVELS, RUN, 1).letters
    # second level reached, but the last letter was 5 days ago (10 needed)
    recent = item(1, date(2026, 6, 1), 500, previous="first", last=date(2026, 6, 25))
    plan = propose_letters([recent], LEVELS, RUN)
    assert plan.skipped["P1/EUR"] == "too soon after the previous letter"
    later = item(1, date(2026, 6, 1), 500, previous="first", last=date(2026, 6, 20))
    assert propose_letters([later], LEVELS, RUN).letters[0].level.key == "second"


def test_nothing_new_means_no_letter():
    same = item(1, date(2026, 6, 1), 500, previous="second", last=date(2026, 6, 1))
    plan = propose_letters([same], LEVELS, RUN)
    assert plan.letters == []
    assert plan.skipped["P1/EUR"] == "no item reached a new level"


def test_a_policy_without_levels_is_refused():
    with pytest.raises(ValueError):
        propose_letters([item(1, date(2026, 6, 1), 500)], [], RUN)
