"""Dunning on the partner: its policy, pause, letters and the stage reached."""

from collections import defaultdict

from odoo import fields
from odoo import models

from .credit_dunning_level import STAGES as DUNNING_STAGES
from .res_partner_scoring import CREDIT_PREFETCH


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_dunning_policy_id = fields.Many2one(
        comodel_name="credit.dunning.policy",
        string="Dunning Policy",
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        domain="[('company_id', '=', current_company_id)]",
        groups="credit_control.group_credit_user",
        help="Overrides the company's default dunning policy for this customer.",
    )
    credit_dunning_pause_until = fields.Date(
        string="Dunning Paused Until",
        groups="credit_control.group_credit_user",
        help="No dunning letter is proposed to this customer before this date.",
    )
    credit_pec_email = fields.Char(
        string="PEC Address",
        groups="credit_control.group_credit_user",
        help="The customer's certified e-mail (PEC) address, for the dunning levels that "
        "send by PEC. Where Italian e-invoicing (l10n_it_edi) is installed, its PEC "
        "address is used first.",
    )
    credit_dunning_letter_ids = fields.One2many(
        comodel_name="credit.dunning.letter",
        inverse_name="partner_id",
        string="Dunning Letters",
        groups="credit_control.group_credit_user",
    )
    credit_dunning_stage_reached = fields.Selection(
        selection=DUNNING_STAGES,
        string="Highest Dunning Stage",
        readonly=True,
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        index=False,
        groups="credit_control.group_credit_user",
        help="The highest dunning stage of the letters sent in the scoring window "
        "(by the level's days after the due date); updated with the score.",
    )
    credit_dunning_letter_count = fields.Integer(
        string="Dunning Letter Count",
        compute="_compute_credit_dunning_letter_count",
        groups="credit_control.group_credit_user",
    )

    credit_dunning_error_count = fields.Integer(
        string="Dunning Letters in Error",
        compute="_compute_credit_dunning_error_count",
        help="Letters to this customer that could not be sent (e.g. the e-mail failed): "
        "see the reason on each letter.",
    )

    def _compute_credit_dunning_error_count(self):
        counts = dict(
            self.env["credit.dunning.letter"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "error")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_dunning_error_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_credit_dunning_letter_count(self):
        counts = dict(
            self.env["credit.dunning.letter"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_dunning_letter_count = counts.get(partner.commercial_partner_id, 0)

    def action_credit_dunning_letters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_dunning_letter"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_state": 0}
        return action

    def _credit_dunning_policies(self, company):
        """``{commercial partner id: policy}`` for ``self`` in ``company``, in bulk.

        Order: the partner's own policy, then a policy of the company that lists the
        partner's credit band, then the company's default policy.
        """
        Policy = self.env["credit.dunning.policy"]
        partners = self.with_company(company)
        # one grouped read of the company-dependent field (thousands of partners a run)
        own = defaultdict(Policy.browse)
        for policy, partner_ids in partners.with_context(active_test=False)._read_group(
            [("id", "in", partners.ids)], ["credit_dunning_policy_id"], ["id:array_agg"]
        ):
            own.update(dict.fromkeys(partner_ids, policy))
        policies = Policy.search([("company_id", "=", company.id)])
        default = company.credit_dunning_policy_id or policies[:1]
        by_band = {}
        for policy in policies.filtered("credit_bands"):
            for band in policy.credit_bands.upper():
                by_band.setdefault(band, policy)
        result = {}
        for partner in partners:
            policy = own[partner.id]
            if not policy and by_band:
                policy = by_band.get(partner.credit_band or "")
            result[partner.id] = policy or default
        return result

    def _credit_pec_address(self):
        """The PEC address of the customer: ``l10n_it_edi``'s field when that add-on is
        installed and filled, else the add-on's own (no dependency on ``l10n_it_edi``)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if "l10n_it_pec_email" in partner._fields and partner.l10n_it_pec_email:
            return partner.l10n_it_pec_email
        return partner.credit_pec_email or False
