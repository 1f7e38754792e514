from odoo import models


class ValidateAccountMove(models.TransientModel):
    _inherit = "validate.account.move"

    def validate_move(self):
        # posting several invoices from the list goes through this wizard, not action_post
        if not self.env.context.get("credit_hold_checked"):
            action = self.move_ids._credit_hold_check()
            if action:
                return action
        return super().validate_move()
