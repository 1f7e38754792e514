"""Payment plans (rateizzazione): an overlay of installments on a debtor's invoices.

The ledger is never rewritten: the plan lists the invoices it covers and the dates and
amounts agreed; payments on those invoices fill the installments.

How a plan is paid (``amount_paid``): what its invoices received since the plan was made,
i.e. their open amount at creation (``amount_start``) minus their open amount now, in
any matching and any order (payments, credit notes). When the plan carries more than
the invoices (the charges of the latest letters, ``include_charges``, and the plan's
interest), accepting it posts one customer invoice of that extra, added to the plan's
invoices: the customer owes every installment in the ledger, and the money matched to
any of the plan's invoices fills the installments, oldest first (see
``core/payment_plan.py``).

Public API (the portal and the screens build on it):

- ``create({...})`` builds the installments (``core.payment_plan.build_schedule``), or
  checks those given by hand add up to ``amount_total``; the customer, company and
  currency default to the invoices'; ``amount_total`` is computed (a value given is
  ignored);
- ``action_compute_schedule()`` rebuilds them while in draft (a change of the schedule's
  terms, ``SCHEDULE_TERMS``, rebuilds them too; proposing or accepting refuses
  installments that no longer follow the terms, unless the dates are by hand);
- ``action_propose()`` (draft -> proposed; calls the ``_credit_send_proposal()`` hook),
  ``action_accept()`` (by hand), ``action_cancel()`` (an active plan's invoice of charges
  and interest is reversed when unpaid, else left to the controller with an activity);
- ``_credit_accept(signed_by, signature=None, method="portal")`` and
  ``_credit_decline(reason)``: what the portal calls (after its token check, as sudo);
- ``_credit_build_schedule(amount, **kwargs)``: the core's schedule with the errors in
  the user's language (for a preview), and ``_credit_amounts_owed(invoices,
  include_charges=False)``: ``(open amount, letter charges)`` a plan on them would owe;
- ``_cron_update_plans()`` and ``_credit_update_installments()``: the daily update.
"""

import logging
import threading
from collections import defaultdict

from psycopg2.extras import execute_values

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools import format_amount
from odoo.tools import format_date
from odoo.tools import split_every

from ..core import payment_plan as plan_core

_logger = logging.getLogger(__name__)

