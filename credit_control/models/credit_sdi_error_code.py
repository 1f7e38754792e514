from odoo import api
from odoo import fields
from odoo import models


class CreditSdiErrorCode(models.Model):
    _name = "credit.sdi.error.code"
    _description = "SdI rejection code"
    _order = "code"
    _rec_name = "code"

    code = fields.Char(required=True, index=True)
    description_it = fields.Char(string="Meaning (Italian)", required=True)
    description_en = fields.Char(string="Meaning (English)", required=True)
    hint_it = fields.Text(string="How to fix (Italian)")
    hint_en = fields.Text(string="How to fix (English)")
    verified = fields.Boolean(
        default=True,
        help="Unchecked when the wording comes from a secondary source and still has to be "
        "checked against the official list of SdI controls.",
    )
    source = fields.Char()
    explanation = fields.Char(compute="_compute_in_user_language")
    hint = fields.Text(compute="_compute_in_user_language")

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each SdI rejection code is listed once."),
    ]

    @api.depends_context("lang")
    @api.depends("description_it", "description_en", "hint_it", "hint_en")
    def _compute_in_user_language(self):
        italian = (self.env.lang or "").startswith("it")
        for code in self:
            code.explanation = code.description_it if italian else code.description_en
            code.hint = code.hint_it if italian else code.hint_en

    @api.depends("code", "description_en", "description_it")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for code in self:
            code.display_name = f"{code.code} {code.explanation or ''}".strip()
