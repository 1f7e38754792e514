"""An agency's periodic statement (CSV): what it recovered, invoice by invoice.

The file has a header row; the columns are found by name (English or Italian, any
case): the invoice number, the amount recovered, the date, and optionally the agency's
costs. Fields are separated by ``;`` or ``,`` (the header tells which); amounts take a
decimal comma or a decimal point (``1.234,56``, ``1234,56``, ``1234.56``); dates are
``YYYY-MM-DD`` or ``DD/MM/YYYY``. The file must be UTF-8 (a BOM is fine).

>>> raw = "Fattura;Importo recuperato;Data;Spese\\nINV/1;1.200,50;15/06/2026;30\\n".encode()
>>> rows = parse(raw)
>>> rows[0].line, rows[0].invoice, rows[0].amount, rows[0].costs
(2, 'INV/1', Decimal('1200.50'), Decimal('30'))
>>> rows[0].date
datetime.date(2026, 6, 15)

Errors say which line and what is wrong, all of them at once:

>>> try:
...     parse(b"invoice,amount,date\\nINV/1,-5,2026-13-01\\n")
... except StatementError as error:
...     [(e.line, e.code) for e in error.errors]
[(2, 'negative'), (2, 'bad_date')]
>>> try:
...     parse("invoice;amount\\nINV/1;5\\n".encode("utf-16"))
... except StatementError as error:
...     [(e.line, e.code) for e in error.errors]
[(0, 'encoding')]
>>> try:
...     parse(b"customer;paid\\nINV/1;5\\n")
... except StatementError as error:
...     [(e.code, e.values["missing"]) for e in error.errors]
[('columns', 'invoice, amount, date')]

Then the rows are checked against the case: each invoice must be one of its items, and
what is reported for an item can't exceed what was open at hand-off less what the
agency already reported. A row already imported (same invoice, date, amount and costs)
is skipped, so a statement imported twice changes nothing:

>>> items = {"INV/1": Decimal("1500.00"), "INV/2": Decimal("300.00")}
>>> new, skipped = plan(rows, items, known=set())
>>> len(new), skipped
(1, 0)
>>> plan(rows, items, known={row_key(rows[0])})
([], 1)
>>> try:
...     plan(parse(b"invoice;amount;date\\nINV/2;300,01;2026-06-01\\nINV/9;1;2026-06-01\\n"),
...          items, known=set())
... except StatementError as error:
...     [(e.line, e.code) for e in error.errors]
[(2, 'above_open'), (3, 'unknown_invoice')]
"""

import csv
import io
import re
from collections import namedtuple
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation

__all__ = [
    "COLUMN_NAMES",
    "StatementError",
    "StatementIssue",
    "StatementRow",
    "parse",
    "parse_amount",
    "parse_date",
    "plan",
    "row_key",
]

#: accepted header names per column (compared lower-case, spaces and _ alike)
COLUMN_NAMES = {
    "invoice": ("invoice", "invoice number", "number", "fattura", "numero fattura", "documento"),
    "amount": (
        "amount",
        "amount recovered",
        "recovered",
        "importo",
        "importo recuperato",
        "recuperato",
    ),
    "date": ("date", "recovery date", "data", "data incasso", "data recupero"),
    "costs": ("costs", "agency costs", "spese", "costi", "spese agenzia"),
}
REQUIRED = ("invoice", "amount", "date")
MAX_BYTES = 5 * 1024 * 1024

StatementRow = namedtuple("StatementRow", "line invoice amount date costs")
StatementIssue = namedtuple("StatementIssue", "line code values")


