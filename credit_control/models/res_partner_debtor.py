"""Who owes what: the debtor type decides which late-payment law applies.

D.Lgs. 231/2002 (statutory interest, EUR 40) covers businesses and public
administrations only; a consumer owes at most legal interest (art. 1284 c.c.).
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError

DEBTOR_TYPES = [
    ("business", "Business"),
    ("public_administration", "Public Administration"),
    ("consumer", "Consumer"),
]
#: Italian public-administration destination codes (codice univoco ufficio) have 6 characters.
PA_CODE_LENGTH = 6


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_debtor_type = fields.Selection(
        DEBTOR_TYPES,
        string="Debtor Type",
        compute="_compute_credit_debtor_type",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        groups="credit_control.group_credit_user",
        help="Business or public administration: D.Lgs. 231/2002 applies (statutory late "
        "interest, EUR 40 compensation). Consumer: never the decree; at most legal interest "
        "(art. 1284 c.c.) when the dunning policy claims it. Computed from the company flag, "
        "the VAT number and the public-administration code; a credit manager may change it.",
    )

    def _credit_debtor_type_depends(self):
        depends = ["is_company", "vat"]
        if "l10n_it_pa_index" in self._fields:  # only with l10n_it_edi
            depends.append("l10n_it_pa_index")
        return depends

    @api.depends(lambda self: self._credit_debtor_type_depends())
    def _compute_credit_debtor_type(self):
        for partner in self:
            partner.credit_debtor_type = partner._credit_default_debtor_type()

    def _credit_default_debtor_type(self):
        """What Odoo knows: a 6-character PA code, a company or a VAT number, else a person."""
        self.ensure_one()
        pa_code = self["l10n_it_pa_index"] if "l10n_it_pa_index" in self._fields else False
        if pa_code and len(pa_code.strip()) == PA_CODE_LENGTH:
            return "public_administration"
        if self.is_company or self.vat:
            return "business"
        return "consumer"

    def _credit_debtor_type(self):
        """The commercial partner's debtor type; a NULL column (rows written by SQL)
        falls back to what Odoo knows."""
        partner = self.commercial_partner_id
        return partner.credit_debtor_type or partner._credit_default_debtor_type()

    def write(self, vals):
        if "credit_debtor_type" not in vals or self._credit_may_set_debtor_type():
            return super().write(vals)
        # others may save a form whose debtor type only followed the company flag or the
        # VAT number they changed: write the rest, then check that nothing was chosen by hand
        vals = dict(vals)
        new_type = vals.pop("credit_debtor_type")
        result = super().write(vals)
        if any(partner.credit_debtor_type != new_type for partner in self):
            raise AccessError(
                self.env._(
                    "Only a credit manager can change a customer's debtor type "
                    "(business, public administration or consumer)."
                )
            )
        return result

    def _credit_may_set_debtor_type(self):
        """A debtor type decides whether the customer owes statutory interest and the
        EUR 40: only a credit manager sets it by hand."""
        return self.env.su or self.env.user.has_group("credit_control.group_credit_manager")
