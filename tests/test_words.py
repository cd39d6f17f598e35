"""Issue 20: a caseworker never sees code keys or internal doubt. Crawls every page a
caseworker reaches by links from the front page on the demo data and checks the visible
text for rule keys, English column headers and the rule authors' doubt marks."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import Client

from boernesag.deadlines.rules import load_rules

ENGLISH_HEADERS = {
    "updated at",
    "created at",
    "name",
    "date",
    "actions",
    "edit",
    "delete",
    "save",
    "submit",
    "search",
    "due",
    "deadline",
    "case",
    "child",
}
DOUBT = ["verificér", "henvisning ikke verificeret", "UPDATED AT", "(unverified)"]
SKIP = ("/konto/log-ud", "/hent/", "format=csv", "/pdf", "/admin/", "/media/", "/static/")
MAX_PAGES = 250


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self.headers: list[str] = []
        self._skip = 0
        self._in_header: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href)
        if tag in ("th", "h1", "h2", "h3", "h4", "legend", "label", "caption"):
            self._in_header = []

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._skip -= 1
        if tag in ("th", "h1", "h2", "h3", "h4", "legend", "label", "caption"):
            if self._in_header is not None:
                self.headers.append(" ".join("".join(self._in_header).split()))
            self._in_header = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._in_header is not None:
            self._in_header.append(data)


@pytest.mark.django_db(transaction=True)
def test_a_caseworker_sees_no_rule_key_english_header_or_doubt_text():
    from django.core.management import call_command

    call_command("demo_seed", verbosity=0)
    from boernesag.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="mette.hansen@demo-kommune.dk"))
    keys = [k for k in load_rules() if "_" in k]
    key_re = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b")
    seen: set[str] = set()
    queue = ["/"]
    problems = []
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or any(s in url for s in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(response.content.decode())
        text = " ".join(" ".join(page.text).split())
        for match in key_re.findall(text):
            problems.append(f"{url}: rule key {match!r}")
        for doubt in DOUBT:
            if doubt.lower() in text.lower():
                problems.append(f"{url}: doubt text {doubt!r}")
        for header in page.headers:
            if header.strip().lower() in ENGLISH_HEADERS:
                problems.append(f"{url}: English header {header!r}")
        for link in page.links:
            path = urlparse(link).path
            # one page per kind of URL with an object id is enough (ids vary, the templates
            # do not) — but every query variant of a list page is kept
            if link not in seen and len(seen) + len(queue) < MAX_PAGES * 3:
                queue.append(link if "?" in link else path)
    assert len(seen) > 30, f"the crawl reached only {len(seen)} pages"
    assert problems == [], "\n".join(sorted(set(problems))[:50])
