"""Payment plans in the score: broken plans lower it, plans kept to the end raise it
(``core/scoring.py``), with the effect in the explanation. One grouped query."""

from odoo import api
from odoo import models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _credit_fetch_extra_facts(self, company_ids, window_start, partner_ids=None):
        """Payment plans broken and completed in the window, by customer (one query)."""
        facts = super()._credit_fetch_extra_facts(company_ids, window_start, partner_ids)
        self.env["credit.payment.plan"].flush_model(["partner_id", "state", "date_ended"])
        query = SQL(
            """
            SELECT partner_id,
                   COUNT(*) FILTER (WHERE state = 'broken'),
                   COUNT(*) FILTER (WHERE state = 'completed')
              FROM credit_payment_plan
             WHERE state IN ('broken', 'completed')
               AND date_ended >= %(start)s
               AND company_id = ANY(%(companies)s)
               AND (%(all)s OR partner_id = ANY(%(partners)s))
          GROUP BY partner_id
            """,
            start=window_start,
            companies=company_ids,
            all=partner_ids is None,
            partners=partner_ids or [],
        )
        for partner_id, broken, completed in self.env.execute_query(query):
            facts.setdefault(partner_id, {}).update(broken_plans=broken, completed_plans=completed)
        return facts

    def _credit_factor_sentence(self, code, values):
        if code != "payment_plans":
            return super()._credit_factor_sentence(code, values)
        broken, completed = values.get("broken", 0), values.get("completed", 0)
        if broken and completed:
            return self.env._(
                "%(broken)s payment plan(s) broken and %(completed)s kept to the end",
                broken=broken,
                completed=completed,
            )
        if broken:
            return self.env._("%s payment plan(s) broken", broken)
        return self.env._("%s payment plan(s) kept to the end: a sign of good faith", completed)
