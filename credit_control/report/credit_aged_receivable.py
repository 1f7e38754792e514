"""Aged receivables: one row per open receivable item, aged by its due date, with the
customer's per-company assessment (band, profile, DSO) and the item's status."""

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

from ..models.credit_score_history import BAND_SELECTION
from ..models.credit_score_history import PROFILE_SELECTION
from ..models.credit_score_history import natural_orderby
from ..models.res_partner_debtor import DEBTOR_TYPES

BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("91_120", "91-120 Days"),
    ("over_120", "Over 120 Days"),
]
#: (bucket, last day past due it holds): 0 or less is not due, 121 and more over 120
BUCKET_LIMITS = [("not_due", 0), ("1_30", 30), ("31_60", 60), ("61_90", 90), ("91_120", 120)]

STATUSES = [
    ("normal", "Normal"),
    ("rejected", "Rejected E-invoice"),
    ("payment_plan", "Payment Plan"),
    ("collection", "Collection Agency"),
    ("disputed", "Disputed"),
]


def aged_items_query(reference_date=None, as_of=None, where=None):
    """The SELECT of open receivable items, one row per item, with the columns of
    ``credit.aged.receivable``.

    Without ``as_of``: the items open now (their residual as the ledger has it), aged
    against ``reference_date`` (an SQL date expression). With ``as_of`` (a date): the
    items dated on or before it and still open on it (residual = amount minus what was
    matched with it on or before that date), aged against that date. ``where``: more
    conditions (SQL)."""
    if as_of is None:
        age_date = reference_date
        residual = SQL("l.amount_residual")
        open_items = SQL("l.reconciled IS NOT TRUE AND l.amount_residual != 0")
        matched = SQL("")
    else:
        age_date = SQL("%s::date", as_of)
        residual = SQL("l.balance - COALESCE(matched.amount, 0)")
        matched = SQL(
            """
            LEFT JOIN LATERAL (
                SELECT SUM(CASE WHEN apr.debit_move_id = l.id THEN apr.amount
                                ELSE -apr.amount END) AS amount
                  FROM account_partial_reconcile apr
                 WHERE (apr.debit_move_id = l.id OR apr.credit_move_id = l.id)
                   AND apr.max_date <= %(as_of)s
            ) matched ON TRUE
            """,
            as_of=as_of,
        )
        open_items = SQL(
            """l.date <= %(as_of)s
               AND (l.reconciled IS NOT TRUE OR EXISTS (
                    SELECT 1 FROM account_partial_reconcile later
                     WHERE (later.debit_move_id = l.id OR later.credit_move_id = l.id)
                       AND later.max_date > %(as_of)s))
               AND l.balance - COALESCE(matched.amount, 0) != 0""",
            as_of=as_of,
        )
    days = SQL("(%s - COALESCE(l.date_maturity, l.date))", age_date)
    bucket = SQL(
        "CASE %s ELSE 'over_120' END",
        SQL(" ").join(
            SQL("WHEN %s <= %s THEN %s", days, last_day, name) for name, last_day in BUCKET_LIMITS
        ),
    )
    company_key = SQL("l.company_id::text")
    return SQL(
        """
        SELECT l.id,
               l.partner_id,
               p.commercial_partner_id,
               COALESCE(m.invoice_user_id, cp.user_id) AS user_id,
               l.company_id,
               l.company_currency_id AS currency_id,
               l.move_id,
               COALESCE(l.date_maturity, l.date) AS date_maturity,
               %(days)s AS days_past_due,
               %(bucket)s AS bucket,
               %(residual)s AS amount_residual,
               cp.credit_band ->> %(key)s AS credit_band,
               cp.credit_profile ->> %(key)s AS credit_profile,
               cp.credit_debtor_type,
               (cp.credit_dso ->> %(key)s)::float8 AS credit_dso,
               CASE
                   WHEN COALESCE(m.credit_einvoice_state, 'none') IN ('rejected', 'refused')
                        OR (m.credit_einvoice_state = 'sent'
                            AND m.credit_einvoice_rejected_date IS NOT NULL)
                        THEN 'rejected'
                   WHEN m.credit_collection_case_id IS NOT NULL THEN 'collection'
                   WHEN m.credit_payment_plan_id IS NOT NULL THEN 'payment_plan'
                   WHEN m.credit_dunning_excluded THEN 'disputed'
                   ELSE 'normal'
               END AS status
          FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
          JOIN account_move m ON m.id = l.move_id
     LEFT JOIN res_partner p ON p.id = l.partner_id
     LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
          %(matched)s
         WHERE l.parent_state = 'posted'
           AND a.account_type = 'asset_receivable'
           AND %(open_items)s
           AND %(where)s
        """,
        days=days,
        bucket=bucket,
        residual=residual,
        key=company_key,
        matched=matched,
        open_items=open_items,
        where=where or SQL("TRUE"),
    )


class CreditAgedReceivable(models.Model):
    """Open receivable items aged by their due date (today), read-only."""

    _name = "credit.aged.receivable"
    _description = "Aged Receivables"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"

    partner_id = fields.Many2one(comodel_name="res.partner", readonly=True)
    commercial_partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    move_id = fields.Many2one(comodel_name="account.move", string="Entry", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_past_due = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(selection=BUCKETS, string="Age", readonly=True)
    amount_residual = fields.Monetary(
        string="Open Amount", readonly=True, help="In the company's currency."
    )
    credit_band = fields.Selection(selection=BAND_SELECTION, string="Band", readonly=True)
    credit_profile = fields.Selection(
        selection=PROFILE_SELECTION, string="Payment Profile", readonly=True
    )
    credit_debtor_type = fields.Selection(
        selection=DEBTOR_TYPES, string="Debtor Type", readonly=True
    )
    credit_dso = fields.Float(
        string="DSO (Days)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="The customer's days sales outstanding (countback over the last 3 months), "
        "as of the last scoring run.",
    )
    status = fields.Selection(
        selection=STATUSES,
        readonly=True,
        help="Rejected e-invoice: the exchange system rejected it, it was never issued. "
        "Collection agency: handed over in an open case. Payment plan: covered by an active "
        "plan. Disputed: excluded from dunning.",
    )

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        # ages from not due to over 120 days, bands A to E, statuses as declared
        orderby = super()._read_group_orderby
        for field_name, selection in (
            ("bucket", BUCKETS),
            ("credit_profile", PROFILE_SELECTION),
            ("status", STATUSES),
        ):
            orderby = _ordered(orderby, field_name, selection)
        return orderby(order, groupby_terms, query)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                aged_items_query(reference_date=SQL("(NOW() AT TIME ZONE 'UTC')::date")),
            )
        )


def _ordered(orderby, field_name, selection):
    def ordered(order, groupby_terms, query):
        return natural_orderby(orderby, order, groupby_terms, query, field_name, selection)

    return ordered
