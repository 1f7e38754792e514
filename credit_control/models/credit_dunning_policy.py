from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .credit_dunning_policy_defaults import DEFAULT_LEVELS
from .credit_dunning_policy_defaults import TEMPLATE_BODY_FIXES
from .credit_dunning_policy_defaults import WORDING_FIXES


class CreditDunningPolicy(models.Model):
    """How a company chases its customers: the levels, and how late interest is reckoned."""

    _name = "credit.dunning.policy"
    _description = "Dunning Policy"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    level_ids = fields.One2many(
        comodel_name="credit.dunning.level", inverse_name="policy_id", string="Levels", copy=True
    )
    level_count = fields.Integer(compute="_compute_level_count")
    interest_type = fields.Selection(
        [
            ("statutory", "Statutory (D.Lgs. 231/2002)"),
            ("contractual", "Contractual Rate"),
        ],
        default="statutory",
        required=True,
        tracking=True,
        help="Statutory: the half-year's rate of the late interest rate table (ECB + 8 points). "
        "Contractual: a fixed yearly rate agreed with the customers of this policy.",
    )
    contractual_rate = fields.Float(string="Yearly Rate (%)", digits=(5, 2), tracking=True)
    credit_bands = fields.Char(
        tracking=True,
        help="Customers of these credit bands (e.g. 'DE') follow this policy unless they "
        "have one of their own. Used when customer scoring is installed.",
    )
    rate_warning = fields.Char(compute="_compute_rate_warning")
    allow_skip_levels = fields.Boolean(
        string="Allow Skipping Levels",
        help="An item long overdue may get a higher level as its first letter, or climb "
        "more than one level at a time, but only to a level that has a 'Text Without "
        "Earlier Notice': that text is used, so the letter never mentions a notice that "
        "was not sent. Off: every item climbs the ladder one level at a time.",
    )
    consumer_legal_interest = fields.Boolean(
        string="Legal Interest for Consumers",
        help="Claim legal interest (art. 1284 c.c., yearly rate of the legal interest rate "
        "table) from consumers at the levels that claim late interest. Consumers never owe "
        "D.Lgs. 231/2002 interest nor the EUR 40 compensation; without this option they are "
        "claimed no interest at all.",
    )
    legal_rate_warning = fields.Char(compute="_compute_legal_rate_warning")
    interest_statement = fields.Boolean(
        string="Interest Statements",
        help="Propose an interest statement (nota interessi di mora) for invoices paid late "
        "and never claimed: the days, rate and interest of each, and the EUR 40 where due. "
        "Proposed by each dunning run and by the button on the customer.",
    )
    interest_statement_months = fields.Integer(
        string="Statement Period (Months)",
        default=12,
        help="Invoices paid in this many months before the statement's date.",
    )
    interest_statement_invoice = fields.Boolean(
        string="Invoice Statements",
        help="Post the statement's interest and compensation as a customer invoice when it "
        "is sent (once).",
    )

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.depends("interest_type", "level_ids.charge_interest")
    def _compute_rate_warning(self):
        warning = self.env["credit.interest.rate"]._credit_missing_rate_warning()
        for policy in self:
            uses_table = policy.interest_type == "statutory" and any(
                policy.level_ids.mapped("charge_interest")
            )
            policy.rate_warning = warning if uses_table else False

    @api.depends("consumer_legal_interest", "level_ids.charge_interest")
    def _compute_legal_rate_warning(self):
        warning = self.env["credit.legal.interest.rate"]._credit_missing_rate_warning()
        for policy in self:
            uses_table = policy.consumer_legal_interest and any(
                policy.level_ids.mapped("charge_interest")
            )
            policy.legal_rate_warning = warning if uses_table else False

    @api.constrains("contractual_rate", "interest_type")
    def _check_contractual_rate(self):
        for policy in self:
            if policy.interest_type == "contractual" and policy.contractual_rate <= 0:
                raise ValidationError(
                    self.env._(
                        "Policy '%s': give the contractual yearly interest rate.", policy.name
                    )
                )

    def _check_has_levels(self):
        """A run cannot chase anyone with a policy that has no level."""
        for policy in self:
            if not policy.level_ids:
                raise UserError(
                    self.env._(
                        "The dunning policy '%s' has no levels: add at least one level "
                        "(Invoicing > Credit Management > Configuration > Dunning Policies).",
                        policy.name,
                    )
                )

    # ------------------------------------------------------------------
    # Default policy for every company
    # ------------------------------------------------------------------

    @api.model
    def _credit_create_default_policies(self, companies=None):
        """Give every company (or ``companies``) without a policy the standard one.

        Called at install (data file) and when a company is created.
        """
        companies = companies if companies is not None else self.env["res.company"].search([])  # pylint: disable=no-search-all
        with_policy = set(
            self.with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
            .company_id.ids
        )
        policies = self
        for company in companies.filtered(lambda c: c.id not in with_policy):
            policy = self.sudo().create(self._credit_default_policy_values(company))
            for level, (_key, definition) in zip(policy.level_ids, DEFAULT_LEVELS, strict=True):
                store_translation(level, "name", "it_IT", definition["name_it"])
                store_translation(level, "letter_text", "it_IT", definition["letter_text_it"])
                if definition.get("letter_text_direct_it"):
                    store_translation(
                        level, "letter_text_direct", "it_IT", definition["letter_text_direct_it"]
                    )
            store_translation(policy, "name", "it_IT", "Sollecito standard")
            company.sudo().credit_dunning_policy_id = policy
            policies |= policy
        return policies

    @api.model
    def _credit_fix_shipped_wording(self):
        """At every upgrade: replace sentences of earlier shipped letter texts that a
        manager left untouched (e.g. the D.Lgs. 231/2002 rate once called "tasso
        legale"). Edited texts are left alone."""
        self.env["credit.dunning.level"].flush_model(["letter_text"])
        for lang, old, new in WORDING_FIXES:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE credit_dunning_level
                       SET letter_text = jsonb_set(
                               letter_text, ARRAY[%s], to_jsonb(replace(letter_text->>%s, %s, %s)))
                     WHERE letter_text->>%s LIKE %s
                    """,
                    lang,
                    lang,
                    old,
                    new,
                    lang,
                    f"%{old}%",
                )
            )
        self.env["credit.dunning.level"].invalidate_model(["letter_text"])
        self._credit_fix_shipped_template()
        return True

    @api.model
    def _credit_fix_shipped_template(self):
        """Replace, in the translations of the dunning e-mail, the expressions and
        sentences of earlier versions (a translation edited elsewhere is kept)."""
        template = self.env.ref(
            "credit_control.mail_template_dunning_letter", raise_if_not_found=False
        )
        if not template:
            return
        template.flush_recordset(["body_html"])
        for lang, old, new in TEMPLATE_BODY_FIXES:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mail_template
                       SET body_html = jsonb_set(
                               body_html, ARRAY[%s], to_jsonb(replace(body_html->>%s, %s, %s)))
                     WHERE id = %s AND body_html->>%s LIKE %s
                    """,
                    lang,
                    lang,
                    old,
                    new,
                    template.id,
                    lang,
                    f"%{old}%",
                )
            )
        template.invalidate_recordset(["body_html"])

    @api.model
    def _credit_default_policy_values(self, company):
        template = self.env.ref(
            "credit_control.mail_template_dunning_letter", raise_if_not_found=False
        )
        levels = []
        for _key, definition in DEFAULT_LEVELS:
            values = {
                key: value
                for key, value in definition.items()
                if key not in ("letter_text_it", "name_it", "letter_text_direct_it")
            }
            values["mail_template_id"] = template.id if template else False
            levels.append(fields.Command.create(values))
        return {
            "name": "Standard dunning",
            "company_id": company.id,
            "interest_type": "statutory",
            "level_ids": levels,
        }


def store_translation(records, field_name, lang, value):
    """Store ``value`` as the ``lang`` translation of ``field_name``, even when that
    language is not active yet: the shipped Italian wording must be there the day a
    company activates Italian (``update_field_translations`` refuses inactive ones)."""
    records.flush_recordset([field_name])
    records.env.cr.execute(
        SQL(
            "UPDATE %s SET %s = COALESCE(%s, '{}'::jsonb) || jsonb_build_object(%s, %s::text)"
            " WHERE id IN %s",
            SQL.identifier(records._table),
            SQL.identifier(field_name),
            SQL.identifier(field_name),
            lang,
            value,
            tuple(records.ids),
        )
    )
    records.invalidate_recordset([field_name])
