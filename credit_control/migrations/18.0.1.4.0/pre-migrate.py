"""The add-on's indexes on invoices hold only the rows they are searched for (issue 14:
posting an invoice never sent through the SdI no longer enters them). Drop the full
indexes of 18.0.1.3.0; the upgrade creates the partial ones."""

from odoo.tools import SQL

FULL_INDEXES = (
    "account_move__credit_einvoice_state_index",
    "account_move__credit_einvoice_file_name_index",
    "account_move__credit_einvoice_sdi_identifier_index",
    "account_move__credit_einvoice_fix_deadline_index",
)


def migrate(cr, version):
    if not version:
        return
    for index in FULL_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
