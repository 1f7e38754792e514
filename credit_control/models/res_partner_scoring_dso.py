"""DSO and days late of a customer, per company: measured with the scoring run.

DSO by the countback method over the last 3 months' credit sales, the best possible DSO
(the receivables not yet due) and the average days delinquent (their difference): see
``core/dso.py`` for the definitions and a worked example."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..core import dso
from .res_partner_scoring import ASSESSMENT

DSO_COLUMNS = (
    ("credit_dso", "float8"),
    ("credit_dso_best", "float8"),
    ("credit_days_late_avg", "float8"),
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_dso = fields.Float(
        string="DSO (Days)",
        digits=(16, 1),
        aggregator="avg",
        help="Days sales outstanding, countback method: how many days of the last 3 months' "
        "credit sales the open receivables equal. 0 when it cannot be measured: something is "
        "owed but nothing was sold on credit in 3 months.",
        **ASSESSMENT,
    )
    credit_dso_best = fields.Float(
        string="Best Possible DSO (Days)",
        digits=(16, 1),
        aggregator="avg",
        help="The DSO if every item were paid on its due date: the countback of the "
        "receivables not yet due.",
        **ASSESSMENT,
    )
    credit_days_late_avg = fields.Float(
        string="Average Days Delinquent",
        digits=(16, 1),
        aggregator="avg",
        help="DSO minus the best possible DSO: the days of sales outstanding only because "
        "the customer pays late.",
        **ASSESSMENT,
    )

    def _credit_check_computed_fields(self, vals):
        written = set(vals) & {name for name, _type in DSO_COLUMNS}
        if written:
            raise AccessError(
                self.env._(
                    "The credit assessment is computed and cannot be written "
                    "(%(fields)s): recompute the score instead.",
                    fields=", ".join(sorted(written)),
                )
            )
        return super()._credit_check_computed_fields(vals)

    @api.model
    def _credit_extra_assessment(self, company, partner_ids, today):
        """The scoring run also measures the DSO of the partners it scores, written in
        its UPDATE: one grouped query for all of them."""
        extra = super()._credit_extra_assessment(company, partner_ids, today)
        if not partner_ids:
            return extra
        periods = dso.periods(today)
        inputs = self._credit_fetch_dso_inputs(company.ids, periods, partner_ids)
        days = [period_days for _start, _end, period_days in periods]
        empty = (0.0, 0.0, [0.0] * len(periods))
        figures = {
            partner_id: dso.figures(*inputs.get(partner_id, empty), days)
            for partner_id in partner_ids
        }
        for position, (name, sql_type) in enumerate(DSO_COLUMNS):
            extra[name] = (
                sql_type,
                {partner_id: values[position] for partner_id, values in figures.items()},
            )
        return extra

    @api.model
    def _credit_fetch_dso_inputs(self, company_ids, periods, partner_ids=None):
        """Open receivables, the part not yet due and the credit sales of each period
        (``core.dso.periods``) of the companies' collectible entries, by commercial
        partner (``None``: the companies' totals, under the key ``None``):
        ``{partner_id: (receivable, not_due, [sales newest first])}``. Amounts in the
        company currency; a rejected e-invoice was never issued and counts nowhere."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["credit_collectible", "move_type", "invoice_date"])
        today = periods[0][1]
        oldest = periods[-1][0]
        sales_columns = SQL(", ").join(
            SQL(
                "SUM(l.balance) FILTER (WHERE m.move_type IN"
                " ('out_invoice', 'out_refund', 'out_receipt')"
                " AND COALESCE(m.invoice_date, l.date) BETWEEN %s AND %s)",
                start,
                end,
            )
            for start, end, _days in periods
        )
        by_partner = partner_ids is not None
        query = SQL(
            """
            SELECT %(key)s,
                   SUM(l.amount_residual) FILTER (WHERE l.reconciled IS NOT TRUE),
                   SUM(l.amount_residual) FILTER (WHERE l.reconciled IS NOT TRUE
                       AND COALESCE(l.date_maturity, l.date) >= %(today)s),
                   %(sales)s
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
              JOIN account_move m ON m.id = l.move_id
              %(partner_join)s
             WHERE l.parent_state = 'posted'
               AND a.account_type = 'asset_receivable'
               AND l.company_id = ANY(%(companies)s)
               AND COALESCE(m.credit_collectible, TRUE)
               AND (l.reconciled IS NOT TRUE OR COALESCE(m.invoice_date, l.date) >= %(oldest)s)
               AND %(partner_filter)s
          GROUP BY 1
            """,
            key=SQL("p.commercial_partner_id") if by_partner else SQL("NULL::int4"),
            today=today,
            sales=sales_columns,
            partner_join=SQL("JOIN res_partner p ON p.id = l.partner_id")
            if by_partner
            else SQL(""),
            companies=company_ids,
            oldest=oldest,
            partner_filter=SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids))
            if by_partner
            else SQL("TRUE"),
        )
        return {
            key: (
                float(receivable or 0.0),
                float(not_due or 0.0),
                [float(amount or 0.0) for amount in sales],
            )
            for key, receivable, not_due, *sales in self.env.execute_query(query)
        }
