"""Fill a benchmark database with scale data that looks as if Odoo had written it.

Run with Odoo's Python on a database where ``credit_control`` is installed without demo data::

    $ODOO_PYTHON bench/generate.py -c .build/odoo.conf -d cc_bench_tmpl_x --partners 5000

How: the ORM writes a handful of *model* records (one customer, invoices, payments, a
partial payment, a returned payment) exactly as a user would; the generator then plans the
scale data in Python (seeded, reproducible) and bulk-inserts it with ``COPY`` + one
``INSERT ... SELECT`` per table that copies every column of the matching model row and
overrides only the columns that differ (ids, names, partners, dates, amounts, residuals,
reconciliation links). Columns added by other modules (e.g. stored computed fields of
later features) are thus filled as Odoo computed them for the model row. Finally the
invariants Odoo maintains are checked with SQL and a sample is recomputed with the ORM.

Generated customers are ``res.partner`` with ``ref`` ``BENCH-00001``...; their invoices are
posted ``out_invoice`` moves in the company currency (EUR), dated over the last ``months``
months, with due dates relative to today.
"""

import argparse
import io
import json
import logging
import random
import sys
import time
from datetime import date
from datetime import datetime
from datetime import timedelta

_logger = logging.getLogger("bench.generate")

# Payment behaviour of the customers: (profile, share of customers).
PROFILES = [
    ("reliable", 0.31),
    ("sometimes_late", 0.30),
    ("habitually_late", 0.22),
    ("defaulting", 0.17),
]
MODEL_REF = "MODEL-BENCH"


# --------------------------------------------------------------------------- plan (pure Python)


class Plan:
    """The scale data as rows (lists of dicts keyed by column name), ids pre-assigned."""

    def __init__(self):
        self.partners = []
        self.moves = []  # each with "model_id" (the model move to copy)
        self.lines = []
        self.payments = []
        self.partials = []
        self.fulls = []
        self.invoice_payment = []  # (invoice_id, payment_id)


def _cents(value):
    return f"{value // 100}.{value % 100:02d}" if value >= 0 else "-" + _cents(-value)


def _payment_days(rng, profile, invoice_age_days):
    """Days after the due date the customer pays (None: never)."""
    if profile == "reliable":
        return None if rng.random() < 0.01 else rng.randint(-10, 3)
    if profile == "sometimes_late":
        if rng.random() < 0.08:
            return None
        return rng.randint(-5, 5) if rng.random() < 0.7 else rng.randint(10, 75)
    if profile == "habitually_late":
        return None if rng.random() < 0.15 else rng.randint(20, 180)
    # defaulting: paid very late long ago, then stopped paying
    if invoice_age_days > 480 and rng.random() < 0.8:
        return rng.randint(40, 200)
    return None if rng.random() < 0.9 else rng.randint(60, 240)


def plan_scenarios(partners, invoices, months, seed, today):
    """The business story of every invoice, without ids: a list per partner of
    dicts {invoice_date, due, cents, events} where events are
    ("pay", date, cents) / ("return", date) applied in order.

    >>> stories = plan_scenarios(3, 2, 6, 1, date(2026, 1, 31))
    >>> len(stories), [len(s["invoices"]) for s in stories]
    (3, [2, 2, 2])
    """
    rng = random.Random(seed)
    history_days = int(months * 365.25 / 12)
    names, weights = zip(*PROFILES, strict=True)
    stories = []
    for _index in range(partners):
        profile = rng.choices(names, weights)[0]
        items = []
        for _n in range(invoices):
            age = rng.randint(0, history_days)
            invoice_date = today - timedelta(days=age)
            due = invoice_date + timedelta(days=rng.choice((30, 30, 30, 60, 60, 90)))
            cents = int(min(max(rng.lognormvariate(6.6, 0.9), 50), 40000) * 100)
            events = []
            delay = _payment_days(rng, profile, age)
            if delay is not None:
                first = max(invoice_date, due + timedelta(days=delay))
                roll = rng.random()
                if roll < 0.08:  # paid in two instalments
                    part = cents * rng.randint(30, 70) // 100
                    events.append(("pay", first, part))
                    events.append(
                        ("pay", first + timedelta(days=rng.randint(15, 60)), cents - part)
                    )
                elif roll < 0.11 and profile != "reliable":  # payment returned by the bank
                    events.append(("pay", first, cents))
                    events.append(("return", first + timedelta(days=rng.randint(3, 15))))
                    if rng.random() < 0.5:
                        events.append(("pay", first + timedelta(days=rng.randint(30, 90)), cents))
                else:
                    events.append(("pay", first, cents))
                events = [e for e in events if e[1] <= today]
                # a return without its payment cannot happen: keep the story consistent
                if events and events[0][0] != "pay":
                    events = []
            items.append(
                {"invoice_date": invoice_date, "due": due, "cents": cents, "events": events}
            )
        items.sort(key=lambda item: item["invoice_date"])
        stories.append({"profile": profile, "invoices": items})
    return stories


