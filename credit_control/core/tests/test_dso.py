from datetime import date

from core import dso


def test_periods_of_a_month_end():
    # on 31 March the periods are the calendar months March, February, January
    assert dso.periods(date(2026, 3, 31)) == [
        (date(2026, 3, 1), date(2026, 3, 31), 31),
        (date(2026, 2, 1), date(2026, 2, 28), 28),
        (date(2026, 1, 1), date(2026, 1, 31), 31),
    ]


def test_receivable_equal_to_the_newest_sales_is_the_newest_period():
    assert dso.countback(3000.0, [3000.0, 1.0, 1.0], [30, 31, 30]) == 30.0


def test_best_dso_never_above_dso():
    result = dso.figures(1000.0, 5000.0, [2000.0, 2000.0, 2000.0], [30, 31, 30])
    assert result == dso.DsoFigures(15.0, 15.0, 0.0)


def test_credit_notes_reduce_sales():
    # net sales of the newest period negative (a big credit note): its days count whole
    assert dso.countback(1000.0, [-500.0, 2000.0, 0.0], [30, 31, 30]) == 45.5
