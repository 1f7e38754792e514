from odoo import models

from ..models.account_move_hold import is_hold_checked


class ValidateAccountMove(models.TransientModel):
    _inherit = "validate.account.move"

    def validate_move(self):
        # posting several invoices from the list goes through this wizard, not action_post
        if not is_hold_checked(self.move_ids):
            action = self.move_ids._credit_hold_check()
            if action:
                return action
        return super().validate_move()
