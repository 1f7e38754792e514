"""Credit limit and hold: the reasons that hold a customer, the manager's approval."""

from collections import defaultdict

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import format_amount

from ..core import dates


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_hold = fields.Boolean(
        copy=False,
        tracking=True,
        help="Set by a credit manager: posting an invoice for this customer warns or is "
        "blocked, as set in the settings.",
    )
    credit_hold_reason = fields.Char(string="Hold Reason", copy=False, tracking=True)
    credit_hold_ineffective = fields.Boolean(
        compute="_compute_credit_hold_ineffective",
        help="The current company's credit hold mode is Off: neither the hold nor the credit "
        "limit stops or warns anyone posting an invoice.",
    )

    def _compute_credit_hold_ineffective(self):
        ineffective = self.env.company._credit_hold_mode() == "off"
        for partner in self:
            partner.credit_hold_ineffective = ineffective

    def write(self, vals):
        hold_fields = {"credit_hold", "credit_hold_reason"}
        if hold_fields & set(vals) and not self.env.su:
            if not self.env.user.has_group("credit_control.group_credit_manager"):
                raise AccessError(
                    self.env._("Only a credit manager may put a customer on hold or release it.")
                )
            if set(vals) <= hold_fields:
                # a credit manager holds customers without the right to edit contacts
                self.check_access("read")
                return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

    def action_credit_approve_limit(self):
        """A credit manager makes the recommended limit the customer's credit limit."""
        if not self.env.user.has_group("credit_control.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager may approve a credit limit."))
        self.check_access("read")
        currency = self.env.company.currency_id
        for partner in self.sudo():
            old = partner.credit_limit
            partner.credit_limit = partner.credit_recommended_limit
            partner.message_post(
                author_id=self.env.user.partner_id.id,
                body=self.env._(
                    "Credit limit approved by %(user)s: %(new)s (was %(old)s).",
                    user=self.env.user.name,
                    new=format_amount(self.env, partner.credit_limit, currency),
                    old=format_amount(self.env, old, currency),
                ),
            )
        return True

    def _credit_open_amounts(self, company):
        """``{commercial partner: (exposure, oldest overdue days)}`` in one grouped read."""
        today = fields.Date.context_today(self)
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("partner_id.commercial_partner_id", "in", self.ids),
            ],
            ["partner_id"],
            ["amount_residual:sum", "date_maturity:min"],
        )
        result = defaultdict(lambda: [0.0, 0])
        for partner, residual, oldest_due in groups:
            entry = result[partner.commercial_partner_id]
            entry[0] += residual
            if oldest_due and oldest_due < today:
                entry[1] = max(entry[1], dates.days_between(oldest_due, today))
        return result

    def _credit_hold_reasons(self, company, new_amount, open_amounts=None, check_limit=True):
        """Plain-words reasons to hold a new invoice of ``new_amount`` for this customer
        (``check_limit=False``: another guard asks about the credit limit)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        open_amounts = open_amounts or partner._credit_open_amounts(company)
        exposure, overdue_days = open_amounts.get(partner, (0.0, 0))
        currency = company.currency_id
        reasons = []
        if partner.credit_hold:
            reasons.append(
                self.env._(
                    "On credit hold: %(reason)s",
                    reason=partner.credit_hold_reason or self.env._("no reason given"),
                )
            )
        if partner.credit_band == "E":
            reasons.append(
                self.env._(
                    "In credit band E (score %(score)s).",
                    score=partner.credit_score,
                )
            )
        limit = partner.with_company(company).credit_limit
        if (
            check_limit
            and not currency.is_zero(limit)
            and currency.compare_amounts(exposure + new_amount, limit) > 0
        ):
            reasons.append(
                self.env._(
                    "Exposure %(exposure)s plus this invoice %(amount)s is %(total)s, over "
                    "the credit limit of %(limit)s.",
                    exposure=format_amount(self.env, exposure, currency),
                    amount=format_amount(self.env, new_amount, currency),
                    total=format_amount(self.env, exposure + new_amount, currency),
                    limit=format_amount(self.env, limit, currency),
                )
            )
        threshold = company.credit_hold_overdue_days
        if threshold and overdue_days > threshold:
            reasons.append(
                self.env._(
                    "An item is overdue by %(days)s days, more than the %(threshold)s allowed.",
                    days=overdue_days,
                    threshold=threshold,
                )
            )
        return reasons
