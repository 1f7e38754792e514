"""Days sales outstanding (DSO) by the countback method, the best possible DSO and the
average days delinquent.

- **Periods**: the last 3 months before ``today``, newest first, each ending on the same
  day of the month as ``today`` (``today`` included in the newest):

  >>> from datetime import date
  >>> for start, end, days in periods(date(2026, 6, 15)):
  ...     print(start, end, days)
  2026-05-16 2026-06-15 31
  2026-04-16 2026-05-15 30
  2026-03-16 2026-04-15 31

- **DSO (countback)**: how many days of the latest credit sales the open receivables
  equal. Walk back from the newest period: while the receivables left cover a whole
  period's sales, take them off and count the period's days; the rest counts as the same
  share of the next period's days. Receivables larger than the 3 months' sales count the
  excess at the 3 months' average daily sales.
- **Best possible DSO**: the same countback of the receivables not yet due: the DSO the
  customer would have if every item were paid on its due date.
- **Average days delinquent**: DSO minus best possible DSO, the days of sales outstanding
  only because customers pay late.

Worked example (today 15 June 2026): credit sales of 31,000.00 in the newest period
(31 days), 60,000.00 in the one before (30 days), 45,000.00 in the oldest (31 days);
50,000.00 open, of which 15,500.00 not yet due.

- DSO: 50,000 covers the newest period's 31,000 (31 days) and leaves 19,000, which is
  19,000 / 60,000 of the previous period's 30 days = 9.5 days: 31 + 9.5 = **40.5 days**;
- best possible DSO: 15,500 is half of the newest period's 31,000: 0.5 x 31 = **15.5 days**;
- average days delinquent: 40.5 - 15.5 = **25.0 days**.

>>> sales = [31000.0, 60000.0, 45000.0]
>>> days = [31, 30, 31]
>>> countback(50000.0, sales, days)
40.5
>>> figures(50000.0, 15500.0, sales, days)
DsoFigures(dso=40.5, dso_best=15.5, days_late=25.0)

No sales in the newest period: its whole 31 days count, then 1,000 of 2,000 in the next:

>>> countback(1000.0, [0.0, 2000.0, 0.0], days)
46.0

More owed than 3 months of sales (4,600 owed, 4,600 sold, 92 days): the 1,000 beyond
count at 4,600 / 92 = 50.00 a day, 20 more days:

>>> countback(5600.0, [1500.0, 3000.0, 100.0], days)
112.0

Nothing owed, or a credit balance: 0 days. Something owed but no sale in 3 months: no
DSO can be measured (``None``), nor a delinquency:

>>> countback(0.0, sales, days), countback(-300.0, sales, days)
(0.0, 0.0)
>>> countback(500.0, [0.0, 0.0, 0.0], days) is None
True
>>> figures(500.0, 0.0, [0.0, 0.0, 0.0], days)
DsoFigures(dso=None, dso_best=0.0, days_late=None)
"""

from collections import namedtuple
from datetime import timedelta

from . import dates

__all__ = ["DSO_MONTHS", "DsoFigures", "countback", "figures", "periods"]

#: the countback looks at this many months of credit sales
DSO_MONTHS = 3

DsoFigures = namedtuple("DsoFigures", "dso dso_best days_late")


def periods(today, months=DSO_MONTHS):
    """``[(first day, last day, days)]`` of the ``months`` monthly periods ending on
    ``today``, newest first."""
    result = []
    end = today
    for index in range(1, months + 1):
        start = dates.add_months(today, -index)
        result.append((start + timedelta(days=1), end, dates.days_between(start, end)))
        end = start
    return result


def countback(receivable, sales, days):
    """Days of the latest credit sales that ``receivable`` equals, rounded to 0.1 day.

    ``sales`` and ``days``: the periods' credit sales and lengths, newest first."""
    if receivable <= 0:
        return 0.0
    left = receivable
    counted = 0.0
    for period_sales, period_days in zip(sales, days, strict=True):
        if period_sales > 0 and left <= period_sales:
            return round(counted + left / period_sales * period_days, 1)
        left -= max(period_sales, 0.0)
        counted += period_days
    total_sales = sum(sales)
    if total_sales <= 0:
        return None
    return round(counted + left / (total_sales / sum(days)), 1)


def figures(receivable, receivable_not_due, sales, days):
    """DSO, best possible DSO and average days delinquent (``DsoFigures``)."""
    dso = countback(receivable, sales, days)
    best = countback(min(receivable_not_due, receivable), sales, days)
    if dso is None:
        return DsoFigures(None, best, None)
    best = best or 0.0
    return DsoFigures(dso, best, round(max(dso - best, 0.0), 1))
