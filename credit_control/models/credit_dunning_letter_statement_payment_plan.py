"""Interest statements leave alone the invoices paid through a payment plan: the plan's
terms (and its own interest, if any) replaced the late-payment interest of those
invoices, so paying them after their due date, as agreed, is not paying late."""

from odoo import api
from odoo import models
from odoo.tools import SQL


class CreditDunningLetter(models.Model):
    _inherit = "credit.dunning.letter"

    @api.model
    def _credit_paid_late_items(self, company, partners, on_date, months):
        rows = super()._credit_paid_late_items(company, partners, on_date, months)
        move_ids = list({row["move_id"] for row in rows})
        if not move_ids:
            return rows
        self.env["credit.payment.plan"].flush_model(["state", "invoice_ids"])
        kept = {
            move_id
            for (move_id,) in self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT rel.move_id
                      FROM credit_payment_plan_move_rel rel
                      JOIN credit_payment_plan plan ON plan.id = rel.plan_id
                     WHERE rel.move_id = ANY(%s) AND plan.state IN ('active', 'completed')
                    """,
                    move_ids,
                )
            )
        }
        return [row for row in rows if row["move_id"] not in kept]
