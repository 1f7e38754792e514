from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError

STAGES = [
    ("reminder", "Reminder"),
    ("formal_notice", "Formal Notice"),
    ("final_notice", "Final Notice"),
    ("legal", "Legal Action"),
    ("agency", "Collection Agency"),
]
#: art. 1454 c.c.: a final notice gives the debtor at least fifteen days.
FINAL_NOTICE_MIN_DAYS = 15


class CreditDunningLevel(models.Model):
    """A step of a dunning policy, reached a number of days after the due date."""

    _name = "credit.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, days, id"

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one(
        comodel_name="credit.dunning.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="An item reaches this level this many days after its due date; "
        "a negative number reminds the customer before the due date.",
    )
    stage = fields.Selection(STAGES, required=True, default="reminder")
    send_email = fields.Boolean(string="E-mail", default=True)
    send_letter = fields.Boolean(
        string="Printed Letter", help="Include the letter in the run's batch PDF for posting."
    )
    send_phone = fields.Boolean(
        string="Phone Call",
        help="Schedule a phone call for the customer's credit controller.",
    )
    send_pec = fields.Boolean(
        string="PEC",
        help="Send the letter by PEC (certified e-mail, the equivalent of a registered "
        "letter) to the customer's PEC address, through the PEC outgoing server of the "
        "settings; its delivery receipt dates the letter's receipt. A customer without a "
        "PEC address gets the ordinary e-mail or a printed letter.",
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        domain=[("model", "=", "credit.dunning.letter")],
        help="E-mail sent with the letter attached, rendered in the customer's language. "
        "Empty: the standard dunning e-mail.",
    )
    letter_text = fields.Html(
        translate=True,
        sanitize=True,
        help="Body of the letter, one version per language (switch the language to "
        "edit the Italian text). The stage's legal wording belongs here.",
    )
    letter_text_direct = fields.Html(
        string="Text Without Earlier Notice",
        translate=True,
        sanitize=True,
        help="Body of the letter when the customer reaches this level without having been "
        "sent the level before (policies that allow skipping levels): it must not mention "
        "earlier notices. Empty: this level is never skipped to.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="currency_id",
        help="No letter at this level when the customer's due items total less.",
    )
    min_days_since_last = fields.Integer(
        string="Days Since Last Letter",
        help="Minimum days between the customer's previous letter and a letter at this level.",
    )
    payment_days = fields.Integer(
        string="Days to Pay",
        default=10,
        help="The letter asks for payment within this many days of its date.",
    )
    fee_type = fields.Selection(
        [("none", "No Fee"), ("fixed", "Fixed"), ("percent", "Percentage of Amount Due")],
        default="none",
        required=True,
    )
    fee_fixed = fields.Monetary(string="Fixed Fee", currency_field="currency_id")
    fee_percent = fields.Float(string="Fee (%)", digits=(5, 2))
    fee_product_id = fields.Many2one(
        comodel_name="product.product",
        help="Product of the fee when it is invoiced to the customer.",
    )
    charge_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Charges Account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        check_company=True,
        help="Income account of the fee, interest and compensation when they are invoiced.",
    )
    charge_interest = fields.Boolean(
        string="Late Interest",
        help="Claim late interest on the overdue items (statutory or contractual, "
        "as the policy says).",
    )
    charge_compensation = fields.Boolean(
        string="EUR 40 Compensation",
        help="Claim the flat EUR 40 recovery compensation of D.Lgs. 231/2002 art. 6, "
        "once per invoice.",
    )
    post_charges = fields.Boolean(
        string="Invoice Charges",
        help="Post the fee, interest and compensation as a customer invoice when the letter "
        "is sent.",
    )
    review = fields.Boolean(
        string="Review Before Sending",
        default=True,
        help="Letters at this level wait in the 'to review' list; otherwise they are sent "
        "by the daily run.",
    )

    _sql_constraints = [
        (
            "fee_percent_range",
            "CHECK(fee_percent >= 0 AND fee_percent <= 100)",
            "A fee percentage is between 0 and 100.",
        ),
    ]

    @api.constrains("days", "policy_id")
    def _check_unique_days(self):
        for level in self:
            clash = level.policy_id.level_ids.filtered(
                lambda other, level=level: other != level and other.days == level.days
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "Levels '%(level)s' and '%(other)s' of policy '%(policy)s' are both "
                        "reached %(days)s days after the due date: give each level its own "
                        "number of days.",
                        level=level.name,
                        other=clash[0].name,
                        policy=level.policy_id.name,
                        days=level.days,
                    )
                )

    @api.constrains("min_amount", "fee_fixed", "min_days_since_last", "payment_days")
    def _check_amounts(self):
        for level in self:
            if level.min_amount < 0 or level.fee_fixed < 0:
                raise ValidationError(
                    self.env._("Level '%s': amounts cannot be negative.", level.name)
                )
            if level.min_days_since_last < 0 or level.payment_days < 0:
                raise ValidationError(
                    self.env._("Level '%s': days cannot be negative.", level.name)
                )

    @api.constrains("stage", "payment_days")
    def _check_final_notice_term(self):
        for level in self:
            if level.stage == "final_notice" and level.payment_days < FINAL_NOTICE_MIN_DAYS:
                raise ValidationError(
                    self.env._(
                        "A final notice must give at least %(days)s days to pay "
                        "(art. 1454 of the Italian Civil Code).",
                        days=FINAL_NOTICE_MIN_DAYS,
                    )
                )

    @api.constrains("post_charges", "charge_account_id", "fee_product_id")
    def _check_charges_account(self):
        for level in self:
            if level.post_charges and not (level.charge_account_id or level.fee_product_id):
                raise ValidationError(
                    self.env._(
                        "Level '%s' invoices its charges: set the charges account or the "
                        "fee product.",
                        level.name,
                    )
                )