class Numbering:
    """Move names per sequence prefix, following the model's format (prefix with the year)."""

    def __init__(self, model_prefix, model_year, digits, last_numbers):
        self.model_prefix = model_prefix
        self.model_year = str(model_year)
        self.digits = digits
        self.last = dict(last_numbers)

    def prefix(self, day):
        return self.model_prefix.replace(self.model_year, str(day.year))

    def assign(self, rows):
        """Give each row (sorted by date) ``name``, ``sequence_prefix``, ``sequence_number``."""
        for row in sorted(rows, key=lambda r: (r["date"], r["id"])):
            prefix = self.prefix(row["date"])
            number = self.last.get(prefix, 0) + 1
            self.last[prefix] = number
            row.update(
                name=f"{prefix}{number:0{self.digits}d}",
                sequence_prefix=prefix,
                sequence_number=number,
            )


class IdBlock:
    def __init__(self, start):
        self.next = start

    def __call__(self):
        value = self.next
        self.next += 1
        return value


def _timestamps(day):
    moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    return {"create_date": moment, "write_date": moment}


class PlanBuilder:
    """Turns the stories into rows. ``models`` maps row kinds to the ids of the model
    records to copy (and holds the three :class:`Numbering`), ``ids`` maps tables to an
    :class:`IdBlock`."""

    def __init__(self, models, ids, today):
        self.models = models
        self.ids = ids
        self.today = today
        self.plan = Plan()

    def build(self, stories):
        invoices, payments, reversals = [], [], []
        for number, story in enumerate(stories, start=1):
            partner = self._partner(number, story)
            for item in story["invoices"]:
                invoice = self._invoice_skeleton(partner, item)
                invoices.append(invoice)
                payments += invoice["payments"]
                reversals += [p["reversal"] for p in invoice["payments"] if p["reversal"]]
        self.models["invoice_numbering"].assign(invoices)
        self.models["payment_numbering"].assign(payments)
        self.models["reversal_numbering"].assign(reversals)
        for invoice in invoices:
            self._write_invoice(invoice)
        return self.plan

    # -- skeletons: ids and the story, names come after numbering

    def _partner(self, number, story):
        partner_id = self.ids["res_partner"]()
        name = f"Bench Customer {number:05d}"
        created = datetime.combine(self.today, datetime.min.time()) - timedelta(days=800)
        self.plan.partners.append(
            {
                "model_id": self.models["partner"],
                "id": partner_id,
                "name": name,
                "complete_name": name,
                "commercial_company_name": name,
                "commercial_partner_id": partner_id,
                "ref": f"BENCH-{number:05d}",
                "customer_rank": len(story["invoices"]),
                "comment": story["profile"],
                "create_date": created,
                "write_date": created,
            }
        )
        return (partner_id, name)

    def _invoice_skeleton(self, partner, item):
        invoice = {
            "id": self.ids["account_move"](),
            "date": item["invoice_date"],
            "partner": partner,
            "item": item,
            "payments": [],
        }
        matched = []  # payments still reconciled with the invoice
        for event in item["events"]:
            if event[0] == "pay":
                payment = {
                    "id": self.ids["account_move"](),
                    "payment_id": self.ids["account_payment"](),
                    "date": event[1],
                    "cents": event[2],
                    "partner": partner,
                    "reversal": None,
                }
                invoice["payments"].append(payment)
                matched.append(payment)
            else:  # the bank returns the last payment
                returned = matched.pop()
                returned["reversal"] = {
                    "id": self.ids["account_move"](),
                    "date": event[1],
                    "partner": partner,
                }
        invoice["matched"] = matched
        return invoice

    # -- rows

    def _move(self, model, move, cents, **values):
        """An ``account_move`` row; defaults are those of a payment entry."""
        partner_id, partner_name = move["partner"]
        row = {
            "model_id": self.models[model],
            "id": move["id"],
            "name": move["name"],
            "sequence_prefix": move["sequence_prefix"],
            "sequence_number": move["sequence_number"],
            "partner_id": partner_id,
            "commercial_partner_id": partner_id,
            "partner_shipping_id": None,
            "invoice_partner_display_name": partner_name,
            "payment_reference": None,
            "ref": None,
            "origin_payment_id": None,
            "reversed_entry_id": None,
            "date": move["date"],
            "invoice_date": None,
            "invoice_date_due": move["date"],
            "payment_state": "not_paid",
            "amount_untaxed": 0,
            "amount_total": cents,
            "amount_residual": 0,
            "amount_untaxed_signed": 0,
            "amount_untaxed_in_currency_signed": 0,
            "amount_total_signed": cents,
            "amount_total_in_currency_signed": cents,
            "amount_residual_signed": 0,
            **_timestamps(move["date"]),
            **values,
        }
        self.plan.moves.append(row)
        return row

    def _line(self, model, move, balance, **values):
        """An ``account_move_line`` row of ``move``; money in cents."""
        residual = values.pop("amount_residual", 0)
        row = {
            "model_id": self.models[model],
            "id": self.ids["account_move_line"](),
            "move_id": move["id"],
            "move_name": move["name"],
            "partner_id": move["partner"][0],
            "date": move["date"],
            "date_maturity": None,
            "invoice_date": None,
            "name": None,
            "ref": None,
            "debit": max(balance, 0),
            "credit": max(-balance, 0),
            "balance": balance,
            "amount_currency": balance,
            "amount_residual": residual,
            "amount_residual_currency": residual,
            "reconciled": False,
            "full_reconcile_id": None,
            "matching_number": None,
            "payment_id": None,
            "price_unit": 0,
            "price_subtotal": 0,
            "price_total": 0,
            **_timestamps(move["date"]),
            **values,
        }
        self.plan.lines.append(row)
        return row

    def _partial(self, debit_line, credit_line, cents, full_id=None):
        day = max(debit_line["date"], credit_line["date"])
        partial = {
            "model_id": self.models["partial"],
            "id": self.ids["account_partial_reconcile"](),
            "debit_move_id": debit_line["id"],
            "credit_move_id": credit_line["id"],
            "amount": cents,
            "debit_amount_currency": cents,
            "credit_amount_currency": cents,
            "full_reconcile_id": full_id,
            "max_date": day,
            **_timestamps(day),
        }
        self.plan.partials.append(partial)
        return partial

    def _full(self, day):
        full_id = self.ids["account_full_reconcile"]()
        self.plan.fulls.append({"model_id": self.models["full"], "id": full_id, **_timestamps(day)})
        return full_id

    def _write_invoice(self, invoice):
        item = invoice["item"]
        cents = item["cents"]
        residual = cents - sum(p["cents"] for p in invoice["matched"])
        state = "paid" if residual == 0 else "not_paid" if residual == cents else "partial"
        self._move(
            "invoice",
            invoice,
            cents,
            partner_shipping_id=invoice["partner"][0],
            payment_reference=invoice["name"],
            invoice_date=item["invoice_date"],
            invoice_date_due=item["due"],
            payment_state=state,
            amount_untaxed=cents,
            amount_residual=residual,
            amount_untaxed_signed=cents,
            amount_untaxed_in_currency_signed=cents,
            amount_residual_signed=residual,
        )
        self._line(
            "invoice_product_line",
            invoice,
            -cents,
            name="Goods and services",
            invoice_date=item["invoice_date"],
            price_unit=cents,
            price_subtotal=cents,
            price_total=cents,
        )
        full_id = self._full(max(p["date"] for p in invoice["matched"])) if residual == 0 else None
        receivable = self._line(
            "invoice_receivable_line",
            invoice,
            cents,
            name=invoice["name"],
            invoice_date=item["invoice_date"],
            date_maturity=item["due"],
            amount_residual=residual,
            reconciled=residual == 0,
            full_reconcile_id=full_id,
        )
        group, partial_ids = [receivable], []
        for payment in invoice["payments"]:
            counterpart = self._write_payment(invoice, payment, residual, full_id)
            if not payment["reversal"]:
                partial = self._partial(receivable, counterpart, payment["cents"], full_id)
                partial_ids.append(partial["id"])
                group.append(counterpart)
        if partial_ids:
            # Odoo's rule: the full reconcile's id, else P + the group's smallest partial id
            number = str(full_id) if full_id else f"P{min(partial_ids)}"
            for member in group:
                member["matching_number"] = number
        self.plan.invoice_payment += [(invoice["id"], p["payment_id"]) for p in invoice["payments"]]

    def _write_payment(self, invoice, payment, invoice_residual, full_id):
        """The payment, its entry and, if returned, the reversal; returns the receivable line."""
        cents = payment["cents"]
        returned = payment["reversal"] is not None
        label = f"Manual Payment: {invoice['name']}"
        self._move(
            "payment_move",
            payment,
            cents,
            ref=invoice["name"],
            origin_payment_id=payment["payment_id"],
        )
        common = {"name": label, "ref": invoice["name"], "date_maturity": payment["date"]}
        common["payment_id"] = payment["payment_id"]
        liquidity = self._line(
            "payment_liquidity_line",
            payment,
            cents,
            amount_residual=0 if returned else cents,
            reconciled=returned,
            price_subtotal=cents,
            price_total=cents,
            **common,
        )
        counterpart = self._line(
            "payment_receivable_line",
            payment,
            -cents,
            reconciled=True,
            full_reconcile_id=full_id,
            price_subtotal=-cents,
            price_total=-cents,
            **common,
        )
        # Odoo leaves a payment "in process" until all its invoices are paid, and a returned
        # payment keeps the state it had reached (its invoice was paid) before the return.
        self.plan.payments.append(
            {
                "model_id": self.models["payment"],
                "id": payment["payment_id"],
                "move_id": payment["id"],
                "name": payment["name"],
                "partner_id": payment["partner"][0],
                "date": payment["date"],
                "amount": cents,
                "amount_company_currency_signed": cents,
                "memo": invoice["name"],
                "state": "paid" if invoice_residual == 0 or returned else "in_process",
                "is_reconciled": True,
                "is_matched": returned,
                **_timestamps(payment["date"]),
            }
        )
        if returned:
            self._write_return(payment, label, liquidity, counterpart)
        return counterpart

    def _write_return(self, payment, label, liquidity, counterpart):
        """The reversal of a returned payment entry, each line fully matched with the original."""
        reversal = payment["reversal"]
        cents = payment["cents"]
        ref = f"Returned: {payment['name']}"
        self._move("reversal_move", reversal, cents, ref=ref, reversed_entry_id=payment["id"])
        common = {"name": label, "ref": ref, "date_maturity": reversal["date"], "reconciled": True}
        back_liquidity = self._line(
            "reversal_liquidity_line",
            reversal,
            -cents,
            price_subtotal=cents,
            price_total=cents,
            **common,
        )
        back_receivable = self._line(
            "reversal_receivable_line",
            reversal,
            cents,
            price_subtotal=-cents,
            price_total=-cents,
            **common,
        )
        for debit, credit in ((liquidity, back_liquidity), (back_receivable, counterpart)):
            full_id = self._full(reversal["date"])
            self._partial(debit, credit, cents, full_id)
            for line in (debit, credit):
                line.update(full_reconcile_id=full_id, matching_number=str(full_id))


