"""File sizes in the page's language: "392 bita" and "1,2 MB" in Indonesian, "1.2 MB" in English."""

import pytest
from flask import session

from portal.core.i18n import file_size


@pytest.mark.parametrize("lang, size, shown", [
    ("id", 0, "0 bita"),
    ("id", 392, "392 bita"),
    ("id", 999, "999 bita"),
    ("id", 1000, "1 kB"),
    ("id", 1234, "1,2 kB"),
    ("id", 1_234_567, "1,2 MB"),
    ("id", 20_000_000, "20 MB"),
    ("id", 3_456_000_000, "3,5 GB"),
    ("en", 1_234_567, "1.2 MB"),
    ("en", 1000, "1 kB"),
])
def test_file_size(app, lang, size, shown):
    with app.test_request_context("/"):
        session["lang"] = lang
        assert file_size(size) == shown


def test_nothing_for_no_size(app):
    with app.test_request_context("/"):
        assert file_size(None) == ""


def test_templates_use_the_portal_filter():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    users = [str(p.relative_to(root)) for p in root.rglob("*.html")
             if "filesizeformat" in p.read_text(encoding="utf-8")]
    assert not users, f"use the ukuran_berkas filter (Indonesian sizes) instead of filesizeformat in {users}"
