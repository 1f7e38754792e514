"""Invoices in a payment plan: out of dunning while the plan is active, and the plans
whose invoices were paid (or unpaid) brought up to date at the end of the transaction."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import SQL

PENDING_KEY = "credit_payment_plan_update"


def _update_pending(env):
    """Precommit callback: update the plans whose invoices' payments changed."""
    plan_ids = env.cr.precommit.data.pop(PENDING_KEY, set())
    plans = env["credit.payment.plan"].sudo().browse(plan_ids).exists()
    if plans:
        plans._credit_update_installments()


def update_plans_later(env, lines):
    """Ask for an update at commit of the active plans of the invoices of ``lines``."""
    plans = lines.sudo().move_id.credit_payment_plan_id
    if not plans:
        return
    pending = env.cr.precommit.data.get(PENDING_KEY)
    if pending is None:
        pending = env.cr.precommit.data[PENDING_KEY] = set()
        env.cr.precommit.add(lambda: _update_pending(env))
    pending.update(plans.ids)


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_payment_plan_id = fields.Many2one(
        comodel_name="credit.payment.plan",
        string="Payment Plan",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="The active payment plan that covers this invoice: dunning leaves it alone "
        "and its installments are chased instead.",
    )
    credit_dunning_withheld_reason = fields.Char(
        string="Left Out of Dunning",
        compute="_compute_credit_dunning_withheld_reason",
        help="Why dunning leaves this invoice alone for now, besides an exclusion by hand.",
    )

    def write(self, vals):
        if "credit_payment_plan_id" in vals and not self.env.su:
            # readonly is only the screen's: over RPC nobody takes an invoice out of dunning
            # by pointing it at a plan; accepting and ending plans set it
            raise AccessError(
                self.env._(
                    "An invoice enters or leaves a payment plan only when the plan is "
                    "accepted or ends."
                )
            )
        return super().write(vals)

    def button_draft(self):
        self._credit_check_not_in_plan()
        return super().button_draft()

    def button_cancel(self):
        self._credit_check_not_in_plan()
        return super().button_cancel()

    def _credit_check_not_in_plan(self):
        """An invoice of an active plan stays posted: reset to draft or cancelled, its open
        amount would leave the plan's sum and the plan would count it as paid."""
        moves = self.sudo().filtered("credit_payment_plan_id")
        if moves:
            raise UserError(
                self.env._(
                    "%(invoices)s: in payment plan %(plans)s. Cancel the payment plan first, "
                    "then reset or cancel the invoice.",
                    invoices=", ".join(moves.mapped("display_name")),
                    plans=", ".join(moves.credit_payment_plan_id.mapped("name")),
                )
            )

    def _credit_set_payment_plan(self, plan):
        """Put the invoices in ``plan`` (False: out of any). One UPDATE: the plan is an
        overlay, nothing of the invoice's own (lines, amounts) depends on it, and
        account.move's write would resynchronise every line for nothing."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET credit_payment_plan_id = %s WHERE id = ANY(%s)",
                plan.id if plan else None,
                self.ids,
            )
        )
        self.invalidate_recordset(["credit_payment_plan_id"])

    @api.depends("credit_payment_plan_id")
    def _compute_credit_dunning_withheld_reason(self):
        for move in self:
            plan = move.sudo().credit_payment_plan_id
            move.credit_dunning_withheld_reason = (
                self.env._("Payment plan %s", plan.name) if plan else False
            )


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        update_plans_later(self.env, partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        update_plans_later(self.env, self.debit_move_id | self.credit_move_id)
        return super().unlink()
