"""Credit limit and hold: the reasons that hold a customer, the manager's approval."""

from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..core import dates
from .res_partner_scoring import CREDIT_PREFETCH

# fields only a Credit manager may write (res.partner.credit_limit is Odoo's own)
MANAGER_FIELDS = frozenset(
    {
        "credit_limit",
        "use_partner_credit_limit",
        "credit_dunning_pause_until",
        "credit_hold",
        "credit_hold_reason",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # per company, like the assessment: company A's hold is no business of company B
    credit_hold = fields.Boolean(
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        index=False,
        tracking=True,
        groups="credit_control.group_credit_viewer",
        help="Set by a credit manager: posting an invoice for this customer warns or is "
        "blocked, as set in the settings.",
    )
    credit_hold_reason = fields.Char(
        string="Hold Reason",
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        index=False,
        tracking=True,
        groups="credit_control.group_credit_viewer",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if not vals.get("parent_id"):
                    self._credit_check_manager_fields({k for k, v in vals.items() if v})
        return super().create(vals_list)

    credit_hold_ineffective = fields.Boolean(
        compute="_compute_credit_hold_ineffective",
        groups="credit_control.group_credit_user",
        help="The current company's credit hold mode is Off: neither the hold nor the credit "
        "limit stops or warns anyone posting an invoice.",
    )

    def _compute_credit_hold_ineffective(self):
        ineffective = self.env.company._credit_hold_mode() == "off"
        for partner in self:
            partner.credit_hold_ineffective = ineffective

    def write(self, vals):
        if set(vals) & MANAGER_FIELDS and not self.env.su:
            self._credit_check_manager_fields(set(vals), self.filtered(lambda p: not p.parent_id))
            if set(vals) <= MANAGER_FIELDS and self._credit_is_manager():
                # a credit manager holds customers and sets their limit without the
                # right to edit contacts
                self.check_access("read")
                return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

    def _credit_is_manager(self):
        return self.env.user.has_group("credit_control.group_credit_manager")

    def _credit_check_manager_fields(self, names, partners=True):
        """Refuse a user who is no Credit manager (whatever other groups: billing,
        contact creation) to set the credit limit, the dunning pause or the hold of a
        customer (of its commercial entity: contacts below it only carry copies)."""
        touched = names & MANAGER_FIELDS
        if not touched or not partners or self.env.su or self._credit_is_manager():
            return
        raise AccessError(
            self.env._(
                "Only a credit manager may change a customer's credit limit, dunning "
                "pause or credit hold (%(fields)s).",
                fields=", ".join(sorted(touched)),
            )
        )

    def action_credit_approve_limit(self):
        """A credit manager makes the recommended limit the customer's credit limit
        (of the current company). A recommended limit of 0 means no credit at all, which
        Odoo's credit limit cannot say (0 there is 'no limit'): it is refused."""
        if not self.env.user.has_group("credit_control.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager may approve a credit limit."))
        self.check_access("read")
        company = self.env.company
        currency = company.currency_id
        for partner in self.sudo().with_company(company):
            if currency.is_zero(partner.credit_recommended_limit):
                raise UserError(
                    self.env._(
                        "%(partner)s: the recommended limit is 0, which means no credit "
                        "at all (cash in advance). A credit limit of 0 would mean 'no "
                        "limit': put the customer on credit hold instead.",
                        partner=partner.display_name,
                    )
                )
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
        """``{commercial partner: (exposure, oldest overdue days)}`` in two grouped reads.

        Exposure nets every open item (an unmatched payment or credit note lowers it);
        only amounts owed (positive residuals of collectible invoices) can be overdue: an
        advance payment's or a credit's date is no due date."""
        today = fields.Date.context_today(self)
        domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("partner_id.commercial_partner_id", "in", self.ids),
        ]
        move_lines = self.env["account.move.line"]
        result = defaultdict(lambda: [0.0, 0])
        for partner, residual in move_lines._read_group(
            domain, ["partner_id"], ["amount_residual:sum"]
        ):
            result[partner.commercial_partner_id][0] += residual
        overdue_domain = [
            *domain,
            ("amount_residual", ">", 0),
            ("date_maturity", "<", today),
            *self.env["account.move"]._credit_collectible_line_domain(),
            *self._credit_hold_overdue_domain(),
        ]
        for partner, oldest_due in move_lines._read_group(
            overdue_domain, ["partner_id"], ["date_maturity:min"]
        ):
            entry = result[partner.commercial_partner_id]
            entry[1] = max(entry[1], dates.days_between(oldest_due, today))
        return result

    @api.model
    def _credit_hold_overdue_domain(self):
        """More conditions on the items that may count as overdue for the hold (features
        add theirs, e.g. an invoice in an active payment plan is not overdue)."""
        return []

    def _credit_hold_reasons(self, company, new_amount, open_amounts=None, check_limit=True):
        """Plain-words reasons to hold a new invoice of ``new_amount`` for this customer
        (``check_limit=False``: another guard asks about the credit limit)."""
        self.ensure_one()
        # the invoice company's assessment, read for any user who posts
        partner = self.commercial_partner_id.sudo().with_company(company)
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
