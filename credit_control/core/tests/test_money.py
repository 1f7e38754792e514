from decimal import Decimal

from core.money import compare_money
from core.money import is_zero
from core.money import round_money
from core.money import to_decimal


def test_float_inputs_keep_their_decimal_value():
    assert to_decimal(1.1) == Decimal("1.1")
    assert to_decimal("3.30") == Decimal("3.30")
    assert to_decimal(7) == Decimal(7)


def test_rounding_is_half_up_at_the_currency_precision():
    assert round_money(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_money(Decimal("-0.125"), 2) == Decimal("-0.13")
    assert round_money(1.005, 2) == Decimal("1.01")
    assert round_money(Decimal("10.5"), 0) == Decimal("11")


def test_comparison_ignores_noise_below_the_precision():
    assert compare_money(0.1 + 0.2, 0.3, 2) == 0
    assert compare_money(99.994, 100, 2) == -1
    assert is_zero(-0.001, 2)
    assert not is_zero(0.01, 2)
