"""The public service level as one PDF, rendered once and served from the database.

WeasyPrint takes seconds of CPU for the whole catalogue, so the PDF is never rendered per
request. The HTML it is made from is cheap to produce (a handful of queries) and its hash is
the cache key: a publication, a closed service or a renamed target group changes the HTML
and so gives a new PDF; nothing else does. Rendering is serialised with a PostgreSQL
advisory lock, so concurrent visitors after a change cause one rendering, not one each:
while it runs, they get the previous PDF if there is one, otherwise they wait for the new
one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from boernesag.accounts.selectors import municipality_get
from boernesag.catalogue import selectors
from boernesag.catalogue.models import PublicCataloguePdf

PDF_CSS = (
    '@page { size: A4; margin: 20mm; } body { font-family: "DejaVu Sans", sans-serif; '
    "font-size: 10pt; } section { page-break-inside: avoid; margin-bottom: 8mm; } "
    "dl div { display: inline-block; margin-right: 6mm; } dt { font-weight: bold; }"
)
# pg_advisory_xact_lock key for rendering ("BSCATPDF" as an integer).
LOCK_KEY = int.from_bytes(b"BSCATPDF", "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True)
class CataloguePdf:
    fingerprint: str
    content: bytes
    fresh: bool  # False: an earlier version served while a newer one is rendered


def print_context(*, pdf: bool) -> dict:
    versions = selectors.published_versions()
    return {
        "versions": versions,
        "municipality": municipality_get(),
        "today": timezone.localdate(),
        # The PDF is dated by the catalogue's latest publication, not by the day it was
        # rendered, so the same catalogue gives the same PDF.
        "updated": versions.aggregate(latest=Max("published_at"))["latest"],
        "pdf": pdf,
    }


def public_catalogue_html() -> tuple[str, str]:
    """The HTML the PDF is made from, and its fingerprint."""
    html = render_to_string("catalogue/print.html", print_context(pdf=True))
    import weasyprint

    digest = hashlib.sha256()
    for part in (html, PDF_CSS, weasyprint.__version__):
        digest.update(part.encode())
    return html, digest.hexdigest()


def _render(html: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)])


def _stored(fingerprint: str) -> bytes | None:
    content = (
        PublicCataloguePdf.objects.filter(fingerprint=fingerprint)
        .values_list("pdf", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None


def _latest() -> tuple[str, bytes] | None:
    row = PublicCataloguePdf.objects.values_list("fingerprint", "pdf").first()
    return (row[0], bytes(row[1])) if row else None


def public_catalogue_pdf() -> CataloguePdf:
    """The current PDF: from the store, or rendered (once) and stored."""
    html, fingerprint = public_catalogue_html()
    content = _stored(fingerprint)
    if content is not None:
        return CataloguePdf(fingerprint, content, fresh=True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            (got_lock,) = cursor.fetchone()
        if not got_lock:
            earlier = _latest()
            if earlier is not None:
                return CataloguePdf(earlier[0], earlier[1], fresh=False)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        content = _stored(fingerprint)  # rendered by whoever held the lock
        if content is None:
            content = _render(html)
            PublicCataloguePdf.objects.create(fingerprint=fingerprint, pdf=content)
            PublicCataloguePdf.objects.exclude(fingerprint=fingerprint).delete()
    return CataloguePdf(fingerprint, content, fresh=True)
