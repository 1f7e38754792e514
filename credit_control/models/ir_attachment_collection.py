"""The dossier of a collection case (a zip of the debtor's data for the agency) is
readable by credit managers alone, even by its id."""

from odoo import models
from odoo.exceptions import AccessError

DOSSIER_MODEL = "credit.collection.export"
DOSSIER_FIELD = "dossier_file"


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or not self._ids or self.env.su:
            return result
        if self.env.user.has_group("credit_control.group_credit_manager"):
            return None
        dossiers = self.sudo().filtered(
            lambda a: a.res_model == DOSSIER_MODEL and a.res_field == DOSSIER_FIELD
        )
        if not dossiers:
            return None
        return dossiers.sudo(False), lambda: AccessError(
            self.env._("Only a credit manager may read a collection case's dossier.")
        )
