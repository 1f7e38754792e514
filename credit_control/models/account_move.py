from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_collectible = fields.Boolean(
        string="Collectible",
        compute="_compute_credit_collectible",
        store=True,
        help="Whether the invoice may be chased, charged late interest and counted in the "
        "customer's lateness statistics. An e-invoice rejected by the exchange system, for "
        "example, was never issued and is not collectible until it is delivered.",
    )

    @api.depends("move_type")
    def _compute_credit_collectible(self):
        """Every feature that makes an invoice not collectible extends this compute
        (and its ``@api.depends``), so dunning, interest and scoring share one rule."""
        for move in self:
            move.credit_collectible = True

    def _credit_is_collectible(self):
        """The invoices of ``self`` that may be chased."""
        return self.filtered("credit_collectible")

    @api.model
    def _credit_collectible_line_domain(self):
        """Domain on ``account.move.line`` for receivable lines of collectible invoices."""
        return [("move_id.credit_collectible", "=", True)]

    # Dunning: excluded with a reason, the level reached and the last letter
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
