"""Live figures: what a customer owes today, read from the ledger when a Credit tab or a
credit profile shows it, for the customers shown only (one grouped statement).

Posting and paying write nothing of ours: a figure written at every commit cost each
posting and payment a statement, and made two people invoicing one customer wait on its
row. The stored figures (``credit_exposure``, ...) are the scoring's snapshot, for lists,
groups and filters, brought up to date by each scoring run (nightly, or "Refresh now")."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

from .res_partner_scoring import CREDIT_USER

LIVE = {"compute": "_compute_credit_live_figures", "groups": CREDIT_USER}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # amounts in the company's currency, shown with credit_score_currency_id (as the
    # stored figures: a field computed per company can't be Monetary either)
    credit_live_exposure = fields.Float(
        string="Exposure",
        digits="Account",
        help="What the customer owes today: the open amounts of its posted invoices, read "
        "from the ledger (the watchlist shows the figure of the last scoring).",
        **LIVE,
    )
    credit_live_overdue = fields.Float(
        string="Overdue",
        digits="Account",
        help="The part of the exposure past its due date today.",
        **LIVE,
    )
    credit_live_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (Days)",
        help="Days since the due date of the oldest open invoice past due, today.",
        **LIVE,
    )

    @api.depends_context("company")
    def _compute_credit_live_figures(self):
        company = self.env.company
        figures = self._credit_read_live_figures(company, self.commercial_partner_id._origin.ids)
        for partner in self:
            exposure, overdue, oldest_days = figures.get(
                partner.commercial_partner_id._origin.id, (0.0, 0.0, 0)
            )
            partner.credit_live_exposure = company.currency_id.round(exposure)
            partner.credit_live_overdue = company.currency_id.round(overdue)
            partner.credit_live_oldest_overdue_days = oldest_days

    @api.model
    def _credit_read_live_figures(self, company, partner_ids):
        """``{commercial partner id: (exposure, overdue, oldest overdue days)}`` in
        ``company`` today, as the scoring computes them (open residuals of collectible
        customer invoices), in one statement. The lines are found by their own partner,
        which Odoo sets to the invoice's commercial partner."""
        if not partner_ids:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["move_type", "credit_collectible"])
        rows = self.env.execute_query(
            SQL(
                """
            SELECT l.partner_id,
                   SUM(l.amount_residual),
                   COALESCE(SUM(l.amount_residual)
                       FILTER (WHERE COALESCE(l.date_maturity, l.date) < %(today)s), 0),
                   COALESCE(%(today)s - MIN(COALESCE(l.date_maturity, l.date))
                       FILTER (WHERE COALESCE(l.date_maturity, l.date) < %(today)s), 0)
              FROM account_move_line l
             WHERE l.partner_id = ANY(%(partners)s)
               AND l.company_id = %(company)s
               AND l.parent_state = 'posted'
               AND l.balance > 0
               AND NOT l.reconciled
               AND l.amount_residual != 0
               AND l.account_id IN (
                       SELECT id FROM account_account WHERE account_type = 'asset_receivable'
                   )
               -- the invoice checked line by line on its primary key, not joined: a join
               -- let the planner, with statistics not yet updated after a day of
               -- invoicing, scan every customer invoice for a few customers' open lines
               AND l.move_id IN (
                       SELECT m.id FROM account_move m
                        WHERE m.id = l.move_id
                          AND m.move_type IN ('out_invoice', 'out_receipt')
                          AND m.credit_collectible
                   )
          GROUP BY l.partner_id
                """,
                today=fields.Date.context_today(self),
                company=company.id,
                partners=list(partner_ids),
            )
        )
        return {
            partner_id: (float(exposure), float(overdue), oldest_days)
            for partner_id, exposure, overdue, oldest_days in rows
        }
