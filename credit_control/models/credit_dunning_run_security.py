"""A dunning run changes only through its buttons (see credit_dunning_letter_security)."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

from .credit_dunning_letter_security import dunning_action
from .credit_dunning_letter_security import in_dunning_action
from .credit_dunning_letter_security import is_mail_field
from .credit_dunning_letter_security import run_as_credit_action

# what a user may still set on a run before it computes
RUN_USER_FIELDS = frozenset({"date"})


class CreditDunningRun(models.Model):
    _inherit = "credit.dunning.run"

    state = fields.Selection(readonly=True)

    def write(self, vals):
        if not in_dunning_action(self.env):
            names = {name for name in vals if not is_mail_field(name)}
            if names - RUN_USER_FIELDS or (names and any(r.state != "draft" for r in self)):
                raise AccessError(
                    self.env._(
                        "A dunning run changes only through its buttons "
                        "(Propose Letters, Send Approved Letters)."
                    )
                )
        return super().write(vals)

    def action_compute(self):
        return run_as_credit_action(self, super().action_compute)

    def action_send(self):
        return run_as_credit_action(self, super().action_send)

    @api.model
    def _cron_daily(self, *args, **kwargs):
        with dunning_action(self.env):
            return super()._cron_daily(*args, **kwargs)
