"""Calendar helpers shared by scoring, dunning, interest and plans.

>>> from datetime import date
>>> days_between(date(2026, 1, 31), date(2026, 3, 1))
29
>>> days_between(date(2026, 3, 1), date(2026, 1, 31))
-29
>>> add_months(date(2026, 1, 31), 1)
datetime.date(2026, 2, 28)
>>> add_months(date(2024, 1, 31), 1)
datetime.date(2024, 2, 29)
>>> add_months(date(2026, 11, 15), -24)
datetime.date(2024, 11, 15)
>>> half_year_start(date(2026, 8, 20))
datetime.date(2026, 7, 1)
>>> half_year_start(date(2026, 6, 30))
datetime.date(2026, 1, 1)
"""

import calendar
from datetime import date

__all__ = ["add_months", "days_between", "half_year_start"]


def days_between(start, end):
    """Calendar days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (end - start).days


def add_months(day, months):
    """``day`` moved by ``months`` months, clamped to the end of a shorter month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def half_year_start(day):
    """First day of the half-year (1 January or 1 July) that contains ``day``."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)
