"""Numbers and dates as the letter's language writes them.

A letter in Italian writes ``1.234,56`` and ``15/12/2025``; in English ``1,234.56``.
The separators and the date pattern come from the language (Odoo's ``res.lang``);
these helpers only apply them, so that thousands of interest lines are formatted
without a database round trip.

>>> italian = LetterFormat(decimal_point=",", thousands_sep=".", date_format="%d/%m/%Y")
>>> italian.amount(1234.56, 2), italian.amount(1056.6799999999998, 2)
('1.234,56', '1.056,68')
>>> italian.amount(-1234567.5, 2), italian.amount(12.25, 2)
('-1.234.567,50', '12,25')
>>> english = LetterFormat(decimal_point=".", thousands_sep=",", date_format="%m/%d/%Y")
>>> english.amount(1234.56, 2), english.amount(0, 0)
('1,234.56', '0')
>>> from datetime import date
>>> italian.date(date(2025, 12, 15)), english.date(date(2025, 12, 15))
('15/12/2025', '12/15/2025')
>>> italian.rate(12.5), english.rate(10.15)
('12,50', '10.15')
"""

from dataclasses import dataclass

from . import money

__all__ = ["LetterFormat"]


@dataclass(frozen=True)
class LetterFormat:
    decimal_point: str = "."
    thousands_sep: str = ","
    date_format: str = "%d/%m/%Y"

    def amount(self, value, digits):
        """``value`` rounded half up to ``digits`` with the language's separators."""
        rounded = money.round_money(value, digits)
        text = f"{abs(rounded):,.{digits}f}"
        text = text.replace(",", "\x00").replace(".", self.decimal_point)
        text = text.replace("\x00", self.thousands_sep)
        return f"-{text}" if rounded < 0 else text

    def rate(self, percent):
        """A yearly rate with two decimals (``12,50``)."""
        return self.amount(percent, 2)

    def date(self, day):
        """``day`` in the language's date pattern."""
        return day.strftime(self.date_format)
