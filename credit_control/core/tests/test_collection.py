import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from core import collection_dossier
from core import collection_statement
from core.collection_statement import StatementError


def _dossier(**debtor_extra):
    case = {"reference": "C/1", "case_type": "lawyer", "court_reference": "RG 123/2026"}
    debtor = {"name": "Bianchi", "vat": "IT1", "pec": "b@pec.it", **debtor_extra}
    items = [
        {"number": "F/1", "amount": "10.00", "open_amount": "5.00", "letters": []},
        {"number": "F/2", "amount": "20.00", "open_amount": "20.00", "letters": []},
    ]
    files = [("invoices/F-1.pdf", b"one"), ("sdi/F-1_RC_001.xml", b"<xml/>")]
    return collection_dossier.build(case, debtor, items, files)


def test_the_manifest_checks_every_file_of_the_zip():
    content, manifest = _dossier()
    archive = zipfile.ZipFile(io.BytesIO(content))
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert len(sums) == len(manifest) == 4
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_only_the_identification_of_the_debtor_travels():
    content, _manifest = _dossier(comment="slow payer", credit_score=3, bank="IT60X...")
    data = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("case.json"))
    assert set(data["debtor"]) == {"name", "vat", "pec"}
    assert data["case"]["court_reference"] == "RG 123/2026"
    assert [item["number"] for item in data["items"]] == ["F/1", "F/2"]


def test_a_file_name_twice_is_refused():
    with pytest.raises(ValueError):
        collection_dossier.build({}, {}, [], [("a.pdf", b"1"), ("a.pdf", b"2")])


def test_statement_with_comma_delimiter_and_decimal_point():
    rows = collection_statement.parse(b"Invoice,Amount,Date\nF/1,10.50,2026-01-02\n")
    assert rows[0].amount == Decimal("10.50") and rows[0].costs == Decimal(0)


def test_statement_errors_name_the_line():
    raw = b"invoice;amount;date;costs\nF/1;abc;2026-01-01;-1\n;5;01/01/2026;\nF/2;5;2099-01-01;\n"
    with pytest.raises(StatementError) as info:
        collection_statement.parse(raw, today=date(2026, 6, 1))
    codes = [(e.line, e.code) for e in info.value.errors]
    assert codes == [(2, "bad_amount"), (2, "negative"), (3, "no_invoice"), (4, "future_date")]


def test_empty_and_latin1_statements_are_refused():
    with pytest.raises(StatementError) as info:
        collection_statement.parse(b"")
    assert info.value.errors[0].code == "empty"
    with pytest.raises(StatementError) as info:
        collection_statement.parse(
            "fattura;importo;data\nF/1;5;01/01/2026;città\n".encode("latin-1")
        )
    assert info.value.errors[0].code == "encoding"
    with pytest.raises(StatementError) as info:
        collection_statement.parse(b"invoice;amount;date\n")
    assert info.value.errors[0].code == "empty"


def test_two_rows_of_one_invoice_add_up_against_what_is_open():
    rows = collection_statement.parse(
        b"invoice;amount;date\nF/1;60;2026-01-01\nF/1;50;2026-02-01\n"
    )
    with pytest.raises(StatementError) as info:
        collection_statement.plan(rows, {"F/1": Decimal(100)}, set())
    assert [(e.line, e.code) for e in info.value.errors] == [(3, "above_open")]
    new, skipped = collection_statement.plan(rows, {"F/1": Decimal(110)}, set())
    assert len(new) == 2 and skipped == 0
