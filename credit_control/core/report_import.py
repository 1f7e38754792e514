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

A limit must be a finite amount between 0 and :data:`MAX_LIMIT`, a date readable and not
later than tomorrow (``today`` is given by the caller):

>>> import datetime
>>> data = (b"VAT;Score;Limit;Date\\nIT1;73;1e400;2026-01-01\\nIT2;73;-5;2026-01-01\\n"
...         b"IT3;73;5000;2026-03-09\\nIT4;73;5000;31/12/2025\\nIT5;73;5000;yesterday\\n")
>>> rows, errors = parse(data, "csv", {"vat": "VAT", "score": "Score",
...     "recommended_limit": "Limit", "report_date": "Date"}, today=datetime.date(2026, 3, 7))
>>> [(row.values["vat"], row.values["report_date"]) for row in rows]
[('IT4', datetime.date(2025, 12, 31))]
>>> for error in errors:
...     print(error)
(2, "recommended limit '1e400' is not a finite number")
(3, "recommended limit '-5' must be between 0 and 1,000,000,000,000")
(4, 'the report is dated 2026-03-09, in the future: refused')
(6, "report date 'yesterday' is not a date (YYYY-MM-DD or DD/MM/YYYY)")

>>> parse(b"x" * 20, "csv", mapping, max_bytes=10)
Traceback (most recent call last):
...
core.report_import.ImportFileError: the file is 20 bytes, more than the limit of 10 bytes
"""

import csv
import datetime
import io
import json
import math
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
MAX_LIMIT = 10**12  # a recommended limit above a trillion is a broken file, not a limit
MAX_TEXT = 1000  # characters kept of a text value (rating, events)
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


def _json_constant(name):
    return name  # NaN / Infinity stay text: the row that holds one fails, not the file


def _json_records(text, mapping, records_path):
    try:
        data = json.loads(text, parse_constant=_json_constant)
    except RecursionError:
        raise ImportFileError("the file is nested too deeply to be a list of reports") from None
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
    if isinstance(value, (dict, list)):
        raise ValueError(f"{_shown(value)} is not a plain value")
    return str(value).strip()[:MAX_TEXT] if value not in (None, "") else ""


def _shown(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _clean_limit(limit):
    if isinstance(limit, (dict, list, bool)):
        raise ValueError(f"recommended limit {_shown(limit)} is not a number")
    try:
        number = report_scales.to_number(limit)
    except ValueError as error:
        raise ValueError(
            f"recommended limit {_shown(limit)} is not a "
            + ("finite number" if "finite" in str(error) else "number")
        ) from None
    if not 0 <= number <= MAX_LIMIT:
        raise ValueError(f"recommended limit {_shown(limit)} must be between 0 and {MAX_LIMIT:,}")
    return number


def _clean_date(value, today):
    """A date from ISO (YYYY-MM-DD, a time may follow) or Italian (DD/MM/YYYY) text."""
    text = _clean_text(value)
    if not text:
        return None
    for pattern, length in (("%Y-%m-%d", 10), ("%d/%m/%Y", 10)):
        try:
            day = datetime.datetime.strptime(text[:length], pattern).date()
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"report date {_shown(value)} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
    if today and day > today + datetime.timedelta(days=1):
        raise ValueError(f"the report is dated {day.isoformat()}, in the future: refused")
    return day


def clean_values(values, scale, today=None):
    """Normalised report values from raw mapped values; ValueError with a plain message.

    ``today`` (a date) refuses reports dated later than tomorrow.

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
        cleaned["recommended_limit"] = _clean_limit(limit)
    status = _clean_text(values.get("legal_status")).lower() or "active"
    cleaned["legal_status"] = status if status in LEGAL_STATUSES else "other"
    events = values.get("negative_events")
    if isinstance(events, list):
        events = [_clean_text(e) for e in events if _clean_text(e)]
    elif isinstance(events, (int, float)) and not isinstance(events, bool):
        if not (math.isfinite(events) and 0 <= events <= 10_000):
            raise ValueError(f"negative events {_shown(events)} is not a count")
        events = [f"{int(events)} event(s)"] if events else []
    else:
        events = [e.strip() for e in _clean_text(events).replace("|", ";").split(";") if e.strip()]
    cleaned["negative_events"] = events
    cleaned["report_date"] = _clean_date(values.get("report_date"), today)
    return cleaned


def parse(
    content,
    file_format,
    mapping,
    scale="score_100",
    records_path=None,
    max_bytes=None,
    today=None,
):
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
            cleaned = clean_values(values, scale, today)
        except (ValueError, TypeError, OverflowError) as error:  # the row fails, not the file
            errors.append((line, str(error)))
            continue
        if cleaned["vat"] in seen:
            errors.append((line, f"{cleaned['vat']} appears more than once in the file"))
            continue
        seen.add(cleaned["vat"])
        rows.append(ReportRow(line, cleaned, _clean_text(values.get("score")), record))
    return rows, errors