class StatementError(ValueError):
    """The statement can't be imported; ``errors`` lists every problem found."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"line {e.line}: {e.code} {e.values}" for e in errors))


def _normalise(header):
    return re.sub(r"[\s_]+", " ", header.strip().lower())


def parse_amount(text):
    """A non-signed decimal from the statement, or None if it isn't one.

    >>> parse_amount("1.234,56"), parse_amount("1,234.56"), parse_amount("1234,5")
    (Decimal('1234.56'), Decimal('1234.56'), Decimal('1234.5'))
    >>> parse_amount("-12.30"), parse_amount(""), parse_amount("12 EUR")
    (Decimal('-12.30'), Decimal('0'), None)
    """
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return Decimal(0)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above already guards
        return None


def parse_date(text):
    """A date from ``YYYY-MM-DD`` or ``DD/MM/YYYY``, or None.

    >>> parse_date("2026-06-15"), parse_date("15/06/2026"), parse_date("31/02/2026")
    (datetime.date(2026, 6, 15), datetime.date(2026, 6, 15), None)
    """
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse(raw, today=None):
    """The statement's rows, or :class:`StatementError` listing every problem.

    ``today``: a recovery dated after it is refused (an agency can't report the future).
    """
    if len(raw) > MAX_BYTES:
        raise StatementError([StatementIssue(0, "too_large", {"limit": MAX_BYTES})])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementError([StatementIssue(0, "encoding", {})]) from None
    if "\x00" in text:
        raise StatementError([StatementIssue(0, "encoding", {})])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise StatementError([StatementIssue(0, "empty", {})])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_normalise(cell) for cell in next(reader)]
    positions = {}
    for column, names in COLUMN_NAMES.items():
        for index, cell in enumerate(header):
            if cell in names:
                positions[column] = index
                break
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise StatementError([StatementIssue(1, "columns", {"missing": ", ".join(missing)})])
    rows, errors = [], []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))

        def cell(column, cells=cells):
            return cells[positions[column]].strip() if column in positions else ""

        invoice = cell("invoice")
        amount = parse_amount(cell("amount"))
        costs = parse_amount(cell("costs"))
        day = parse_date(cell("date"))
        if not invoice:
            errors.append(StatementIssue(number, "no_invoice", {}))
        for name, value in (("amount", amount), ("costs", costs)):
            if value is None:
                errors.append(StatementIssue(number, "bad_amount", {"value": cell(name)}))
            elif value < 0:
                errors.append(StatementIssue(number, "negative", {"value": cell(name)}))
        if day is None:
            errors.append(StatementIssue(number, "bad_date", {"value": cell("date")}))
        elif today and day > today:
            errors.append(StatementIssue(number, "future_date", {"value": cell("date")}))
        rows.append(StatementRow(number, invoice, amount, day, costs))
    if errors:
        raise StatementError(errors)
    if not rows:
        raise StatementError([StatementIssue(0, "empty", {})])
    return rows


def row_key(row):
    """What makes a reported recovery the same one when it comes again.

    >>> row_key(StatementRow(2, "INV/1", Decimal("10.0"), parse_date("2026-06-01"), Decimal(0)))
    ('INV/1', '2026-06-01', '10.00', '0.00')
    """
    return (
        row.invoice,
        row.date.isoformat(),
        f"{row.amount:.2f}",
        f"{row.costs:.2f}",
    )


def plan(rows, remaining, known):
    """``(new rows, number of rows skipped as already imported)``, checked against the case.

    ``remaining``: ``{invoice number: amount the agency may still report}``; ``known``:
    the ``row_key`` of the rows imported before. Raises :class:`StatementError`.
    """
    left = dict(remaining)
    new, skipped, errors = [], 0, []
    for row in rows:
        if row_key(row) in known:
            skipped += 1
            continue
        if row.invoice not in left:
            errors.append(StatementIssue(row.line, "unknown_invoice", {"invoice": row.invoice}))
            continue
        if row.amount > left[row.invoice]:
            errors.append(
                StatementIssue(
                    row.line,
                    "above_open",
                    {"invoice": row.invoice, "amount": row.amount, "open": left[row.invoice]},
                )
            )
            continue
        left[row.invoice] -= row.amount
        known = known | {row_key(row)}
        new.append(row)
    if errors:
        raise StatementError(errors)
    return new, skipped
