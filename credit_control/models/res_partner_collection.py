"""Collection agencies and lawyers are partners; a debtor's partner form shows its cases."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import format_date

from .credit_collection_case import OPEN_CASE_STATES
from .res_partner_scoring import CREDIT_PREFETCH

# an agency's terms: only a Credit manager sets them (readonly is just the screen)
COLLECTION_MANAGER_FIELDS = frozenset(
    {
        "credit_is_collection_agency",
        "credit_collection_commission_percent",
        "credit_collection_commission_fixed",
        "credit_collection_dpa_date",
        "credit_collection_email",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_is_collection_agency = fields.Boolean(
        string="Collection Agency",
        groups="credit_control.group_credit_user",
        help="This partner recovers debts for the company (a collection agency or a lawyer).",
    )
    # the agency's terms are agreed per company, like the rest of the credit file
    credit_collection_commission_percent = fields.Float(
        string="Commission (%)",
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        digits=(5, 2),
        groups="credit_control.group_credit_user",
        help="The agency's commission, in percent of what it recovers.",
    )
    credit_collection_commission_fixed = fields.Float(
        string="Fixed Fee per Case",
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        digits="Account",
        groups="credit_control.group_credit_user",
        help="A fixed fee the agency charges for each case handed over, in the company's currency.",
    )
    credit_collection_dpa_date = fields.Date(
        string="Data Processing Agreement",
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        groups="credit_control.group_credit_user",
        help="Date of the data-processing agreement signed with the agency (GDPR art. 28: "
        "the agency processes the debtors' data on the company's behalf). An agency "
        "without it cannot receive a dossier.",
    )
    credit_collection_email = fields.Char(
        string="Dossier E-mail",
        groups="credit_control.group_credit_user",
        help="Where the dossiers of the cases handed over are sent; empty: the partner's e-mail.",
    )
    credit_collection_case_count = fields.Integer(
        string="Collection Cases",
        compute="_compute_credit_collection_cases",
        groups="credit_control.group_credit_user",
    )
    credit_collection_agency_case_count = fields.Integer(
        string="Cases Received",
        compute="_compute_credit_collection_cases",
        groups="credit_control.group_credit_user",
    )
    credit_collection_banner = fields.Char(
        compute="_compute_credit_collection_cases",
        groups="credit_control.group_credit_user",
    )

    @api.depends_context("company", "allowed_company_ids")
    def _compute_credit_collection_cases(self):
        """Counts in two grouped reads: the debtor's cases (of its commercial entity) and,
        for an agency, the cases it received; the debtor's latest open case for the banner
        (the case itself is ``credit_collection_case_id``)."""
        Case = self.env["credit.collection.case"]
        commercial = self.commercial_partner_id
        by_debtor = dict(
            Case._read_group([("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"])
        )
        by_agency = dict(
            Case._read_group([("agency_id", "in", self.ids)], ["agency_id"], ["__count"])
        )
        open_cases = {}
        for case in Case.search_fetch(
            [("partner_id", "in", commercial.ids), ("state", "in", OPEN_CASE_STATES)],
            ["partner_id", "agency_id", "name", "date_handed_off", "case_type"],
            order="id",
        ):
            open_cases[case.partner_id] = case  # the latest wins
        for partner in self:
            debtor = partner.commercial_partner_id
            case = open_cases.get(debtor._origin, Case)
            partner.credit_collection_case_count = by_debtor.get(debtor._origin, 0)
            partner.credit_collection_agency_case_count = by_agency.get(partner._origin, 0)
            partner.credit_collection_banner = (
                self._credit_collection_banner(case) if case else False
            )

    def _credit_collection_banner(self, case):
        values = {
            "agency": case.agency_id.display_name,
            "case": case.name,
            "date": format_date(self.env, case.date_handed_off) if case.date_handed_off else "-",
        }
        if case.case_type == "lawyer":
            return self.env._(
                "Handed over to the lawyer %(agency)s for legal action on %(date)s (case "
                "%(case)s): no dunning, the customer is on hold.",
                **values,
            )
        return self.env._(
            "Handed over to the collection agency %(agency)s on %(date)s (case %(case)s): "
            "no dunning, the customer is on hold.",
            **values,
        )

    @api.onchange("credit_is_collection_agency")
    def _onchange_credit_is_collection_agency(self):
        if self.credit_is_collection_agency and not self.credit_collection_email:
            self.credit_collection_email = self.email

    def _credit_collection_email_to(self):
        """The address the agency's dossiers go to."""
        self.ensure_one()
        return self.sudo().credit_collection_email or self.email

    # ------------------------------------------------------------------
    # Only a Credit manager sets an agency's terms
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._credit_check_collection_fields({k for k, v in vals.items() if v})
        return super().create(vals_list)

    def write(self, vals):
        touched = set(vals) & COLLECTION_MANAGER_FIELDS
        if touched and not self.env.su:
            self._credit_check_collection_fields(touched)
            if set(vals) <= COLLECTION_MANAGER_FIELDS:
                # a credit manager sets an agency's terms without the right to edit contacts
                self.check_access("read")
                return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

    def _credit_check_collection_fields(self, names):
        """Refuse anyone but a Credit manager (whatever other groups: billing, contact
        creation) to make a partner a collection agency or change its terms."""
        touched = names & COLLECTION_MANAGER_FIELDS
        if not touched or self.env.su or self._credit_is_manager():
            return
        raise AccessError(
            self.env._(
                "Only a credit manager may make a partner a collection agency or change "
                "its terms (%(fields)s).",
                fields=", ".join(sorted(touched)),
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _credit_collection_case_action(self, domain, context=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_collection_case"
        )
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def action_credit_collection_cases(self):
        """The debtor's collection cases (of its commercial entity)."""
        self.ensure_one()
        debtor = self.commercial_partner_id
        return self._credit_collection_case_action(
            [("partner_id", "=", debtor.id)],
            {"default_partner_id": debtor.id},
        )

    def action_credit_collection_agency_cases(self):
        """The cases this agency (or lawyer) received."""
        self.ensure_one()
        return self._credit_collection_case_action(
            [("agency_id", "=", self.id)], {"default_agency_id": self.id}
        )

    def action_credit_collection_handoff(self):
        """Open the hand-off wizard with the customer's eligible overdue invoices."""
        self.ensure_one()
        return self.env["credit.collection.handoff.wizard"]._credit_open(
            "res.partner", self.commercial_partner_id.ids
        )
