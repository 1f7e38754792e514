from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

from ..models.credit_dunning_level import STAGES
from ..models.credit_score_history import natural_orderby

#: a letter counts as successful when its items are paid within this many days
PAID_WITHIN_DAYS = 15


class CreditDunningLetterAnalysis(models.Model):
    """Sent letters by stage, level and month: what each demanded, and what the customer
    paid of its items within 15, 30 and 60 days of the letter."""

    _name = "credit.dunning.letter.analysis"
    _description = "Dunning Letter Analysis"
    _auto = False
    _order = "date desc"

    letter_id = fields.Many2one(comodel_name="credit.dunning.letter", readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one(comodel_name="credit.dunning.level", readonly=True)
    stage = fields.Selection(selection=STAGES, readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    amount_due = fields.Monetary(string="Demanded", readonly=True)
    amount_paid_15 = fields.Monetary(string="Collected within 15 Days", readonly=True)
    amount_paid_30 = fields.Monetary(string="Collected within 30 Days", readonly=True)
    amount_paid_60 = fields.Monetary(string="Collected within 60 Days", readonly=True)
    letter_count = fields.Integer(string="Letters", readonly=True)
    paid_15_count = fields.Integer(string="Letters Paid within 15 Days", readonly=True)

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        # stages read in the order of the ladder (reminder first), not alphabetically
        return natural_orderby(
            super()._read_group_orderby, order, groupby_terms, query, "stage", STAGES
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT letter.id, letter.id AS letter_id, letter.date, letter.company_id,
                           letter.partner_id, letter.level_id, letter.stage,
                           letter.currency_id, letter.amount_due,
                           COALESCE(paid.within_15, 0) AS amount_paid_15,
                           COALESCE(paid.within_30, 0) AS amount_paid_30,
                           COALESCE(paid.within_60, 0) AS amount_paid_60,
                           1 AS letter_count,
                           CASE WHEN COALESCE(paid.within_15, 0) >= letter.amount_due - 0.005
                                THEN 1 ELSE 0 END AS paid_15_count
                      FROM credit_dunning_letter letter
                 LEFT JOIN LATERAL (
                           SELECT SUM(partial.debit_amount_currency)
                                      FILTER (WHERE partial.max_date <= letter.date + %s)
                                      AS within_15,
                                  SUM(partial.debit_amount_currency)
                                      FILTER (WHERE partial.max_date <= letter.date + 30)
                                      AS within_30,
                                  SUM(partial.debit_amount_currency) AS within_60
                             FROM credit_dunning_letter_line line
                             JOIN account_partial_reconcile partial
                               ON partial.debit_move_id = line.move_line_id
                            WHERE line.letter_id = letter.id
                              AND partial.max_date >= letter.date
                              AND partial.max_date <= letter.date + 60
                      ) paid ON TRUE
                     WHERE letter.state = 'sent'
                )
                """,
                SQL.identifier(self._table),
                PAID_WITHIN_DAYS,
            )
        )
