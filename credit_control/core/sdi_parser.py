"""Read the notifications of the Italian e-invoicing exchange system (SdI).

Two schema families are in use: the public-administration flow (namespace
``http://www.fatturapa.gov.it/sdi/messaggi/v1.0``) and the B2B/B2C flow (namespace
``http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0``). The root
element is matched by its local name; both namespaces are accepted for every root.

The parser is hardened: no entity resolution, no DTD (a ``DOCTYPE`` is refused), no
network, no huge trees, and a size limit checked before parsing. Every problem raises
:class:`SdiParseError` with a plain message and a short ``reason`` code.

>>> message = parse_notification(
...     b'<?xml version="1.0" encoding="UTF-8"?>'
...     b'<ns3:RicevutaConsegna versione="1.0" xmlns:ns3='
...     b'"http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0">'
...     b"<IdentificativoSdI>6782414</IdentificativoSdI>"
...     b"<NomeFile>IT03339130126_00009.xml.p7m</NomeFile>"
...     b"<DataOraRicezione>2018-11-13T16:47:26.000+01:00</DataOraRicezione>"
...     b"<DataOraConsegna>2018-11-13T16:47:32.000+01:00</DataOraConsegna>"
...     b"<MessageId>1269788243</MessageId></ns3:RicevutaConsegna>"
... )
>>> message.message_type, message.flow, message.sdi_identifier
('RC', 'b2b', '6782414')
>>> message.invoice_file_name
'IT03339130126_00009.xml'
>>> message.delivered_at  # naive UTC
datetime.datetime(2018, 11, 13, 15, 47, 32)
>>> parse_notification(b"")
Traceback (most recent call last):
...
core.sdi_parser.SdiParseError: The file is empty.
"""

import functools
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

from lxml import etree

NAMESPACE_PA = "http://www.fatturapa.gov.it/sdi/messaggi/v1.0"
NAMESPACE_B2B = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0"
NAMESPACES = {NAMESPACE_PA: "pa", NAMESPACE_B2B: "b2b"}

# Root element local name -> message type.
ROOT_TYPES = {
    "RicevutaConsegna": "RC",
    "NotificaScarto": "NS",
    "RicevutaScarto": "NS",
    "NotificaMancataConsegna": "MC",
    "RicevutaImpossibilitaRecapito": "MC",
    "NotificaEsito": "NE",
    "NotificaDecorrenzaTermini": "DT",
    "AttestazioneTrasmissioneFattura": "AT",
    "MetadatiInvioFile": "MT",
    "FileMetadati": "MT",
    "NotificaEsitoCommittente": "EC",
    "ScartoEsitoCommittente": "SE",
}
MESSAGE_TYPES = ("RC", "NS", "MC", "NE", "DT", "AT", "MT", "EC", "SE")

# Elements a message of each type cannot do without (local names, children of the root).
MANDATORY = {
    "RC": ("IdentificativoSdI", "NomeFile"),
    "NS": ("IdentificativoSdI", "NomeFile", "ListaErrori"),
    "MC": ("IdentificativoSdI", "NomeFile"),
    "NE": ("IdentificativoSdI", "NomeFile", "EsitoCommittente"),
    "DT": ("IdentificativoSdI", "NomeFile"),
    "AT": ("IdentificativoSdI", "NomeFile"),
    "MT": ("IdentificativoSdI", "NomeFile"),
    "EC": ("IdentificativoSdI", "Esito"),
    "SE": ("IdentificativoSdI", "Scarto"),
}

MAX_SIZE = 5 * 1024 * 1024  # SdI notifications are a few KB; 5 MB is the SdI file limit.
ITALIAN_TIME = ZoneInfo("Europe/Rome")
DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(encoding) for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
FILE_NAME_TYPE = re.compile(r"_(RC|NS|MC|NE|DT|AT|MT|EC|SE)_", re.IGNORECASE)


class SdiParseError(ValueError):
    """A file that is not a readable SdI notification; ``reason`` is a short code."""

    def __init__(self, message, reason="invalid"):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SdiError:
    """One ``Errore`` of a rejection, kept verbatim."""

    code: str
    description: str = ""
    suggestion: str = ""


