from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL

BAND_SELECTION = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
PROFILE_SELECTION = [
    ("reliable", "Reliable"),
    ("sometimes_late", "Sometimes Late"),
    ("habitually_late", "Habitually Late"),
    ("defaulting", "Defaulting"),
]


def natural_orderby(orderby, order, groupby_terms, query, field_name, selection):
    """``_read_group_orderby`` with the groups of a selection field in the selection's
    order (reliable before defaulting) rather than alphabetically: ``read_group`` orders
    by its groupbys unless told otherwise. ``orderby`` is the model's
    ``super()._read_group_orderby``."""
    if field_name not in groupby_terms:
        return orderby(order, groupby_terms, query)
    keys = [key for key, _label in selection]
    terms = []
    for part in (order or ",".join(groupby_terms)).split(","):
        term, _space, direction = part.strip().partition(" ")
        if term == field_name:
            direction = "DESC" if direction.strip().upper().startswith("DESC") else "ASC"
            terms.append(
                SQL(
                    "array_position(%s::varchar[], %s::varchar) %s NULLS LAST",
                    keys,
                    groupby_terms[field_name],
                    SQL(direction),
                )
            )
        elif part.strip():
            terms.append(orderby(part.strip(), groupby_terms, query))
    return SQL(", ").join(term for term in terms if term)


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

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        return natural_orderby(
            super()._read_group_orderby,
            order,
            groupby_terms,
            query,
            "profile",
            PROFILE_SELECTION,
        )
