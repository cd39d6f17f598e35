"""No CPR number reaches a log line (issue 9, item 6): the filter on every handler."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from boernesag.lib.log_scrub import CprScrubFilter, cpr_scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cpr 010203-1234 fundet", "cpr [CPR] fundet"),
        ("GET /boern/?q=0102031234 HTTP/1.1", "GET /boern/?q=[CPR] HTTP/1.1"),
        ("q=010203%2D1234&x=1", "q=[CPR]&x=1"),
        ("GET /boern/?q=010203+1234 HTTP/1.1", "GET /boern/?q=[CPR] HTTP/1.1"),  # a space
        ("q=010203%201234", "q=[CPR]"),
        ("310199 1234", "[CPR]"),
        ("290200-1234 og 2902001234", "[CPR] og [CPR]"),  # 29 February: a leap-year date
        ("991399-1234", "[CPR]"),  # the hyphenated form is always scrubbed
        ("ordre 3213991234", "ordre 3213991234"),  # day 32: not a date
        ("telefon 12345678", "telefon 12345678"),
        ("id 01020312345", "id 01020312345"),  # eleven digits: not a CPR number
        ("epoch 1763812345", "epoch 1763812345"),  # 17/63: not a date
        ("2026-11-22 10:00", "2026-11-22 10:00"),
    ],
)
def test_cpr_patterns_are_scrubbed_and_other_numbers_kept(text, expected):
    assert cpr_scrub(text) == expected


def _capture(logger_name: str):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(CprScrubFilter())
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    return stream, logger, handler


def test_arguments_exception_text_and_stack_are_scrubbed():
    stream, logger, handler = _capture("boernesag.test.scrub")
    try:
        logger.error("opslag på %s fejlede", "0102031234")
        try:
            raise ValueError("ugyldigt CPR 010203-1234")
        except ValueError:
            logger.exception("fejl for %s", "0102031234")
        logger.warning("med stak", stack_info=True, extra={"cpr": "x"})
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "0102031234" not in output
    assert "010203-1234" not in output
    assert "opslag på [CPR] fejlede" in output
    assert "ValueError: ugyldigt CPR [CPR]" in output


def test_every_configured_handler_carries_the_filter():
    """Django's own loggers included (django.server writes request paths)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    handlers = {handler for logger in loggers for handler in logger.handlers}
    assert handlers, "no handlers configured"
    without = [
        handler
        for handler in handlers
        if not any(isinstance(f, CprScrubFilter) for f in handler.filters)
        and not type(handler).__module__.startswith("_pytest")
        # libraries' NullHandlers write nothing anywhere
        and not isinstance(handler, logging.NullHandler)
    ]
    assert without == []


@pytest.mark.django_db
def test_a_request_path_with_a_cpr_number_is_logged_scrubbed(caplog, make_user):
    """A 404 for a path holding a CPR number: django.request logs it without the number."""
    handler = next(h for h in logging.getLogger().handlers if not h.__module__.startswith("_"))
    stream = io.StringIO()
    original = handler.setStream(stream)
    try:
        client = Client()
        client.force_login(make_user("caseworker"))
        response = client.get("/boern/0102031234/findes-ikke/?q=010203-1234")
        assert response.status_code == 404
        assert "0102031234" not in response.content.decode()
    finally:
        handler.setStream(original)
    output = stream.getvalue()
    assert "Not Found: /boern/[CPR]/findes-ikke/" in output
    assert "0102031234" not in output


def test_no_page_title_or_error_page_can_show_a_cpr_number():
    """Titles end up in browser history and tabs; error pages must not echo the path."""
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2]
    titles = []
    for template in src.rglob("templates/**/*.html"):
        text = template.read_text()
        titles += [
            (template.name, t) for t in re.findall(r"{% block title %}(.*?){% endblock", text)
        ]
        if template.name in {"400.html", "403.html", "404.html", "500.html"}:
            assert "request.path" not in text and "request_path" not in text, template
    assert titles
    assert [t for t in titles if "cpr" in t[1].lower()] == []