@dataclass(frozen=True)
class SdiMessage:
    """What a notification says, in plain values."""

    message_type: str
    root_name: str
    flow: str
    sdi_identifier: str
    file_name: str = ""
    received_at: datetime | None = None
    delivered_at: datetime | None = None
    available_on: date | None = None
    outcome: str = ""
    rejection_code: str = ""
    invoice_number: str = ""
    invoice_year: int | None = None
    message_id: str = ""
    description: str = ""
    note: str = ""
    errors: tuple = field(default_factory=tuple)

    @property
    def invoice_file_name(self):
        return strip_p7m(self.file_name)


def strip_p7m(file_name):
    """The invoice file name without its signed-envelope suffix.

    >>> strip_p7m("IT01234567890_11111.xml.p7m"), strip_p7m(" IT01234567890_1.XML.P7M ")
    ('IT01234567890_11111.xml', 'IT01234567890_1.XML')
    """
    name = (file_name or "").strip()
    if name.lower().endswith(".p7m"):
        name = name[:-4]
    return name


def guess_type_from_file_name(file_name):
    """The message type written in an SdI file name, or "".

    >>> guess_type_from_file_name("IT01234567890_11111_NS_001.xml")
    'NS'
    >>> guess_type_from_file_name("invoice.xml")
    ''
    """
    found = FILE_NAME_TYPE.search(file_name or "")
    return found.group(1).upper() if found else ""


def safe_parser():
    """An lxml parser that never resolves entities, loads a DTD or reaches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
    )


def parse_xml(content, max_size=MAX_SIZE):
    """Parse ``content`` (bytes) safely and return the root element."""
    if not content or not content.strip():
        raise SdiParseError("The file is empty.", "empty")
    if len(content) > max_size:
        raise SdiParseError(
            f"The file is {len(content):,} bytes, over the limit of {max_size:,} bytes "
            "for a notification.",
            "too_large",
        )
    if not _looks_like_xml(content):
        raise SdiParseError("The file is not XML.", "not_xml")
    if any(marker in content for marker in DOCTYPE_MARKERS):
        raise _doctype_error()
    try:
        root = etree.fromstring(content, parser=safe_parser())
    except etree.XMLSyntaxError as error:
        raise SdiParseError(
            f"The file is not well-formed XML (truncated or damaged?): {error}", "malformed"
        ) from error
    if root is None:
        raise SdiParseError("The file is not XML.", "not_xml")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _doctype_error()
    return root


def _doctype_error():
    return SdiParseError(
        "The file declares a DOCTYPE (entities or a DTD): SdI notifications never do, "
        "so it was refused for safety.",
        "doctype",
    )


def _looks_like_xml(content):
    head = content[:64]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 byte order marks
        return True
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def _local(element):
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element):
    return {_local(child): child for child in element if isinstance(child.tag, str)}


def _text(element, name):
    child = _children(element).get(name) if element is not None else None
    return (child.text or "").strip() if child is not None and child.text else ""


def parse_datetime(value):
    """An SdI timestamp as a naive UTC datetime (no offset means Italian time).

    >>> parse_datetime("2013-06-06T12:00:00Z")
    datetime.datetime(2013, 6, 6, 12, 0)
    >>> parse_datetime("2014-04-01T12:00:00")
    datetime.datetime(2014, 4, 1, 10, 0)
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise SdiParseError(f"The date and time {value!r} is not valid.", "bad_value") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ITALIAN_TIME)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def italian_day(moment):
    """The Italian calendar day (Europe/Rome) of a naive UTC datetime: the day an SdI
    event happened for the seller and the buyer, whatever the server's time zone.

    >>> italian_day(datetime(2026, 3, 9, 23, 30))   # 00:30 on 10 March in Rome (winter)
    datetime.date(2026, 3, 10)
    >>> italian_day(datetime(2026, 7, 31, 22, 15))  # 00:15 on 1 August in Rome (summer)
    datetime.date(2026, 8, 1)
    >>> italian_day(datetime(2026, 7, 31, 21, 59))
    datetime.date(2026, 7, 31)
    """
    return moment.replace(tzinfo=timezone.utc).astimezone(ITALIAN_TIME).date()


