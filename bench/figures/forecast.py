"""Figures of the 13-week cash-in forecast: its speed, with its accuracy (the backtest) in
the detail."""

import sys
from pathlib import Path

from odoo import fields

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import backtest  # bench/backtest.py, after its folder is on the path


def _score_and_backtest(env):
    """Untimed: the nightly scoring run stores each customer's median and slow delays;
    the backtest replays the ledger at 6 past cut-offs (pure Python over one query: its
    time is not the forecast's)."""
    env["res.partner"]._credit_update_scores()
    result = backtest.backtest(backtest.load_ledger(env), fields.Date.context_today(env.user))
    return f"{backtest.summary(result)}; {backtest.verdict(result)}"


def _forecast(env, backtest_detail):
    """What the menu does: rebuild the company's forecast rows (every open item in three
    scenarios); then the 13 weeks' totals as the overview reads them."""
    env["credit.cashin.forecast"]._credit_refresh(env.company)
    weeks = env.company._credit_cashin_forecast_weeks()
    rows = env["credit.cashin.forecast"].search_count([("company_id", "=", env.company.id)])
    totals = {
        scenario: sum(week[scenario] for week in weeks)
        for scenario in ("expected", "optimistic", "pessimistic")
    }
    return (
        f"{rows:,} rows; 13 weeks: expected {totals['expected']:,.0f}, optimistic "
        f"{totals['optimistic']:,.0f}, pessimistic {totals['pessimistic']:,.0f} EUR. "
        f"{backtest_detail}"
    )


FIGURES = [
    {
        "name": "13-week cash-in forecast, 5,000 customers (rebuild and weekly totals)",
        "target_seconds": 2,
        "setup": _score_and_backtest,
        "run": _forecast,
    },
]
