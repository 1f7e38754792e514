from odoo import fields
from odoo import models

BAND_SELECTION = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
PROFILE_SELECTION = [
    ("reliable", "Reliable"),
    ("sometimes_late", "Sometimes Late"),
    ("habitually_late", "Habitually Late"),
    ("defaulting", "Defaulting"),
]


class CreditScoreHistory(models.Model):
    """One row each time a customer's score, band or profile changes."""

    _name = "credit.score.history"
    _description = "Credit Score History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    score = fields.Integer(aggregator="avg")
    band = fields.Selection(selection=BAND_SELECTION)
    profile = fields.Selection(selection=PROFILE_SELECTION)
