"""The SdI notification parser on real samples and on every kind of bad input."""

import codecs
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest

from core import sdi_parser
from core.sdi_parser import SdiParseError
from core.sdi_parser import parse_notification

ADDON = Path(__file__).resolve().parents[2]
SAMPLES = ADDON / "tests" / "data" / "sdi"
PA_XSD = ADDON / "data" / "sdi" / "MessaggiTypes_v1.1.xsd"

EXPECTED = {
    "IT01234567890_11111_AT_001.xml": ("AT", "pa"),
    "IT01234567890_11111_DT_001.xml": ("DT", "pa"),
    "IT01234567890_11111_EC_001.xml": ("EC", "pa"),
    "IT01234567890_11111_MC_001.xml": ("MC", "pa"),
    "IT01234567890_11111_MT_001.xml": ("MT", "pa"),
    "IT01234567890_11111_NE_001.xml": ("NE", "pa"),
    "IT01234567890_11111_NS_001.xml": ("NS", "pa"),
    "IT01234567890_11111_RC_001.xml": ("RC", "pa"),
    "IT01234567890_11111_SE_001.xml": ("SE", "pa"),
    "IT01234567890_FPA01_NS_001__00102.xml": ("NS", "b2b"),
    "IT01234567890_FPR01_NS_001__00300_00301_00306_00311.xml": ("NS", "b2b"),
    "IT02652600210_00007_MT_002.xml": ("MT", "b2b"),
    "IT03339130126_00009_RC_003.xml": ("RC", "b2b"),
    "IT14627831002_02621_MC_001.xml": ("MC", "b2b"),
}

RC_TEMPLATE = (
    '<?xml version="1.0" encoding="{encoding}"?>'
    '<ns3:RicevutaConsegna xmlns:ns3="{namespace}" versione="1.0">'
    "<IdentificativoSdI>42</IdentificativoSdI>"
    "<NomeFile>IT01234567890_00042.xml</NomeFile>"
    "<DataOraRicezione>2024-01-02T10:00:00+01:00</DataOraRicezione>"
    "<DataOraConsegna>2024-01-02T10:05:00+01:00</DataOraConsegna>"
    "<Destinatario><Codice>ABC1234</Codice><Descrizione>Città è così</Descrizione></Destinatario>"
    "<MessageId>7</MessageId>"
    "</ns3:RicevutaConsegna>"
)


def rc(encoding="UTF-8", namespace=sdi_parser.NAMESPACE_B2B):
    return RC_TEMPLATE.format(encoding=encoding, namespace=namespace)


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_every_sample_parses_with_its_type(file_name):
    message = parse_notification((SAMPLES / file_name).read_bytes())
    assert (message.message_type, message.flow) == EXPECTED[file_name]
    assert message.sdi_identifier
    assert sdi_parser.guess_type_from_file_name(file_name) == message.message_type


def test_sample_names_cover_every_message_type():
    assert {kind for kind, _flow in EXPECTED.values()} == set(sdi_parser.MESSAGE_TYPES)


def test_pa_rejection_keeps_errors_and_file_name():
    message = parse_notification((SAMPLES / "IT01234567890_11111_NS_001.xml").read_bytes())
    assert message.invoice_file_name == "IT01234567890_11111.xml"
    assert message.errors == (sdi_parser.SdiError("00100", "Certificato di firma scaduto", ""),)
    assert message.received_at == datetime(2013, 6, 6, 12, 0)


def test_b2b_rejection_keeps_each_error_verbatim():
    message = parse_notification(
        (SAMPLES / "IT01234567890_FPR01_NS_001__00300_00301_00306_00311.xml").read_bytes()
    )
    assert [error.code for error in message.errors] == ["00300", "00301", "00306", "00311"]
    assert message.errors[0].description == "1.1.1.2 <IdCodice> non valido : 01234567890"
    assert message.errors[1].suggestion == (
        'Verificare che il campo IdFiscaleIVA/IdCodice del "CedentePrestatore" sia valido'
    )
    assert message.received_at == datetime(2024, 6, 12, 10, 0)


def test_b2b_not_delivered_has_the_reserved_area_date():
    message = parse_notification((SAMPLES / "IT14627831002_02621_MC_001.xml").read_bytes())
    assert message.available_on == date(2019, 1, 5)
    assert "area riservata" in message.description


def test_outcome_of_public_administration():
    outcome = parse_notification((SAMPLES / "IT01234567890_11111_NE_001.xml").read_bytes())
    assert (outcome.outcome, outcome.invoice_number, outcome.invoice_year) == ("EC01", "1111", 2013)
    buyer = parse_notification((SAMPLES / "IT01234567890_11111_EC_001.xml").read_bytes())
    assert (buyer.outcome, buyer.file_name) == ("EC01", "")
    scarto = parse_notification((SAMPLES / "IT01234567890_11111_SE_001.xml").read_bytes())
    assert scarto.rejection_code == "EN00"


def test_pa_samples_are_valid_against_the_shipped_schema():
    for file_name, (_kind, flow) in EXPECTED.items():
        if flow == "pa":
            assert sdi_parser.validate_schema((SAMPLES / file_name).read_bytes(), PA_XSD) == []


