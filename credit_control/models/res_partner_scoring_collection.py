"""Scoring: a debt handed over makes the profile defaulting, and the explanation names
the case (like a letter at the "Collection Agency" or "Legal Action" stage)."""

import json

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.tools import SQL

from ..core import dates
from .res_partner_scoring import SCORE_COLUMNS


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _credit_fetch_collection_cases(self, company_ids, window_start, partner_ids=None):
        """``{partner_id: (stage, case name)}``: the newest case handed over in the window
        and not recalled (a recall takes the hand-off back), ``agency`` or ``legal``."""
        domain = [
            ("company_id", "in", company_ids),
            ("date_handed_off", ">=", window_start),
            ("close_reason", "!=", "recalled"),
        ]
        if partner_ids is not None:
            domain.append(("partner_id", "in", list(partner_ids)))
        cases = (
            self.env["credit.collection.case"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(domain, ["partner_id", "case_type", "name"], order="id")
        )
        return {
            case.partner_id.id: ("legal" if case.case_type == "lawyer" else "agency", case.name)
            for case in cases
        }

    @api.model
    @tools.ormcache("company_id")
    def _credit_company_has_collection_cases(self, company_id):
        """Whether the company ever handed a debt over (cached: the hand-off clears the
        cache; a stale True costs one search, never a wrong score)."""
        self.env.cr.execute(
            SQL(
                "SELECT EXISTS(SELECT 1 FROM credit_collection_case "
                "WHERE company_id = %s AND date_handed_off IS NOT NULL)",
                company_id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _credit_update_scores(self):
        company = self.env.company
        if not self._credit_company_has_collection_cases(company.id):
            # no case, no query: posting or paying an invoice costs nothing more
            return super()._credit_update_scores()
        today = fields.Date.context_today(self)
        window_start = dates.add_months(today, -(company.credit_window_months or 24))
        cases = self._credit_fetch_collection_cases(
            company.ids, window_start, self.commercial_partner_id.ids or None
        )
        return super(
            ResPartner, self.with_context(credit_collection_cases=tuple(sorted(cases.items())))
        )._credit_update_scores()

    @api.model
    def _credit_fetch_dunning_stages(self, company_ids, window_start, partner_ids=None):
        stages = super()._credit_fetch_dunning_stages(company_ids, window_start, partner_ids)
        for partner_id, (stage, _name) in dict(
            self.env.context.get("credit_collection_cases") or ()
        ).items():
            # the top of the ladder: nothing a letter reached weighs more
            stages[partner_id] = stage
        return stages

    @api.model
    def _credit_score_row(self, partner_id, *args, **kwargs):
        row = super()._credit_score_row(partner_id, *args, **kwargs)
        cases = dict(self.env.context.get("credit_collection_cases") or ())
        if partner_id not in cases:
            return row
        # the row is the partner's id, then one value per column of SCORE_COLUMNS
        index = 1 + [name for name, _type in SCORE_COLUMNS].index("credit_explanation_data")
        explanation = json.loads(row[index])
        for line in explanation:
            if line[0] == "dunning":
                line[1]["case"] = cases[partner_id][1]
        return (*row[:index], json.dumps(explanation), *row[index + 1 :])

    def _credit_factor_sentence(self, code, values):
        if code == "dunning" and values.get("case"):
            if values.get("stage") == "legal":
                return self.env._(
                    "handed over to the lawyer for legal action (case %(case)s)",
                    case=values["case"],
                )
            return self.env._(
                "handed over to a collection agency (case %(case)s)", case=values["case"]
            )
        return super()._credit_factor_sentence(code, values)
