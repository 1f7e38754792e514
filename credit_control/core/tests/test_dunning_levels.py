"""Known answers for the level of each item and the letters a run proposes."""

from datetime import date
from decimal import Decimal

import pytest

from core.dunning_levels import Item
from core.dunning_levels import Level
from core.dunning_levels import assign_level
from core.dunning_levels import ladder_level
from core.dunning_levels import propose_letters

RUN = date(2026, 6, 30)
LEVELS = [
    Level("pre", -5),
    Level("first", 7, min_days_since_last=7),
    Level("second", 21, min_days_since_last=10),
    Level("notice", 45, min_amount=Decimal("100"), min_days_since_last=14),
    Level("final", 75, min_days_since_last=14),
]


def item(key, due, amount, group="P1/EUR", previous=None, last=None, sent=None, sent_on=None):
    return Item(key, group, due, Decimal(amount), previous, last, sent, sent_on)


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


@pytest.mark.parametrize(
    ("days_late", "expected"),
    [(-6, None), (-5, "pre"), (0, "pre"), (1, None), (6, None), (7, "first"), (400, "first")],
)
def test_first_letter_is_the_first_after_due_level_and_never_a_pre_due_one(days_late, expected):
    level = ladder_level(days_late, LEVELS)
    assert (level.key if level else None) == expected


def test_one_level_up_after_the_level_own_delay_since_the_sent_letter():
    # 100 days late, first reminder sent 9 days ago: the second needs 10 days
    assert ladder_level(100, LEVELS, "first", 9).key == "first"
    assert ladder_level(100, LEVELS, "first", 10).key == "second"
    # the notice sent: the final notice needs 14 days after it and 75 days late
    assert ladder_level(100, LEVELS, "notice", 13).key == "notice"
    assert ladder_level(74, LEVELS, "notice", 30).key == "notice"
    assert ladder_level(75, LEVELS, "notice", 14).key == "final"


def test_skipping_only_to_levels_whose_wording_needs_no_earlier_notice():
    levels = [*LEVELS[:3], Level("notice", 45, direct=True), LEVELS[4]]
    assert ladder_level(100, levels, allow_skip=True).key == "notice"
    assert ladder_level(100, levels, allow_skip=False).key == "first"
    # the final notice says "our formal notice has not been followed by payment"
    assert ladder_level(100, levels, "first", 30, allow_skip=True).key == "notice"


def test_one_letter_per_group_listing_not_yet_due_items_for_information():
    sent_first = {"previous": "first", "sent": "first", "sent_on": date(2026, 6, 10)}
    items = [
        item(1, date(2026, 5, 1), 300, last=date(2026, 6, 10), **sent_first),  # 60 d: second
        item(2, date(2026, 6, 20), 200),  # 10 days: first
        item(3, date(2026, 7, 3), 100),  # due in 3 days: for information
        item(4, date(2026, 8, 30), 900),  # due in 61 days: no level, not listed
        item(5, date(2026, 6, 1), 80, group="P2/EUR"),  # 29 days, never sent: first
    ]
    plan = propose_letters(items, LEVELS, RUN)
    letters = {p.group: p for p in plan.letters}
    assert letters["P1/EUR"].level.key == "second"
    assert [(i.key, lv.key) for i, lv in letters["P1/EUR"].items] == [
        (1, "second"),
        (2, "first"),
        (3, "pre"),
    ]
    # demanded: 300 + 200; the 100 not yet due is listed apart
    assert letters["P1/EUR"].total == Decimal(500)
    assert letters["P1/EUR"].for_information == {3}
    assert not letters["P1/EUR"].direct_wording
    assert letters["P2/EUR"].level.key == "first"


def test_a_level_suppressed_by_its_minimum_amount_is_not_climbed_over():
    # second reminder sent long ago; the notice needs 100: 90.00 stays unchased at it,
    # and the final notice (75 days passed) is never reached through it
    on = date(2026, 4, 1)
    small = item(1, date(2026, 3, 1), 90, previous="second", last=on, sent="second", sent_on=on)
    plan = propose_letters([small], LEVELS, RUN)
    assert not plan.letters
    assert plan.skipped["P1/EUR"] == "under the level's minimum amount"


def test_minimum_amount_tolerance_and_minimum_days_since_last_letter():
    # notice needs 100: a 90.00 group is not chased at that level
    small = propose_letters(
        [item(1, date(2026, 5, 1), 90, sent="second", sent_on=date(2026, 6, 1))], LEVELS, RUN
    )
    assert not small.letters
    assert small.skipped["P1/EUR"] == "under the level's minimum amount"
    # residuals under the tolerance are ignored
    assert not propose_letters([item(1, date(2026, 6, 1), "0.40")], LEVELS, RUN, 1).letters
    # a new item reaches the first reminder, but the group's last letter was 5 days ago
    recent = item(1, date(2026, 6, 1), 500, last=date(2026, 6, 25))
    plan = propose_letters([recent], LEVELS, RUN)
    assert plan.skipped["P1/EUR"] == "too soon after the previous letter"
    later = item(1, date(2026, 6, 1), 500, last=date(2026, 6, 20))
    assert propose_letters([later], LEVELS, RUN).letters[0].level.key == "first"


def test_nothing_new_means_no_letter():
    on = date(2026, 6, 1)
    same = item(1, on, 500, previous="second", last=on, sent="second", sent_on=on)
    plan = propose_letters([same], LEVELS, RUN)
    assert plan.letters == []
    assert plan.skipped["P1/EUR"] == "no item reached a new level"
    # a letter proposed but never sent proves nothing, and is not proposed twice
    pending = item(1, date(2026, 3, 1), 500, previous="first")
    assert propose_letters([pending], LEVELS, RUN).skipped["P1/EUR"] == (
        "no item reached a new level"
    )


def test_a_policy_without_levels_is_refused():
    with pytest.raises(ValueError):
        propose_letters([item(1, date(2026, 6, 1), 500)], [], RUN)
