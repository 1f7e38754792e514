"""Dunning after a payment plan: items of an active plan are left out (named in the run's
note); items of a broken plan resume one level above their last sent letter."""

from odoo import models
from odoo.tools import SQL


class CreditDunningRun(models.Model):
    _inherit = "credit.dunning.run"

    def _credit_resuming_items(self, line_ids, sent_items):
        """Items of an invoice whose payment plan broke after the item's last sent letter
        (or that was never sent one): one level up at once (``core/dunning_levels.py``)."""
        resuming = super()._credit_resuming_items(line_ids, sent_items)
        if not line_ids:
            return resuming
        self.env["credit.payment.plan"].flush_model(["state", "date_ended", "invoice_ids"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT aml.id, MAX(plan.date_ended)
                  FROM account_move_line aml
                  JOIN credit_payment_plan_move_rel rel ON rel.move_id = aml.move_id
                  JOIN credit_payment_plan plan ON plan.id = rel.plan_id
                 WHERE aml.id = ANY(%s) AND plan.state = 'broken'
                   AND plan.date_ended IS NOT NULL
              GROUP BY aml.id
                """,
                list(line_ids),
            )
        )
        for line_id, broken_on in rows:
            sent_on = sent_items.get(line_id, (None, None))[1]
            if sent_on is None or sent_on < broken_on:
                resuming.add(line_id)
        return resuming

    def _compute_letters(self):
        letters = super()._compute_letters()
        count = self.env["account.move.line"].search_count(
            [
                ("company_id", "=", self.company_id.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<=", self._latest_reachable_due_date()),
                ("move_id.credit_payment_plan_id", "!=", False),
            ]
        )
        if count:
            note = self.env._("%s item(s) left out: in an active payment plan.", count)
            self.note = "\n".join(filter(None, [self.note, note]))
        return letters
