from odoo import api
from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_controller_id = fields.Many2one(
        comodel_name="res.users",
        help="Default person for credit follow-up activities (calls, rejected "
        "e-invoices, broken payment plans) when a customer has none of its own.",
    )

    # Credit score, report refresh and credit hold settings
    credit_weight_days_late = fields.Integer(string="Weight: Days Late", default=30)
    credit_weight_share_late = fields.Integer(string="Weight: Share Paid Late", default=15)
    credit_weight_overdue = fields.Integer(string="Weight: Overdue Items", default=20)
    credit_weight_returned = fields.Integer(string="Weight: Returned Payments", default=10)
    credit_weight_report = fields.Integer(string="Weight: Business Report", default=25)
    credit_window_months = fields.Integer(
        string="Payment Behaviour Window (Months)",
        default=24,
        help="How many months of the ledger the payment behaviour looks at.",
    )
    credit_hold_mode = fields.Selection(
        selection=[("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Credit Hold",
        # nullable on purpose (companies created before our module is loaded): NULL reads
        # as the default, see _credit_hold_mode()
        default="warn",
        help="What happens when a customer invoice is posted over the credit limit, for a "
        "band-E customer or a customer on hold: nothing, a warning the user may accept, or a "
        "block only a credit manager may override.",
    )
    credit_hold_overdue_days = fields.Integer(
        string="Hold When Overdue For (Days)",
        help="Also hold a customer with an item overdue for more than these days (0: never).",
    )
    credit_refresh_days_safe = fields.Integer(string="Refresh Bands A-B Every (Days)", default=180)
    credit_refresh_days_medium = fields.Integer(string="Refresh Band C Every (Days)", default=90)
    credit_refresh_days_risky = fields.Integer(string="Refresh Bands D-E Every (Days)", default=30)
    credit_refresh_large_exposure = fields.Monetary(
        string="Large Exposure",
        currency_field="currency_id",
        default=50000.0,
        help="Customers owing more than this are refreshed as often as bands D-E.",
    )

    def _credit_hold_mode(self):
        """The hold mode, reading an empty value (a company created while the add-on was
        not loaded) as the default, "warn"."""
        self.ensure_one()
        return self.credit_hold_mode or "warn"

    def _credit_score_weights(self):
        self.ensure_one()
        return {
            "days_late": self.credit_weight_days_late,
            "share_late": self.credit_weight_share_late,
            "overdue": self.credit_weight_overdue,
            "returned": self.credit_weight_returned,
            "report": self.credit_weight_report,
        }

    # SdI notifications received by e-mail
    credit_sdi_sender_emails = fields.Char(
        string="SdI Senders",
        help="E-mail addresses the SdI notifications come from (the SdI's PEC addresses "
        "and your intermediary's), separated by commas; '@domain' accepts a whole domain. "
        "A notification e-mailed by anyone else is kept as 'unverified sender' and changes "
        "no invoice until a credit user confirms it.",
    )

    # Dunning
    credit_dunning_policy_id = fields.Many2one(
        comodel_name="credit.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Policy of customers that have none of their own.",
    )
    credit_dunning_tolerance = fields.Monetary(
        string="Dunning Tolerance",
        currency_field="currency_id",
        default=1.0,
        help="Open amounts under this are never chased.",
    )

    credit_dunning_auto_send = fields.Boolean(
        string="Send Dunning Letters Automatically",
        help="Off (the default): every letter waits for a person to review it. On: letters "
        "of levels without review are sent by the daily run, except on the first run after "
        "install or after a pause, which only proposes.",
    )
    credit_dunning_last_run_date = fields.Date(
        string="Last Dunning Run",
        readonly=True,
        copy=False,
        help="Date of the company's last dunning run that proposed letters: a run long "
        "after it (a pause) sends nothing automatically.",
    )
    credit_pec_mail_server_id = fields.Many2one(
        comodel_name="ir.mail_server",
        string="PEC Outgoing Server",
        help="Outgoing mail server of the company's PEC (certified e-mail) mailbox, used "
        "for levels that send by PEC. Its 'FROM Filtering' (or user name) is the sender "
        "address; the mailbox's receipts must reach the SdI notifications alias.",
    )
    credit_dunning_email_delivery_days = fields.Integer(
        string="E-mail Delivery Allowance (Days)",
        default=0,
        help="Days added to a final notice's 15 days (art. 1454 c.c. counts them from "
        "receipt) when it goes by e-mail.",
    )
    credit_dunning_post_delivery_days = fields.Integer(
        string="Post Delivery Allowance (Days)",
        default=5,
        help="Days added to a final notice's 15 days (art. 1454 c.c. counts them from "
        "receipt) when it goes as a printed letter by post.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["credit.dunning.policy"]._credit_create_default_policies(companies)
        return companies