PLAN_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
INSTALLMENT_STATES = [
    ("open", "Open"),
    ("paid", "Paid"),
    ("late", "Late"),
    ("missed", "Missed"),
]
FREQUENCIES = [
    ("weekly", "Weekly"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("manual", "Dates by Hand"),
]
#: plans that hold their invoices (an invoice may be in one of them at a time)
HOLDING_STATES = ("proposed", "active")
CREDIT_USER = "credit_control.group_credit_user"
CRON_BATCH_SIZE = 500

#: fields only the plan's own actions and the daily update write
SYSTEM_FIELDS = frozenset(
    {
        "state",
        "accepted_by",
        "accepted_user_id",
        "accepted_on",
        "acceptance_method",
        "signature",
        "declined_on",
        "decline_reason",
        "amount_total",
        "amount_start",
        "amount_charges",
        "amount_paid",
        "missed_count",
        "next_due_date",
        "date_ended",
        "charge_move_id",
    }
)
#: the terms of the agreement: changed only while the plan is a draft
TERMS_FIELDS = frozenset(
    {
        "partner_id",
        "company_id",
        "currency_id",
        "invoice_ids",
        "down_payment_amount",
        "installment_count",
        "frequency",
        "first_date",
        "interest_rate",
        "include_charges",
        "grace_days",
        "misses_allowed",
        "installment_ids",
        "letter_id",
    }
)
#: terms that change what is owed
INVOICE_TERMS = frozenset(
    {"invoice_ids", "partner_id", "company_id", "currency_id", "include_charges"}
)
#: terms the installments are built from: a change rebuilds a draft's schedule
SCHEDULE_TERMS = frozenset(
    {"interest_rate", "down_payment_amount", "installment_count", "frequency", "first_date"}
)
#: what a user may set on an installment of a draft plan (the rest is the update's)
INSTALLMENT_USER_FIELDS = frozenset({"sequence", "date_due", "amount", "principal", "interest"})


def _is_mail_field(name):
    return name.startswith(("message_", "activity_"))


def _commit(env):
    """Commit between batches, except under tests (they run in one transaction)."""
    if not (tools.config["test_enable"] or getattr(threading.current_thread(), "testing", 0)):
        env.cr.commit()  # pylint: disable=invalid-commit


class CreditPaymentPlan(models.Model):
    _name = "credit.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, default="/", readonly=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Credit Controller",
        default=lambda self: self.env.user,
        check_company=True,
        tracking=True,
        help="Follows the plan: gets an activity when it breaks or the customer declines it.",
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="credit_payment_plan_move_rel",
        column1="plan_id",
        column2="move_id",
        string="Invoices",
        check_company=True,
    )
    letter_id = fields.Many2one(
        comodel_name="credit.dunning.letter",
        string="From Letter",
        check_company=True,
        help="The dunning letter the plan was offered from.",
    )
    state = fields.Selection(
        selection=PLAN_STATES, required=True, default="draft", index=True, tracking=True
    )
    amount_total = fields.Monetary(
        string="Amount Owed",
        readonly=True,
        help="What the invoices had open when the plan was made, plus the interest and fees "
        "of their latest letters when chosen. The installments' principal adds up to it.",
    )
    amount_start = fields.Monetary(
        string="Invoices Open at Start",
        readonly=True,
        help="What the plan's invoices had open when it was made (and the invoice of the "
        "plan's charges and interest once accepted): payments since then pay the plan.",
    )
    include_charges = fields.Boolean(
        string="Include Letter Charges",
        help="Add the interest and fees of the invoices' latest dunning letters (not "
        "invoiced yet) to the amount owed.",
    )
    amount_charges = fields.Monetary(string="Letter Charges", readonly=True)
    down_payment_amount = fields.Monetary(string="Down Payment")
    installment_count = fields.Integer(string="Installments", default=6)
    frequency = fields.Selection(selection=FREQUENCIES, default="monthly", required=True)
    first_date = fields.Date(
        string="First Payment",
        default=fields.Date.context_today,
        help="Due date of the down payment, or of the first installment without one. "
        "With dates by hand: the day the plan starts (interest runs from it).",
    )
    interest_rate = fields.Float(
        string="Interest Rate (% a Year)",
        digits=(16, 4),
        help="Interest of the plan on the balance still owed (French amortisation); 0 for none.",
    )
    grace_days = fields.Integer(
        default=5, help="Days after its due date before an unpaid installment is missed."
    )
    misses_allowed = fields.Integer(
        default=1, help="Missed installments the plan survives; one more breaks it."
    )
    installment_ids = fields.One2many(
        comodel_name="credit.payment.plan.installment", inverse_name="plan_id"
    )
    amount_interest = fields.Monetary(
        string="Plan Interest", compute="_compute_amounts", store=True
    )
    amount_to_pay = fields.Monetary(string="Total to Pay", compute="_compute_amounts", store=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    amount_residual = fields.Monetary(
        string="Left to Pay", compute="_compute_amount_residual", store=True
    )
    missed_count = fields.Integer(string="Missed Installments", readonly=True)
    next_due_date = fields.Date(readonly=True, index=True)
    date_ended = fields.Date(
        string="Ended On", readonly=True, help="When the plan was completed, broken or cancelled."
    )
    charge_move_id = fields.Many2one(
        comodel_name="account.move",
        string="Charges Invoice",
        readonly=True,
        help="The invoice of the plan's interest and letter charges, posted at acceptance.",
    )
    accepted_by = fields.Char(readonly=True, help="Name of who accepted the plan.")
    accepted_user_id = fields.Many2one(
        comodel_name="res.users", string="Recorded By", readonly=True
    )
    accepted_on = fields.Datetime(readonly=True)
    acceptance_method = fields.Selection(
        selection=[("portal", "Portal"), ("manual", "By Hand")], readonly=True
    )
    signature = fields.Image(
        max_width=1024, max_height=1024, copy=False, attachment=True, readonly=True
    )
    declined_on = fields.Datetime(readonly=True)
    decline_reason = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "counts_not_negative",
            "CHECK(grace_days >= 0 AND misses_allowed >= 0)",
            "Grace days and misses allowed cannot be negative.",
        ),
    ]

    @api.depends("installment_ids.interest", "installment_ids.amount", "amount_total")
    def _compute_amounts(self):
        for plan in self:
            plan.amount_interest = plan.currency_id.round(
                sum(plan.installment_ids.mapped("interest"))
            )
            plan.amount_to_pay = plan.currency_id.round(plan.amount_total + plan.amount_interest)

    @api.depends("amount_to_pay", "amount_paid")
    def _compute_amount_residual(self):
        for plan in self:
            plan.amount_residual = plan.currency_id.round(
                max(0.0, plan.amount_to_pay - plan.amount_paid)
            )

    # ------------------------------------------------------------------
    # Create and write: terms in draft, the rest through the actions
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # what is owed comes from the invoices (and their letters), never from the caller
            vals.pop("amount_total", None)
        if not self.env.su:
            for vals in vals_list:
                written = (set(vals) & SYSTEM_FIELDS) - {"state"}
                if written or vals.get("state", "draft") != "draft":
                    raise AccessError(
                        self.env._(
                            "A payment plan starts as a draft; its state, acceptance and "
                            "payments change only through its actions (%(fields)s).",
                            fields=", ".join(sorted(written or {"state"})),
                        )
                    )
        vals_list = [self._credit_prepare_vals(dict(vals)) for vals in vals_list]
        plans = super().create(vals_list)
        for plan, vals in zip(plans, vals_list, strict=True):
            plan._credit_check_invoices()
            if vals.get("installment_ids"):
                plan._credit_check_installments()
            else:
                plan._credit_rebuild_installments()
        return plans

    def _credit_prepare_vals(self, vals):
        """Sequence, commercial partner, amounts owed from the invoices."""
        if vals.get("name", "/") == "/":
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            vals["name"] = (
                self.env["ir.sequence"]
                .sudo()
                .with_company(company)
                .next_by_code("credit.payment.plan")
                or "/"
            )
        invoices = self.env["account.move"].browse(
            self._credit_ids_of_commands(vals.get("invoice_ids"))
        )
        # from invoices alone (over RPC): their customer, company and currency when they share them
        for name, values in (
            ("partner_id", invoices.commercial_partner_id),
            ("company_id", invoices.company_id),
            ("currency_id", invoices.currency_id),
        ):
            if not vals.get(name) and len(values) == 1:
                vals[name] = values.id
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return vals

    @api.model
    def _credit_ids_of_commands(self, commands):
        """The ids a many2many value sets or links (a list of ids, SET or LINK commands)."""
        ids = []
        for command in commands or []:
            if isinstance(command, int):
                ids.append(command)
            elif command and command[0] == Command.SET:
                ids = list(command[2])
            elif command and command[0] == Command.LINK:
                ids.append(command[1])
        return ids

    def write(self, vals):
        if not self.env.su:
            written = set(vals) & SYSTEM_FIELDS
            if written:
                raise AccessError(
                    self.env._(
                        "A payment plan's state, acceptance and payments change only through "
                        "its actions and the daily update (%(fields)s).",
                        fields=", ".join(sorted(written)),
                    )
                )
            if (
                "active" in vals
                and not vals["active"]
                and any(plan.state in HOLDING_STATES for plan in self)
            ):
                raise UserError(
                    self.env._("A proposed or active plan cannot be archived: cancel it first.")
                )
            terms = set(vals) & TERMS_FIELDS
            if terms and any(plan.state != "draft" for plan in self):
                raise UserError(
                    self.env._(
                        "Only a draft plan's terms can change (%(fields)s): cancel the plan "
                        "and make a new one.",
                        fields=", ".join(sorted(terms)),
                    )
                )
        drafts = self.filtered(lambda plan: plan.state == "draft")
        result = super().write(vals)
        if not self.env.su and INVOICE_TERMS & set(vals):
            for plan in self:
                plan._credit_check_invoices()
        if (
            SCHEDULE_TERMS & set(vals)
            and "installment_ids" not in vals
            and not self.env.context.get("credit_plan_keep_schedule")
        ):
            # the schedule follows its terms: never propose stale installments
            for plan in drafts.filtered(lambda plan: plan.state == "draft"):
                plan._credit_rebuild_installments()
        return result

    def _credit_check_invoices(self, update_amounts=True):
        """The invoices are posted customer invoices of the plan's customer, company and
        currency, with something open, in no other proposed or active plan and no open
        collection case. Sets what they owe (``amount_start``, ``amount_total``) while the
        plan is a draft."""
        self.ensure_one()
        invoices = self.invoice_ids
        if not invoices:
            raise ValidationError(self.env._("Choose the invoices the plan covers."))
        messages = []
        for invoice in invoices:
            name = invoice.display_name
            if invoice.move_type != "out_invoice" or invoice.state != "posted":
                messages.append(self.env._("%s is not a posted customer invoice.", name))
            elif invoice.commercial_partner_id != self.partner_id:
                messages.append(
                    self.env._(
                        "%(invoice)s is of %(other)s, not of %(partner)s.",
                        invoice=name,
                        other=invoice.commercial_partner_id.display_name,
                        partner=self.partner_id.display_name,
                    )
                )
            elif invoice.company_id != self.company_id:
                messages.append(
                    self.env._(
                        "%(invoice)s belongs to %(company)s.",
                        invoice=name,
                        company=invoice.company_id.name,
                    )
                )
            elif invoice.currency_id != self.currency_id:
                messages.append(
                    self.env._(
                        "%(invoice)s is in %(currency)s, the plan in %(plan_currency)s.",
                        invoice=name,
                        currency=invoice.currency_id.name,
                        plan_currency=self.currency_id.name,
                    )
                )
            elif update_amounts and invoice.currency_id.is_zero(invoice.amount_residual):
                messages.append(self.env._("%s has nothing left to pay.", name))
            elif "credit_collection_case_id" in invoice._fields and (
                invoice.sudo().credit_collection_case_id
            ):
                messages.append(
                    self.env._(
                        "%(invoice)s was handed over in collection case %(case)s.",
                        invoice=name,
                        case=invoice.sudo().credit_collection_case_id.display_name,
                    )
                )
        others = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("state", "in", HOLDING_STATES),
                ("invoice_ids", "in", invoices.ids),
            ]
        )
        for other in others:
            for invoice in other.invoice_ids & invoices:
                messages.append(
                    self.env._(
                        "%(invoice)s is already in payment plan %(plan)s.",
                        invoice=invoice.display_name,
                        plan=other.name,
                    )
                )
        if messages:
            raise ValidationError("\n".join(messages))
        if update_amounts and self.state == "draft":
            self._credit_set_amounts()

    def _credit_set_amounts(self):
        """What the invoices have open now, plus the letters' charges when chosen."""
        self.ensure_one()
        start, charges = self._credit_amounts_owed(self.invoice_ids, self.include_charges)
        self.sudo().write(
            {
                "amount_start": start,
                "amount_charges": charges,
                "amount_total": self.currency_id.round(start + charges),
            }
        )

    @api.model
    def _credit_amounts_owed(self, invoices, include_charges=False):
        """``(open amount, letter charges)`` of ``invoices`` (one currency), as a plan on
        them would owe today (also for a preview before the plan exists)."""
        currency = invoices.currency_id[:1] or self.env.company.currency_id
        start = currency.round(sum(invoices.mapped("amount_residual")))
        charges = self._credit_letter_charges(invoices) if include_charges else 0.0
        return start, charges

    @api.model
    def _credit_letter_charges(self, invoices):
        """Interest and compensation of each invoice on its latest sent letter, plus the fee
        of those letters, when the letter's charges were not invoiced already (an invoice
        of charges can join the plan as an invoice)."""
        items = (
            self.env["credit.dunning.letter.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_line_id.move_id", "in", invoices.ids),
                    ("letter_id.state", "=", "sent"),
                ],
                ["letter_id", "move_line_id", "interest_amount", "compensation_amount"],
                order="id desc",
            )
        )
        # the latest sent letter of each invoice says what it owes in charges; when that
        # letter's charges were invoiced already (an earlier letter's would be claimed a
        # second time otherwise), the invoice owes none here
        latest = {}
        for item in items.sorted(lambda i: (i.letter_id.date, i.letter_id.id), reverse=True):
            latest.setdefault(item.move_line_id.move_id, item)
        owed = [item for item in latest.values() if not item.letter_id.charge_move_id]
        letters = self.env["credit.dunning.letter"].union(*(item.letter_id for item in owed))
        total = sum(item.interest_amount + item.compensation_amount for item in owed)
        total += sum(letters.mapped("fee_amount"))
        currency = invoices.currency_id[:1] or self.env.company.currency_id
        return currency.round(total)

    # ------------------------------------------------------------------
    # Schedule
    # ------------------------------------------------------------------

    @api.model
    def _credit_build_schedule(self, amount, **kwargs):
        """``core.payment_plan.build_schedule`` with its errors as a UserError in the user's
        language (for the plan and the preview)."""
        try:
            return plan_core.build_schedule(amount, **kwargs)
        except plan_core.PlanError as error:
            raise UserError(self._credit_plan_error_message(error)) from None

    @api.model
    def _credit_plan_error_message(self, error):
        values = error.values
        messages = {
            "nothing_owed": lambda: self.env._("There is nothing to pay."),
            "bad_count": lambda: self.env._(
                "The number of installments must be at least 1 (it is %s).", values["count"]
            ),
            "negative_down_payment": lambda: self.env._("The down payment cannot be negative."),
            "down_payment_too_large": lambda: self.env._(
                "The down payment (%(down)s) is larger than the amount owed (%(amount)s).",
                down=values["down_payment"],
                amount=values["amount"],
            ),
            "nothing_left": lambda: self.env._(
                "The down payment pays everything: no installment is left."
            ),
            "bad_frequency": lambda: self.env._("Choose a frequency."),
            "no_first_date": lambda: self.env._("Set the date of the first payment."),
            "no_dates": lambda: self.env._("Give the date of each installment."),
            "dates_not_increasing": lambda: self.env._(
                "The installment dates must increase: %s does not.",
                format_date(self.env, values["date"]),
            ),
            "date_before_start": lambda: self.env._(
                "The installment date %(date)s is before the plan's first date %(first)s.",
                date=format_date(self.env, values["date"]),
                first=format_date(self.env, values["first"]),
            ),
            "negative_rate": lambda: self.env._("The interest rate cannot be negative."),
            "installment_too_small": lambda: self.env._(
                "%(count)s installments of %(amount)s would each be less than %(unit)s: "
                "choose fewer.",
                count=values["count"],
                amount=values["amount"],
                unit=values["rounding"],
            ),
        }
        return messages.get(error.code, lambda: str(error))()

    def _credit_schedule(self, dates=None):
        """The core's schedule for this plan's terms."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.first_date and self.first_date < today:
            raise UserError(
                self.env._(
                    "The first payment (%s) cannot be before today.",
                    format_date(self.env, self.first_date),
                )
            )
        return self._credit_build_schedule(
            self.amount_total,
            down_payment=self.down_payment_amount,
            count=self.installment_count,
            first_date=self.first_date,
            frequency=self.frequency,
            yearly_rate=self.interest_rate,
            dates=dates,
            rounding=self.currency_id.rounding,
        )

    def _credit_rebuild_installments(self):
        self.ensure_one()
        dates = None
        if self.frequency == "manual":
            dates = (
                self.installment_ids.filtered(lambda i: i.sequence > 0)
                .sorted("sequence")
                .mapped("date_due")
            )
        schedule = self._credit_schedule(dates=dates)
        commands = [Command.clear()] + [
            Command.create(
                {
                    "sequence": line.sequence,
                    "date_due": line.date_due,
                    "principal": line.principal,
                    "interest": line.interest,
                    "amount": line.amount,
                }
            )
            for line in schedule
        ]
        values = {"installment_ids": commands}
        if dates:
            values["installment_count"] = len(dates)
        self.sudo().with_context(tracking_disable=True).write(values)

    def _credit_check_installments(self):
        """Installments given by hand: dates increasing from the first date (not before
        today), amounts positive, and the principal adds up to the amount owed."""
        self.ensure_one()
        installments = self.installment_ids.sorted(lambda i: (i.sequence, i.id))
        currency = self.currency_id
        if not installments:
            raise ValidationError(self.env._("The plan has no installment."))
        today = fields.Date.context_today(self)
        previous = None
        for installment in installments:
            if installment.date_due < today:
                raise ValidationError(
                    self.env._(
                        "The installment due on %s is before today.",
                        format_date(self.env, installment.date_due),
                    )
                )
            # no two installments on one day (the down payment, sequence 0, leads)
            if previous and (
                installment.date_due < previous
                or (installment.sequence > 0 and installment.date_due == previous)
            ):
                raise ValidationError(
                    self.env._(
                        "The installment dates must increase: %s does not.",
                        format_date(self.env, installment.date_due),
                    )
                )
            if currency.compare_amounts(installment.amount, 0) <= 0:
                raise ValidationError(self.env._("Every installment must be more than zero."))
            if currency.compare_amounts(installment.principal, 0) <= 0:
                raise ValidationError(
                    self.env._("The principal of every installment must be more than zero.")
                )
            if currency.compare_amounts(installment.interest, 0) < 0:
                raise ValidationError(
                    self.env._("The interest of an installment cannot be negative.")
                )
            if currency.compare_amounts(
                installment.amount, installment.principal + installment.interest
            ):
                raise ValidationError(
                    self.env._(
                        "The installment due on %(date)s is of %(amount)s, its principal and "
                        "interest add up to %(sum)s.",
                        date=format_date(self.env, installment.date_due),
                        amount=format_amount(self.env, installment.amount, currency),
                        sum=format_amount(
                            self.env, installment.principal + installment.interest, currency
                        ),
                    )
                )
            previous = installment.date_due
        principal = sum(installments.mapped("principal"))
        if currency.compare_amounts(principal, self.amount_total) != 0:
            raise ValidationError(
                self.env._(
                    "The installments add up to %(sum)s, the plan owes %(total)s: they must "
                    "add up to the cent.",
                    sum=format_amount(self.env, principal, currency),
                    total=format_amount(self.env, self.amount_total, currency),
                )
            )
        count = len(installments.filtered("sequence"))
        if count != self.installment_count:
            self.sudo().with_context(credit_plan_keep_schedule=True).installment_count = count

    def action_compute_schedule(self):
        """Rebuild the installments of draft plans from their terms (and the invoices'
        open amounts of today)."""
        self._credit_check_user()
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("Plan %s is no draft: its schedule is agreed.", plan.name)
                )
            plan._credit_check_invoices()
            plan._credit_rebuild_installments()
        return True

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _credit_check_draft(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(
                self.env._(
                    "The installments of an agreed plan cannot change: cancel it and make a "
                    "new one."
                )
            )

    def _credit_check_user(self):
        """Public actions: Credit users only (and they must see the plans)."""
        if not (self.env.su or self.env.user.has_group(CREDIT_USER)):
            raise AccessError(self.env._("Only credit users may work on payment plans."))
        self.check_access("write")

    def _credit_check_ready(self):
        """Before proposing or accepting: the invoices are still free and the schedule
        adds up and lies ahead."""
        for plan in self:
            plan._credit_check_invoices(update_amounts=False)
            plan._credit_check_installments()
            today = fields.Date.context_today(self)
            if any(i.date_due < today for i in plan.installment_ids):
                raise UserError(
                    self.env._(
                        "Plan %s has installments due before today: recompute its schedule.",
                        plan.name,
                    )
                )
            if plan.frequency != "manual" and not plan._credit_schedule_matches():
                raise UserError(
                    self.env._(
                        "The installments of plan %s no longer follow its terms: recompute "
                        "its schedule.",
                        plan.name,
                    )
                )

    def _credit_schedule_matches(self):
        """The installments are the schedule the plan's terms give (to the cent)."""
        self.ensure_one()
        currency = self.currency_id
        schedule = self._credit_schedule()
        installments = self.installment_ids.sorted(lambda i: (i.sequence, i.id))
        if len(schedule) != len(installments):
            return False
        return all(
            line.sequence == installment.sequence
            and line.date_due == installment.date_due
            and not currency.compare_amounts(float(line.amount), installment.amount)
            and not currency.compare_amounts(float(line.principal), installment.principal)
            and not currency.compare_amounts(float(line.interest), installment.interest)
            for line, installment in zip(schedule, installments, strict=True)
        )

    def action_propose(self):
        """Draft -> proposed: the customer is offered the plan (see
        ``_credit_send_proposal``)."""
        self._credit_check_user()
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only a draft plan can be proposed."))
        self._credit_check_ready()
        self.sudo().write({"state": "proposed"})
        self._credit_send_proposal()
        return True

    def _credit_send_proposal(self):
        """Hook: send the proposal to the customer (the agreement PDF and the portal link
        are added by the portal's extension). Returns None."""
        return None

    def action_accept(self):
        """Accepted by hand (signed on paper, by phone): logged with who recorded it."""
        self._credit_check_user()
        for plan in self:
            plan._credit_accept(self.env.user.name, method="manual")
        return True

    def _credit_accept(self, signed_by, signature=None, method="portal"):
        """The customer accepted: log who, when and how; the plan becomes active and takes
        its invoices out of dunning. Called by the portal (after its token check) and by
        ``action_accept``."""
        self.ensure_one()
        methods = dict(self._fields["acceptance_method"]._description_selection(self.env))
        if method not in methods:
            raise UserError(self.env._("Say how the plan was accepted."))
        allowed = ("proposed",) if method == "portal" else ("draft", "proposed")
        if self.state not in allowed:
            raise UserError(self.env._("Plan %s cannot be accepted any more.", self.name))
        if not (signed_by or "").strip():
            raise UserError(self.env._("Say who accepts the plan."))
        plan = self.sudo()
        plan._credit_check_ready()
        user = self.env.user
        plan.write(
            {
                "state": "active",
                "accepted_by": signed_by.strip(),
                "accepted_user_id": user.id if user._is_internal() else False,
                "accepted_on": fields.Datetime.now(),
                "acceptance_method": method,
                "signature": signature or False,
            }
        )
        plan._credit_post_plan_charges()
        plan.invoice_ids._credit_set_payment_plan(plan)
        plan.message_post(
            body=self.env._(
                "Plan accepted by %(name)s (%(method)s).", name=signed_by, method=methods[method]
            )
        )
        plan._credit_update_installments()
        return True

    def _credit_post_plan_charges(self):
        """The letters' charges and the plan's interest, owed by the plan but in no invoice:
        one posted customer invoice, added to the plan (so that its payment counts)."""
        self.ensure_one()
        currency = self.currency_id
        lines = []
        for amount, label in (
            (self.amount_charges, self.env._("Interest and fees of dunning letters")),
            (self.amount_interest, self.env._("Interest of payment plan %s", self.name)),
        ):
            if not currency.is_zero(amount):
                lines.append(
                    Command.create(
                        {"name": label, "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                )
        if not lines:
            return self.env["account.move"]
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "currency_id": currency.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_date_due": self.installment_ids[-1:].date_due,
                    "ref": self.name,
                    "invoice_line_ids": lines,
                }
            )
        )
        # not action_post: the credit hold guards new sales, and this claims an existing debt
        move._post(soft=False)
        self.write(
            {
                "charge_move_id": move.id,
                "invoice_ids": [Command.link(move.id)],
                "amount_start": currency.round(self.amount_start + move.amount_residual),
            }
        )
        return move

    def action_cancel(self):
        """Cancel plans not ended yet: their invoices return to normal dunning."""
        self._credit_check_user()
        for plan in self:
            if plan.state not in ("draft", "proposed", "active"):
                raise UserError(self.env._("Plan %s has already ended.", plan.name))
        active = self.filtered(lambda plan: plan.state == "active")
        self.sudo()._credit_end("cancelled")
        active.sudo()._credit_withdraw_plan_charges()
        return True

    def _credit_withdraw_plan_charges(self):
        """A cancelled plan claims no more its charges and interest: their invoice is
        reversed when nothing was paid on it; partly paid, the controller decides (a note
        and an activity, as when a plan breaks)."""
        plans = self.filtered(lambda plan: plan.charge_move_id.state == "posted")
        unpaid = plans.filtered(
            lambda plan: (
                plan.charge_move_id.currency_id.compare_amounts(
                    plan.charge_move_id.amount_residual, plan.charge_move_id.amount_total
                )
                == 0
            )
        )
        if unpaid:
            moves = unpaid.charge_move_id
            moves._reverse_moves(
                default_values_list=[
                    {
                        "ref": self.env._("Payment plan %s cancelled", plan.name),
                        "invoice_date": fields.Date.context_today(self),
                    }
                    for plan in unpaid
                ],
                cancel=True,
            )
            unpaid._message_log_batch(
                {
                    plan.id: self.env._(
                        "Plan cancelled: the invoice of its charges and interest (%s) is reversed.",
                        plan.charge_move_id.name,
                    )
                    for plan in unpaid
                }
            )
        notes = {
            plan: self.env._(
                "Payment plan %(plan)s is cancelled; the invoice of its charges and interest "
                "(%(move)s) is partly paid and stays open: credit what is not owed if you wish.",
                plan=plan.name,
                move=plan.charge_move_id.name,
            )
            for plan in plans - unpaid
        }
        if notes:
            (plans - unpaid)._message_log_batch({plan.id: note for plan, note in notes.items()})
            (plans - unpaid)._credit_schedule_activity(
                self.env._("Cancelled plan's charges"), notes
            )

    def _credit_decline(self, reason):
        """The customer declined the proposal (portal): cancelled, with the reason logged
        and an activity for the controller."""
        self.ensure_one()
        if self.state != "proposed":
            raise UserError(self.env._("Plan %s is not waiting for an answer.", self.name))
        plan = self.sudo()
        plan.write(
            {
                "declined_on": fields.Datetime.now(),
                "decline_reason": (reason or "").strip() or False,
            }
        )
        plan._credit_end("cancelled")
        note = self.env._(
            "The customer declined payment plan %(plan)s: %(reason)s",
            plan=plan.name,
            reason=reason or self.env._("no reason given"),
        )
        plan.message_post(body=note)
        plan._credit_schedule_activity(self.env._("Plan declined"), note)
        return True

    def _credit_end(self, state):
        """Completed, broken or cancelled: the invoices leave the plan (dunning takes them
        back; after a break one level up, see ``credit_dunning_run_payment_plan.py``)."""
        today = fields.Date.context_today(self)
        self.write({"state": state, "date_ended": today})
        moves = self.env["account.move"].sudo().search([("credit_payment_plan_id", "in", self.ids)])
        moves._credit_set_payment_plan(False)

    def _credit_schedule_activity(self, summary, notes):
        """A to-do for each plan's controller (the administrator when it has none), in one
        create; ``notes`` is a text or ``{plan: text}``. No e-mail per activity (the daily
        update may break several plans at once): the activities show in Odoo."""
        if not self:
            return self.env["mail.activity"]
        admin = self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        values = []
        for plan in self:
            user = plan.user_id if plan.user_id.active and plan.user_id._is_internal() else admin
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": plan.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": notes.get(plan) if isinstance(notes, dict) else notes,
                    "user_id": user.id,
                    "date_deadline": today,
                }
            )
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(values)
        )

    # ------------------------------------------------------------------
    # Daily update
    # ------------------------------------------------------------------

    @api.model
    def _cron_update_plans(self, batch_size=CRON_BATCH_SIZE):
        """Every active plan: what was paid fills its installments, missed ones counted,
        the plan completed or broken. Batches committed, progress reported; idempotent
        (each run recomputes from the ledger)."""
        plans = self.sudo().search([("state", "=", "active")], order="id")
        done, total = 0, len(plans)
        for batch_ids in split_every(batch_size, plans.ids):
            self.sudo().browse(batch_ids)._credit_update_installments()
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
            _commit(self.env)
        _logger.info("Payment plans: %s active plan(s) updated.", total)
        return True

    def _credit_invoices_open(self):
        """``{plan id: open amount of its posted invoices now}`` in two queries."""
        self.env["account.move"].flush_model(["amount_residual"])
        self.flush_model(["invoice_ids"])
        # two lookups by key, added up here: a join over the batch may be planned as a
        # scan of every move (a freshly filled relation table looks big to PostgreSQL)
        links = self.env.execute_query(
            SQL(
                "SELECT plan_id, move_id FROM credit_payment_plan_move_rel WHERE plan_id = ANY(%s)",
                self.ids,
            )
        )
        residuals = dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, amount_residual FROM account_move"
                    " WHERE id = ANY(%s) AND state = 'posted'",
                    [move_id for _plan_id, move_id in links],
                )
            )
        )
        open_now = defaultdict(float)
        for plan_id, move_id in links:
            if move_id in residuals:
                open_now[plan_id] += float(residuals[move_id] or 0.0)
        return dict(open_now)

    def _credit_update_installments(self, today=None):
        """Recompute the installments and figures of active plans, set-based: two queries
        for the invoices, one for the installments, the core's rules in plain Python, bulk
        updates of what changed; then complete or break the plans that must."""
        plans = self.sudo().filtered(lambda p: p.state == "active")
        if not plans:
            return self.browse()
        today = today or fields.Date.context_today(self)
        open_now = plans._credit_invoices_open()
        self.env["credit.payment.plan.installment"].flush_model()
        plans.flush_model()
        plan_rows = self.env.execute_query(
            SQL(
                """
                SELECT plan.id, plan.amount_start, plan.amount_paid, plan.missed_count,
                       plan.next_due_date, plan.grace_days, plan.misses_allowed,
                       currency.rounding
                  FROM credit_payment_plan plan
                  JOIN res_currency currency ON currency.id = plan.currency_id
                 WHERE plan.id = ANY(%s)
                """,
                plans.ids,
            )
        )
        by_plan = {}
        for row in self.env.execute_query(
            SQL(
                """
                SELECT plan_id, id, amount, amount_paid, state, date_due, date_paid
                  FROM credit_payment_plan_installment
                 WHERE plan_id = ANY(%s)
              ORDER BY plan_id, sequence, id
                """,
                plans.ids,
            )
        ):
            by_plan.setdefault(row[0], []).append(row[1:])
        installment_updates, plan_updates = [], []
        completed, broken = [], []
        for (
            plan_id,
            start,
            paid_before,
            missed_before,
            next_before,
            grace,
            allowed,
            rounding,
        ) in plan_rows:
            lines = by_plan.get(plan_id, [])
            rounding = float(rounding)
            paid = max(0.0, float(start or 0.0) - float(open_now.get(plan_id) or 0.0))
            results = plan_core.installment_states(
                [(line[1], line[4]) for line in lines], paid, today, grace or 0, rounding
            )
            states = [state for _share, state in results]
            for line, (share, state) in zip(lines, results, strict=True):
                line_id, _amount, line_paid, line_state, _due, date_paid = line
                new_date_paid = (date_paid or today) if state == "paid" else None
                if (
                    abs(share - float(line_paid or 0.0)) >= rounding / 2
                    or state != line_state
                    or new_date_paid != date_paid
                ):
                    installment_updates.append((line_id, share, state, new_date_paid))
            missed = states.count("missed")
            next_due = min(
                (line[4] for line, state in zip(lines, states, strict=True) if state != "paid"),
                default=None,
            )
            allocated = round(sum(share for share, _state in results), 6)
            if (
                abs(allocated - float(paid_before or 0.0)) >= rounding / 2
                or missed != (missed_before or 0)
                or next_due != next_before
            ):
                plan_updates.append((plan_id, allocated, missed, next_due))
            new_state = plan_core.plan_state(states, allowed)
            if new_state == "completed":
                completed.append(plan_id)
            elif new_state == "broken":
                broken.append(plan_id)
        self._credit_bulk_update(installment_updates, plan_updates)
        if completed:
            self.sudo().browse(completed)._credit_complete()
        if broken:
            self.sudo().browse(broken)._credit_break()
        return plans

    def _credit_bulk_update(self, installment_rows, plan_rows):
        cr = self.env.cr
        uid = int(self.env.uid)
        if installment_rows:
            execute_values(
                cr._obj,
                "UPDATE credit_payment_plan_installment i SET amount_paid = v.paid,"
                " state = v.state, date_paid = v.date_paid,"
                f" write_date = NOW() AT TIME ZONE 'UTC', write_uid = {uid}"
                " FROM (VALUES %s) AS v(id, paid, state, date_paid) WHERE i.id = v.id",
                installment_rows,
                template="(%s, %s::numeric, %s::varchar, %s::date)",
                page_size=1000,
            )
            self.env["credit.payment.plan.installment"].invalidate_model(
                ["amount_paid", "state", "date_paid"]
            )
        if plan_rows:
            execute_values(
                cr._obj,
                "UPDATE credit_payment_plan p SET amount_paid = v.paid,"
                " amount_residual = GREATEST(0, p.amount_to_pay - v.paid),"
                " missed_count = v.missed, next_due_date = v.next_due,"
                f" write_date = NOW() AT TIME ZONE 'UTC', write_uid = {uid}"
                " FROM (VALUES %s) AS v(id, paid, missed, next_due) WHERE p.id = v.id",
                plan_rows,
                template="(%s, %s::numeric, %s::int4, %s::date)",
                page_size=1000,
            )
            self.invalidate_model(
                ["amount_paid", "amount_residual", "missed_count", "next_due_date"]
            )

    def _credit_complete(self):
        plans = self.with_context(tracking_disable=True)
        plans._credit_end("completed")
        plans._message_log_batch(
            {plan.id: self.env._("Every installment is paid: plan completed.") for plan in self}
        )

    def _credit_break(self):
        """More installments missed than allowed: the plan breaks. The controller gets an
        activity, the partner's chatter says so, dunning takes the invoices back one level
        above their last letter."""
        plans = self.with_context(tracking_disable=True)
        plans._credit_end("broken")
        notes = {}
        for plan in self:
            note = self.env._(
                "Payment plan %(plan)s is broken: %(missed)s installment(s) missed, "
                "%(allowed)s allowed. Its invoices are chased again, one dunning level above "
                "their last letter; %(left)s is left to pay.",
                plan=plan.name,
                missed=plan.missed_count,
                allowed=plan.misses_allowed,
                left=format_amount(self.env, plan.amount_residual, plan.currency_id),
            )
            if plan.charge_move_id:
                note += " " + self.env._(
                    "The invoice of the plan's interest (%s) stays open: credit what was not "
                    "earned if you wish.",
                    plan.charge_move_id.name,
                )
            notes[plan] = note
        plans._message_log_batch({plan.id: note for plan, note in notes.items()})
        by_partner = defaultdict(list)
        for plan, note in notes.items():
            by_partner[plan.partner_id.id].append(note)
        self.partner_id._message_log_batch(
            {partner_id: "<br/>".join(texts) for partner_id, texts in by_partner.items()}
        )
        self._credit_schedule_activity(self.env._("Payment plan broken"), notes)


