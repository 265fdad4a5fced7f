"""``flask send-reminders`` against a real SMTP server on loopback (aiosmtpd, started by the test): what it receives,
that a second run sends nothing twice, that a refused message is tried again, and that the 360 reminder e-mail keeps
the anonymity of the 360: every invited rater gets the same message, answered or not, and nothing is stored per
rater (the database before and after differs by one sent-log row without a recipient)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest
from sqlalchemy import select

from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.notifications import services
from portal.notifications.models import EmailLog, Notification, NotificationPreference
from tests import factories
from tests.pg import free_port
from tests.test_anonymity_attacks import _answer as answer_360
from tests.test_anonymity_attacks import _as, _dump, _nominate, _send, _world

BASE = "https://kinerja.contoh.go.id/"


class Inbox:
    """What the loopback SMTP server received; RCPT of an address in ``refuse`` is answered 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for _f, rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp(app, monkeypatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_TLS": "off",
                       "SMTP_SENDER": "portal@contoh.go.id", "PORTAL_BASE_URL": BASE}.items():
        monkeypatch.setitem(app.config, key, value)
    yield inbox
    controller.stop()


def run(app, *args):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders", *args])
    db.session.expire_all()
    return result


def _note(employee, n, kind="pengingat.skp", **extra):
    row = services.row(kind, subject=f"uji:{n}", occasion="1", params={"sender": "BKPSDM", "year": 2026},
                       endpoint="skp.mine", employee_id=employee.id, **extra)
    services.bulk_notify([row])
    db.session.commit()
    return db.session.scalar(select(Notification).where(Notification.dedupe == row["dedupe"]))


@pytest.fixture
def people():
    unit = factories.make_unit("Dinas Surat")
    boss = factories.make_employee("Kepala Surat", unit=unit, email="kepala@contoh.go.id")
    siti = factories.make_employee("Siti Aminah", unit=unit, superior=boss, email="siti@contoh.go.id")
    budi = factories.make_employee("Budi Santoso", unit=unit, superior=boss, email="budi@contoh.go.id")
    tanpa = factories.make_employee("Tanpa Alamat", unit=unit, superior=boss)
    users = {e.nama: factories.make_user(employee=e) for e in (boss, siti, budi, tanpa)}
    return siti, budi, tanpa, users


def test_a_digest_reaches_the_server_once(app, smtp, people):
    siti, budi, tanpa, users = people
    first, second = _note(siti, 1), _note(siti, 2, kind="tenggat.dokumen")
    _note(tanpa, 3)  # no address: nothing to send
    read = _note(budi, 4)
    read.read_at = utcnow()  # read in the portal already: no e-mail
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "E-mail terkirim: 1 pesan (2 notifikasi, 0 pengingat 360); gagal: 0." in result.output
    [message] = smtp.to("siti@contoh.go.id")
    assert message["Subject"] == "[Portal Kinerja ASN] 2 hal menunggu tindakan Anda"
    assert message["From"] == "Portal Kinerja ASN <portal@contoh.go.id>" and message["Auto-Submitted"]
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("Yth. Siti Aminah,")
    assert "- Pengingat dari BKPSDM: susun dan ajukan SKP 2026 Anda.\n  https://kinerja.contoh.go.id/skp/" in body
    assert "Matikan e-mail di https://kinerja.contoh.go.id/notifikasi/pengaturan" in body
    logged = {(r.key, r.user_id) for r in db.session.scalars(select(EmailLog))}
    assert logged == {(f"notification:{first.id}", users["Siti Aminah"].id),
                      (f"notification:{second.id}", users["Siti Aminah"].id)}
    # Running it again sends nothing twice.
    again = run(app)
    assert again.exit_code == 0 and "tidak ada yang perlu dikirim" in again.output
    assert len(smtp.messages) == 1
    # A new notification is sent alone.
    _note(siti, 5)
    run(app)
    assert len(smtp.to("siti@contoh.go.id")) == 2 and "1 hal menunggu" in smtp.to("siti@contoh.go.id")[1]["Subject"]


def test_email_off_and_an_own_address(app, smtp, people):
    siti, budi, _tanpa, users = people
    db.session.add_all([NotificationPreference(user_id=users["Siti Aminah"].id, email_enabled=False),
                        NotificationPreference(user_id=users["Budi Santoso"].id, email="budi.pribadi@contoh.go.id")])
    _note(siti, 1)
    _note(budi, 2)
    run(app)
    assert smtp.to("siti@contoh.go.id") == [] and smtp.to("budi@contoh.go.id") == []
    assert len(smtp.to("budi.pribadi@contoh.go.id")) == 1


def test_a_refused_message_is_tried_again_on_the_next_run(app, smtp, people):
    siti, _budi, _tanpa, _users = people
    _note(siti, 1)
    smtp.refuse.add("siti@contoh.go.id")
    result = run(app)
    assert result.exit_code == 1 and "Gagal mengirim ke siti@contoh.go.id" in result.output
    assert db.session.scalars(select(EmailLog)).all() == []  # the claim was released
    smtp.refuse.clear()
    assert run(app).exit_code == 0
    assert len(smtp.to("siti@contoh.go.id")) == 1


