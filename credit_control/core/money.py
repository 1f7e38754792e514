"""Money arithmetic without floats' surprises.

Amounts arrive from the database as floats rounded to the currency's precision.
The core converts them to :class:`~decimal.Decimal`, computes, and rounds half
up to the currency's digits, the way Odoo's ``float_round`` does:

>>> to_decimal(0.1) + to_decimal(0.2) == to_decimal(0.3)
True
>>> round_money(Decimal("2.675"), 2)
Decimal('2.68')
>>> round_money(Decimal("1234.5"), 0)
Decimal('1235')
>>> is_zero(Decimal("0.004"), 2), is_zero(Decimal("0.005"), 2)
(True, False)
>>> compare_money(10.004, 10.0, 2)
0
>>> compare_money(10.01, 10.0, 2)
1
"""

from decimal import ROUND_HALF_UP
from decimal import Decimal

__all__ = ["Decimal", "compare_money", "is_zero", "round_money", "to_decimal"]


def to_decimal(amount):
    """Return ``amount`` (int, float, str or Decimal) as a Decimal.

    Floats go through ``repr`` so that ``0.1`` becomes ``Decimal('0.1')`` and
    not its binary expansion.
    """
    if isinstance(amount, Decimal):
        return amount
    if isinstance(amount, float):
        return Decimal(repr(amount))
    return Decimal(amount)


def round_money(amount, digits):
    """Round ``amount`` half up to ``digits`` decimals (the currency's)."""
    quantum = Decimal(1).scaleb(-digits)
    return to_decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)


def is_zero(amount, digits):
    """Whether ``amount`` rounds to zero in a currency of ``digits`` decimals."""
    return round_money(amount, digits) == 0


def compare_money(left, right, digits):
    """-1, 0 or 1 as ``left`` is below, equal to or above ``right`` once rounded."""
    difference = round_money(to_decimal(left) - to_decimal(right), digits)
    return (difference > 0) - (difference < 0)
