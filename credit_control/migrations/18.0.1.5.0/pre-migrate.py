"""The stored exposure, overdue and oldest overdue days are the scoring run's snapshot,
renamed "... When Scored" (issue 14), and the Credit tab's figures of today took the old
labels. An upgrade keeps the translations it finds: drop those of the renamed labels, so
that the upgrade loads the new ones (else an Italian watchlist would still call the
snapshot "Esposizione", the name of today's figure)."""

from odoo.tools import SQL

RENAMED = ("credit_exposure", "credit_overdue", "credit_oldest_overdue_days")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE ir_model_fields
               SET field_description = jsonb_build_object('en_US', field_description->'en_US')
             WHERE model IN ('res.partner', 'res.users') AND name = ANY(%s)
            """,
            list(RENAMED),
        )
    )
