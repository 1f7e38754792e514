from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError

from ..models.account_move_hold import hold_checked


class CreditHoldWizard(models.TransientModel):
    """Posting a customer invoice held for credit: accept a warning, or (credit manager)
    override a block with a reason. Both are logged in the invoice's and customer's chatter
    once the invoices are posted."""

    _name = "credit.hold.wizard"
    _description = "Credit Hold Confirmation"

    move_ids = fields.Many2many(comodel_name="account.move", string="Invoices", readonly=True)
    reasons = fields.Text(readonly=True)
    mode = fields.Selection(selection=[("warn", "Warn"), ("block", "Block")], readonly=True)
    override_reason = fields.Char(
        help="Why the invoice is posted despite the hold (logged in the chatter)."
    )
    validate_id = fields.Many2one(
        comodel_name="validate.account.move",
        readonly=True,
        ondelete="cascade",
        help="Set when the invoices were posted from the list: confirming replays that posting.",
    )
    confirmed = fields.Boolean(
        readonly=True,
        help="Set by Confirm alone: a posting that comes back after another add-on's wizard "
        "names this wizard, and only a confirmed one lets it through.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # only Confirm confirms (a wizard made over RPC starts unconfirmed)
        for vals in vals_list:
            vals.pop("confirmed", None)
        return super().create(vals_list)

    def write(self, vals):
        if "confirmed" in vals and not self.env.su:
            vals = {key: value for key, value in vals.items() if key != "confirmed"}
        return super().write(vals)

    def action_confirm(self):
        """Post the invoices. The hold is checked again here, from the invoices: the
        wizard's own fields can be written by anyone over RPC and are not trusted."""
        self.ensure_one()
        reasons_by_move, block = self.move_ids._credit_hold_findings()
        if block:
            if not self.env.user.has_group("credit_control.group_credit_manager"):
                raise AccessError(self.env._("Only a credit manager may override a credit hold."))
            if not (self.override_reason or "").strip():
                raise UserError(self.env._("Give the reason for overriding the credit hold."))
        # what is logged is what the invoices say now, not the wizard's own fields
        self.sudo().write(
            {
                "confirmed": True,
                "mode": "block" if block else "warn",
                "reasons": self.move_ids._credit_hold_text(reasons_by_move),
            }
        )
        confirmed = {"credit_hold_wizard_id": self.id}
        with hold_checked(self.move_ids):
            if self.validate_id:
                result = self.validate_id.with_context(**confirmed).validate_move()
            else:
                result = self.move_ids.with_context(**confirmed).action_post()
        return self._credit_keep_confirmation(result, confirmed)

    def _credit_keep_confirmation(self, result, confirmed):
        """Another add-on's guard (OCA account_financial_risk's "Partner risk exceeded")
        may answer our posting with its own wizard: its "Continue" posts again, and must
        not find our hold again. The client opens that wizard with the action's context,
        so our confirmation travels in it."""
        if not isinstance(result, dict):
            return {"type": "ir.actions.act_window_close"}
        if result.get("type") == "ir.actions.act_window" and result.get("res_model"):
            context = result.get("context")
            if isinstance(context, dict) or not context:
                result = dict(result, context={**(context or {}), **confirmed})
        return result

    def _credit_log(self, moves):
        """The accepted warning or the override, on ``moves`` and their customers."""
        self.ensure_one()
        if self.mode == "block":
            body = self.env._(
                "Credit hold overridden by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.override_reason,
            )
        else:
            body = self.env._("Credit warning accepted by %(user)s.", user=self.env.user.name)
        details = Markup("<br/>").join((self.reasons or "").splitlines())
        message = Markup("%s<br/>%s") % (body, details)
        for move in moves:
            move.message_post(body=message)
        # logged on the customer too, by a user who may not edit contacts
        author = self.env.user.partner_id.id
        for partner in moves.partner_id.commercial_partner_id.sudo():
            partner.message_post(body=message, author_id=author)
