"""Backtest of the 13-week cash-in forecast on the benchmark ledger.

At several past cut-off dates (Mondays, a month apart, the latest 13 weeks and a week
before today so that the 13 weeks after it have happened) the ledger is replayed as it
stood that day: the invoices issued before it, their open amounts (only the payments
before it) and each customer's payment behaviour from those payments alone
(``core.behaviour``). From that the forecast (``core.forecast``) predicts the cash of the
next 13 weeks, beside the naive forecast (every open item on its due date, the overdue
ones this week: our optimistic line). Both are compared with the cash the items open at
the cut-off really brought in those 13 weeks (the reconciliation dates of their
payments), week by week: the weighted absolute percentage error (WAPE, the sum of the
weekly absolute errors over the cash that came in) over every week of every cut-off.

Run inside Odoo (``bench/figures/forecast.py`` does, ``make bench`` prints it), or
standalone on a benchmark database::

    $ODOO_PYTHON bench/backtest.py -c .build/odoo.conf -d <database>
"""

import argparse
import sys
from collections import defaultdict
from collections import namedtuple
from datetime import timedelta

CUTOFFS = 6
Invoice = namedtuple("Invoice", "partner_id invoice_date due amount settlements")


def _core():
    try:
        from odoo.addons.credit_control.core import behaviour
        from odoo.addons.credit_control.core import forecast
    except ImportError:  # without Odoo: the add-on's folder on the path
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "credit_control"))
        from core import behaviour
        from core import forecast
    return behaviour, forecast


def cutoff_dates(today, count=CUTOFFS):
    """Mondays a month (4 weeks) apart, the latest whose 13 weeks ended before today."""
    _behaviour, forecast = _core()
    latest = forecast.week_start(today) - timedelta(weeks=forecast.WEEKS + 1)
    return [latest - timedelta(weeks=4 * index) for index in reversed(range(count))]


def load_ledger(env, company_ids=None):
    """The company's customer invoices with their payments: ``[Invoice]`` (settlements
    ``(date, amount)``, the partial reconciliations with payments; credit notes are no
    cash)."""
    company_ids = company_ids or env.company.ids
    env.cr.execute(
        """
        SELECT p.commercial_partner_id, l.date, COALESCE(l.date_maturity, l.date), l.balance,
               COALESCE(ARRAY_AGG(apr.max_date ORDER BY apr.id)
                        FILTER (WHERE cm.move_type IS NOT NULL AND cm.move_type != 'out_refund'),
                        '{}'),
               COALESCE(ARRAY_AGG(apr.amount ORDER BY apr.id)
                        FILTER (WHERE cm.move_type IS NOT NULL AND cm.move_type != 'out_refund'),
                        '{}')
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN account_account a ON a.id = l.account_id
          JOIN res_partner p ON p.id = l.partner_id
     LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
     LEFT JOIN account_move_line cl ON cl.id = apr.credit_move_id
     LEFT JOIN account_move cm ON cm.id = cl.move_id
         WHERE l.parent_state = 'posted'
           AND a.account_type = 'asset_receivable'
           AND m.move_type = 'out_invoice'
           AND l.balance > 0
           AND l.company_id = ANY(%s)
      GROUP BY p.commercial_partner_id, l.id
        """,
        [list(company_ids)],
    )
    return [
        Invoice(
            partner, day, due, float(amount), list(zip(dates, map(float, amounts), strict=True))
        )
        for partner, day, due, amount, dates, amounts in env.cr.fetchall()
    ]


