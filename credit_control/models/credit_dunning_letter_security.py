"""Letters are legal documents: once proposed, their amounts are not writable, their
state changes only through their actions, and a sent letter is immutable (its PDF and
e-mail are the record). Kept apart from the letter's logic so each can be read alone."""

from contextlib import contextmanager

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

# set on the cursor (not in the context, which an RPC client can send) while an action
# of the credit team runs: the writes of the action's own code are allowed
ACTION_KEY = "credit_dunning_action_depth"
# what a reviewer may still choose on a letter not yet sent: its channels
LETTER_CHANNEL_FIELDS = frozenset({"send_email", "print_letter", "phone_call", "channel_note"})


@contextmanager
def dunning_action(env):
    """Within this block, the dunning code writes letters and runs."""
    env.cr.cache[ACTION_KEY] = env.cr.cache.get(ACTION_KEY, 0) + 1
    try:
        yield
    finally:
        env.cr.cache[ACTION_KEY] -= 1


def in_dunning_action(env):
    return env.su or env.cr.cache.get(ACTION_KEY, 0) > 0


def is_mail_field(name):
    # chatter and activities are written through the mail models' own checks
    return name.startswith(("message_", "activity_"))


def check_credit_user(env):
    if not (env.su or env.user.has_group("credit_control.group_credit_user")):
        raise AccessError(env._("Only credit users may work on dunning letters and runs."))


def run_as_credit_action(records, action):
    """A credit team action on ``records``: the caller must be a Credit user who may
    write them; the action's own writes are then allowed."""
    check_credit_user(records.env)
    records.check_access("write")
    with dunning_action(records.env):
        return action()


class CreditDunningLetter(models.Model):
    _inherit = "credit.dunning.letter"

    # amounts are computed by the run: readonly everywhere
    amount_due = fields.Monetary(readonly=True)
    interest_amount = fields.Monetary(readonly=True)
    compensation_amount = fields.Monetary(readonly=True)
    fee_amount = fields.Monetary(readonly=True)
    state = fields.Selection(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not in_dunning_action(self.env):
            raise AccessError(
                self.env._("Dunning letters are proposed by a dunning run, not created by hand.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not in_dunning_action(self.env):
            self._credit_check_user_write(vals)
        return super().write(vals)

    def _credit_check_user_write(self, vals):
        names = {name for name in vals if not is_mail_field(name)}
        if not names:
            return
        if any(letter.state in ("sent", "cancelled") for letter in self):
            raise AccessError(
                self.env._(
                    "A sent or cancelled letter cannot be changed: its PDF and e-mail are "
                    "the record."
                )
            )
        forbidden = names - LETTER_CHANNEL_FIELDS
        if forbidden:
            raise AccessError(
                self.env._(
                    "A letter's amounts and state change only through its buttons "
                    "(Approve, Send, Back to Review, Cancel): %(fields)s cannot be written.",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    def action_approve(self):
        return run_as_credit_action(self, super().action_approve)

    def action_cancel(self):
        return run_as_credit_action(self, super().action_cancel)

    def action_reset_to_review(self):
        return run_as_credit_action(self, super().action_reset_to_review)

    def action_send(self):
        return run_as_credit_action(self, super().action_send)

    @api.model
    def _cron_retry_failed_mail(self):
        with dunning_action(self.env):
            return super()._cron_retry_failed_mail()

    def action_print(self):
        check_credit_user(self.env)
        return super().action_print()


class CreditDunningLetterLine(models.Model):
    _inherit = "credit.dunning.letter.line"

    @api.model_create_multi
    def create(self, vals_list):
        if not in_dunning_action(self.env):
            raise AccessError(self.env._("A letter's items are written by its dunning run."))
        return super().create(vals_list)

    def write(self, vals):
        if not in_dunning_action(self.env):
            raise AccessError(self.env._("A letter's items are written by its dunning run."))
        return super().write(vals)
