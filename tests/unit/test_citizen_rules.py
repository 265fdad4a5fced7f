"""Pure rules of Suara Masyarakat (portal/citizen/rules.py): input, spam signs, timing, months."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.citizen import rules


@pytest.mark.parametrize(("value", "expected"), [
    ("1", 1), ("5", 5), (" 3 ", 3), (4, 4), ("0", None), ("6", None), ("-1", None), ("4.5", None), ("", None),
    (None, None), ("x", None), ("1e3", None),
])
def test_parse_rating(value, expected):
    assert rules.parse_rating(value) == expected


def test_clean_text_removes_control_and_invisible_characters_but_keeps_text():
    raw = "Antrean\x00 lama\u202e\u200b dan\r\n\r\n\r\n\r\nkipas  rusak\t😞 <b>x</b>"
    assert rules.clean_text(raw) == "Antrean lama dan\n\nkipas rusak 😞 <b>x</b>"
    assert rules.clean_text(None) == ""


@pytest.mark.parametrize(("comment", "code"), [
    ("Pelayanan cepat dan ramah.", None),
    ("Lihat https://promo.example/obat", "link"),
    ("kunjungi www.judi.test sekarang", "link"),
    ("murah di tokoku.com", "link"),
    ("bagus" + "!" * 20, "repeated"),
    ("x" * (rules.COMMENT_MAX + 1), "too_long"),
    ("x" * rules.COMMENT_MAX, "repeated"),  # a long run of one character is not a comment either
    ("", None),
])
def test_check_post_comment(comment, code):
    problems = rules.check_post(4, "", comment, [])
    assert [p.code for p in problems] == ([code] if code else [])


def test_check_post_rating_and_service_type():
    assert [p.field for p in rules.check_post(None, "", "", [])] == ["rating"]
    assert [p.field for p in rules.check_post(3, "Paspor", "", ["KTP-el"])] == ["service_type"]
    assert rules.check_post(3, "KTP-el", "", ["KTP-el"]) == []
    assert rules.check_post(3, "", "", ["KTP-el"]) == []  # the service type is optional


@pytest.mark.parametrize(("age", "expected"), [
    (0.5, "too_fast"), (rules.MIN_SECONDS - 0.01, "too_fast"), (rules.MIN_SECONDS, None), (600, None),
    (rules.MAX_AGE_SECONDS, None), (rules.MAX_AGE_SECONDS + 1, "expired"), (-5, "too_fast"),
])
def test_form_age(age, expected):
    assert rules.form_age_ok(1000.0, 1000.0 + age) == expected


def test_service_types_one_per_line_without_duplicates():
    text = "KTP-el\n\n Kartu Keluarga \nKTP-el\n" + "\n".join(f"Jenis {n}" for n in range(20))
    types = rules.service_types(text)
    assert types[:3] == ["KTP-el", "Kartu Keluarga", "Jenis 0"] and len(types) == rules.SERVICE_TYPES_MAX


def test_last_months_and_the_series_fill_empty_months():
    assert rules.last_months(dt.date(2026, 2, 10), 3) == [(2025, 12), (2026, 1), (2026, 2)]
    series = rules.month_series([(2026, 1, 4, 14, 2), (2025, 11, 1, 5, 1)], dt.date(2026, 2, 10), months=3)
    assert [(m.year, m.month, m.count) for m in series] == [(2025, 12, 0), (2026, 1, 4), (2026, 2, 0)]
    assert series[1].mean == 3.5 and series[1].satisfied_percent == 50.0 and series[0].mean is None
    total = rules.overall(series)
    assert (total.count, total.total, total.satisfied) == (4, 14, 2)
    assert rules.overall([]) is None
