"""Start a payment plan: from a customer, from overdue invoices selected in the invoice list,
or from a dunning letter ("Offer a payment plan"). The schedule is previewed, computed by
the core, before the plan is created."""

from markupsafe import Markup
from markupsafe import escape

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import format_amount
from odoo.tools import format_date


class CreditPaymentPlanWizard(models.TransientModel):
    _name = "credit.payment.plan.wizard"
    _description = "Start a Payment Plan"

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        domain="[('is_company', '=', True)]",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="credit_payment_plan_wizard_move_rel",
        column1="wizard_id",
        column2="move_id",
        string="Invoices",
        domain="[('partner_id', 'child_of', partner_id), ('company_id', '=', company_id),"
        " ('currency_id', '=', currency_id), ('move_type', '=', 'out_invoice'),"
        " ('state', '=', 'posted'), ('amount_residual', '>', 0)]",
    )
    letter_id = fields.Many2one(
        comodel_name="credit.dunning.letter",
        string="Dunning Letter",
        readonly=True,
        help="The letter the plan is offered from.",
    )
    include_charges = fields.Boolean(
        string="Include Letter Charges",
        help="Add the interest and fees of the invoices' latest dunning letters (not "
        "invoiced yet) to the amount owed.",
    )
    amount_total = fields.Monetary(
        string="Amount Owed",
        compute="_compute_amount_total",
        help="What is still open on the invoices chosen, plus the letters' charges when chosen.",
    )
    down_payment_amount = fields.Monetary(string="Down Payment")
    installment_count = fields.Integer(string="Installments", default=6)
    frequency = fields.Selection(
        selection=[("weekly", "Weekly"), ("monthly", "Monthly"), ("quarterly", "Quarterly")],
        default="monthly",
        required=True,
    )
    first_date = fields.Date(
        string="First Payment",
        required=True,
        default=fields.Date.context_today,
        help="The date of the down payment, or of the first installment without one.",
    )
    interest_rate = fields.Float(
        string="Interest (% a year)",
        digits=(16, 4),  # as on the plan: the rate the wizard passes on
        help="Plan interest on the balance still owed (French amortisation); 0 for none.",
    )
    grace_days = fields.Integer(
        default=5, help="Days after its due date before an unpaid installment is missed."
    )
    misses_allowed = fields.Integer(
        default=1, help="Missed installments tolerated: one more breaks the plan."
    )
    preview_html = fields.Html(
        string="Schedule", compute="_compute_preview_html", sanitize=False, readonly=True
    )
    preview_error = fields.Char(compute="_compute_preview_html")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or (
            [self.env.context["active_id"]] if self.env.context.get("active_id") else []
        )
        if model == "res.partner" and ids:
            partner = self.env["res.partner"].browse(ids[:1]).commercial_partner_id
            values["partner_id"] = partner.id
            invoices = self._credit_open_invoices(partner)
            overdue = invoices.filtered(
                lambda move: (
                    move.invoice_date_due
                    and move.invoice_date_due < fields.Date.context_today(self)
                )
            )
            invoices = overdue or invoices
            currency = invoices.currency_id[:1]
            if currency:
                values["currency_id"] = currency.id
                values["invoice_ids"] = [
                    fields.Command.set(invoices.filtered(lambda m: m.currency_id == currency).ids)
                ]
        elif model == "account.move" and ids:
            invoices = self.env["account.move"].browse(ids)
            self._credit_check_invoices(invoices)
            values.update(
                partner_id=invoices.commercial_partner_id.id,
                company_id=invoices.company_id.id,
                currency_id=invoices.currency_id.id,
                invoice_ids=[fields.Command.set(invoices.ids)],
            )
        elif model == "credit.dunning.letter" and ids:
            letter = self.env["credit.dunning.letter"].browse(ids[:1])
            invoices = letter.line_ids.move_id.filtered(
                lambda move: (
                    move.move_type == "out_invoice"
                    and move.state == "posted"
                    and move.amount_residual > 0
                )
            )
            values.update(
                partner_id=letter.partner_id.commercial_partner_id.id,
                company_id=letter.company_id.id,
                currency_id=letter.currency_id.id,
                letter_id=letter.id,
                invoice_ids=[fields.Command.set(invoices.ids)],
            )
        return values

    def _credit_open_invoices(self, partner):
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
                ("credit_payment_plan_id", "=", False),
            ],
            order="invoice_date_due, id",
        )

    def _credit_check_invoices(self, invoices):
        """Invoices selected in the list: one customer, company and currency, all open."""
        if not invoices:
            raise UserError(self.env._("Select the invoices the plan should cover."))
        wrong = invoices.filtered(
            lambda move: (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or move.amount_residual <= 0
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only posted customer invoices with something left to pay can go in a "
                    "payment plan: %(invoices)s.",
                    invoices=", ".join(wrong.mapped("display_name")),
                )
            )
        if len(invoices.commercial_partner_id) > 1:
            raise UserError(self.env._("A payment plan covers the invoices of one customer."))
        if len(invoices.company_id) > 1 or len(invoices.currency_id) > 1:
            raise UserError(
                self.env._("A payment plan covers invoices of one company in one currency.")
            )
        planned = invoices.filtered("credit_payment_plan_id")
        if planned:
            raise UserError(
                self.env._(
                    "Already in an active payment plan: %(invoices)s.",
                    invoices=", ".join(planned.mapped("display_name")),
                )
            )

    @api.depends("invoice_ids", "currency_id", "include_charges")
    def _compute_amount_total(self):
        Plan = self.env["credit.payment.plan"]
        for wizard in self:
            amount = sum(wizard.invoice_ids.mapped("amount_residual"))
            if wizard.include_charges and wizard.invoice_ids:
                # the engine's own reading of the letters' charges, on an unsaved plan
                draft = Plan.new(
                    {
                        "invoice_ids": [fields.Command.set(wizard.invoice_ids._origin.ids)],
                        "currency_id": wizard.currency_id.id,
                        "company_id": wizard.company_id.id,
                    }
                )
                amount += draft._credit_letter_charges()
            wizard.amount_total = wizard.currency_id.round(amount)

    def _credit_schedule(self):
        """The core's schedule for the wizard's figures, through the engine (its errors
        worded in the user's language as a UserError)."""
        self.ensure_one()
        return self.env["credit.payment.plan"]._credit_build_schedule(
            self.amount_total,
            down_payment=self.down_payment_amount or 0.0,
            count=self.installment_count,
            first_date=self.first_date,
            frequency=self.frequency,
            yearly_rate=self.interest_rate or 0.0,
            rounding=self.currency_id.rounding or 0.01,
        )

    @api.depends(
        "amount_total",
        "down_payment_amount",
        "installment_count",
        "frequency",
        "first_date",
        "interest_rate",
        "currency_id",
    )
    def _compute_preview_html(self):
        for wizard in self:
            wizard.preview_error = False
            wizard.preview_html = False
            if not (wizard.currency_id and wizard.first_date):
                continue
            if wizard.first_date < fields.Date.context_today(wizard):
                wizard.preview_error = self.env._(
                    "The first payment (%s) cannot be before today.",
                    format_date(self.env, wizard.first_date),
                )
                continue
            try:
                schedule = wizard._credit_schedule()
            except UserError as error:
                wizard.preview_error = error.args[0]
                continue
            wizard.preview_html = wizard._credit_preview_table(schedule)

    def _credit_preview_table(self, schedule):
        currency = self.currency_id

        def money(amount):
            return format_amount(self.env, amount, currency)

        head = Markup(
            "<table class='table table-sm o_credit_plan_preview'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("No."),
            self.env._("Due Date"),
            self.env._("Principal"),
            self.env._("Interest"),
            self.env._("Installment"),
        )
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            )
            % (
                self.env._("%(number)s (down payment)", number=line.sequence)
                if line.sequence == 0
                else line.sequence,
                format_date(self.env, line.date_due),
                money(line.principal),
                money(line.interest),
                money(line.amount),
            )
            for line in schedule
        )
        total = Markup(
            "<tr class='fw-bold'><td colspan='2'>%s</td><td class='text-end'>%s</td>"
            "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr></tbody></table>"
        ) % (
            self.env._("Total"),
            money(sum(line.principal for line in schedule)),
            money(sum(line.interest for line in schedule)),
            money(sum(line.amount for line in schedule)),
        )
        return head + rows + total

    def _credit_plan_values(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_ids": [fields.Command.set(self.invoice_ids.ids)],
            "letter_id": self.letter_id.id,
            "include_charges": self.include_charges,
            "down_payment_amount": self.down_payment_amount,
            "installment_count": self.installment_count,
            "frequency": self.frequency,
            "first_date": self.first_date,
            "interest_rate": self.interest_rate,
            "grace_days": self.grace_days,
            "misses_allowed": self.misses_allowed,
        }

    def action_create_plan(self):
        """Create the plan (draft, its installments as previewed) and open it."""
        self.ensure_one()
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(self.env._("Only the credit team may start a payment plan."))
        self._credit_check_invoices(self.invoice_ids)
        if self.preview_error:
            raise UserError(self.preview_error)
        plan = self.env["credit.payment.plan"].create(self._credit_plan_values())
        if self.letter_id:
            plan.message_post(
                body=escape(
                    self.env._(
                        "Offered from the dunning letter %(letter)s.",
                        letter=self.letter_id.display_name,
                    )
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.payment.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }
