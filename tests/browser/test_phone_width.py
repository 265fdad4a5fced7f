"""Phones (issue 9, item 2): no page of the demo regency is wider than the screen of a 390 px phone.

Signs in through the login form as every demo login in a 390x844 viewport, crawls the pages reachable from the
navigation and the links found on them, and measures `document.documentElement.scrollWidth` on each. A page wider
than 400 px scrolls sideways: every such page is reported with its width.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from portal.core.timeutil import local_today
from portal.demo import DEMO_LOGINS, load_demo
from portal.demo_cycle import load_demo_cycle
from portal.extensions import db

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 390, "height": 844}
MAX_WIDTH = 400
MAX_PAGES = 40  # per login
SAMPLES_PER_PATTERN = 2  # URLs that differ only by ids or query values
# Not pages: static files, sign-out, downloads (evidence and appeal attachments, CSV/XLSX exports, PDFs).
SKIPPED = re.compile(r"^/(static/|keluar|bukti/|keberatan/lampiran/)|\.(csv|xlsx|pdf|ics|zip)$|/(pdf|unduh)$", re.I)

# Links in the header/navigation first, then every other link of the page; download links excluded.
LINKS_JS = """() => {
  const pick = (sel) => Array.from(document.querySelectorAll(sel))
    .filter((a) => !a.hasAttribute('download'))
    .map((a) => a.href);
  return {nav: pick('header a[href], nav a[href]'), all: pick('a[href]')};
}"""


@pytest.fixture
def demo_regency():
    today = local_today()
    result = load_demo(today=today)
    load_demo_cycle(result, today)
    db.session.commit()
    return result


def _pattern(path: str, query: str) -> str:
    """The route pattern of a URL: numbers in the path replaced, only the names of query arguments kept (filter
    tabs, pagination and ids in the query are samples of one pattern)."""
    keys = sorted({key for key, _value in parse_qsl(query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", path) + ("?" + "&".join(keys) if keys else "")


def _crawl(browser, base_url: str, username: str, password: str):
    """Visit up to MAX_PAGES pages as one login; return ([(url, width)], [problem], pages visited)."""
    context = browser.new_context(base_url=base_url, locale="id-ID", viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    origin = urlsplit(base_url).netloc
    widths: list[tuple[str, int]] = []
    problems: list[str] = []
    try:
        page.goto("/masuk")
        page.get_by_label(re.compile("NIP atau nama pengguna", re.I)).fill(username)
        page.get_by_label(re.compile("Kata sandi", re.I)).fill(password)
        page.get_by_role("button", name=re.compile("Masuk", re.I)).click()
        page.wait_for_load_state("load")
        if urlsplit(page.url).path == "/masuk":
            return widths, [f"{username}: could not sign in"], 0

        # Navigation links first, then pages of a route not seen yet, then further samples of known routes.
        queue: list[tuple[int, int, str]] = []
        order = itertools.count()
        start = urlsplit(page.url).path
        seen: set[str] = {start}
        patterns: Counter[str] = Counter({_pattern(start, ""): 1})
        routes: set[str] = {_pattern(start, "").split("?")[0]}
        heapq.heappush(queue, (0, next(order), start))
        visited = 0

        def enqueue(hrefs, priority):
            for href in hrefs:
                parts = urlsplit(href)
                if parts.netloc != origin or parts.scheme not in ("http", "https") or SKIPPED.search(parts.path):
                    continue
                url = parts.path + (f"?{parts.query}" if parts.query else "")
                if url in seen:
                    continue
                seen.add(url)
                pattern = _pattern(parts.path, parts.query)
                if patterns[pattern] >= SAMPLES_PER_PATTERN:
                    continue
                patterns[pattern] += 1
                route = pattern.split("?")[0]
                rank = priority if route not in routes else 2
                routes.add(route)
                heapq.heappush(queue, (rank, next(order), url))

        while queue and visited < MAX_PAGES:
            url = heapq.heappop(queue)[2]
            try:
                response = page.goto(url, wait_until="load")
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):  # a file behind a link without a file name: not a page
                    continue
                raise
            visited += 1
            status = response.status if response else 0
            if status >= 500 or status == 0:
                problems.append(f"{username}: {url} answered {status}")
                continue
            widths.append((url, page.evaluate("document.documentElement.scrollWidth")))
            if status >= 400:
                continue
            links = page.evaluate(LINKS_JS)
            enqueue(links["nav"], 0)
            enqueue(links["all"], 1)
        return widths, problems, visited
    finally:
        context.close()


def test_no_demo_page_is_wider_than_a_phone(demo_regency, browser, live_server, app, monkeypatch):
    # Let the browser keep CSS and JavaScript between pages instead of revalidating them ~5 times per page.
    monkeypatch.setitem(app.config, "SEND_FILE_MAX_AGE_DEFAULT", 600)
    offenders: list[str] = []
    problems: list[str] = []
    summary: list[str] = []
    for _label, username, password in DEMO_LOGINS:
        widths, trouble, visited = _crawl(browser, live_server, username, password)
        problems += trouble
        summary.append(f"{username}: {visited} pages")
        offenders += [f"{username}: {url} is {width} px wide" for url, width in widths if width > MAX_WIDTH]
        if visited < 5:  # a crawl that found almost nothing proves nothing
            problems.append(f"{username}: only {visited} pages reached")
    assert not (offenders or problems), (
        f"{len(offenders)} pages are wider than {MAX_WIDTH} px at a {VIEWPORT['width']} px viewport "
        f"({'; '.join(summary)}):\n" + "\n".join(offenders + problems))
