"""Checking uploaded files by their content, not only their name.

Used for every upload Børnesag stores: case documents and the catalogue's contract
documents. Office files (DOCX/XLSX/PPTX, ODT/ODS) are ZIP archives: they are checked with
bounded decompression, so a "zip bomb" (a small file that unpacks to gigabytes) is refused
quickly and in little memory. The archive's directory is checked first (member count,
declared sizes, compression ratio); then every member is read as a stream in small chunks,
counting the bytes really produced, and reading stops the moment a bound is passed."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from boernesag.lib.forms import too_large_message

# extension -> (content type, detector key)
ALLOWED = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".gif": ("image/gif", "gif"),
    ".tif": ("image/tiff", "tiff"),
    ".tiff": ("image/tiff", "tiff"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "odt"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
}


@dataclass(frozen=True)
class ZipLimits:
    """Bounds for Office archives. Real documents stay far below them: a 25 MB Word file
    with photos unpacks to about the same size (photos do not compress); a large
    spreadsheet's XML compresses 10–30 times. A zip bomb compresses up to ~1000 times."""

    max_members: int = 5_000
    max_member_bytes: int = 200_000_000  # one member unpacked
    max_total_bytes: int = 300_000_000  # all members unpacked
    max_ratio: int = 200  # unpacked / packed, over the archive and per large member
    ratio_applies_from: int = 2_000_000  # tiny members may compress extremely well
    chunk: int = 64 * 1024


ZIP_LIMITS = ZipLimits()


class DocumentRejected(ValueError):
    pass


def _too_much() -> DocumentRejected:
    return DocumentRejected(
        _(
            "Filen kan ikke gemmes: den pakker sig ud til langt mere, end et almindeligt "
            "dokument gør (en såkaldt zip-bombe, eller en beskadiget fil). Gem dokumentet "
            "igen fra programmet, det blev lavet i, og prøv igen."
        )
    )


def _damaged() -> DocumentRejected:
    return DocumentRejected(_("Filen er beskadiget og kan ikke læses. Gem den igen og prøv igen."))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, budget):
    """Stream one member, counting the bytes produced; returns its first bytes (enough to
    recognise the format) and the bytes produced. Stops as soon as a bound is passed."""
    produced = 0
    head = b""
    with archive.open(info) as stream:
        while True:
            data = stream.read(limits.chunk)
            if not data:
                break
            produced += len(data)
            if len(head) < 512:
                head += data[: 512 - len(head)]
            if produced > limits.max_member_bytes or produced > budget:
                raise _too_much()
            if produced > limits.ratio_applies_from and produced > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise _too_much()
    return head, produced


def inspect_zip(fileobj, limits: ZipLimits = ZIP_LIMITS) -> str | None:
    """The Office format of a ZIP archive ("docx", "odt", …) or None, refusing archives
    that unpack beyond ``limits``. ``fileobj`` is read from its current position as a
    seekable file; it is never read into memory whole."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        return None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise _too_much()
        declared = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if declared > limits.max_total_bytes or any(
            i.file_size > limits.max_member_bytes for i in infos
        ):
            raise _too_much()
        if declared > limits.ratio_applies_from and declared > limits.max_ratio * max(packed, 1):
            raise _too_much()
        names = {i.filename for i in infos}
        mimetype = b""
        budget = limits.max_total_bytes
        try:
            for info in infos:
                if info.is_dir():
                    continue
                head, produced = _read_member(archive, info, limits, budget)
                budget -= produced
                if info.filename == "mimetype":
                    mimetype = head
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            ValueError,
            RuntimeError,  # encrypted member
            NotImplementedError,  # unsupported compression method
        ) as exc:
            # Also a bad CRC: a member that unpacks to more than its directory says stops at
            # the declared size and fails its checksum.
            raise _damaged() from exc
    kind = mimetype.decode("ascii", "replace").strip()
    if kind == "application/vnd.oasis.opendocument.text":
        return "odt"
    if kind == "application/vnd.oasis.opendocument.spreadsheet":
        return "ods"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
    return None


def detect(head: bytes, fileobj=None) -> str | None:
    """The format by the file's first bytes; ZIP archives are inspected (bounded)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04") and fileobj is not None:
        return inspect_zip(fileobj)
    return None


def check_upload(uploaded, *, max_bytes: int) -> str:
    """Return the content type of an acceptable upload, or raise DocumentRejected with a
    Danish message."""
    size = getattr(uploaded, "received", uploaded.size)  # lib.uploads.OversizeUploadedFile
    if size > max_bytes or getattr(uploaded, "too_large", False):
        raise DocumentRejected(too_large_message(size, max_bytes))
    if uploaded.size == 0:
        raise DocumentRejected(_("Filen er tom."))
    suffix = PurePath(uploaded.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise DocumentRejected(
            _(
                "Filtypen %(suffix)s kan ikke gemmes på sagen. Tilladt er PDF, billeder "
                "(PNG, JPEG, GIF, TIFF) og Office-dokumenter (Word, Excel, PowerPoint, "
                "OpenDocument)."
            )
            % {"suffix": suffix or _("(uden endelse)")}
        )
    content_type, expected = ALLOWED[suffix]
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    try:
        found = detect(head, uploaded)
    finally:
        uploaded.seek(0)
    if found != expected:
        raise DocumentRejected(
            _(
                "Filens indhold passer ikke med endelsen %(suffix)s. Gem filen i det rigtige "
                "format og prøv igen."
            )
            % {"suffix": suffix}
        )
    return content_type