def test_an_unreachable_server_claims_nothing(app, people, monkeypatch):
    siti, _budi, _tanpa, _users = people
    for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": free_port(), "SMTP_TLS": "off",
                       "SMTP_SENDER": "portal@contoh.go.id"}.items():
        monkeypatch.setitem(app.config, key, value)
    _note(siti, 1)
    result = run(app)
    assert result.exit_code == 1 and "tidak dapat dihubungi" in result.output
    assert db.session.scalars(select(EmailLog)).all() == []


def test_without_smtp_only_the_portal_notifies(app, people):
    siti, _budi, _tanpa, _users = people
    _note(siti, 1)
    result = run(app)
    assert result.exit_code == 0 and "E-mail tidak aktif" in result.output
    assert db.session.scalars(select(EmailLog)).all() == []


# ---------------------------------------------------------------------------------------------------------
# 360: every invited rater, nothing per rater


@pytest.fixture
def w360():
    world = _world()
    for n, peer in enumerate(world.peers):
        peer.email = f"rekan{n}@contoh.go.id"
    db.session.commit()
    return world


def _normalised_message(message, name: str) -> tuple[str, str]:
    return message["Subject"], message.get_content().replace(name, "NAMA")


def test_the_360_reminder_mail_goes_to_every_invited_rater_and_stores_nothing_per_rater(app, smtp, w360, client,
                                                                                        login):
    w = w360
    _nominate(w, client, login, w.peers[:4])
    _send(w, client, login)
    answered, silent = w.peers[0], w.peers[1]
    assert answer_360(w, client, login, answered, 4).status_code in (200, 302)
    assessor = _as(client, login, w.users[w.assessor.id])
    assert assessor.post(f"/360/{w.subject.id}/{w.phase.id}/ingatkan").status_code in (200, 302)
    services.collect_due(w.today, now=utcnow())  # what the command writes in the portal (the open window) first
    db.session.commit()
    kinds = {rater.id: sorted(db.session.scalars(select(Notification.kind).where(Notification.employee_id == rater.id)))
             for rater in (answered, silent)}
    assert kinds[answered.id] == kinds[silent.id] == ["360.diundang", "jendela.dibuka"]
    before = _dump()
    result = run(app)
    assert result.exit_code == 0, result.output
    after = _dump()
    changed = {table for table, rows in after.items() if rows != before[table]}
    assert changed == {"email_log"}
    new_rows = set(after["email_log"]) - set(before["email_log"])
    reminder = [row for row in new_rows if "360-pengingat" in row[1]]
    assert len(reminder) == 1 and reminder[0][2] == "None"  # keyed by the round, no recipient
    # The answered and the silent rater got the same message.
    mail_answered = smtp.to(answered.email)
    mail_silent = smtp.to(silent.email)
    reminders = [m for m in mail_answered if "Pengingat umpan balik 360" in m["Subject"]]
    assert len(reminders) == 1
    assert _normalised_message(reminders[0], answered.full_name) == _normalised_message(
        next(m for m in mail_silent if "Pengingat umpan balik 360" in m["Subject"]), silent.full_name)
    body = reminders[0].get_content()
    assert "Jika Anda sudah mengisi kuesioner ini, abaikan pesan ini." in body
    assert w.subject.full_name in body and "https://kinerja.contoh.go.id/permintaan-umpan-balik" in body
    assert {rcpt for _f, rcpts, m in smtp.messages for rcpt in rcpts if "360" in m["Subject"]} == {
        p.email for p in w.peers[:4]}
    # Nothing twice.
    count = len(smtp.messages)
    run(app)
    assert len(smtp.messages) == count


def test_the_360_due_reminder_is_keyed_per_employee_window_and_date(app, smtp, w360, client, login):
    from portal.assessment.models import RaterNomination
    from portal.periods import rules as period_rules
    from portal.periods import services as period_services

    w = w360
    _nominate(w, client, login, w.peers[:3])
    _send(w, client, login)
    today = w.today
    holidays = period_services.holidays_between(today, today + dt.timedelta(days=30))
    due = period_rules.add_working_days(today, 1, holidays)
    for nomination in db.session.scalars(select(RaterNomination)):
        nomination.due_on = due
    db.session.commit()
    run(app)
    keys = [k for k in db.session.scalars(select(EmailLog.key)) if k.startswith("360-")]
    assert keys == [f"360-tenggat:{w.subject.id}:{w.phase.id}:{due.isoformat()}"]
    assert sorted(r for _f, rcpts, m in smtp.messages for r in rcpts if "360" in m["Subject"]) == sorted(
        p.email for p in w.peers[:3])
    assert all(re.search(r"Batas pengisian: \d+ \w+ \d{4}\.", m.get_content())
               for _f, _r, m in smtp.messages if "360" in m["Subject"])
