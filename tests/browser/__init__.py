"""Browser tests (Playwright, headless Chromium) and what they share."""


def page_width(page) -> int:
    """The page's layout width (``scrollWidth``), measured once the page has loaded: a page still loading after a
    click may be laid out before its stylesheets apply and look wider than it is."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")
