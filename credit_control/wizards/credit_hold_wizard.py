from markupsafe import Markup

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError


class CreditHoldWizard(models.TransientModel):
    """Posting a customer invoice held for credit: accept a warning, or (credit manager)
    override a block with a reason. Both are logged in the invoice's and customer's chatter."""

    _name = "credit.hold.wizard"
    _description = "Credit Hold Confirmation"

    move_ids = fields.Many2many(comodel_name="account.move", string="Invoices", readonly=True)
    reasons = fields.Text(readonly=True)
    mode = fields.Selection(selection=[("warn", "Warn"), ("block", "Block")], readonly=True)
    override_reason = fields.Char(
        help="Why the invoice is posted despite the hold (logged in the chatter)."
    )

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "block":
            if not self.env.user.has_group("credit_control.group_credit_manager"):
                raise AccessError(self.env._("Only a credit manager may override a credit hold."))
            if not (self.override_reason or "").strip():
                raise UserError(self.env._("Give the reason for overriding the credit hold."))
            body = self.env._(
                "Credit hold overridden by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.override_reason,
            )
        else:
            body = self.env._("Credit warning accepted by %(user)s.", user=self.env.user.name)
        details = Markup("<br/>").join(self.reasons.splitlines())
        message = Markup("%s<br/>%s") % (body, details)
        result = self.move_ids.with_context(credit_hold_checked=True).action_post()
        for move in self.move_ids:
            move.message_post(body=message)
        # logged on the customer too, by a user who may not edit contacts
        author = self.env.user.partner_id.id
        for partner in self.move_ids.partner_id.commercial_partner_id.sudo():
            partner.message_post(body=message, author_id=author)
        return result or {"type": "ir.actions.act_window_close"}
