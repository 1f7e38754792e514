"""Credit hold on posting customer invoices, returned payments, first-invoice report request."""

from contextlib import contextmanager

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError

from .account_move import CREDIT_MOVE_PREFETCH

# The invoices the hold wizard has checked again itself, kept on the cursor for the
# time of its posting: not in the context, which any RPC client can send.
HOLD_CHECKED_KEY = "credit_hold_checked_move_ids"


@contextmanager
def hold_checked(moves):
    """Within this block, posting ``moves`` skips the hold check (already done)."""
    checked = moves.env.cr.cache.setdefault(HOLD_CHECKED_KEY, set())
    added = set(moves.ids) - checked
    checked |= added
    try:
        yield
    finally:
        checked -= added


def is_hold_checked(moves):
    return set(moves.ids) <= moves.env.cr.cache.get(HOLD_CHECKED_KEY, set())


# Context keys by which other add-ons' posting guards remember that the user confirmed
# them; our wizard carries them so that confirming ours doesn't re-open theirs.
OTHER_GUARD_CONFIRMATIONS = ("bypass_risk",)


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_returned_date = fields.Date(
        string="Returned On",
        copy=False,
        readonly=True,
        help="Set on a customer payment's (or bank line's) entry when the money came back: "
        "the entry was reversed, or a credit user marked it as returned ('insoluto'). "
        "Unmatching a payment to move it to another invoice is no returned payment.",
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_return_dismissed = fields.Boolean(
        string="Not a Returned Payment",
        copy=False,
        readonly=True,
        help="A credit user said this reversal or bank debit is no returned payment (e.g. a "
        "correction): it is not counted in the customer's returned payments.",
        prefetch=CREDIT_MOVE_PREFETCH,
    )

    def action_post(self):
        action = self._credit_hold_check()
        if action:
            return action
        result = super().action_post()
        self._credit_request_first_reports()
        return result

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        self._credit_log_hold_decision(posted)
        return posted

    def _credit_hold_findings(self):
        """``(reasons by move, block)`` for the draft customer invoices of ``self``
        whose customer is held in the invoice's company (its own assessment)."""
        moves = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "draft"
                and m.company_id._credit_hold_mode() != "off"
            )
        )
        reasons_by_move = {}
        for company in moves.company_id:
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            partners = company_moves.partner_id.commercial_partner_id
            open_amounts = partners._credit_open_amounts(company)
            missed_plans = partners._credit_missed_plans(company)
            for move in company_moves:
                reasons = move.partner_id.commercial_partner_id._credit_hold_reasons(
                    company,
                    move.amount_total_signed,
                    open_amounts,
                    check_limit=not move._credit_limit_guarded_elsewhere(),
                    missed_plans=missed_plans,
                )
                if reasons:
                    reasons_by_move[move] = reasons
        block = any(m.company_id._credit_hold_mode() == "block" for m in reasons_by_move)
        return reasons_by_move, block

    @staticmethod
    def _credit_hold_text(reasons_by_move):
        return "\n".join(
            f"{move.partner_id.commercial_partner_id.name}: {reason}"
            for move, reasons in reasons_by_move.items()
            for reason in reasons
        )

    def _credit_hold_check(self):
        """None when posting may go on, else the confirmation/override wizard's action.
        Raises a UserError when the company blocks and the user is no credit manager,
        whatever the context says.

        Code running as superuser (data files, scheduled actions) has nobody to ask. The
        invoices the wizard is posting right now are remembered on the cursor; a posting
        that comes back after another add-on's wizard (OCA account_financial_risk's
        "Continue") carries the confirmed wizard's id, checked in
        ``_credit_hold_confirmed``."""
        if self.env.su:
            return None
        reasons_by_move, block = self._credit_hold_findings()
        if not reasons_by_move:
            return None
        is_manager = self.env.user.has_group("credit_control.group_credit_manager")
        text = self._credit_hold_text(reasons_by_move)
        if block and not is_manager:
            raise UserError(
                self.env._(
                    "This invoice cannot be posted: the customer is on credit hold.\n%(reasons)s"
                    "\nAsk a credit manager to override the hold.",
                    reasons=text,
                )
            )
        if is_hold_checked(self) or self._credit_hold_confirmed(block):
            return None
        wizard = self.env["credit.hold.wizard"].create(
            {
                "move_ids": [Command.set(self.ids)],
                "reasons": text,
                "mode": "block" if block else "warn",
                "validate_id": self.env.context.get("credit_hold_validate_id"),
            }
        )
        return {
            "name": self.env._("Credit Hold"),
            "type": "ir.actions.act_window",
            "res_model": "credit.hold.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            # another add-on's guard confirmed before ours (e.g. OCA account_financial_risk's
            # "bypass_risk"): keep its confirmation, or its wizard would open again
            "context": {
                key: self.env.context[key]
                for key in OTHER_GUARD_CONFIRMATIONS
                if key in self.env.context
            },
        }

    def _credit_hold_confirmed(self, block):
        """Whether the context names a hold wizard that this user confirmed for these
        invoices (with a manager's reason when the hold blocks). A client can send any
        context: the wizard itself is what is trusted, never a flag."""
        wizard_id = self.env.context.get("credit_hold_wizard_id")
        if not isinstance(wizard_id, int):
            return False
        wizard = self.env["credit.hold.wizard"].browse(wizard_id).exists()
        return bool(
            wizard
            and wizard.confirmed
            and wizard.create_uid == self.env.user
            and self <= wizard.move_ids
            and (not block or (wizard.mode == "block" and (wizard.override_reason or "").strip()))
        )

    def _credit_limit_guarded_elsewhere(self):
        """Whether another add-on asks about this invoice's credit limit: OCA
        account_financial_risk's guard, which reads the same core ``credit_limit``, is about
        to ask (or was confirmed: ``bypass_risk``). Ours then leaves the limit to it and
        holds only for its own reasons (hold flag, band E, overdue items): one question per
        fact, not the same one twice."""
        self.ensure_one()
        if not hasattr(type(self), "risk_exception_msg"):
            return False
        if self.env.context.get("bypass_risk"):
            return True
        if self.company_id["allow_overrisk_invoice_validation"]:
            return False
        return bool(self.sudo().risk_exception_msg())

    def _credit_log_hold_decision(self, posted):
        """Log the accepted warning or the manager's override on the invoices and customers
        actually posted (another add-on's guard may still have stopped them)."""
        wizard_id = self.env.context.get("credit_hold_wizard_id")
        if not wizard_id or not posted:
            return
        wizard = self.env["credit.hold.wizard"].browse(wizard_id).exists()
        moves = posted & wizard.move_ids if wizard else posted.browse()
        if moves:
            wizard._credit_log(moves)

    def _credit_request_first_reports(self):
        """New customers get a first business report from the next scheduled refresh
        (a flag, so that a bureau call never delays or blocks posting)."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")
        if not invoices:
            return
        refreshed = self.env["credit.report.provider"]._credit_auto_refresh_company_ids()
        auto_companies = invoices.company_id.filtered(lambda c: c.id in refreshed)
        # the latest report of the invoice's company, read for whoever posts
        for company in auto_companies:
            partners = (
                invoices.filtered(lambda m, c=company: m.company_id == c)
                .partner_id.commercial_partner_id.sudo()
                .with_company(company)
                .filtered(lambda p: not p.credit_latest_report_id and not p.credit_report_requested)
            )
            if partners:
                partners.credit_report_requested = True

    def button_draft(self):
        # unmatching payments because an invoice goes back to draft is no returned payment
        return super(AccountMove, self.with_context(credit_no_return=True)).button_draft()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # reversing an invoice unmatches its payments: that is no returned payment either
        if any(move.is_invoice(include_receipts=True) for move in self):
            self = self.with_context(credit_no_return=True)
        reversals = super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)
        if not self.env.context.get("credit_no_return"):
            # the money came back: a returned payment, dated by its reversal (the bank's
            # return), not by today
            for reversal in reversals:
                origin = reversal.reversed_entry_id
                if origin._credit_is_customer_receipt() and not origin.credit_return_dismissed:
                    origin.sudo().credit_returned_date = reversal.date
        return reversals

    def _credit_is_customer_receipt(self):
        """Whether this entry is money received from a customer: an inbound customer
        payment, or a bank line crediting a customer's receivable."""
        self.ensure_one()
        payment = self.origin_payment_id
        if payment:
            return payment.partner_type == "customer" and payment.payment_type == "inbound"
        return bool(self.statement_line_id) and any(
            line.account_type == "asset_receivable" and line.balance < 0 for line in self.line_ids
        )

    @api.model
    def _credit_check_returned_access(self):
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(
                self.env._("Only a credit user may say whether a payment was returned.")
            )

    def action_credit_mark_returned(self):
        """A credit user says the money of this payment came back (an 'insoluto' the
        ledger does not show as a reversal)."""
        self._credit_check_returned_access()
        self.check_access("read")
        today = fields.Date.context_today(self)
        for move in self:
            if not move._credit_is_customer_receipt():
                raise UserError(
                    self.env._(
                        "%s is not a customer payment: only money received from a customer "
                        "can come back.",
                        move.display_name,
                    )
                )
            move.sudo().write({"credit_returned_date": today, "credit_return_dismissed": False})
            move.message_post(body=self.env._("Marked as a returned payment."))
        return True

    def action_credit_unmark_returned(self):
        """A credit user says this is no returned payment (e.g. a reversal that only
        corrected a wrong entry)."""
        self._credit_check_returned_access()
        self.check_access("read")
        self.sudo().write({"credit_returned_date": False, "credit_return_dismissed": True})
        for move in self:
            move.message_post(body=self.env._("Not a returned payment."))
        return True