def replay(invoices, cutoff, window_months=24):
    """The forecast made on ``cutoff`` and what came in: ``(ours, naive, actual,
    due_only)``, lists of 13 weekly amounts (``due_only``: the naive forecast without the
    overdue items)."""
    behaviour, forecast = _core()
    window_start = cutoff - timedelta(days=int(window_months * 30.44))
    lines = defaultdict(list)
    items, actual_rows = [], []
    for index, invoice in enumerate(invoices):
        if invoice.invoice_date >= cutoff:
            continue
        before = [behaviour.Settlement(d, a) for d, a in invoice.settlements if d < cutoff]
        residual = invoice.amount - sum(s.amount for s in before)
        if invoice.due >= window_start or residual > 0.005:
            lines[invoice.partner_id].append(
                behaviour.LineFacts(invoice.due, invoice.amount, residual, before)
            )
        if residual > 0.005:
            items.append(forecast.Item(index, invoice.partner_id, "invoice", invoice.due, residual))
            actual_rows += [
                (index, "expected", d, a) for d, a in invoice.settlements if d >= cutoff
            ]
    delays = {}
    for partner_id, partner_lines in lines.items():
        facts = behaviour.summarise(partner_lines, cutoff)
        delays[partner_id] = forecast.Delay(
            usual=facts.median_days_late or 0,
            slow=facts.slow_days_late
            if facts.slow_days_late is not None
            else forecast.DEFAULT_SLOW_DAYS,
            defaulting=behaviour.profile(facts) == "defaulting",
        )
    rows = forecast.forecast(items, delays, cutoff)
    weeks = forecast.weekly_totals(rows, cutoff)
    actual = forecast.weekly_totals(actual_rows, cutoff)
    # the other naive reading: only the items due from the cut-off on, each on its due date
    due_rows = [(i.key, "expected", i.date, i.amount) for i in items if i.date >= cutoff]
    due_only = forecast.weekly_totals(due_rows, cutoff)
    return (
        [week["expected"] for week in weeks],
        [week["optimistic"] for week in weeks],
        [week["expected"] for week in actual],
        [week["expected"] for week in due_only],
    )


def backtest(invoices, today, count=CUTOFFS):
    """WAPE of ours and of the naive forecasts over every week of every cut-off, and the
    per cut-off figures: ``{"ours": .., "naive": .., "due_only": .., "cutoffs": [(date,
    ours, naive, actual total)]}``."""
    _behaviour, forecast = _core()
    all_ours, all_naive, all_actual, all_due, per_cutoff = [], [], [], [], []
    for cutoff in cutoff_dates(today, count):
        ours, naive, actual, due_only = replay(invoices, cutoff)
        all_ours += ours
        all_naive += naive
        all_actual += actual
        all_due += due_only
        per_cutoff.append(
            (cutoff, forecast.wape(ours, actual), forecast.wape(naive, actual), sum(actual))
        )
    return {
        "ours": forecast.wape(all_ours, all_actual),
        "naive": forecast.wape(all_naive, all_actual),
        "due_only": forecast.wape(all_due, all_actual),
        "cutoffs": per_cutoff,
    }


def summary(result):
    """One line: both errors, then each cut-off's."""

    def percent(value):
        return "n/a" if value is None else f"{value * 100:.1f}%"

    cutoffs = ", ".join(
        f"{day}: {percent(ours)} vs {percent(naive)}"
        for day, ours, naive, _total in result["cutoffs"]
    )
    return (
        f"backtest WAPE over {len(result['cutoffs'])} cut-offs x 13 weeks: ours "
        f"{percent(result['ours'])}, naive due-date {percent(result['naive'])} (without the "
        f"overdue items {percent(result['due_only'])}); per cut-off ours vs naive: {cutoffs}"
    )


def verdict(result):
    """Whether ours beats the naive due-date forecast (the acceptance), and the naive one
    without the overdue items (a stricter rival: on a short ledger with few payments per
    customer, e.g. 4 invoices over 12 months, it can win)."""
    ours, naive, due_only = result["ours"], result["naive"], result["due_only"]
    if ours is None or naive is None or ours >= naive:
        return "OURS DOES NOT BEAT THE NAIVE FORECAST"
    if due_only is not None and ours < due_only:
        return "ours beats both naive forecasts"
    return "ours beats the naive forecast, not the one without the overdue items"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    import odoo
    from odoo import fields

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = backtest(load_ledger(env), fields.Date.context_today(env.user))
    print(summary(result))
    print(verdict(result))
    return 0 if verdict(result).startswith("ours beats") else 1


if __name__ == "__main__":
    sys.exit(main())
