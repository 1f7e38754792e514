"""Returned payments are money that came back, never an unmatching (issue 8).

Before 18.0.1.1.0, unmatching a payment from its invoice marked it returned. Keep the
mark only on entries that were reversed (dated by their reversal), clear it elsewhere,
and rescore the customers whose count changed."""

import logging

from odoo import SUPERUSER_ID
from odoo import api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE account_move m
           SET credit_returned_date = NULL
         WHERE m.credit_returned_date IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM account_move r
                            WHERE r.reversed_entry_id = m.id AND r.state = 'posted')
     RETURNING m.partner_id
        """
    )
    partner_ids = {row[0] for row in cr.fetchall() if row[0]}
    cr.execute(
        """
        UPDATE account_move m
           SET credit_returned_date = r.date
          FROM account_move r
         WHERE r.reversed_entry_id = m.id AND r.state = 'posted'
           AND m.credit_returned_date IS NOT NULL AND m.credit_returned_date != r.date
        """
    )
    _logger.info("Returned payments: %s unmatched payment(s) no longer count", len(partner_ids))
    if partner_ids:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["res.partner"]._cron_credit_update_scores()
