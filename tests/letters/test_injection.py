"""Letters cannot be turned into weapons (issue 9 item 1): against the real WeasyPrint.

What a user typed is printed as text; the PDF engine fetches nothing but our own static
files. A tiny HTTP server on 127.0.0.1 proves that no request leaves the server."""

from __future__ import annotations

import http.server
import logging
import threading
from pathlib import Path

import pytest

import boernesag.conf.settings
from boernesag.cases.tests.factories import build_world
from boernesag.intake import services as intake
from boernesag.letters.pdf import (
    LETTER_STATIC_DIR,
    html_to_pdf,
    static_only_fetcher,
    static_path,
    static_roots,
)
from boernesag.letters.services import letter_template_get, letter_template_update
from boernesag.letters.tests.pdftext import pdf_reader, pdf_text, squeezed
from tests.letters.helpers import document_bytes, report, siblings

PASSWD_MARKER = "root:x:0:0"  # the first line of /etc/passwd on Debian


@pytest.fixture
def w(db):
    return build_world(phase_event=None)


@pytest.fixture
def listener():
    """An HTTP server on a free local port that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def attachments(data: bytes) -> dict:
    return dict(pdf_reader(data).attachments)


def test_passwd_exists_so_the_assertions_below_mean_something():
    assert PASSWD_MARKER in Path("/etc/passwd").read_text()


def test_html_in_the_notifier_name_is_printed_as_text_and_fetches_nothing(
    w, listener, caplog, django_capture_on_commit_callbacks
):
    url, hits = listener
    name = (
        f'<b>Fed</b> <link rel=attachment href="file:///etc/passwd">'
        f'<img src="{url}/pixel.png"> &amp; {{{{ municipality }}}}'
    )
    alma, bo = siblings()
    item = report(w, children=[alma, bo], notifier_name=name)
    caplog.set_level(logging.WARNING, logger="boernesag.letters")
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    data = document_bytes(letter.documents.first())
    text = squeezed(pdf_text(data))
    # the name is printed exactly as typed, tags and template syntax included, twice
    # (recipient and salutation)
    assert text.count(squeezed(name)) == 2
    # and nothing was fetched, embedded or requested
    assert attachments(data) == {}
    assert PASSWD_MARKER.encode() not in data
    assert hits == []
    assert "hentning afvist" not in caplog.text  # escaped: the engine never even saw a URL


def test_the_engine_refuses_file_and_network_urls_and_logs_them(listener, caplog):
    """The second wall: even HTML that reached the engine unescaped fetches nothing."""
    url, hits = listener
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
    <link rel="stylesheet" href="letter.css">
    <link rel="stylesheet" href="{url}/evil.css">
    <link rel="attachment" href="file:///etc/passwd">
    </head><body><p>Brev</p>
    <img src="{url}/pixel.png">
    <img src="https://{url.removeprefix("http://")}/pixel.png">
    <img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>">
    <object data="file:///etc/passwd"></object>
    <div style="background: url('file:///etc/passwd')">x</div>
    </body></html>"""
    fetcher = static_only_fetcher()
    caplog.set_level(logging.WARNING, logger="boernesag.letters")
    data = html_to_pdf(html, fetcher=fetcher)

    assert data.startswith(b"%PDF-")
    assert hits == []
    assert attachments(data) == {}
    assert PASSWD_MARKER.encode() not in data
    refused = "\n".join(fetcher.refused)
    assert "file:///etc/passwd" in refused
    assert f"{url}/evil.css" in refused
    assert f"{url}/pixel.png" in refused
    assert "https://" in refused
    assert "data:image/svg+xml" in refused
    assert caplog.text.count("hentning afvist") == len(fetcher.refused)
    # ... while our own stylesheet was served, from our static folder only
    assert [p.name for p in fetcher.fetched] == ["letter.css"]
    assert all(any(p.is_relative_to(r) for r in static_roots()) for p in fetcher.fetched)


def test_a_letter_text_cannot_smuggle_markup_either(
    w, listener, django_capture_on_commit_callbacks
):
    """The administrator's text is plain text too: tags in it are printed, not obeyed."""
    url, hits = listener
    template = letter_template_get("receipt")
    letter_template_update(
        kind="receipt",
        subject="Kvittering",
        body=f'Kære {{{{ notifier_name }}}}\n<img src="{url}/t.png"><link rel=attachment '
        'href="file:///etc/passwd">',
        by=w.admin,
        expected_version=template.version,
    )
    alma, _bo = siblings()
    item = report(w, children=[alma])
    with django_capture_on_commit_callbacks(execute=True):
        letter = intake.receipt_send(item=item, by=w.intake)
    letter.refresh_from_db()
    data = document_bytes(letter.documents.get())
    assert squeezed(f'<img src="{url}/t.png">') in squeezed(pdf_text(data))
    assert hits == [] and attachments(data) == {} and PASSWD_MARKER.encode() not in data


def test_only_files_inside_our_static_folders_pass():
    css = LETTER_STATIC_DIR / "letter.css"
    assert static_path(css.as_uri()) == css
    assert static_path(f"file://localhost{css}") == css
    settings_py = Path(boernesag.conf.settings.__file__).resolve()
    for url in [
        "file:///etc/passwd",
        f"{LETTER_STATIC_DIR.as_uri()}/../../../conf/settings.py",
        f"{LETTER_STATIC_DIR.as_uri()}/%2e%2e/%2e%2e/%2e%2e/conf/settings.py",
        settings_py.as_uri(),
        f"file://evil.example{css}",
        f"{css.as_uri()}?x=1",
        f"{LETTER_STATIC_DIR.as_uri()}/",  # a folder, not a file
        f"{LETTER_STATIC_DIR.as_uri()}/missing.css",
        "http://127.0.0.1/letter.css",
        "data:text/css,body{}",
        "ftp://example/letter.css",
        "letter.css",
    ]:
        assert static_path(url) is None, url
