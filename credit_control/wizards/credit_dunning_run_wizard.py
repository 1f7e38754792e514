from odoo import fields
from odoo import models


class CreditDunningRunWizard(models.TransientModel):
    """Start a dunning run by hand: propose today's letters and open the run."""

    _name = "credit.dunning.run.wizard"
    _description = "Start a Dunning Run"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    rate_warning = fields.Char(compute="_compute_rate_warning")

    def _compute_rate_warning(self):
        Rate = self.env["credit.interest.rate"]
        for wizard in self:
            wizard.rate_warning = Rate._credit_missing_rate_warning(wizard.date)

    def action_start(self):
        self.ensure_one()
        run = self.env["credit.dunning.run"].create(
            {"date": self.date, "company_id": self.company_id.id}
        )
        run.with_company(self.company_id).action_compute()
        if not run.letter_ids:
            # nothing to chase: say so, and leave no empty run in the list
            message = run._credit_discard_empty()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("No letter to propose"),
                    "message": message,
                    "type": "info",
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