def _parse_date(value):
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as error:
        raise SdiParseError(f"The date {value!r} is not valid.", "bad_value") from error


def parse_notification(content, max_size=MAX_SIZE):
    """Parse the bytes of one notification into an :class:`SdiMessage`."""
    root = parse_xml(content, max_size=max_size)
    name = _local(root)
    message_type = ROOT_TYPES.get(name)
    if not message_type:
        raise SdiParseError(
            f"The root element <{name}> is not an SdI notification.", "unknown_root"
        )
    namespace = etree.QName(root).namespace
    flow = NAMESPACES.get(namespace)
    if not flow:
        raise SdiParseError(
            f"<{name}> is an SdI notification name but its namespace "
            f"{namespace or '(none)'!r} is not one of the SdI schemas.",
            "wrong_namespace",
        )
    children = _children(root)
    missing = [tag for tag in MANDATORY[message_type] if tag not in children]
    if missing:
        raise SdiParseError(
            f"The {message_type} notification lacks the mandatory element(s): "
            + ", ".join(missing),
            "missing_element",
        )
    if not _text(root, "IdentificativoSdI"):
        raise SdiParseError("The element IdentificativoSdI is empty.", "missing_element")
    return SdiMessage(
        message_type=message_type,
        root_name=name,
        flow=flow,
        sdi_identifier=_text(root, "IdentificativoSdI"),
        file_name=_text(root, "NomeFile"),
        received_at=parse_datetime(_text(root, "DataOraRicezione")),
        delivered_at=parse_datetime(_text(root, "DataOraConsegna")),
        available_on=_parse_date(_text(root, "DataMessaADisposizione")),
        message_id=_text(root, "MessageId") or _text(root, "MessageIdCommittente"),
        description=_text(root, "Descrizione"),
        note=_text(root, "Note"),
        errors=_errors(children.get("ListaErrori")),
        rejection_code=_text(root, "Scarto"),
        **_outcome(message_type, root, children),
    )


def _errors(error_list):
    if error_list is None:
        return ()
    errors = []
    for error in error_list:
        if _local(error) != "Errore":
            continue
        errors.append(
            SdiError(
                code=_text(error, "Codice"),
                description=_text(error, "Descrizione"),
                suggestion=" ".join(_text(error, "Suggerimento").split()),
            )
        )
    if not errors:
        raise SdiParseError("The rejection lists no error (no <Errore>).", "missing_element")
    return tuple(errors)


def _outcome(message_type, root, children):
    """The buyer's outcome (EC01/EC02) and the invoice reference of NE and EC."""
    outcome_holder = root
    if message_type == "NE":
        outcome_holder = children["EsitoCommittente"]
    if message_type not in ("NE", "EC"):
        return {}
    outcome = _text(outcome_holder, "Esito")
    if outcome not in ("EC01", "EC02"):
        raise SdiParseError(
            f"The buyer's outcome {outcome!r} is neither EC01 (accepted) nor EC02 (refused).",
            "bad_value",
        )
    reference = _children(outcome_holder).get("RiferimentoFattura")
    year = _text(reference, "AnnoFattura")
    return {
        "outcome": outcome,
        "invoice_number": _text(reference, "NumeroFattura"),
        "invoice_year": int(year) if year.isdigit() else None,
    }


@functools.lru_cache(maxsize=4)
def _schema(xsd_path):
    """The shipped schema, parsed once (it is trusted: it comes with the add-on)."""
    return etree.XMLSchema(etree.parse(xsd_path))


def validate_schema(content, xsd_path):
    """Errors of ``content`` against the XSD at ``xsd_path`` (empty list when valid).

    The schema's imports are read from its own folder; the network is never used.
    """
    schema = _schema(str(xsd_path))
    root = parse_xml(content)
    if schema.validate(root):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]
