from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

from ..models.credit_collection_case import CASE_STATES
from ..models.credit_collection_case import CLOSE_REASONS


class CreditCollectionAgencyAnalysis(models.Model):
    """Cases handed over, by agency (or lawyer), type and state: what was handed over, what
    the agency recovered, at what commission and how fast.

    The recovery rate of a group is what its cases recovered over what they handed over
    (not the average of the cases' rates); the days to recover are, for the cases closed as
    recovered, the days from the hand-off to the last payment on their items."""

    _name = "credit.collection.agency.analysis"
    _description = "Collection Agency Performance"
    _auto = False
    _order = "date_handed_off desc"
    # what the view reads: pending writes are flushed before it is queried
    _depends = {
        "credit.collection.case": [
            "active",
            "agency_id",
            "amount_handed_over",
            "amount_recovered",
            "case_type",
            "close_reason",
            "commission_amount",
            "company_id",
            "currency_id",
            "date_handed_off",
            "partner_id",
            "state",
        ],
        "credit.collection.case.line": ["case_id", "move_line_id"],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
    }

    case_id = fields.Many2one(comodel_name="credit.collection.case", readonly=True)
    agency_id = fields.Many2one(
        comodel_name="res.partner", string="Agency or Lawyer", readonly=True
    )
    partner_id = fields.Many2one(comodel_name="res.partner", string="Debtor", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    case_type = fields.Selection(
        selection=[("agency", "Collection Agency"), ("lawyer", "Lawyer")], readonly=True
    )
    state = fields.Selection(selection=CASE_STATES, readonly=True)
    close_reason = fields.Selection(selection=CLOSE_REASONS, readonly=True)
    date_handed_off = fields.Date(string="Handed Off On", readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True)
    amount_handed_over = fields.Monetary(readonly=True)
    amount_recovered = fields.Monetary(readonly=True)
    commission_amount = fields.Monetary(string="Commission", readonly=True)
    recovery_rate = fields.Float(
        string="Recovery Rate (%)",
        readonly=True,
        aggregator="avg",
        help="What the agency recovered, in percent of what was handed over.",
    )
    days_to_recover = fields.Float(
        string="Days to Recover",
        readonly=True,
        aggregator="avg",
        help="Cases closed as recovered: days from the hand-off to the last payment on their "
        "items, on average.",
    )

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """A group's recovery rate is its total recovered over its total handed over."""
        wanted = [spec.split(":")[0] for spec in fields]
        if "recovery_rate" not in wanted:
            return super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)
        extra = [
            f"{name}:sum"
            for name in ("amount_handed_over", "amount_recovered")
            if name not in wanted
        ]
        result = super().read_group(
            domain, list(fields) + extra, groupby, offset, limit, orderby, lazy
        )
        for group in result:
            handed = group.get("amount_handed_over") or 0.0
            group["recovery_rate"] = (
                round(100.0 * (group.get("amount_recovered") or 0.0) / handed, 2) if handed else 0.0
            )
        return result

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT c.id, c.id AS case_id, c.agency_id, c.partner_id, c.company_id,
                           c.currency_id, c.case_type, c.state, c.close_reason,
                           c.date_handed_off, 1 AS case_count,
                           COALESCE(c.amount_handed_over, 0) AS amount_handed_over,
                           COALESCE(c.amount_recovered, 0) AS amount_recovered,
                           COALESCE(c.commission_amount, 0) AS commission_amount,
                           CASE WHEN COALESCE(c.amount_handed_over, 0) > 0
                                THEN ROUND(100.0 * COALESCE(c.amount_recovered, 0)
                                           / c.amount_handed_over, 2)
                                ELSE 0 END AS recovery_rate,
                           CASE WHEN c.close_reason = 'recovered'
                                THEN paid.last_date - c.date_handed_off END AS days_to_recover
                      FROM credit_collection_case c
                 LEFT JOIN LATERAL (
                           SELECT MAX(partial.max_date) AS last_date
                             FROM credit_collection_case_line line
                             JOIN account_partial_reconcile partial
                               ON partial.debit_move_id = line.move_line_id
                            WHERE line.case_id = c.id
                              AND partial.max_date >= c.date_handed_off
                      ) paid ON TRUE
                     WHERE c.active AND c.state != 'draft'
                )
                """,
                SQL.identifier(self._table),
            )
        )
