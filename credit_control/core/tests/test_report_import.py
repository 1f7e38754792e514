import json

import pytest

from core import report_import
from core.report_import import ImportFileError

MAPPING = {"vat": "VAT", "score": "Score", "recommended_limit": "Limit"}


def test_good_and_bad_rows_are_reported_separately():
    data = (
        b"VAT,Score,Limit\n"
        b"IT01,55,10000\n"
        b",60,100\n"
        b"IT02,n/a,100\n"
        b"IT03,101,100\n"
        b"IT04,50,lots\n"
        b"IT01,50,100\n"
    )
    rows, errors = report_import.parse(data, "csv", MAPPING)
    assert [row.values["vat"] for row in rows] == ["IT01"]
    assert rows[0].values["recommended_limit"] == 10000.0
    assert [line for line, _msg in errors] == [3, 4, 5, 6, 7]
    assert "not a number" in errors[1][1]
    assert "outside the scale" in errors[2][1]
    assert "more than once" in errors[4][1]


def test_windows_1252_file_is_read():
    data = "VAT;Score;Rating\nIT01;40;Società buona\n".encode("cp1252")
    rows, errors = report_import.parse(
        data, "csv", {**MAPPING, "rating": "Rating", "recommended_limit": ""}
    )
    assert errors == []
    assert rows[0].values["rating"] == "Società buona"


def test_binary_file_is_refused():
    with pytest.raises(ImportFileError, match="not a text file"):
        report_import.parse(b"PK\x03\x04\x00\x00binary", "csv", MAPPING)


def test_missing_columns_named():
    with pytest.raises(ImportFileError, match=r"missing column.*Score"):
        report_import.parse(b"VAT,Points,Limit\nIT01,3,4\n", "csv", MAPPING)


def test_fifty_megabyte_file_refused_before_parsing():
    data = b"VAT,Score,Limit\n" + b"IT01,50,100\n" * (50 * 1024 * 1024 // 12)
    with pytest.raises(ImportFileError, match="more than the limit"):
        report_import.parse(data, "csv", MAPPING)


def test_json_with_nested_paths_and_events():
    data = json.dumps(
        {
            "data": [
                {
                    "id": {"vat": "IT9"},
                    "paydex": 80,
                    "status": "Liquidation",
                    "events": ["protest"],
                },
                "garbage",
            ]
        }
    ).encode()
    mapping = {
        "vat": "id.vat",
        "score": "paydex",
        "legal_status": "status",
        "negative_events": "events",
    }
    rows, errors = report_import.parse(data, "json", mapping, scale="paydex", records_path="data")
    assert rows[0].values["legal_status"] == "liquidation"
    assert rows[0].values["negative_events"] == ["protest"]
    assert errors == [(2, "not an object")]


def test_malformed_json_refused():
    with pytest.raises(ImportFileError, match="not valid JSON"):
        report_import.parse(b"{not json", "json", {"vat": "a", "score": "b"})
