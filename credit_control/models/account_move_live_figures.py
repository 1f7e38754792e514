"""Live figures: the customers whose ledger changed (an invoice posted or reset, a
payment matched or unmatched) get their exposure, overdue and oldest overdue days
recomputed once, at the end of the transaction, for the company of the change: one
statement per transaction, nothing per invoice, so that posting and
paying stay as fast as without the add-on. Score, band and profile follow at the next
scoring run (nightly, or "Rescore" on the customer)."""

from collections import defaultdict

from odoo import api
from odoo import models

PENDING_KEY = "credit_live_rescore"


def _rescore_pending(env):
    """Precommit callback: rescore the pending partners, company by company."""
    pending = env.cr.precommit.data.pop(PENDING_KEY, {})
    partners = env["res.partner"].sudo()
    for company_id, partner_ids in pending.items():
        # a company or partners gone with a rolled back savepoint (a failed import, a
        # test) match no row
        partners.with_company(company_id)._credit_update_live_figures(sorted(partner_ids))


def rescore_later(env, lines):
    """Ask for a rescore at commit of the commercial partners of receivable ``lines``."""
    lines = lines.filtered(lambda line: line.account_type == "asset_receivable" and line.partner_id)
    if not lines:
        return
    pending = env.cr.precommit.data.get(PENDING_KEY)
    if pending is None:
        pending = env.cr.precommit.data[PENDING_KEY] = defaultdict(set)
        env.cr.precommit.add(lambda: _rescore_pending(env))
    for line in lines:
        pending[line.company_id.id].add(line.partner_id.commercial_partner_id.id)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        rescore_later(self.env, posted.line_ids)
        return posted

    def button_draft(self):
        rescore_later(self.env, self.line_ids)
        return super().button_draft()


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        rescore_later(self.env, partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        rescore_later(self.env, self.debit_move_id | self.credit_move_id)
        return super().unlink()