# --------------------------------------------------------------------------- database


def _copy_value(value):
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


MONEY_COLUMNS = {
    "amount",
    "amount_company_currency_signed",
    "debit_amount_currency",
    "credit_amount_currency",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "price_unit",
    "price_subtotal",
    "price_total",
    "amount_untaxed",
    "amount_total",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
}


def clone_rows(cr, table, rows):
    """Insert ``rows`` into ``table``: each row copies its model row (``model_id``) and
    overrides the columns it names. Money is given in cents."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "model_id"]
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    table_columns = [name for (name,) in cr.fetchall()]
    unknown = set(columns) - set(table_columns)
    if unknown:
        raise RuntimeError(f"{table} has no column(s) {sorted(unknown)}")
    staging = f"bench_stage_{table}"
    quoted = ", ".join(f'"{c}"' for c in columns)
    cr.execute(f"DROP TABLE IF EXISTS {staging}")
    cr.execute(f"CREATE TEMP TABLE {staging} AS SELECT {quoted} FROM {table} LIMIT 0")
    cr.execute(f"ALTER TABLE {staging} ADD COLUMN model_id integer")
    buffer = io.StringIO()
    for row in rows:
        values = [
            _cents(row[c]) if c in MONEY_COLUMNS and row[c] is not None else row[c] for c in columns
        ]
        values.append(row["model_id"])
        buffer.write("\t".join(_copy_value(v) for v in values))
        buffer.write("\n")
    buffer.seek(0)
    cr.copy_expert(f"COPY {staging} ({quoted}, model_id) FROM STDIN", buffer)
    select = ", ".join(f's."{c}"' if c in columns else f'm."{c}"' for c in table_columns)
    all_quoted = ", ".join(f'"{c}"' for c in table_columns)
    cr.execute(
        f"INSERT INTO {table} ({all_quoted}) SELECT {select} "
        f"FROM {staging} s JOIN {table} m ON m.id = s.model_id"
    )
    cr.execute(f"DROP TABLE {staging}")


def create_models(env, history_start):
    """The ORM writes one of each thing the generator copies. Dated before the history, paid."""
    from odoo import Command

    company = env.company
    eur = env.ref("base.EUR")
    if company.currency_id != eur:
        if env["account.move.line"].search_count([("company_id", "=", company.id)], limit=1):
            raise RuntimeError("The company already has journal items: generate on a new database.")
        eur.active = True
        company.currency_id = eur
    partner = env["res.partner"].create(
        {
            "name": "Benchmark model customer",
            "is_company": True,
            "customer_rank": 1,
            "ref": MODEL_REF,
        }
    )
    day = history_start - timedelta(days=60)

    def invoice():
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "invoice_date_due": day + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goods", "quantity": 1, "price_unit": 1000.0, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def pay(move, when, amount=None):
        values = {"payment_date": when}
        if amount is not None:
            values.update(amount=amount, payment_difference_handling="open")
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
        )
        return wizard._create_payments()

    paid = invoice()
    payment = pay(paid, day + timedelta(days=20))
    instalments = invoice()
    pay(instalments, day + timedelta(days=10), 400.0)
    pay(instalments, day + timedelta(days=25))
    returned_invoice = invoice()
    returned = pay(returned_invoice, day + timedelta(days=5))
    reversal = returned.move_id._reverse_moves(
        [{"date": day + timedelta(days=12), "ref": f"Returned: {returned.name}"}], cancel=True
    )
    pay(returned_invoice, day + timedelta(days=40))
    env.flush_all()
    for move in paid | instalments | returned_invoice:
        if move.payment_state != "paid":
            raise RuntimeError(f"model invoice {move.name} is {move.payment_state}, not paid")

    def receivable(move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    partial = receivable(paid).matched_credit_ids
    return {
        "partner": partner.id,
        "invoice": paid.id,
        "invoice_product_line": paid.invoice_line_ids.id,
        "invoice_receivable_line": receivable(paid).id,
        "payment": payment.id,
        "payment_move": payment.move_id.id,
        "payment_liquidity_line": (payment.move_id.line_ids - receivable(payment.move_id)).id,
        "payment_receivable_line": receivable(payment.move_id).id,
        "reversal_move": reversal.id,
        "reversal_liquidity_line": (reversal.line_ids - receivable(reversal)).id,
        "reversal_receivable_line": receivable(reversal).id,
        "partial": partial.id,
        "full": partial.full_reconcile_id.id,
        "records": (paid, payment.move_id, reversal),
    }


def _numbering(cr, move):
    cr.execute(
        "SELECT sequence_prefix, max(sequence_number) FROM account_move "
        "WHERE journal_id = %s GROUP BY sequence_prefix",
        [move.journal_id.id],
    )
    last = dict(cr.fetchall())
    digits = len(move.name) - len(move.sequence_prefix)
    return Numbering(move.sequence_prefix, move.date.year, digits, last)


def _id_blocks(cr, tables):
    blocks = {}
    for table in tables:
        cr.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        blocks[table] = IdBlock(cr.fetchone()[0])
    return blocks


def _fix_sequences(cr, tables):
    for table in tables:
        cr.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


TABLES = [
    "res_partner",
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
]


def insert_plan(cr, plan):
    clone_rows(cr, "res_partner", plan.partners)
    clone_rows(cr, "account_full_reconcile", plan.fulls)
    # moves reference payments (origin_payment_id) and payments reference moves: the
    # foreign keys are checked at the end of each statement, so insert moves with the
    # link empty, then payments, then set the link.
    links = [(m["id"], m["origin_payment_id"]) for m in plan.moves if m["origin_payment_id"]]
    for move in plan.moves:
        move["origin_payment_id"] = None
    invoices = [m for m in plan.moves if m["payment_reference"]]
    others = [m for m in plan.moves if not m["payment_reference"]]
    clone_rows(cr, "account_move", invoices)
    clone_rows(cr, "account_move", [m for m in others if m["reversed_entry_id"] is None])
    clone_rows(cr, "account_move", [m for m in others if m["reversed_entry_id"] is not None])
    clone_rows(cr, "account_payment", plan.payments)
    buffer = io.StringIO("".join(f"{move_id}\t{payment_id}\n" for move_id, payment_id in links))
    cr.execute("CREATE TEMP TABLE bench_stage_links (move_id integer, payment_id integer)")
    cr.copy_expert("COPY bench_stage_links FROM STDIN", buffer)
    cr.execute(
        "UPDATE account_move m SET origin_payment_id = l.payment_id "
        "FROM bench_stage_links l WHERE m.id = l.move_id"
    )
    cr.execute("DROP TABLE bench_stage_links")
    clone_rows(cr, "account_move_line", plan.lines)
    clone_rows(cr, "account_partial_reconcile", plan.partials)
    buffer = io.StringIO("".join(f"{inv}\t{pay}\n" for inv, pay in plan.invoice_payment))
    cr.copy_expert("COPY account_move__account_payment (invoice_id, payment_id) FROM STDIN", buffer)
    _fix_sequences(cr, TABLES)


# --------------------------------------------------------------------------- checks

CHECKS = {
    "unbalanced moves": """
        SELECT count(*) FROM (
            SELECT move_id FROM account_move_line GROUP BY move_id
            HAVING round(sum(balance)::numeric, 2) <> 0
                OR round(sum(debit)::numeric, 2) <> round(sum(credit)::numeric, 2)) t""",
    "lines whose residual is not balance minus partials": """
        SELECT count(*) FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id AND a.reconcile
          LEFT JOIN (SELECT debit_move_id AS id, sum(amount) AS amount
                       FROM account_partial_reconcile GROUP BY debit_move_id) d ON d.id = l.id
          LEFT JOIN (SELECT credit_move_id AS id, sum(amount) AS amount
                       FROM account_partial_reconcile GROUP BY credit_move_id) c ON c.id = l.id
         WHERE round((l.balance - coalesce(d.amount, 0) + coalesce(c.amount, 0))::numeric, 2)
               <> round(l.amount_residual::numeric, 2)
            OR round(l.amount_residual::numeric, 2) <> round(l.amount_residual_currency::numeric, 2)
            OR l.reconciled <> (round(l.amount_residual::numeric, 2) = 0)""",
    "full reconciliations not balanced or not reconciled": """
        SELECT count(*) FROM (
            SELECT full_reconcile_id FROM account_move_line WHERE full_reconcile_id IS NOT NULL
             GROUP BY full_reconcile_id
            HAVING round(sum(balance)::numeric, 2) <> 0 OR NOT bool_and(reconciled)
                OR bool_or(matching_number <> full_reconcile_id::text)) t""",
    "partials with a wrong max_date or account": """
        SELECT count(*) FROM account_partial_reconcile p
          JOIN account_move_line d ON d.id = p.debit_move_id
          JOIN account_move_line c ON c.id = p.credit_move_id
         WHERE p.max_date <> greatest(d.date, c.date) OR d.account_id <> c.account_id
            OR d.partner_id <> c.partner_id OR d.balance <= 0 OR c.balance >= 0""",
    "partially matched lines without a P matching number": """
        SELECT count(*) FROM account_move_line l
         WHERE l.full_reconcile_id IS NULL
           AND EXISTS (SELECT 1 FROM account_partial_reconcile p
                        WHERE l.id IN (p.debit_move_id, p.credit_move_id))
           AND (l.matching_number IS NULL OR l.matching_number NOT LIKE 'P%%')""",
    "invoices whose amount_residual or payment_state disagrees with their lines": """
        SELECT count(*) FROM account_move m
          JOIN (SELECT l.move_id, sum(l.amount_residual) AS residual
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                 WHERE a.account_type = 'asset_receivable' GROUP BY l.move_id) r
            ON r.move_id = m.id
         WHERE m.move_type = 'out_invoice' AND (
               round(m.amount_residual::numeric, 2) <> round(r.residual::numeric, 2)
            OR m.payment_state <> CASE WHEN round(r.residual::numeric, 2) = 0 THEN 'paid'
                                       WHEN round(r.residual::numeric, 2)
                                            = round(m.amount_total::numeric, 2) THEN 'not_paid'
                                       ELSE 'partial' END)""",
    "payments and their entries not linked both ways": """
        SELECT (SELECT count(*) FROM account_payment y LEFT JOIN account_move m ON m.id = y.move_id
                 WHERE m.origin_payment_id IS DISTINCT FROM y.id)
             + (SELECT count(*) FROM account_move m JOIN account_payment y
                    ON y.id = m.origin_payment_id WHERE y.move_id IS DISTINCT FROM m.id)""",
    "duplicate move names in a journal": """
        SELECT count(*) FROM (SELECT 1 FROM account_move WHERE state = 'posted'
                               GROUP BY journal_id, name HAVING count(*) > 1) t""",
}

FACTS = {
    "customers": "SELECT count(*) FROM res_partner WHERE ref LIKE 'BENCH-%%'",
    "invoices": """SELECT count(*) FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                    WHERE p.ref LIKE 'BENCH-%%' AND m.move_type = 'out_invoice'
                      AND m.state = 'posted'""",
    "payments": """SELECT count(*) FROM account_payment y JOIN res_partner p
                     ON p.id = y.partner_id WHERE p.ref LIKE 'BENCH-%%'""",
    "returned payments": """SELECT count(*) FROM account_move m JOIN res_partner p
                              ON p.id = m.partner_id WHERE p.ref LIKE 'BENCH-%%'
                             AND m.reversed_entry_id IS NOT NULL""",
    "receivable lines": """SELECT count(*) FROM account_move_line l
                             JOIN account_account a ON a.id = l.account_id
                             JOIN res_partner p ON p.id = l.partner_id
                            WHERE a.account_type = 'asset_receivable' AND p.ref LIKE 'BENCH-%%'""",
    "open invoices": """SELECT count(*) FROM account_move m JOIN res_partner p
                          ON p.id = m.partner_id WHERE p.ref LIKE 'BENCH-%%'
                         AND m.move_type = 'out_invoice' AND m.payment_state <> 'paid'""",
    "partially paid invoices": """SELECT count(*) FROM account_move m JOIN res_partner p
                          ON p.id = m.partner_id WHERE p.ref LIKE 'BENCH-%%'
                         AND m.payment_state = 'partial'""",
    "overdue receivable lines": """SELECT count(*) FROM account_move_line l
                             JOIN account_account a ON a.id = l.account_id
                             JOIN res_partner p ON p.id = l.partner_id
                            WHERE a.account_type = 'asset_receivable' AND p.ref LIKE 'BENCH-%%'
                              AND NOT l.reconciled AND l.date_maturity < current_date
                              AND l.parent_state = 'posted'""",
}


def check_sql(cr, partners, invoices):
    failures = []
    for label, query in CHECKS.items():
        cr.execute(query)
        count = cr.fetchone()[0]
        if count:
            failures.append(f"{count} {label}")
    facts = {}
    for label, query in FACTS.items():
        cr.execute(query)
        facts[label] = cr.fetchone()[0]
    if facts["customers"] != partners or facts["invoices"] != partners * invoices:
        failures.append(f"expected {partners} customers, {partners * invoices} invoices: {facts}")
    return failures, facts


def check_orm(env, sample_size=200, seed=0):
    """Recompute a sample with the ORM and compare with what the SQL wrote."""
    env.cr.execute(
        "SELECT m.id FROM account_move m JOIN res_partner p ON p.id = m.partner_id "
        "WHERE p.ref LIKE 'BENCH-%%' AND m.move_type = 'out_invoice' ORDER BY m.id"
    )
    all_ids = [row[0] for row in env.cr.fetchall()]
    sample = random.Random(seed).sample(all_ids, min(sample_size, len(all_ids)))
    moves = env["account.move"].browse(sample)
    stored = {m.id: (m.amount_residual, m.payment_state, m.amount_total) for m in moves}
    lines = moves.line_ids | moves.line_ids.matched_credit_ids.credit_move_id
    line_stored = {line.id: (line.amount_residual, line.reconciled) for line in lines}
    payments = lines.payment_id
    payment_stored = {p.id: (p.is_reconciled, p.state) for p in payments}
    env.invalidate_all()
    fields_to_compute = [
        (lines, ["amount_residual", "amount_residual_currency", "reconciled"]),
        (moves, ["amount_residual", "amount_total", "payment_state"]),
        (payments, ["is_reconciled", "is_matched"]),
    ]
    for records, names in fields_to_compute:
        for name in names:
            env.add_to_compute(records._fields[name], records)
    problems = []
    for move in moves:
        current = (move.amount_residual, move.payment_state, move.amount_total)
        before = stored[move.id]
        same = (
            move.currency_id.compare_amounts(current[0], before[0]) == 0
            and current[1] == before[1]
            and move.currency_id.compare_amounts(current[2], before[2]) == 0
        )
        if not same:
            problems.append(f"{move.name}: stored {before}, recomputed {current}")
    for line in lines:
        before = line_stored[line.id]
        if line.currency_id.compare_amounts(line.amount_residual, before[0]) or (
            line.reconciled != before[1]
        ):
            problems.append(
                f"line {line.id}: stored {before}, recomputed "
                f"{(line.amount_residual, line.reconciled)}"
            )
    for payment in payments:
        if payment.is_reconciled != payment_stored[payment.id][0]:
            problems.append(f"payment {payment.name}: is_reconciled differs")
    problems += _check_odoo_flows(env, moves)
    env.cr.rollback()  # the recomputation and the flows must not be written
    return problems, len(moves), len(lines)


def _check_odoo_flows(env, moves):
    """Odoo's own flows work on the generated rows: unreconciling a paid invoice reopens
    it, and registering a payment on an open one pays it."""
    problems = []
    paid = moves.filtered(lambda m: m.payment_state == "paid")[:1]
    if paid:
        paid.line_ids.filtered("reconciled").remove_move_reconcile()
        if paid.payment_state != "not_paid":
            problems.append(f"{paid.name}: still {paid.payment_state} after unreconciling")
    open_invoice = moves.filtered(lambda m: m.payment_state in ("partial", "not_paid"))[:1]
    if open_invoice:
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=open_invoice.ids
        ).create({})._create_payments()
        if open_invoice.payment_state != "paid":
            problems.append(f"{open_invoice.name}: {open_invoice.payment_state} after payment")
    return problems


# --------------------------------------------------------------------------- main


def generate(env, partners, invoices, months, seed, today=None):
    today = today or date.today()
    history_start = today - timedelta(days=int(months * 365.25 / 12))
    started = time.monotonic()
    models = create_models(env, history_start)
    paid, payment_move, reversal = models.pop("records")
    cr = env.cr
    models["invoice_numbering"] = _numbering(cr, paid)
    models["payment_numbering"] = _numbering(cr, payment_move)
    models["reversal_numbering"] = _numbering(cr, reversal)
    stories = plan_scenarios(partners, invoices, months, seed, today)
    plan = PlanBuilder(models, _id_blocks(cr, TABLES), today).build(stories)
    planned = time.monotonic()
    insert_plan(cr, plan)
    env.invalidate_all()
    inserted = time.monotonic()
    cr.execute("ANALYZE")
    failures, facts = check_sql(cr, partners, invoices)
    if failures:
        raise RuntimeError("generated data breaks Odoo's invariants:\n" + "\n".join(failures))
    return {
        "plan_seconds": round(planned - started, 1),
        "insert_seconds": round(inserted - planned, 1),
        "rows": {
            "res_partner": len(plan.partners),
            "account_move": len(plan.moves),
            "account_move_line": len(plan.lines),
            "account_payment": len(plan.payments),
            "account_partial_reconcile": len(plan.partials),
            "account_full_reconcile": len(plan.fulls),
        },
        "facts": facts,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=10, help="invoices per partner")
    parser.add_argument("--months", type=int, default=24, help="history length")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    started = time.monotonic()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = generate(env, args.partners, args.invoices, args.months, args.seed)
        cr.commit()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        problems, moves, lines = check_orm(env)
        if problems:
            print("\n".join(problems[:20]), file=sys.stderr)
            raise SystemExit(
                f"ORM recomputation disagrees with the generated data ({len(problems)})"
            )
    result["orm_checked"] = {"invoices": moves, "lines": lines}
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
