from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

from ..models.credit_dunning_level import STAGES
from ..models.credit_score_history import natural_orderby

#: a letter counts as successful when its items are paid within this many days
PAID_WITHIN_DAYS = 15


def _credit_rate_sql(currency, company_parent_path, date):
    """The rate of ``currency`` on ``date`` for a company given by its ``parent_path`` (all
    SQL expressions), as Odoo's ``res.currency._get_rates`` reads it: the latest rate of the
    company's root company or a shared one, 1.0 without any."""
    return SQL(
        """COALESCE((SELECT r.rate FROM res_currency_rate r
                      WHERE r.currency_id = %(currency)s AND r.name <= %(date)s
                        AND (r.company_id IS NULL OR r.company_id = %(root)s)
                   ORDER BY r.company_id, r.name DESC
                      LIMIT 1), 1.0)""",
        currency=currency,
        date=date,
        root=SQL("SPLIT_PART(%s, '/', 1)::int", company_parent_path),
    )


class CreditDunningLetterAnalysis(models.Model):
    """Sent letters by stage, level and month: what each demanded, and what the customer
    paid of its items within 15, 30 and 60 days of the letter, in the company's currency
    so that letters in several currencies add up."""

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
    currency_id = fields.Many2one(
        comodel_name="res.currency", string="Company Currency", readonly=True
    )
    letter_currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    amount_due = fields.Monetary(
        string="Demanded",
        readonly=True,
        help="What the letter demanded, in the company's currency at the rate of its date.",
    )
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
                CREATE VIEW %(view)s AS (
                    SELECT letter.id, letter.id AS letter_id, letter.date, letter.company_id,
                           letter.partner_id, letter.level_id, letter.stage,
                           company.currency_id, letter.currency_id AS letter_currency_id,
                           ROUND(letter.amount_due * %(company_rate)s / %(letter_rate)s
                                 / cur.rounding) * cur.rounding AS amount_due,
                           COALESCE(paid.within_15, 0) AS amount_paid_15,
                           COALESCE(paid.within_30, 0) AS amount_paid_30,
                           COALESCE(paid.within_60, 0) AS amount_paid_60,
                           1 AS letter_count,
                           -- paid in full: in the letter's currency, as it demanded
                           CASE WHEN COALESCE(paid.within_15_currency, 0)
                                     >= letter.amount_due - 0.005
                                THEN 1 ELSE 0 END AS paid_15_count
                      FROM credit_dunning_letter letter
                      JOIN res_company company ON company.id = letter.company_id
                      JOIN res_currency cur ON cur.id = company.currency_id
                 LEFT JOIN LATERAL (
                           -- the partial's amount is in the company's currency
                           SELECT SUM(partial.amount)
                                      FILTER (WHERE partial.max_date <= letter.date + %(days)s)
                                      AS within_15,
                                  SUM(partial.debit_amount_currency)
                                      FILTER (WHERE partial.max_date <= letter.date + %(days)s)
                                      AS within_15_currency,
                                  SUM(partial.amount)
                                      FILTER (WHERE partial.max_date <= letter.date + 30)
                                      AS within_30,
                                  SUM(partial.amount) AS within_60
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
                view=SQL.identifier(self._table),
                company_rate=_credit_rate_sql(
                    SQL("company.currency_id"), SQL("company.parent_path"), SQL("letter.date")
                ),
                letter_rate=_credit_rate_sql(
                    SQL("letter.currency_id"), SQL("company.parent_path"), SQL("letter.date")
                ),
                days=PAID_WITHIN_DAYS,
            )
        )
