from markupsafe import Markup

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError

from ..models.account_move_hold import hold_checked


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
        """Post the invoices. The hold is checked again here, from the invoices: the
        wizard's own fields can be written by anyone over RPC and are not trusted."""
        self.ensure_one()
        reasons_by_move, block = self.move_ids._credit_hold_findings()
        if block:
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
        text = self.move_ids._credit_hold_text(reasons_by_move)
        details = Markup("<br/>").join(text.splitlines())
        message = Markup("%s<br/>%s") % (body, details)
        with hold_checked(self.move_ids):
            result = self.move_ids.action_post()
        if reasons_by_move:
            for move in self.move_ids:
                move.message_post(body=message)
            # logged on the customer too, by a user who may not edit contacts
            author = self.env.user.partner_id.id
            for partner in self.move_ids.partner_id.commercial_partner_id.sudo():
                partner.message_post(body=message, author_id=author)
        return {"type": "ir.actions.act_window_close"} if result in (None, True) else result
