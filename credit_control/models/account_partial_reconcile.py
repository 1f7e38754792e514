from odoo import fields
from odoo import models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def unlink(self):
        if not self.env.context.get("credit_no_return"):
            self._credit_mark_returned_payments()
        return super().unlink()

    def _credit_mark_returned_payments(self):
        """A customer payment (or bank statement line) unmatched from the invoice it paid,
        or reversed, is a returned payment: date its entry once."""
        returned = self.env["account.move"]
        for partial in self:
            invoice_line, payment_line = partial.debit_move_id, partial.credit_move_id
            payment_move = payment_line.move_id
            if (
                invoice_line.account_type == "asset_receivable"
                and invoice_line.move_id.move_type in ("out_invoice", "out_receipt")
                and invoice_line.parent_state == "posted"
                and (payment_move.origin_payment_id or payment_move.statement_line_id)
                and not payment_move.credit_returned_date
            ):
                returned |= payment_move
        if returned:
            returned.sudo().write({"credit_returned_date": fields.Date.context_today(self)})
