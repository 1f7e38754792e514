"""Payment plan schedules add up to the cent; payments fill installments oldest first."""

from datetime import date

import pytest

from core import payment_plan
from core.payment_plan import PlanError
from core.payment_plan import build_schedule


@pytest.mark.parametrize("amount", [0.01 * 7, 99.99, 1000, 1234.57, 98765.43])
@pytest.mark.parametrize("count", [1, 3, 7, 12])
@pytest.mark.parametrize("rate", [0, 3.5, 12])
@pytest.mark.parametrize("frequency", ["weekly", "monthly", "quarterly"])
def test_principal_adds_up_to_the_cent(amount, count, rate, frequency):
    if amount / count < 0.01:
        with pytest.raises(PlanError):  # installments below a cent are refused
            build_schedule(amount, count=count, first_date=date(2026, 1, 31), frequency=frequency)
        return
    schedule = build_schedule(
        amount, count=count, first_date=date(2026, 1, 31), frequency=frequency, yearly_rate=rate
    )
    assert len(schedule) == count
    cents = sum(round(line.principal * 100) for line in schedule)
    assert cents == round(amount * 100)
    for line in schedule:
        assert round(line.amount * 100) == round(line.principal * 100) + round(line.interest * 100)
        assert line.principal >= 0 and line.interest >= 0
    if rate:
        # French amortisation: every installment but the last is the same amount
        assert len({line.amount for line in schedule[:-1]}) <= 1
        # each period's interest is rounded: the last one absorbs at most a cent per period
        assert abs(schedule[-1].amount - schedule[0].amount) <= 0.01 * count
    else:
        assert all(line.interest == 0 for line in schedule)


def test_down_payment_comes_first_without_interest():
    schedule = build_schedule(
        3000, down_payment=600, count=4, first_date=date(2026, 2, 15), yearly_rate=5
    )
    first = schedule[0]
    assert (first.sequence, first.date_due, first.amount, first.interest) == (
        0,
        date(2026, 2, 15),
        600.0,
        0.0,
    )
    assert [line.date_due for line in schedule[1:]] == [
        date(2026, 3, 15),
        date(2026, 4, 15),
        date(2026, 5, 15),
        date(2026, 6, 15),
    ]
    assert round(sum(line.principal for line in schedule), 2) == 3000.0
    # interest only on what is left after the down payment: 2,400 x 5 % / 12 = 10.00
    assert schedule[1].interest == 10.0


def test_dates_by_hand():
    days = [date(2026, 3, 1), date(2026, 3, 20), date(2026, 6, 30)]
    schedule = build_schedule(
        1000, count=None, first_date=date(2026, 3, 1), frequency="manual", dates=days
    )
    assert [line.date_due for line in schedule] == days
    assert [line.amount for line in schedule] == [333.33, 333.33, 333.34]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"amount": 0, "count": 3}, "nothing_owed"),
        ({"amount": -5, "count": 3}, "nothing_owed"),
        ({"amount": 100, "count": 0}, "bad_count"),
        ({"amount": 100, "count": -2}, "bad_count"),
        ({"amount": 100, "count": 2, "down_payment": 100.01}, "down_payment_too_large"),
        ({"amount": 100, "count": 2, "down_payment": 100}, "nothing_left"),
        ({"amount": 100, "count": 2, "down_payment": -1}, "negative_down_payment"),
        ({"amount": 100, "count": 2, "yearly_rate": -1}, "negative_rate"),
        ({"amount": 100, "count": 2, "frequency": "daily"}, "bad_frequency"),
        ({"amount": 0.05, "count": 10}, "installment_too_small"),
        ({"amount": 100, "frequency": "manual"}, "no_dates"),
        (
            {"amount": 100, "frequency": "manual", "dates": [date(2026, 5, 1), date(2026, 5, 1)]},
            "dates_not_increasing",
        ),
        (
            {"amount": 100, "frequency": "manual", "dates": [date(2026, 6, 1), date(2026, 5, 1)]},
            "dates_not_increasing",
        ),
        (
            {"amount": 100, "frequency": "manual", "dates": [date(2026, 3, 1)]},
            "date_before_start",
        ),
    ],
)
def test_bad_input_is_refused_with_a_code(kwargs, code):
    amount = kwargs.pop("amount")
    with pytest.raises(PlanError) as error:
        build_schedule(amount, first_date=date(2026, 4, 1), **kwargs)
    assert error.value.code == code
    assert str(error.value)


def test_out_of_order_payments_fill_oldest_first():
    due = [(100, date(2026, 1, 1)), (100, date(2026, 2, 1)), (100, date(2026, 3, 1))]
    # whatever invoice a payment was matched to, only the total counts
    states = payment_plan.installment_states(due, 180, date(2026, 2, 3), grace_days=5)
    assert states == [(100.0, "paid"), (80.0, "late"), (0.0, "open")]
    states = payment_plan.installment_states(due, 180, date(2026, 3, 10), grace_days=5)
    assert [state for _paid, state in states] == ["paid", "missed", "missed"]
    assert payment_plan.plan_state([s for _p, s in states], misses_allowed=1) == "broken"
    assert payment_plan.plan_state([s for _p, s in states], misses_allowed=2) == "active"


def test_overpayment_stops_at_the_last_installment():
    assert payment_plan.allocate(500, [100, 100]) == [100.0, 100.0]
    assert payment_plan.allocate(-20, [100]) == [0.0]
