"""Pure rules of notifications and e-mail (portal/notifications/rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.notifications import rules


def test_recipient_is_the_employee_else_the_account():
    assert rules.recipient(12, 3) == "e12"
    assert rules.recipient(None, 3) == "u3"
    with pytest.raises(ValueError):
        rules.recipient(None, None)


def test_dedupe_key_names_what_about_what_when_and_whom():
    assert rules.dedupe_key("skp.diajukan", "skp:5", "20260120", "e9") == "skp.diajukan:skp:5:20260120@e9"
    assert rules.dedupe_key("a", "b", "c", "e1") != rules.dedupe_key("a", "b", "c", "e2")


def test_a_long_dedupe_key_is_cut_the_same_way_in_every_process():
    key = rules.dedupe_key("pengingat.evaluasi", "x" * 300, "2026-01-01", "e77")
    assert len(key) <= 200 and key.endswith("@e77")
    assert key == rules.dedupe_key("pengingat.evaluasi", "x" * 300, "2026-01-01", "e77")  # sha256, not hash()
    assert key != rules.dedupe_key("pengingat.evaluasi", "x" * 299 + "y", "2026-01-01", "e77")


# Friday 2 January 2026 ... Wednesday 7 January: a week with a holiday on Monday 5 January
FRIDAY = dt.date(2026, 1, 2)
HOLIDAYS = {dt.date(2026, 1, 5)}


@pytest.mark.parametrize(("due", "soon"), [
    (dt.date(2026, 1, 2), True),  # today, a working day: 1 working day left
    (dt.date(2026, 1, 6), True),  # Fri, (Mon holiday), Tue: 2 working days
    (dt.date(2026, 1, 7), True),  # Fri, Tue, Wed: 3 working days
    (dt.date(2026, 1, 8), False),  # 4 working days
    (dt.date(2026, 1, 1), False),  # passed
    (None, False),
])
def test_deadline_in_three_working_days_counts_the_holiday_calendar(due, soon):
    assert rules.due_soon(FRIDAY, due, HOLIDAYS) is soon


def test_without_the_holiday_the_same_date_is_not_soon():
    assert rules.due_soon(FRIDAY, dt.date(2026, 1, 7), set()) is False


@pytest.mark.parametrize(("own", "employee", "expected"), [
    ("saya@contoh.go.id", "lama@contoh.go.id", "saya@contoh.go.id"),
    ("", "lama@contoh.go.id", "lama@contoh.go.id"),
    ("bukan alamat", "lama@contoh.go.id", "lama@contoh.go.id"),
    (None, None, None),
    ("", "a@b", None),
    ("x@y.id\r\nBcc: victim@example.com", None, None),  # no header injection
])
def test_email_address(own, employee, expected):
    assert rules.email_address(own, employee) == expected


def test_smtp_is_off_without_host_or_sender():
    assert rules.smtp_settings({}) is None
    assert rules.smtp_settings({"SMTP_HOST": "mail.contoh.go.id"}) is None
    assert rules.smtp_settings({"SMTP_SENDER": "portal@contoh.go.id"}) is None


@pytest.mark.parametrize(("tls", "port", "security", "expected_port"), [
    ("starttls", 0, "starttls", 587), ("ssl", 0, "ssl", 465), ("off", 0, "off", 25), ("off", 2525, "off", 2525),
    ("1", 0, "starttls", 587), ("", 0, "starttls", 587), ("none", 0, "off", 25),  # empty: the safe default
])
def test_smtp_settings(tls, port, security, expected_port):
    settings = rules.smtp_settings({"SMTP_HOST": " mail.contoh.go.id ", "SMTP_SENDER": "portal@contoh.go.id",
                                    "SMTP_TLS": tls, "SMTP_PORT": port, "SMTP_USER": "u", "SMTP_PASSWORD": "p"})
    assert (settings.host, settings.security, settings.port) == ("mail.contoh.go.id", security, expected_port)


def test_smtp_tls_must_be_known():
    with pytest.raises(ValueError):
        rules.smtp_settings({"SMTP_HOST": "h", "SMTP_SENDER": "s@x.id", "SMTP_TLS": "maybe"})


def test_digest_lists_the_items_and_counts_the_rest():
    items = [rules.DigestItem(f"Hal {n}", f"https://portal/{n}") for n in range(rules.DIGEST_LINES + 3)]
    body = rules.digest_body("Yth. Siti,", items, "... dan 3 lainnya", "Matikan e-mail di sini")
    assert body.startswith("Yth. Siti,\n\n- Hal 0\n  https://portal/0\n")
    assert f"- Hal {rules.DIGEST_LINES - 1}" in body and f"- Hal {rules.DIGEST_LINES}" not in body
    assert "... dan 3 lainnya" in body and body.rstrip().endswith("Matikan e-mail di sini")
    short = rules.digest_body("Yth.", items[:2], "LAINNYA", "footer")
    assert "LAINNYA" not in short
