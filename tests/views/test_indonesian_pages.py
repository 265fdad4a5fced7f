"""No English left in the Indonesian pages: the demo's pages, crawled as every demo login, show no English UI word.

Only what a person reads or hears is checked: the text of the page without tags, attributes, scripts, styles and
<code> (audit action codes, file names). The words below are ones the portal itself used to write in English
("1 evidence items", "End", nomination warnings, audit summaries, "392 Bytes"); none of them is an Indonesian
word or part of a name in the demo.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.demo import DEMO_LOGINS, load_demo
from portal.demo_cycle import load_demo_cycle
from portal.extensions import db

TODAY = dt.date(2026, 11, 23)
ENGLISH = re.compile(
    r"\b(items?|End|Delete|Save|Cancel|Next|Previous|Submit|required|Bytes?|evidence|Edit|Search|Loading|Error|"
    r"Warning|Created|Updated|Deleted|Added|Reopened|Approved|Returned|Submitted|None|True|False|Page|of|and|the|"
    r"with|for|must|not|cannot|already|rater|raters|nominations?|feedback|reminder|window|invited|declined|"
    r"pending|answered)\b")
MAX_PAGES = 70  # per login
SAMPLES_PER_PATTERN = 2
SKIPPED = re.compile(r"^/(static/|keluar|bukti/|keberatan/lampiran/|verifikasi)|\.(csv|xlsx|pdf|ics|zip)$|"
                     r"/(pdf|unduh|cetak|ekspor)(/|$)", re.I)
HIDDEN_TAGS = {"script", "style", "code", "template"}


class _Page(HTMLParser):
    """Visible text (without <script>, <style>, <code>) and the links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def _pattern(path: str, query: str) -> str:
    keys = sorted({key for key, _value in parse_qsl(query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", path) + ("?" + "&".join(keys) if keys else "")


def english_on(client, username: str) -> tuple[list[str], int]:
    """Crawl from the dashboard; [(url: english words in context)], pages visited."""
    found: list[str] = []
    queue, seen, patterns, visited = ["/"], {"/"}, Counter(), 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001  a page that fails to render is another test's business
            continue
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        visited += 1
        page = _Page()
        page.feed(response.get_data(as_text=True))
        for line in page.text:
            for match in ENGLISH.finditer(line):
                context = line[max(0, match.start() - 40):match.end() + 40]
                found.append(f"{username} {url}: {match.group(0)!r} in {context!r}")
        for href in page.links:
            parts = urlsplit(href)
            if parts.netloc or parts.scheme or not parts.path.startswith("/") or SKIPPED.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            pattern = _pattern(parts.path, parts.query)
            if target in seen or patterns[pattern] >= SAMPLES_PER_PATTERN:
                continue
            seen.add(target)
            patterns[pattern] += 1
            queue.append(target)
    return found, visited


@pytest.fixture
def demo_day():
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        result = load_demo(today=TODAY)
        load_demo_cycle(result, TODAY)
        db.session.commit()
        yield result


def test_the_indonesian_demo_pages_have_no_english_words(demo_day, app, login):
    found, summary = [], []
    for _label, username, _password in DEMO_LOGINS:
        client = login(demo_day.users[username], app.test_client())
        english, visited = english_on(client, username)
        found += english
        summary.append(f"{username}: {visited} pages")
        assert visited >= 10, f"{username}: only {visited} pages reached"
    unique = list(dict.fromkeys(found))
    assert not unique, f"English on Indonesian pages ({'; '.join(summary)}):\n" + "\n".join(unique[:200])


def test_the_check_finds_english():
    page = _Page()
    page.feed('<p title="Save">Simpan <span>1 evidence items</span></p><script>var End = 1;</script>'
              '<code>evidence.add</code>')
    assert [m.group(0) for line in page.text for m in ENGLISH.finditer(line)] == ["evidence", "items"]
