"""Credit hold on posting customer invoices, returned payments, first-invoice report request."""

from odoo import Command
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

# Context keys by which other add-ons' posting guards remember that the user confirmed
# them; our wizard carries them so that confirming ours doesn't re-open theirs.
OTHER_GUARD_CONFIRMATIONS = ("bypass_risk",)


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_returned_date = fields.Date(
        string="Returned On",
        copy=False,
        readonly=True,
        help="Set on a customer payment's entry when it was reversed or unmatched from the "
        "invoice it paid (a returned payment, 'insoluto').",
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

    def _credit_hold_check(self):
        """None when posting may go on, else the confirmation/override wizard's action.
        Raises a UserError when the company blocks and the user is no credit manager.

        Code running as superuser (data files, scheduled actions) has nobody to ask. A user
        who confirmed the wizard posts with ``credit_hold_checked`` in the context; that
        key never lets a user who is no credit manager through a block.
        """
        if self.env.su:
            return None
        moves = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "draft"
                and m.company_id._credit_hold_mode() != "off"
            )
        )
        if not moves:
            return None
        reasons_by_move = {}
        for company in moves.company_id:
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            partners = company_moves.partner_id.commercial_partner_id
            open_amounts = partners._credit_open_amounts(company)
            for move in company_moves:
                reasons = move.partner_id.commercial_partner_id._credit_hold_reasons(
                    company,
                    move.amount_total_signed,
                    open_amounts,
                    check_limit=not move._credit_limit_guarded_elsewhere(),
                )
                if reasons:
                    reasons_by_move[move] = reasons
        if not reasons_by_move:
            return None
        block = any(m.company_id._credit_hold_mode() == "block" for m in reasons_by_move)
        is_manager = self.env.user.has_group("credit_control.group_credit_manager")
        text = "\n".join(
            f"{move.partner_id.commercial_partner_id.name}: {reason}"
            for move, reasons in reasons_by_move.items()
            for reason in reasons
        )
        if block and not is_manager:
            raise UserError(
                self.env._(
                    "This invoice cannot be posted: the customer is on credit hold.\n%(reasons)s"
                    "\nAsk a credit manager to override the hold.",
                    reasons=text,
                )
            )
        if self.env.context.get("credit_hold_checked"):
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
        auto_companies = (
            self.env["credit.report.provider"]
            .sudo()
            .search([("auto_refresh", "=", True), ("company_id", "in", invoices.company_id.ids)])
            .company_id
        )
        partners = invoices.filtered(
            lambda m: m.company_id in auto_companies
        ).partner_id.commercial_partner_id.filtered(
            lambda p: not p.credit_latest_report_id and not p.credit_report_requested
        )
        if partners:
            partners.sudo().credit_report_requested = True

    def button_draft(self):
        # unmatching payments because an invoice goes back to draft is no returned payment
        return super(AccountMove, self.with_context(credit_no_return=True)).button_draft()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # reversing an invoice unmatches its payments: that is no returned payment either
        if any(move.is_invoice(include_receipts=True) for move in self):
            self = self.with_context(credit_no_return=True)
        reversals = super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)
        # a returned payment is dated by its reversal (the bank's return), not by today
        for reversal in reversals:
            origin = reversal.reversed_entry_id
            if origin.credit_returned_date and origin.credit_returned_date != reversal.date:
                origin.sudo().credit_returned_date = reversal.date
        return reversals
