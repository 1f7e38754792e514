from odoo import models


class ValidateAccountMove(models.TransientModel):
    _inherit = "validate.account.move"

    def validate_move(self):
        # posting several invoices from the list goes through this wizard, not action_post;
        # once confirmed, our hold wizard replays this one (its "force post" included)
        action = self.move_ids.with_context(credit_hold_validate_id=self.id)._credit_hold_check()
        if action:
            return action
        return super().validate_move()