class CreditPaymentPlanInstallment(models.Model):
    _name = "credit.payment.plan.installment"
    _description = "Payment Plan Installment"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        comodel_name="credit.payment.plan", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=1, help="0 for the down payment.")
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id", store=True)
    plan_state = fields.Selection(related="plan_id.state", string="Plan State")
    date_due = fields.Date(required=True, index=True)
    principal = fields.Monetary()
    interest = fields.Monetary()
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary(readonly=True)
    amount_residual = fields.Monetary(string="Left to Pay", compute="_compute_amount_residual")
    date_paid = fields.Date(readonly=True, help="When the update found it paid in full.")
    state = fields.Selection(
        selection=INSTALLMENT_STATES, required=True, default="open", index=True, readonly=True
    )

    @api.depends("amount", "amount_paid")
    def _compute_amount_residual(self):
        for installment in self:
            installment.amount_residual = installment.currency_id.round(
                max(0.0, installment.amount - installment.amount_paid)
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "principal" not in vals and "amount" in vals:
                vals["principal"] = (vals["amount"] or 0.0) - (vals.get("interest") or 0.0)
            if "amount" not in vals and "principal" in vals:
                vals["amount"] = (vals["principal"] or 0.0) + (vals.get("interest") or 0.0)
        if not self.env.su:
            for vals in vals_list:
                self._credit_check_user_fields(vals)
            plans = self.env["credit.payment.plan"].browse(
                {vals.get("plan_id") for vals in vals_list}
            )
            plans._credit_check_draft()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._credit_check_user_fields(vals)
            self.plan_id._credit_check_draft()
        return super().write(vals)

    def _credit_check_user_fields(self, vals):
        forbidden = set(vals) - INSTALLMENT_USER_FIELDS - {"plan_id"}
        if forbidden:
            raise AccessError(
                self.env._(
                    "What was paid on an installment, and its state, come from the ledger "
                    "(%(fields)s).",
                    fields=", ".join(sorted(forbidden)),
                )
            )