def test_schema_violation_is_reported():
    content = (SAMPLES / "IT01234567890_11111_RC_001.xml").read_bytes()
    broken = content.replace(b"<MessageId>123456</MessageId>", b"")
    errors = sdi_parser.validate_schema(broken, PA_XSD)
    assert errors and "MessageId" in " ".join(errors)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-16"])
def test_other_encodings(encoding):
    content = rc(encoding).encode(encoding)
    if encoding == "UTF-16":
        assert content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    message = parse_notification(content)
    assert (message.message_type, message.sdi_identifier) == ("RC", "42")


def test_utf8_byte_order_mark():
    assert parse_notification(codecs.BOM_UTF8 + rc().encode()).message_type == "RC"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<RicevutaConsegna xmlns="http://www.fatturapa.gov.it/sdi/messaggi/v1.0">
<IdentificativoSdI>&lol9;</IdentificativoSdI><NomeFile>a.xml</NomeFile></RicevutaConsegna>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<RicevutaConsegna xmlns="http://www.fatturapa.gov.it/sdi/messaggi/v1.0">
<IdentificativoSdI>&xxe;</IdentificativoSdI><NomeFile>a.xml</NomeFile></RicevutaConsegna>"""


@pytest.mark.parametrize(
    ("content", "reason", "words"),
    [
        (b"", "empty", "empty"),
        (b"  \n ", "empty", "empty"),
        (b"%PDF-1.4 not a notification", "not_xml", "not XML"),
        (rc().encode()[:180], "malformed", "not well-formed"),
        (b"<Fattura><a/></Fattura>", "unknown_root", "<Fattura>"),
        (rc(namespace="http://example.com/messaggi").encode(), "wrong_namespace", "namespace"),
        (
            rc().replace("<NomeFile>IT01234567890_00042.xml</NomeFile>", "").encode(),
            "missing_element",
            "NomeFile",
        ),
        (XXE, "doctype", "DOCTYPE"),
        (BILLION_LAUGHS, "doctype", "DOCTYPE"),
    ],
    ids=[
        "empty",
        "blank",
        "not-xml",
        "truncated",
        "unknown-root",
        "wrong-namespace",
        "missing-element",
        "xxe",
        "billion-laughs",
    ],
)
def test_bad_input_is_refused_with_a_reason(content, reason, words):
    with pytest.raises(SdiParseError) as caught:
        parse_notification(content)
    assert caught.value.reason == reason
    assert words in str(caught.value)


def test_xxe_never_reads_the_file():
    try:
        root = sdi_parser.parse_xml(XXE)
    except SdiParseError:
        return
    assert "root:" not in sdi_parser.etree.tostring(root, encoding="unicode")


def test_no_namespace_is_a_wrong_namespace():
    content = rc().replace(' xmlns:ns3="' + sdi_parser.NAMESPACE_B2B + '"', "")
    content = content.replace("ns3:", "")
    with pytest.raises(SdiParseError, match="namespace"):
        parse_notification(content.encode())


def test_size_limit():
    content = rc().encode()
    with pytest.raises(SdiParseError, match="over the limit") as caught:
        parse_notification(content, max_size=100)
    assert caught.value.reason == "too_large"


def test_rejection_without_errors_is_incomplete():
    content = (SAMPLES / "IT01234567890_FPA01_NS_001__00102.xml").read_bytes()
    start, end = content.index(b"<Errore>"), content.index(b"</Errore>") + len(b"</Errore>")
    with pytest.raises(SdiParseError, match="no error"):
        parse_notification(content[:start] + content[end:])


def test_bad_outcome_and_bad_date():
    content = (SAMPLES / "IT01234567890_11111_EC_001.xml").read_bytes()
    with pytest.raises(SdiParseError, match="EC01"):
        parse_notification(content.replace(b"EC01", b"EC99"))
    with pytest.raises(SdiParseError, match="not valid"):
        parse_notification(rc().replace("2024-01-02T10:05", "yesterday").encode())


def test_doctype_is_refused_in_utf16_too():
    content = XXE.decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>'
    )
    with pytest.raises(SdiParseError) as caught:
        parse_notification(content.encode("utf-16"))
    assert caught.value.reason == "doctype"


@pytest.mark.parametrize(
    ("state", "message_type", "outcome", "expected"),
    [
        ("sent", "RC", "", "delivered"),
        ("sent", "NS", "", "rejected"),
        ("sent", "MC", "", "not_delivered"),
        ("sent", "AT", "", "not_delivered"),
        ("delivered", "NE", "EC01", "accepted"),
        ("delivered", "EC", "EC02", "refused"),
        ("delivered", "DT", "", "expired"),
        ("delivered", "NS", "", None),
        ("rejected", "NE", "EC01", None),
        ("expired", "RC", "", None),
        ("sent", "SE", "", None),
    ],
)
def test_state_transitions(state, message_type, outcome, expected):
    from core import sdi_effects

    assert sdi_effects.next_state(state, message_type, outcome) == expected
