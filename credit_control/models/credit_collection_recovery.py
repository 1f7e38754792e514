"""Recoveries an agency reported in its statements, one row per statement line."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class CreditCollectionRecovery(models.Model):
    _name = "credit.collection.recovery"
    _description = "Recovery Reported by the Agency"
    _order = "date desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        comodel_name="credit.collection.case", required=True, index=True, ondelete="restrict"
    )
    case_line_id = fields.Many2one(
        comodel_name="credit.collection.case.line", required=True, ondelete="restrict"
    )
    move_id = fields.Many2one(related="case_line_id.move_id", string="Invoice")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id", store=True)
    date = fields.Date(required=True)
    amount = fields.Monetary(string="Recovered")
    costs = fields.Monetary(string="Agency Costs")
    statement_name = fields.Char(string="Statement")
    statement_sha256 = fields.Char(index=True)
    row_key = fields.Char(required=True)

    _sql_constraints = [
        ("row_unique", "UNIQUE(case_id, row_key)", "This recovery was already imported."),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A reported recovery is never deleted."))
