"""Checking uploaded files by their content, not only their name."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext as _

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


class DocumentRejected(ValueError):
    pass


def detect(head: bytes, data_for_zip) -> str | None:
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
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data_for_zip())) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.text":
                        return "odt"
                    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                        return "ods"
                if "[Content_Types].xml" in names:
                    if any(n.startswith("word/") for n in names):
                        return "docx"
                    if any(n.startswith("xl/") for n in names):
                        return "xlsx"
                    if any(n.startswith("ppt/") for n in names):
                        return "pptx"
        except zipfile.BadZipFile:
            return None
    return None


def check_upload(uploaded, *, max_bytes: int) -> str:
    """Return the content type of an acceptable upload, or raise DocumentRejected with a
    Danish message."""
    if uploaded.size == 0:
        raise DocumentRejected(_("Filen er tom."))
    if uploaded.size > max_bytes:
        raise DocumentRejected(
            _("Filen er for stor (%(size)s MB). Den største tilladte størrelse er %(max)s MB.")
            % {"size": f"{uploaded.size / 1_000_000:.1f}", "max": f"{max_bytes / 1_000_000:.0f}"}
        )
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

    def whole():
        uploaded.seek(0)
        return uploaded.read()

    found = detect(head, whole)
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
