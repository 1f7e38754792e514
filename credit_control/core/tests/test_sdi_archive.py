"""Zip archives and signed envelopes around SdI notifications."""

import base64
import io
import zipfile
from pathlib import Path

import pytest

from core import sdi_archive
from core.sdi_archive import ArchiveError
from core.sdi_parser import parse_notification

SAMPLES = Path(__file__).resolve().parents[2] / "tests" / "data" / "sdi"
RC_NAME = "IT03339130126_00009_RC_003.xml"


def make_zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_gives_its_notifications():
    content = make_zip([(f"in/{path.name}", path.read_bytes()) for path in SAMPLES.glob("*.xml")])
    files = sdi_archive.expand("pec.zip", content)
    assert sorted(item.name for item in files) == sorted(
        path.name for path in SAMPLES.glob("*.xml")
    )


def test_plain_file_is_kept_as_is():
    assert sdi_archive.expand("a.xml", b"<a/>") == [sdi_archive.InputFile("a.xml", b"<a/>")]


@pytest.mark.parametrize("name", ["../../etc/cron.d/evil.xml", "/etc/passwd", "..\\x\\a.xml"])
def test_zip_with_directory_traversal_is_refused(name):
    with pytest.raises(ArchiveError, match="unsafe file name"):
        sdi_archive.expand("evil.zip", make_zip([(name, b"<a/>")]))


def test_zip_bomb_is_refused():
    bomb = make_zip([("bomb.xml", b"\0" * (6 * 1024 * 1024))])
    assert len(bomb) < 50_000
    with pytest.raises(ArchiveError, match="zip bomb"):
        sdi_archive.expand("bomb.zip", bomb)


def test_zip_bomb_by_ratio_and_by_total():
    content = make_zip([("a.xml", b"a" * 100_000)])
    with pytest.raises(ArchiveError, match="zip bomb"):
        sdi_archive.read_zip(content, max_ratio=10)
    with pytest.raises(ArchiveError, match="zip bomb"):
        sdi_archive.read_zip(content, max_total_size=1000)


def test_damaged_zip_is_refused():
    with pytest.raises(ArchiveError, match="cannot be read"):
        sdi_archive.expand("broken.zip", b"PK\x03\x04 broken")


@pytest.mark.parametrize("file_name", [f"{RC_NAME}.p7m", "IT03339130126_00009_RC_003_ber.xml.p7m"])
def test_signed_envelope_gives_the_xml(file_name):
    envelope = (SAMPLES / file_name).read_bytes()
    assert sdi_archive.is_p7m(file_name, envelope)
    payload = sdi_archive.unwrap_p7m(envelope)
    assert payload == (SAMPLES / RC_NAME).read_bytes()
    assert parse_notification(payload).message_type == "RC"


def test_base64_signed_envelope():
    envelope = base64.encodebytes((SAMPLES / f"{RC_NAME}.p7m").read_bytes())
    assert sdi_archive.unwrap_p7m(envelope) == (SAMPLES / RC_NAME).read_bytes()


def test_damaged_envelope_is_refused():
    envelope = (SAMPLES / f"{RC_NAME}.p7m").read_bytes()
    with pytest.raises(ArchiveError, match="cannot be read"):
        sdi_archive.unwrap_p7m(envelope[:200])
    with pytest.raises(ArchiveError, match="base64"):
        sdi_archive.unwrap_p7m(b"%%% not an envelope")
