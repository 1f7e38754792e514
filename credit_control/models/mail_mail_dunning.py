from odoo import models


class MailMail(models.Model):
    """Dunning letters follow their e-mail: 'Sent' when it really left, 'Error' when it
    failed (see ``credit.dunning.letter._credit_mail_result``)."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # before super(): it deletes the mails marked auto_delete
        dunning_mails = self.filtered(lambda mail: mail.model == "credit.dunning.letter")
        if dunning_mails:
            self.env["credit.dunning.letter"]._credit_mail_result(dunning_mails)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
