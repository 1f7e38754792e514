import logging

from odoo import models

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        """Hand the raw e-mail to the SdI alias, so an e-mail it cannot read is still kept
        as received (Odoo's gateway gives ``message_new`` the parsed parts only)."""
        if any(route[0] == "credit.sdi.notification" for route in routes or ()):
            try:
                raw = message.as_bytes()
            except Exception:
                _logger.info("SdI e-mail: raw message not kept", exc_info=True)
                raw = b""
            self = self.with_context(credit_sdi_raw_email=raw)
        return super()._message_route_process(message, message_dict, routes)
