from datetime import date
from datetime import timedelta

from core import behaviour
from core import forecast
from core.behaviour import LineFacts
from core.behaviour import Settlement
from core.forecast import Delay

TODAY = date(2026, 3, 4)  # a Wednesday


def test_no_date_is_ever_before_today_and_the_scenarios_keep_their_order():
    for usual, slow in ((0, 0), (0, 30), (10, 30), (30, 60), (100, 150)):
        for defaulting in (False, True):
            delay = Delay(usual, slow, defaulting)
            for offset in range(-400, 120, 3):
                due = TODAY + timedelta(days=offset)
                dates = forecast.predict_invoice(due, delay, TODAY)
                assert dates["optimistic"] == max(due, TODAY)
                for scenario in ("expected", "pessimistic"):
                    if dates[scenario] is not None:
                        assert dates[scenario] >= dates["optimistic"], (delay, offset)
                if dates["pessimistic"] is not None and dates["expected"] is not None:
                    assert dates["pessimistic"] >= dates["expected"], (delay, offset)
                if dates["pessimistic"] is not None:
                    # the pessimist never counts on what the expected line gave up on
                    assert dates["expected"] is not None, (delay, offset)


def test_overdue_item_within_the_usual_delay_keeps_its_usual_date():
    dates = forecast.predict_invoice(TODAY - timedelta(days=10), Delay(30, 60), TODAY)
    assert dates["expected"] == TODAY + timedelta(days=20)
    assert dates["pessimistic"] == TODAY + timedelta(days=50)


def test_partner_without_history_pays_on_the_due_date_slow_by_30_days():
    rows = forecast.forecast(
        [forecast.Item("a", 99, "invoice", TODAY + timedelta(days=3), 100.0)], {}, TODAY
    )
    assert [(scenario, (day - TODAY).days) for _key, scenario, day, _amount in rows] == [
        ("expected", 3),
        ("optimistic", 3),
        ("pessimistic", 33),
    ]


def test_case_amount_is_rounded_to_the_currency():
    rows = forecast.forecast(
        [forecast.Item("c", 1, "case", TODAY, 100.01, rate=1 / 3)], {}, TODAY, digits=2
    )
    assert {amount for _key, _scenario, _day, amount in rows} == {33.34}


def test_weeks_start_on_monday_and_leave_out_what_falls_outside():
    monday = date(2026, 3, 2)
    rows = [
        ("a", "expected", monday - timedelta(days=1), 5.0),
        ("b", "expected", monday, 10.0),
        ("c", "expected", monday + timedelta(weeks=13), 20.0),
        ("d", "pessimistic", None, 30.0),
        ("e", "expected", monday + timedelta(weeks=13, days=-1), 40.0),
    ]
    weeks = forecast.weekly_totals(rows, TODAY)
    assert [week["week_start"] for week in weeks][:2] == [monday, monday + timedelta(weeks=1)]
    assert weeks[0]["expected"] == 10.0
    assert weeks[12]["expected"] == 40.0
    assert sum(week["pessimistic"] for week in weeks) == 0.0


def test_recovery_rate_is_clamped_and_defaults():
    assert forecast.recovery_rate(1000.0, 1500.0) == 1.0
    assert forecast.recovery_rate(1000.0, -5.0) == 0.0
    assert forecast.recovery_rate(None, None) == forecast.DEFAULT_RECOVERY_RATE


def test_median_and_slow_days_late_weigh_by_amount():
    due = date(2026, 1, 31)
    lines = [
        LineFacts(due, 300.0, 0.0, [Settlement(due, 300.0)]),
        LineFacts(due, 100.0, 0.0, [Settlement(due + timedelta(days=40), 100.0)]),
        LineFacts(due, 100.0, 0.0, [Settlement(due + timedelta(days=60), 100.0)]),
    ]
    facts = behaviour.summarise(lines, date(2026, 6, 1))
    # 300 of 500 paid on time: the median is 0; 80 % (400) reached with the 40 days
    assert (facts.median_days_late, facts.slow_days_late) == (0, 40)
    assert behaviour.summarise([], date(2026, 6, 1)).median_days_late is None


def test_wape_without_cash_is_none():
    assert forecast.wape([1.0, 2.0], [0.0, 0.0]) is None
