"""Letters to PDF with WeasyPrint, fetching nothing but the product's own static files.

Everything a user typed reaches the letter's HTML as text: the letter template
(``templates/letters/letter.html``) escapes every field (``force_escape``, so that even a
value wrongly marked safe is escaped). As a second wall, the PDF engine gets a URL fetcher
that serves only files inside the product's static directories and refuses — and logs —
everything else: ``file:`` elsewhere on the server, ``http(s):``, ``data:`` and any other
scheme. WeasyPrint then leaves the resource out and the letter is made without it.
"""

from __future__ import annotations

import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger("boernesag.letters")

LETTER_STATIC_DIR = Path(__file__).resolve().parent / "static" / "letters"


class FetchRefused(ValueError):
    """The PDF engine asked for something outside the product's static files."""


@cache
def static_roots() -> tuple[Path, ...]:
    """The directories whose files a letter may use: the static directories of Børnesag's
    own apps and STATICFILES_DIRS (DKFDS, fonts)."""
    roots = [
        Path(app.path) / "static"
        for app in apps.get_app_configs()
        if app.name.startswith("boernesag.")
    ]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, list | tuple) else entry))
    return tuple(root.resolve() for root in roots if root.is_dir())


def _describe(url: str) -> str:
    # enough to recognise the attempt in the log, never a long payload
    scheme = urlsplit(url).scheme or "?"
    return f"{scheme}: {url[:80]}{'…' if len(url) > 80 else ''}"


def static_path(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it is one of our static files; else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    if parts.query or parts.fragment:
        return None
    try:
        path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_file():
        return None
    if not any(path.is_relative_to(root) for root in static_roots()):
        return None
    return path


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves our static files from disk; refuses and logs every other URL. Nothing is
        ever requested over the network."""

        def __init__(self):
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.fetched: list[Path] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = static_path(url)
            if path is None:
                self.refused.append(url)
                logger.warning("Brev-PDF: hentning afvist (%s)", _describe(url))
                raise FetchRefused(_describe(url))
            self.fetched.append(path)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher


def static_only_fetcher():
    """A new fetcher; after rendering, ``.fetched`` and ``.refused`` say what was asked."""
    return _fetcher_class()()


def letter_html(
    *,
    municipality,
    subject: str,
    body: str,
    recipient_name: str,
    recipient_address: str,
    date,
) -> str:
    return render_to_string(
        "letters/letter.html",
        {
            "municipality": municipality,
            "subject": subject,
            "body": body,
            "recipient_name": recipient_name,
            "recipient_address": recipient_address,
            "date": date,
        },
    )


def html_to_pdf(html: str, *, fetcher=None) -> bytes:
    """Render letter HTML to PDF. Relative URLs resolve inside the letters' static folder;
    every fetch goes through the static-only fetcher."""
    from weasyprint import HTML

    fetcher = fetcher or static_only_fetcher()
    return HTML(
        string=html, base_url=LETTER_STATIC_DIR.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf()
