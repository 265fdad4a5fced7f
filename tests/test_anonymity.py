"""Anonymity holds in storage (issue 4, DOMAIN.md section 6).

Three raters answer a colleague's 360 questionnaire through the real views. Then every table is read directly with
SQL, as a database administrator would, and nothing may tie an answer to its author: no rater id, user id, NIP or
name next to the content, no time on the content, no completion token that can be matched without the
application's secret key, no audit row naming rater and subject for the submission, no telling order of comments.

Runs on SQLite and on PostgreSQL (``pytest tests/test_anonymity.py --db=postgresql``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import Date, DateTime, Time, select, text

from portal.assessment import common, rater_services
from portal.assessment.models import BUCKET_COMBINED, GROUP_PEER, GROUP_SUBORDINATE, RaterNomination
from portal.auth.models import User
from portal.core.timeutil import local_today
from portal.extensions import db
from tests.factories import make_employee, make_period, make_unit, make_user, password_hash

ANSWER_TABLES = ("feedback_bucket", "rater_completion", "rater_draft")
COMMENTS_KEEP = ["Pertahankan-Satu", "Pertahankan-Dua", "Pertahankan-Tiga"]
COMMENTS_IMPROVE = ["Tingkatkan-Satu", "Tingkatkan-Dua", "Tingkatkan-Tiga"]


def _rater(n: int, unit, superior):
    """A rater with high, distinctive ids (so that a small count or an item id cannot be mistaken for them)."""
    employee = make_employee(f"Rahasiawan Nomor{n}", unit=unit, superior=superior, id=7000 + n)
    user = User(id=8000 + n, username=f"penilai{n}", role="pegawai", employee=employee,
                password_hash=password_hash(), must_change_password=False)
    db.session.add(user)
    db.session.commit()
    return employee, user


def _nominate(subject, rater, phase, group=GROUP_PEER) -> RaterNomination:
    nomination = RaterNomination(subject_id=subject.id, rater_id=rater.id, phase_id=phase.id, group=group,
                                 nominated_by_id=subject.superior_id)
    db.session.add(nomination)
    db.session.commit()
    return nomination


@pytest.fixture
def world():
    today = local_today()
    unit = make_unit("Dinas Anonim")
    assessor = make_employee("Kepala Penilai", unit=unit)
    subject = make_employee("Subjek Dinilai", unit=unit, superior=assessor)
    period = make_period(today.year, evaluasi_tahunan=(today - dt.timedelta(days=2), today + dt.timedelta(days=9)))
    phase = next(p for p in period.phases if p.kind == "evaluasi_tahunan")
    raters = [_rater(n, unit, assessor) for n in range(1, 5)]
    nominations = [_nominate(subject, employee, phase) for employee, _user in raters]
    item_ids = [i.id for i in common.ensure_items(period)]
    db.session.commit()
    return SimpleNamespace(unit=unit, assessor=assessor, subject=subject, period=period, phase=phase, raters=raters,
                           nominations=nominations, item_ids=item_ids)


def _answer(client, login, user, nomination, item_ids, *, keep="", improve="", action="submit", score_of=None):
    login(user)
    data = {f"item-{item_id}": str(score_of(item_id) if score_of else 4) for item_id in item_ids}
    data.update(keep=keep, improve=improve, action=action)
    response = client.post(f"/permintaan-umpan-balik/{nomination.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def _dump_all_tables() -> dict[str, list[dict]]:
    """Every row of every table, read with plain SQL."""
    db.session.expire_all()
    dump = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(text(f'SELECT * FROM "{table.name}"')).mappings().all()
            dump[table.name] = [dict(row) for row in rows]
    return dump


def _as_text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in "[{":
        return value  # JSON stored as text (SQLite)
    return str(value)


def _identity_patterns(world):
    """What would name a rater: employee id, user id (as whole numbers), NIP and name."""
    patterns = []
    for employee, user in world.raters:
        patterns.append(re.compile(rf"(?<![0-9A-Za-z]){employee.id}(?![0-9A-Za-z])"))
        patterns.append(re.compile(rf"(?<![0-9A-Za-z]){user.id}(?![0-9A-Za-z])"))
        patterns.append(re.compile(re.escape(employee.nip)))
        patterns.append(re.compile(re.escape(employee.nama), re.I))
        patterns.append(re.compile(re.escape(user.username), re.I))
    return patterns


def _simple_hashes(values) -> set[str]:
    hashes = set()
    for value in values:
        for data in (str(value), f"completion:{value}", f"draft:{value}"):
            for algorithm in ("md5", "sha1", "sha256", "sha512"):
                hashes.add(hashlib.new(algorithm, data.encode()).hexdigest())
    return hashes


def test_no_row_ties_an_answer_to_its_rater(client, login, world):
    nominations_before = {n.id: n.updated_at for n in world.nominations}
    audit_before = len(_dump_all_tables()["audit_log"])
    for (_employee, user), nomination, keep, improve in zip(world.raters[:3], world.nominations[:3], COMMENTS_KEEP,
                                                          COMMENTS_IMPROVE, strict=True):
        _answer(client, login, user, nomination, world.item_ids, keep=keep, improve=improve,
                score_of=lambda item_id, n=nomination: 1 + (item_id + n.id) % 5)
    # The fourth rater only saves a draft: drafts must be as anonymous as answers.
    _answer(client, login, world.raters[3][1], world.nominations[3], world.item_ids[:5], keep="Draf-Rahasia",
            action="draft")

    dump = _dump_all_tables()
    patterns = _identity_patterns(world)

    # 1. The answer tables name no rater in any column.
    assert len(dump["feedback_bucket"]) == 1 and dump["feedback_bucket"][0]["responses"] == 3
    assert len(dump["rater_completion"]) == 3 and len(dump["rater_draft"]) == 1
    for table in ANSWER_TABLES:
        for row in dump[table]:
            for column, value in row.items():
                shown = _as_text(value)
                for pattern in patterns:
                    assert not pattern.search(shown), f"{table}.{column} = {shown!r} names a rater ({pattern.pattern})"
    bucket = dump["feedback_bucket"][0]
    assert bucket["subject_id"] == world.subject.id and bucket["bucket"] == GROUP_PEER
    assert re.fullmatch(r"[0-9a-f]{32}", bucket["id"])  # random, not a sequence that orders the buckets

    # 2. No time on the content.
    for table_name in ANSWER_TABLES:
        table = db.metadata.tables[table_name]
        for column in table.columns:
            assert not isinstance(column.type, DateTime | Date | Time), f"{table_name}.{column.name} is a time"
            assert not re.search(r"(^|_)(at|on|time|date|created|updated|timestamp)($|_)", column.name), column.name

    # 3. Completion tokens cannot be matched without the secret key.
    nomination_ids = [n.id for n in world.nominations]
    guesses = {str(i) for i in nomination_ids} | {e.nip for e, _u in world.raters}
    guesses |= _simple_hashes(nomination_ids) | _simple_hashes(e.nip for e, _u in world.raters)
    guesses |= _simple_hashes(e.id for e, _u in world.raters) | _simple_hashes(u.id for _e, u in world.raters)
    for row in dump["rater_completion"] + dump["rater_draft"]:
        assert row["token"] not in guesses
        assert re.fullmatch(r"[0-9a-f]{64}", row["token"])
    # ... while the application, holding the key, can tell which of them are done.
    secret = client.application.config["SECRET_KEY"]
    done = rater_services.completed_ids(secret, nomination_ids)
    assert done == set(nomination_ids[:3])

    # 4. The nominations themselves did not change on submission (their updated_at would date each answer).
    for row in dump["rater_nomination"]:
        assert row["status"] == "diundang"
        stored = row["updated_at"]
        expected = nominations_before[row["id"]]
        assert str(stored)[:19].replace("T", " ") == str(expected)[:19].replace("T", " ")

    # 5. The audit log gained no row for the submissions, and no row names a rater together with the subject.
    audit_rows = dump["audit_log"]
    assert len(audit_rows) == audit_before
    subject_marks = (world.subject.nama, world.subject.nip)
    for row in audit_rows:
        shown = " ".join(_as_text(v) for v in row.values())
        names_rater = row["actor_id"] in {u.id for _e, u in world.raters} or any(
            e.nama in shown or e.nip in shown for e, _u in world.raters)
        names_subject = any(mark in shown for mark in subject_marks)
        assert not (names_rater and names_subject), row

    # 6. The content (comment texts) appears only in the anonymous tables, never next to a person elsewhere.
    for table_name, rows in dump.items():
        if table_name in ANSWER_TABLES:
            continue
        for row in rows:
            shown = " ".join(_as_text(v) for v in row.values())
            for comment in [*COMMENTS_KEEP, *COMMENTS_IMPROVE, "Draf-Rahasia"]:
                assert comment not in shown, f"{table_name} holds answer content: {row}"
    assert sorted(bucket_keep := _json(bucket["comments_keep"])) == sorted(COMMENTS_KEEP), bucket_keep


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def test_comments_are_stored_shuffled(client, login, world, monkeypatch):
    """The code path shuffles the whole stored list on every write: with the shuffle replaced by a reversal the
    stored order is provably not the submission order, for every subject."""
    calls = []

    class Reverse:
        def shuffle(self, items):
            calls.append(len(items))
            items.reverse()

    monkeypatch.setattr(rater_services, "_RANDOM", Reverse())
    subjects = [world.subject]
    nominations_by_subject = {world.subject.id: world.nominations[:3]}
    for n in range(2):
        subject = make_employee(f"Subjek Tambahan {n}", unit=world.unit, superior=world.assessor)
        subjects.append(subject)
        nominations_by_subject[subject.id] = [_nominate(subject, employee, world.phase)
                                              for employee, _user in world.raters[:3]]
    for subject in subjects:
        for (_employee, user), nomination, keep in zip(world.raters[:3], nominations_by_subject[subject.id],
                                                       COMMENTS_KEEP, strict=True):
            _answer(client, login, user, nomination, world.item_ids, keep=keep)
    rows = _dump_all_tables()["feedback_bucket"]
    assert len(rows) == 3
    for row in rows:
        stored = _json(row["comments_keep"])
        # [1] -> [1]; [1, 2] -> [2, 1]; [2, 1, 3] -> [3, 1, 2]
        assert stored == [COMMENTS_KEEP[2], COMMENTS_KEEP[0], COMMENTS_KEEP[1]]
        assert stored != COMMENTS_KEEP
    assert calls.count(3) == 3  # the whole stored list of each subject reshuffled on its last write


def test_a_small_group_lands_in_the_combined_bucket(client, login, world):
    """Two invited subordinates (fewer than the threshold of 3) and one other party: their answers go into the
    combined bucket, so no stored bucket stands for fewer than three possible authors."""
    assert common.settings_for(world.period).anonymity_threshold == 3
    boss_unit = make_unit("Dinas Atasan")
    boss = make_employee("Kepala Tim", unit=boss_unit)
    team_subject = make_employee("Ketua Tim Dinilai", unit=boss_unit, superior=boss)
    subordinates = [make_employee(f"Anggota Tim {n}", unit=boss_unit, superior=team_subject) for n in range(2)]
    nominations = [_nominate(team_subject, s, world.phase, group=GROUP_SUBORDINATE) for s in subordinates]
    _nominate(team_subject, make_employee("Mitra Kerja", unit=boss_unit), world.phase, group="lainnya")
    for subordinate, nomination in zip(subordinates, nominations, strict=True):
        _answer(client, login, make_user(employee=subordinate), nomination, world.item_ids, keep="Baik")
    rows = [r for r in _dump_all_tables()["feedback_bucket"] if r["subject_id"] == team_subject.id]
    assert [(r["bucket"], r["responses"]) for r in rows] == [(BUCKET_COMBINED, 2)]
    assert db.session.scalar(select(db.func.count()).select_from(db.metadata.tables["feedback_bucket"])
                             .where(text("bucket = 'bawahan'"))) == 0
