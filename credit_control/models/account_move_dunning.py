"""Dunning on invoices: excluded with a reason, the level reached and the last letter."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_dunning_excluded = fields.Boolean(
        string="Excluded from Dunning",
        default=False,
        copy=False,
        tracking=True,
        help="Never chase this invoice (e.g. disputed by the customer).",
    )
    credit_dunning_exclusion_reason = fields.Char(
        string="Exclusion Reason", copy=False, tracking=True
    )
    credit_dunning_level_id = fields.Many2one(
        comodel_name="credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_letter",
        help="Highest dunning level this invoice reached in a letter.",
    )
    credit_dunning_last_letter_id = fields.Many2one(
        comodel_name="credit.dunning.letter",
        string="Last Dunning Letter",
        compute="_compute_credit_dunning_letter",
    )

    def _compute_credit_dunning_letter(self):
        lines = self.env["credit.dunning.letter.line"].search_fetch(
            [("move_id", "in", self.ids), ("letter_id.state", "!=", "cancelled")],
            ["move_id", "letter_id", "level_id"],
            order="id",
        )
        by_move = {}
        for line in lines:
            by_move.setdefault(line.move_id.id, []).append(line)
        for move in self:
            move_lines = by_move.get(move.id, [])
            move.credit_dunning_last_letter_id = move_lines[-1].letter_id if move_lines else False
            move.credit_dunning_level_id = (
                max((line.level_id for line in move_lines), key=lambda lv: lv.days)
                if move_lines
                else False
            )

    def init(self):
        result = super().init()
        # few invoices are excluded: a partial index answers "which ones" without a scan
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS account_move_credit_dunning_excluded_index "
            "ON account_move (id) WHERE credit_dunning_excluded"
        )
        return result

    @api.constrains("credit_dunning_excluded", "credit_dunning_exclusion_reason")
    def _check_credit_dunning_exclusion_reason(self):
        for move in self:
            if move.credit_dunning_excluded and not move.credit_dunning_exclusion_reason:
                raise ValidationError(
                    self.env._(
                        "Say why invoice %s is excluded from dunning (e.g. the dispute).", move.name
                    )
                )
