"""Read business reports from a CSV or JSON file an operator downloaded from a bureau.

The provider's **mapping** names, for each report field, the CSV column or the JSON path
(dotted, e.g. ``company.vat``) that holds it; ``vat`` and ``score`` are required.
:func:`parse` returns the good rows and a list of errors ``(row number, message)``:
a bad row never stops the good ones. The file as a whole is refused (``ImportFileError``)
when it is too large, not text, not parseable, or lacks a mapped required column.

>>> mapping = {"vat": "VAT", "score": "Score", "rating": "Rating"}
>>> data = b"VAT;Score;Rating\\nIT00000000001;73;A\\nIT00000000002;abc;B\\nIT00000000001;70;A\\n"
>>> rows, errors = parse(data, "csv", mapping, scale="score_100")
>>> [(row.line, row.values["vat"], row.values["score"], row.raw_score) for row in rows]
[(2, 'IT00000000001', 73.0, '73')]
>>> errors
[(3, "score 'abc' is not a number"), (4, 'IT00000000001 appears more than once in the file')]

JSON: a list of objects, or an object whose ``records_path`` holds the list:

>>> data = b'{"items": [{"company": {"vat": "IT1"}, "risk": {"class": 3}}]}'
>>> rows, errors = parse(data, "json", {"vat": "company.vat", "score": "risk.class"},
...                      scale="risk_10", records_path="items")
>>> rows[0].values["score"], errors
(77.8, [])
>>> parse(b"x" * 20, "csv", mapping, max_bytes=10)
Traceback (most recent call last):
...
core.report_import.ImportFileError: the file is 20 bytes, more than the limit of 10 bytes
"""

import csv
import io
import json
from collections import namedtuple

from . import report_scales

__all__ = ["FIELDS", "ImportFileError", "ReportRow", "decode", "get_path", "parse"]

FIELDS = (
    "vat",
    "score",
    "rating",
    "recommended_limit",
    "legal_status",
    "negative_events",
    "report_date",
)
REQUIRED_FIELDS = ("vat", "score")
MAX_BYTES = 10 * 1024 * 1024
LEGAL_STATUSES = ("active", "liquidation", "insolvency", "ceased")

ReportRow = namedtuple("ReportRow", "line values raw_score payload")


class ImportFileError(ValueError):
    """The whole file cannot be read (nothing is imported)."""


def decode(content):
    """Text of ``content``: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252.

    Returns ``(text, encoding)``; a file with NUL bytes and no BOM is not text.

    >>> decode("Società".encode("cp1252"))
    ('Società', 'cp1252')
    >>> decode(b"\\x00\\x01PK")
    Traceback (most recent call last):
    ...
    core.report_import.ImportFileError: the file is not a text file (CSV or JSON)
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    if b"\x00" in content:
        raise ImportFileError("the file is not a text file (CSV or JSON)")
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return _decode_legacy(content)


def _decode_legacy(content):
    """Windows-1252, what spreadsheets save as "CSV" on Italian Windows machines."""
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ImportFileError(
            "the file is neither UTF-8 nor Windows-1252 text: save it as UTF-8 and retry"
        ) from None


def get_path(data, path):
    """Value at a dotted ``path`` in nested dicts/lists, None when absent.

    >>> get_path({"a": {"b": [{"c": 5}]}}, "a.b.0.c"), get_path({"a": 1}, "a.x")
    (5, None)
    """
    value = data
    for key in path.split("."):
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def _csv_records(text, mapping):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [
        mapping[field] for field in REQUIRED_FIELDS + tuple(mapping) if mapping[field] not in header
    ]
    if missing:
        raise ImportFileError(
            "missing column(s): {}; the file has: {}".format(
                ", ".join(sorted(set(missing))), ", ".join(header) or "no header"
            )
        )
    for index, record in enumerate(reader, start=2):
        yield index, {field: record.get(column) for field, column in mapping.items()}, record


def _json_records(text, mapping, records_path):
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ImportFileError(f"the file is not valid JSON: {error}") from None
    records = get_path(data, records_path) if records_path else data
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise ImportFileError(f"no list of reports found at '{records_path or '(root)'}'")
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            yield index, None, record
            continue
        yield index, {field: get_path(record, path) for field, path in mapping.items()}, record


def _clean_text(value):
    return str(value).strip() if value not in (None, "") else ""


def clean_values(values, scale):
    """Normalised report values from raw mapped values; ValueError with a plain message.

    >>> clean_values({"vat": " it 123 ", "score": "7", "legal_status": "Insolvency",
    ...               "negative_events": "protest; prejudicial"}, "risk_10")["vat"]
    'IT123'
    """
    vat = _clean_text(values.get("vat")).replace(" ", "").upper()
    if not vat:
        raise ValueError("no VAT number or fiscal code")
    raw_score = values.get("score")
    if raw_score in (None, ""):
        raise ValueError("no score")
    cleaned = {"vat": vat, "score": report_scales.normalise(scale, raw_score)}
    cleaned["rating"] = _clean_text(values.get("rating"))
    limit = values.get("recommended_limit")
    cleaned["recommended_limit"] = None
    if limit not in (None, ""):
        try:
            cleaned["recommended_limit"] = report_scales.to_number(limit)
        except ValueError:
            raise ValueError(f"recommended limit {limit!r} is not a number") from None
    status = _clean_text(values.get("legal_status")).lower() or "active"
    cleaned["legal_status"] = status if status in LEGAL_STATUSES else "other"
    events = values.get("negative_events")
    if isinstance(events, list):
        events = [_clean_text(e) for e in events if _clean_text(e)]
    elif isinstance(events, (int, float)) and not isinstance(events, bool):
        events = [f"{int(events)} event(s)"] if events else []
    else:
        events = [e.strip() for e in _clean_text(events).replace("|", ";").split(";") if e.strip()]
    cleaned["negative_events"] = events
    cleaned["report_date"] = _clean_text(values.get("report_date")) or None
    return cleaned


def parse(content, file_format, mapping, scale="score_100", records_path=None, max_bytes=None):
    """Good rows (``ReportRow``) and errors ``[(row, message)]`` of a report file."""
    max_bytes = max_bytes or MAX_BYTES
    if len(content) > max_bytes:
        raise ImportFileError(
            f"the file is {len(content)} bytes, more than the limit of {max_bytes} bytes"
        )
    mapping = {field: column for field, column in mapping.items() if column}
    for field in REQUIRED_FIELDS:
        if not mapping.get(field):
            raise ImportFileError(f"the provider maps no column for '{field}'")
    text, _encoding = decode(content)
    if file_format == "csv":
        records = _csv_records(text, mapping)
    elif file_format == "json":
        records = _json_records(text, mapping, records_path)
    else:
        raise ImportFileError(f"unknown file format '{file_format}'")
    rows, errors, seen = [], [], set()
    for line, values, record in records:
        if values is None:
            errors.append((line, "not an object"))
            continue
        try:
            cleaned = clean_values(values, scale)
        except ValueError as error:
            errors.append((line, str(error)))
            continue
        if cleaned["vat"] in seen:
            errors.append((line, f"{cleaned['vat']} appears more than once in the file"))
            continue
        seen.add(cleaned["vat"])
        rows.append(ReportRow(line, cleaned, _clean_text(values.get("score")), record))
    return rows, errors
