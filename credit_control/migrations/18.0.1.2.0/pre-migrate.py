"""The credit assessment became per company (company-dependent fields, one JSONB
column {company id: value}). The old single values were computed with the settings of
the scoring cron's company: they are kept as that company's values until the next
scoring run recomputes every company's. A manual hold (and its reason) is kept in every
company: the manager set it before companies had their own."""

import logging

_logger = logging.getLogger(__name__)

ASSESSMENT_COLUMNS = (
    "credit_score",
    "credit_band",
    "credit_profile",
    "credit_avg_days_late",
    "credit_share_late",
    "credit_share_late_30",
    "credit_worst_delay",
    "credit_settled_count",
    "credit_returned_count",
    "credit_exposure",
    "credit_overdue",
    "credit_oldest_overdue_days",
    "credit_trend",
    "credit_trend_label",
    "credit_monthly_invoiced",
    "credit_recommended_limit",
    "credit_scored_on",
    "credit_latest_report_id",
    "credit_dunning_stage_reached",
)
HOLD_COLUMNS = ("credit_hold", "credit_hold_reason")


def _column_types(cr):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = 'res_partner' AND column_name LIKE 'credit%%'"
    )
    return dict(cr.fetchall())


def _drop_foreign_keys(cr, column):
    cr.execute(
        """
        SELECT con.conname
          FROM pg_constraint con
          JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey)
         WHERE con.conrelid = 'res_partner'::regclass AND con.contype = 'f'
           AND att.attname = %s
        """,
        [column],
    )
    for (name,) in cr.fetchall():
        cr.execute(f'ALTER TABLE res_partner DROP CONSTRAINT "{name}"')


def _to_company_json(cr, column, company_ids, value_sql):
    _drop_foreign_keys(cr, column)
    pairs = ", ".join(f"'{int(company_id)}', {value_sql}" for company_id in company_ids)
    cr.execute(
        f'ALTER TABLE res_partner ALTER COLUMN "{column}" DROP DEFAULT,'
        f' ALTER COLUMN "{column}" TYPE jsonb'
        f' USING CASE WHEN "{column}" IS NULL THEN NULL ELSE jsonb_build_object({pairs}) END'
    )


def migrate(cr, version):
    if not version:
        return
    types = _column_types(cr)
    cr.execute(
        "SELECT COALESCE((SELECT company_id FROM res_users WHERE id = 1),"
        " (SELECT MIN(id) FROM res_company))"
    )
    main_company = cr.fetchone()[0]
    cr.execute("SELECT id FROM res_company ORDER BY id")
    all_companies = [row[0] for row in cr.fetchall()]
    for column in ASSESSMENT_COLUMNS:
        if column in types and types[column] != "jsonb":
            _to_company_json(cr, column, [main_company], f'to_jsonb("{column}")')
    if types.get("credit_explanation_data") == "jsonb":
        # was a Json field, now JSON text per company
        cr.execute(
            "UPDATE res_partner SET credit_explanation_data ="
            " jsonb_build_object(%s, to_jsonb(credit_explanation_data::text))"
            " WHERE credit_explanation_data IS NOT NULL"
            " AND jsonb_typeof(credit_explanation_data) = 'array'",
            [str(main_company)],
        )
    for column in HOLD_COLUMNS:
        if column in types and types[column] != "jsonb":
            if column == "credit_hold":
                cr.execute("UPDATE res_partner SET credit_hold = NULL WHERE NOT credit_hold")
            _to_company_json(cr, column, all_companies, f'to_jsonb("{column}")')
    # the per-company values are read as column->'company id': a btree on the column helps
    # nothing and costs on every scoring run
    for column in ("credit_band", "credit_profile"):
        cr.execute(f'DROP INDEX IF EXISTS "res_partner__{column}_index"')
    _logger.info("credit assessment moved to company %s (company-dependent)", main_company)
