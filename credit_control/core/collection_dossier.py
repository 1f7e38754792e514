"""The dossier handed to a collection agency or a lawyer: a zip built from plain data.

The add-on reads the case, the debtor and the invoices from the database and passes
them here as dictionaries; this module keeps only the fields the agency needs (data
minimisation, GDPR art. 5(1)(c)), writes ``case.json`` and ``items.csv``, adds the
documents (invoice PDFs, SdI delivery receipts, letters) and a ``SHA256SUMS`` manifest
that ``sha256sum -c`` checks. The zip is reproducible: the same data gives the same
bytes (fixed timestamps, files in a fixed order).

>>> case = {"reference": "CASE/2026/0001", "case_type": "agency", "agency": "Recuperi Srl",
...         "creditor": "Rossi Forniture S.r.l.", "currency": "EUR",
...         "date_handed_off": "2026-06-01", "amount_handed_over": "1500.00",
...         "interest_claimed": "12.30", "fees_claimed": "40.00",
...         "internal_note": "customer is difficult"}
>>> debtor = {"name": "Bianchi S.p.A.", "vat": "IT01234567890", "street": "Via Roma 1",
...           "zip": "40100", "city": "Bologna", "country": "IT",
...           "pec": "bianchi@pec.it", "phone": "+39 051 000000",
...           "credit_score": 12, "comment": "never pays"}
>>> items = [{"number": "INV/2026/0001", "date": "2026-01-31", "due_date": "2026-03-02",
...           "amount": "1000.00", "open_amount": "1000.00",
...           "sdi_delivery": "RC 2026-02-01 (SdI 123)",
...           "letters": [{"date": "2026-04-01", "channel": "PEC", "stage": "Formal notice",
...                        "file": "letters/Formal notice 2026-04-01.pdf"}],
...           "files": ["invoices/INV-2026-0001.pdf"]}]
>>> files = [("invoices/INV-2026-0001.pdf", b"%PDF-1.4 invoice"),
...          ("letters/Formal notice 2026-04-01.pdf", b"%PDF-1.4 letter")]
>>> content, manifest = build(case, debtor, items, files)
>>> [entry.name for entry in manifest]
['case.json', 'items.csv', 'invoices/INV-2026-0001.pdf', 'letters/Formal notice 2026-04-01.pdf']
>>> manifest[2].sha256 == hashlib.sha256(b"%PDF-1.4 invoice").hexdigest()
True
>>> archive = zipfile.ZipFile(io.BytesIO(content))
>>> archive.namelist()[-1]
'SHA256SUMS'
>>> data = json.loads(archive.read("case.json"))
>>> sorted(data["debtor"])
['city', 'country', 'name', 'pec', 'phone', 'street', 'vat', 'zip']
>>> "internal_note" in data["case"], data["case"]["amount_handed_over"]
(False, '1500.00')
>>> for cell in archive.read("items.csv").decode("utf-8-sig").splitlines()[1].split(";"):
...     print(cell)
INV/2026/0001
2026-01-31
2026-03-02
1000.00
1000.00
RC 2026-02-01 (SdI 123)
2026-04-01 PEC Formal notice
>>> build(case, debtor, items, files)[0] == content
True
"""

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import namedtuple

__all__ = ["CASE_FIELDS", "DEBTOR_FIELDS", "ITEM_COLUMNS", "ManifestEntry", "build", "safe_name"]

#: what the agency learns of the case
CASE_FIELDS = (
    "reference",
    "case_type",
    "agency",
    "creditor",
    "creditor_vat",
    "currency",
    "date_handed_off",
    "amount_handed_over",
    "interest_claimed",
    "fees_claimed",
    "court_reference",
)
#: what identifies the debtor: nothing else of the partner (no notes, no score, no plain
#: e-mail: the PEC is the address with legal value)
DEBTOR_FIELDS = (
    "name",
    "vat",
    "fiscal_code",
    "street",
    "street2",
    "zip",
    "city",
    "state",
    "country",
    "pec",
    "phone",
)
#: the invoices: one row each in items.csv
ITEM_COLUMNS = (
    "number",
    "date",
    "due_date",
    "amount",
    "open_amount",
    "sdi_delivery",
    "letters",
)
#: one fixed timestamp for every member: the same data gives the same zip
ZIP_DATE = (2000, 1, 1, 0, 0, 0)
ManifestEntry = namedtuple("ManifestEntry", "name sha256 size")


def safe_name(name):
    """A file name safe inside the zip on every system: no folders, no odd characters.

    >>> safe_name("INV/2026/0001.pdf")
    'INV-2026-0001.pdf'
    >>> safe_name("../../etc/passwd")
    '..-..-etc-passwd'
    >>> safe_name('Sollecito: "ultimo"?.pdf')
    'Sollecito- -ultimo--.pdf'
    """
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "-", name).strip() or "file"


def _letters_text(letters):
    return "; ".join(
        " ".join(
            part
            for part in (letter.get("date"), letter.get("channel"), letter.get("stage"))
            if part
        )
        for letter in letters
    )


def _items_csv(items):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(ITEM_COLUMNS)
    for item in items:
        row = {**item, "letters": _letters_text(item.get("letters") or [])}
        writer.writerow([row.get(column) or "" for column in ITEM_COLUMNS])
    # a BOM so that a spreadsheet opens the accents right
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _case_json(case, debtor, items):
    data = {
        "case": {key: case[key] for key in CASE_FIELDS if case.get(key) not in (None, "")},
        "debtor": {key: debtor[key] for key in DEBTOR_FIELDS if debtor.get(key) not in (None, "")},
        "items": [
            {
                **{key: item.get(key) for key in ITEM_COLUMNS if key != "letters"},
                "letters": [
                    {key: letter.get(key) for key in ("date", "channel", "stage", "file")}
                    for letter in item.get("letters") or []
                ],
                "files": list(item.get("files") or []),
            }
            for item in items
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")


def build(case, debtor, items, files):
    """The dossier: ``(zip bytes, [ManifestEntry])``.

    ``case`` and ``debtor`` are dictionaries (keys outside ``CASE_FIELDS`` and
    ``DEBTOR_FIELDS`` are dropped), ``items`` a list of dictionaries with the keys of
    ``ITEM_COLUMNS`` (``letters`` a list of ``{date, channel, stage, file}``) and
    ``files``, ``files`` a list of ``(path in the zip, bytes)``. A path given twice is
    refused (a file would hide another). The manifest lists every file with its
    SHA-256, in the zip's order, the manifest itself excluded.
    """
    members = [
        ("case.json", _case_json(case, debtor, items)),
        ("items.csv", _items_csv(items)),
    ]
    seen = {name for name, _content in members}
    for name, content in files:
        if name in seen:
            raise ValueError(f"Two files named {name} in one dossier")
        seen.add(name)
        members.append((name, content))
    manifest = [
        ManifestEntry(name, hashlib.sha256(content).hexdigest(), len(content))
        for name, content in members
    ]
    sums = "".join(f"{entry.sha256}  {entry.name}\n" for entry in manifest).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*members, ("SHA256SUMS", sums)]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            # PDFs are compressed already: stored as they are, which is much faster
            info.compress_type = (
                zipfile.ZIP_STORED if name.lower().endswith(".pdf") else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue(), manifest
