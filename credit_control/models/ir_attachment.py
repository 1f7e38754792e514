from odoo import api
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Models whose records keep an original file in ``attachment_id``: the file is evidence
# (what the SdI or the bureau sent) and outlives any user's wish to tidy up.
PROTECTED_ORIGINALS = {
    "credit.sdi.notification": "credit_sdi_notification",
    "credit.business.report": "credit_business_report",
}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _index(self, bin_data, file_type, checksum=None):
        # SdI files and bureau payloads are looked up by their record, never by their
        # words: indexing a large upload would copy it whole into the database.
        if self.env.context.get("credit_no_index"):
            return False
        return super()._index(bin_data, file_type, checksum=checksum)

    def _credit_protected_originals(self):
        """The attachments of ``self`` that are the original file of a notification or a
        business report."""
        candidates = self.filtered(lambda a: a.res_model in PROTECTED_ORIGINALS)
        protected = self.browse()
        for model, table in PROTECTED_ORIGINALS.items():
            ids = candidates.filtered(lambda a, m=model: a.res_model == m).ids
            if not ids:
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT attachment_id FROM %s WHERE attachment_id = ANY(%s)",
                    SQL.identifier(table),
                    ids,
                )
            )
            protected |= self.browse(row[0] for row in self.env.cr.fetchall())
        return protected

    @api.ondelete(at_uninstall=False)
    def _unlink_except_credit_originals(self):
        if not self.env.su and self._credit_protected_originals():
            raise UserError(
                self.env._(
                    "This file is the original of an SdI notification or a business report: "
                    "it is kept and cannot be deleted."
                )
            )

    def write(self, vals):
        changing = {"datas", "raw", "db_datas", "res_model", "res_id", "store_fname", "url"}
        if not self.env.su and changing & set(vals) and self._credit_protected_originals():
            raise UserError(
                self.env._(
                    "This file is the original of an SdI notification or a business report: "
                    "it cannot be changed."
                )
            )
        return super().write(vals)
