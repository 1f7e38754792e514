"""Unpack what arrives around SdI notifications: zip archives and signed ``.p7m`` envelopes.

:func:`expand` turns one uploaded file into the notification files it holds. A zip is
read in memory (nothing is written to disk) with protection against unsafe member names
(``../``, absolute paths) and zip bombs (too many members, too many bytes, a suspicious
compression ratio). A problem with the archive itself raises :class:`ArchiveError`; the
caller keeps the archive and tells the user why.

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w") as archive:
...     archive.writestr("a/IT1_1_RC_001.xml", b"<x/>")
...     archive.writestr("readme/", b"")
>>> [(item.name, item.content) for item in expand("batch.zip", buffer.getvalue())]
[('IT1_1_RC_001.xml', b'<x/>')]

A signed envelope (CMS / PKCS#7, DER or base64) gives back the XML it carries; the
signature is not verified:

>>> unwrap_p7m(b"<x/>")
b'<x/>'
"""

import base64
import binascii
import io
import posixpath
import zipfile
from dataclasses import dataclass

MAX_MEMBERS = 5000
MAX_TOTAL_SIZE = 200 * 1024 * 1024
MAX_MEMBER_SIZE = 5 * 1024 * 1024
MAX_RATIO = 200


class ArchiveError(ValueError):
    """An archive or envelope that cannot be opened safely."""


@dataclass(frozen=True)
class InputFile:
    """One file to read as a notification: its name and bytes."""

    name: str
    content: bytes


def expand(name, content):
    """The notification files inside ``content`` (a zip is opened, anything else kept)."""
    if (name or "").lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
        return list(read_zip(content))
    return [InputFile(name, content)]


def declared_size(name, content):
    """Bytes the zip members of ``content`` declare once uncompressed (0 for a plain file
    or an archive that cannot be opened: :func:`expand` says why later). Read from the
    archive's directory, nothing is decompressed.

    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
    ...     archive.writestr("a.xml", b"x" * 1000)
    >>> declared_size("batch.zip", buffer.getvalue()), declared_size("a.xml", b"<x/>")
    (1000, 0)
    """
    if not ((name or "").lower().endswith(".zip") or content[:4] == b"PK\x03\x04"):
        return 0
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return 0
    return sum(info.file_size for info in archive.infolist())


def read_zip(
    content,
    max_members=MAX_MEMBERS,
    max_total_size=MAX_TOTAL_SIZE,
    max_member_size=MAX_MEMBER_SIZE,
    max_ratio=MAX_RATIO,
):
    """Yield the files of a zip archive, refusing unsafe names and bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ArchiveError(f"The zip archive cannot be read: {error}") from error
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > max_members:
        raise ArchiveError(f"The zip archive holds {len(members)} files, over {max_members}.")
    for info in members:
        _check_member_name(info.filename)
    declared = sum(info.file_size for info in members)
    if declared > max_total_size:
        raise ArchiveError(
            f"The zip archive would expand to {declared:,} bytes, over {max_total_size:,}: "
            "refused as a possible zip bomb."
        )
    files = []
    for info in members:
        if info.file_size > max_member_size or (
            info.compress_size and info.file_size / info.compress_size > max_ratio
        ):
            raise ArchiveError(
                f"The member {info.filename!r} expands too much "
                f"({info.file_size:,} bytes from {info.compress_size:,}): "
                "refused as a possible zip bomb."
            )
        files.append(InputFile(posixpath.basename(info.filename), _read_member(archive, info)))
    return files


def _check_member_name(member_name):
    normalized = member_name.replace("\\", "/")
    parts = normalized.split("/")
    if normalized.startswith("/") or ".." in parts or (parts and parts[0].endswith(":")):
        raise ArchiveError(
            f"The zip archive contains an unsafe file name {member_name!r} "
            "(a path leaving the archive): refused."
        )


def _read_member(archive, info):
    """Read at most the declared size (+1 byte to detect a lying header)."""
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ArchiveError(f"The member {info.filename!r} cannot be read: {error}") from error
    if len(data) > info.file_size:
        raise ArchiveError(f"The member {info.filename!r} is larger than it declares: refused.")
    return data


# ---------------------------------------------------------------------------------------------
# Signed envelopes (.p7m)
# ---------------------------------------------------------------------------------------------


def is_p7m(name, content):
    """Whether the file is a signed envelope rather than plain XML."""
    stripped = content.lstrip()
    return (name or "").lower().endswith(".p7m") or stripped[:1] == b"\x30"


def unwrap_p7m(content):
    """The document signed in a CMS envelope (DER, BER or base64 text); XML is returned as is."""
    stripped = content.strip()
    if stripped.startswith((b"<", b"\xef\xbb\xbf")):
        return content
    if not stripped.startswith(b"\x30"):
        try:
            stripped = base64.b64decode(b"".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ArchiveError(
                "The signed file (.p7m) is neither a binary envelope nor base64 text."
            ) from error
    try:
        payload = _signed_content(stripped)
    except (IndexError, ValueError) as error:
        raise ArchiveError(f"The signed envelope (.p7m) cannot be read: {error}") from error
    if payload is None:
        raise ArchiveError("The signed envelope (.p7m) carries no document (detached signature).")
    return payload


def _read_tlv(data, offset):
    """One BER element at ``offset``: (tag, constructed, content_start, content_end, next)."""
    tag = data[offset]
    constructed = bool(tag & 0x20)
    offset += 1
    if tag & 0x1F == 0x1F:  # high tag number form
        while data[offset] & 0x80:
            offset += 1
        offset += 1
    length = data[offset]
    offset += 1
    if length == 0x80:  # indefinite length: scan the children up to the end-of-contents
        end = offset
        while data[end : end + 2] != b"\x00\x00":
            end = _read_tlv(data, end)[4]
        return tag, constructed, offset, end, end + 2
    if length & 0x80:
        count = length & 0x7F
        if count > 4:
            raise ValueError("length too long")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    if offset + length > len(data):
        raise ValueError("truncated")
    return tag, constructed, offset, offset + length, offset + length


def _children(data, start, end):
    children = []
    while start < end:
        element = _read_tlv(data, start)
        children.append(element)
        start = element[4]
    return children


def _octets(data, element):
    """The bytes of an OCTET STRING, joining the chunks of a constructed one."""
    _tag, constructed, start, end, _next = element
    if not constructed:
        return data[start:end]
    return b"".join(_octets(data, child) for child in _children(data, start, end))


def _signed_content(data):
    """ContentInfo -> [0] SignedData -> encapContentInfo -> [0] eContent (OCTET STRING)."""
    content_info = _read_tlv(data, 0)
    info_children = _children(data, content_info[2], content_info[3])
    explicit = info_children[1]
    signed_data = _children(data, explicit[2], explicit[3])[0]
    encap = _children(data, signed_data[2], signed_data[3])[2]
    encap_children = _children(data, encap[2], encap[3])
    if len(encap_children) < 2:
        return None
    wrapper = encap_children[1]
    octet_string = _children(data, wrapper[2], wrapper[3])[0]
    return _octets(data, octet_string)
