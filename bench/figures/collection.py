"""Benchmark figures of collection cases: a big dossier, and 200 debtors handed over at once."""

from datetime import timedelta

from odoo import Command
from odoo import fields

DOSSIER_INVOICES = 500
RENDERED_INVOICES = 10
HANDOFF_DEBTORS = 200


def _agency(env):
    return env["res.partner"].create(
        {
            "name": "Bench Recuperi S.r.l.",
            "is_company": True,
            "email": "dossier@bench.example.com",
            "credit_is_collection_agency": True,
            "credit_collection_commission_percent": 12.0,
            "credit_collection_dpa_date": fields.Date.today() - timedelta(days=30),
        }
    )


def _overdue_invoices(env, limit):
    """Invoices a company may hand over: open and past their due date."""
    lines = env["account.move.line"].search_fetch(
        [
            ("date_maturity", "<", fields.Date.context_today(env.user)),
            ("company_id", "=", env.company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("move_id.move_type", "=", "out_invoice"),
            ("partner_id.ref", "=like", "BENCH-%"),
        ],
        ["move_id"],
        limit=limit,
        order="id",
    )
    return lines.move_id


def _one_debtor_case(env, count):
    """``count`` overdue invoices moved (in SQL) to one debtor, in a case handed over."""
    moves = _overdue_invoices(env, count)
    debtor = moves[:1].partner_id
    env.flush_all()
    env.cr.execute(
        "UPDATE account_move SET partner_id = %s, commercial_partner_id = %s WHERE id = ANY(%s)",
        [debtor.id, debtor.id, moves.ids],
    )
    env.cr.execute(
        "UPDATE account_move_line SET partner_id = %s WHERE move_id = ANY(%s)",
        [debtor.id, moves.ids],
    )
    env.invalidate_all()
    case = env["credit.collection.case"].create(
        {
            "partner_id": debtor.id,
            "agency_id": _agency(env).id,
            "move_ids": [Command.set(moves.ids)],
        }
    )
    case.action_hand_off()
    return case


def setup_dossier_stored(env):
    """500 invoices of one debtor, each with the PDF Odoo keeps when an invoice is sent
    (one real rendering copied: the dossier reads, it doesn't render)."""
    case = _one_debtor_case(env, DOSSIER_INVOICES)
    report = env["ir.actions.report"]
    first = case.move_ids[:1]
    content, _type = report._pre_render_qweb_pdf("account.account_invoices", first.ids)
    pdf = report._get_splitted_report("account.account_invoices", content, "pdf")[first.id]
    env["ir.attachment"].create(
        [
            {
                "name": f"{move.name.replace('/', '_')}.pdf",
                "res_model": "account.move",
                "res_id": move.id,
                "res_field": "invoice_pdf_report_file",
                "raw": pdf,
                "mimetype": "application/pdf",
            }
            for move in case.move_ids
        ]
    )
    return case


def setup_dossier_rendered(env):
    return _one_debtor_case(env, RENDERED_INVOICES)


def run_dossier(env, case):
    attachment = case.action_build_dossier()
    return f"{len(case.move_ids)} invoices, zip {len(attachment.raw) // 1024} KiB"


def setup_handoff(env):
    agency = _agency(env)
    moves = _overdue_invoices(env, 5000)
    by_debtor = {}
    for move in moves:
        by_debtor.setdefault(move.partner_id.commercial_partner_id.id, []).append(move.id)
    debtors = sorted(by_debtor)[:HANDOFF_DEBTORS]
    return [
        {"partner_id": debtor, "agency_id": agency.id, "move_ids": [Command.set(by_debtor[debtor])]}
        for debtor in debtors
    ]


def run_handoff(env, vals_list):
    cases = env["credit.collection.case"].create(vals_list)
    cases.action_hand_off()
    env.flush_all()
    return f"{len(cases)} debtors, {len(cases.move_ids)} invoices"


FIGURES = [
    {
        "name": f"collection dossier, one debtor with {DOSSIER_INVOICES} invoices (stored PDFs)",
        "target_seconds": 15,
        "setup": setup_dossier_stored,
        "run": run_dossier,
    },
    {
        "name": f"collection dossier, {RENDERED_INVOICES} invoice PDFs rendered (wkhtmltopdf)",
        "target_seconds": 15,
        "setup": setup_dossier_rendered,
        "run": run_dossier,
    },
    {
        "name": f"hand-off of {HANDOFF_DEBTORS} debtors at once",
        "target_seconds": 10,
        "setup": setup_handoff,
        "run": run_handoff,
    },
]
