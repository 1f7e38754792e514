from odoo import models


class AccountPartialReconcile(models.Model):
    """Unmatching a payment (to move it to the right invoice, or to correct a wrong
    reconciliation) is never a returned payment: nothing is marked here. Returned payments
    are reversals, bank debits on a customer's receivable, or marked by a credit user
    (see ``account_move_hold.py`` and ``res_partner_scoring._credit_fetch_returned``)."""

    _inherit = "account.partial.reconcile"
