"""The English catalogue covers every Indonesian UI string, and the language switch shows it.

The msgids are extracted from portal/ and templates/ exactly as `make i18n-extract` does (same babel.cfg,
same extra keywords), so a string added to the code without an English translation fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}  # as `-k lazy_gettext -k _l`
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
HINT = "run `make i18n-extract` and translate portal/translations/en/LC_MESSAGES/messages.po"


def extracted_messages() -> dict[str | tuple[str, str], set[str]]:
    """msgid (or (singular, plural)) -> the files it comes from."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, str], set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if isinstance(message, (tuple, list)):
            message = (message[0], message[1]) if len(message) > 1 and message[1] else message[0]
        if message:
            found.setdefault(message, set()).add(filename)
    return found


def english_catalog():
    with PO_FILE.open("rb") as fh:
        return read_po(fh, locale="en")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def test_extraction_finds_the_portal_strings():
    messages = extracted_messages()
    assert "Beranda" in messages and "Masuk" in messages
    assert any(file.startswith("templates") for files in messages.values() for file in files)
    assert any(file.startswith("portal") for files in messages.values() for file in files)


def test_every_extracted_string_has_an_english_translation():
    catalog = english_catalog()
    missing = []
    for message, files in sorted(extracted_messages().items(), key=lambda item: str(item[0])):
        singular = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(singular)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        wanted_forms = 2 if isinstance(message, tuple) else 1
        if entry is None or entry.fuzzy or len(strings) < wanted_forms or not all(s and s.strip() for s in strings):
            missing.append(f"  {message!r}  ({', '.join(sorted(files))})")
    assert not missing, f"{len(missing)} UI string(s) have no English translation; {HINT}:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders():
    wrong = []
    for entry in english_catalog():
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(placeholders(i) for i in ids))
        for index, text in enumerate(strings):
            if not text:
                continue
            got = placeholders(text)
            # In a plural entry the singular form may leave out the count; nothing may be invented or lost otherwise.
            ok = got <= expected if (len(ids) > 1 and index == 0) else got == expected
            if not ok:
                wrong.append(f"  {entry.id!r} -> {text!r}: expected {sorted(expected)}, got {sorted(got)}")
    assert not wrong, f"placeholders differ between msgid and msgstr in {PO_FILE.name}; {HINT}:\n" + "\n".join(wrong)


def test_catalogue_has_no_fuzzy_entries():
    fuzzy = [repr(entry.id) for entry in english_catalog() if entry.id and entry.fuzzy]
    assert not fuzzy, f"fuzzy entries are not used at run time; {HINT}:\n  " + "\n  ".join(fuzzy)


def test_switching_to_english_translates_the_pages(app, client, login, make_user):
    user = make_user(role="admin")
    login(user)
    body = client.get("/").get_data(as_text=True)
    assert "Beranda" in body and ">Home<" not in body  # Indonesian by default

    response = client.post("/bahasa", data={"lang": "en", "next": "/"})
    assert response.status_code == 302

    body = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in body
    for label in ("Home", "Org chart", "Staff import", "User accounts", "Reference data", "Audit log", "Sign out"):
        assert label in body, label
    assert "Beranda" not in body

    # Signed out, in a fresh client: the sign-in page switches too.
    anonymous = app.test_client()
    assert "Masuk ke Portal Kinerja ASN" in anonymous.get("/masuk").get_data(as_text=True)
    anonymous.post("/bahasa", data={"lang": "en", "next": "/masuk"})
    body = anonymous.get("/masuk").get_data(as_text=True)
    assert "Sign in" in body
    assert "Password" in body and "NIP or username" in body
    assert "Masuk ke Portal Kinerja ASN" not in body


def test_unknown_language_is_ignored(client):
    client.post("/bahasa", data={"lang": "xx", "next": "/masuk"})
    assert "Masuk ke Portal Kinerja ASN" in client.get("/masuk").get_data(as_text=True)
