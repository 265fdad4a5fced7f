"""Realisasi with Bukti Dukung, and Umpan Balik Berkelanjutan (DOMAIN.md section 3, step 2).

Services take model objects, plain data, the acting ``actor`` (a User) and ``today``/``now``; they enforce the
rules, flush and audit, and never commit. Uploaded files are written under UPLOAD_FOLDER/evidence/ (never under
static/) with a random name; a file written in a transaction that rolls back is removed, and a deleted
evidence's file is removed only once the deletion is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.core.audit import diff, record
from portal.core.errors import DomainError, StaleVersionError, check_version
from portal.core.i18n import long_date
from portal.core.textlimits import clean_text
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import normalize_nip
from portal.periods import services as period_services
from portal.periods.models import PHASE_PERIODIC, PhaseReopening
from portal.progress import permissions as perms
from portal.progress import rules
from portal.progress.models import (
    EVIDENCE_FILE,
    EVIDENCE_LINK,
    Evidence,
    Feedback,
    FeedbackPhrase,
    FeedbackRequest,
    Realisation,
)
from portal.skp import berakhlak
from portal.skp.models import STATUS_APPROVED, Indicator, ResultPlan, Skp

# Text limits (portal/core/textlimits.py): the forms render them as maxlength, the services refuse longer text.
TEXT_MAX = 2000  # a realisation's text, a feedback request's message
FEEDBACK_MAX = 4000
PHRASE_MAX = 1000
NUMBER_MAX = 30  # a realisation's number as typed ("1.250,5")
EVIDENCE_TITLE_MAX = 255  # evidence.title is VARCHAR(255)
LINK_MAX = 1000  # evidence.url is VARCHAR(1000)
PHRASE_CATEGORIES = ("hasil", "perilaku", "umum")

STATE_FUTURE = "future"
STATE_OPEN = "open"
STATE_CLOSED = "closed"


# ---------------------------------------------------------------------------------------------------------
# Files and the transaction: remove files of rolled-back uploads, and of deletions once committed.

_PENDING_NEW = "progress_new_files"
_PENDING_DELETE = "progress_deleted_files"


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_PENDING_NEW, None)
    for path in session.info.pop(_PENDING_DELETE, []):
        _remove(path)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    for path in session.info.pop(_PENDING_NEW, []):
        _remove(path)
    session.info.pop(_PENDING_DELETE, None)


def evidence_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def evidence_path(evidence: Evidence) -> Path:
    return evidence_folder() / evidence.stored_name


def max_upload_bytes() -> int:
    """EVIDENCE_MAX_MB (config or environment), default 10 MB."""
    mb = current_app.config.get("EVIDENCE_MAX_MB") or os.environ.get("EVIDENCE_MAX_MB") or rules.DEFAULT_MAX_MB
    return int(mb) * 1024 * 1024


# ---------------------------------------------------------------------------------------------------------
# Sub-periods: which ones are open for realisation


@dataclass
class SubPeriod:
    seq: int
    label: str
    starts_on: dt.date
    ends_on: dt.date
    state: str  # future / open / closed
    closes_on: dt.date | None  # the last day realisation may be recorded (end of the evaluation window)
    reopened: bool = False

    @property
    def editable(self) -> bool:
        return self.state == STATE_OPEN


def sub_periods(skp: Skp, today: dt.date) -> list[SubPeriod]:
    """Every sub-period of the SKP's year with its state, in two queries at most.

    Policy: a sub-period may be recorded from its first day until its periodic evaluation window
    (evaluasi_periodik, seq) closes, or while BKPSDM has reopened that window for the employee or their unit;
    without such a window, until the period ends.
    """
    period = skp.period
    phases = {p.seq: p for p in period_services.phases_of(period) if p.kind == PHASE_PERIODIC}
    closed_ids = [p.id for p in phases.values() if today > p.closes_on]
    reopened_ids: set[int] = set()
    if closed_ids:
        employee = skp.employee
        unit_ids = [*employee.unit.ancestor_ids, employee.unit_id]
        reopened_ids = set(db.session.scalars(
            select(PhaseReopening.phase_id).where(
                PhaseReopening.phase_id.in_(closed_ids), PhaseReopening.until >= today,
                or_(PhaseReopening.employee_id == employee.id, PhaseReopening.unit_id.in_(unit_ids)))))
    result = []
    for seq in range(1, rules.sub_period_count(period.frequency) + 1):
        starts_on, ends_on = rules.sub_period_bounds(period.year, period.frequency, seq)
        phase = phases.get(seq)
        closes_on = phase.closes_on if phase else period.ends_on
        reopened = phase is not None and phase.id in reopened_ids
        window_open = today <= closes_on or reopened
        started = not rules.is_future_sub_period(period.year, period.frequency, seq, today)
        state = STATE_FUTURE if not started else (STATE_OPEN if rules.sub_period_editable(
            started=started, window_open=window_open) else STATE_CLOSED)
        result.append(SubPeriod(seq, gettext(rules.sub_period_label(period.frequency, seq)), starts_on, ends_on,
                                state, closes_on, reopened and today > closes_on))
    return result


def sub_period(skp: Skp, seq: int, today: dt.date) -> SubPeriod:
    """One sub-period's state, using periods.services.find_phase / phase_open_for."""
    period = skp.period
    if not 1 <= seq <= rules.sub_period_count(period.frequency):
        raise DomainError(gettext("Sub-periode tidak dikenal."))
    starts_on, ends_on = rules.sub_period_bounds(period.year, period.frequency, seq)
    phase = period_services.find_phase(period, PHASE_PERIODIC, seq)
    closes_on = phase.closes_on if phase else period.ends_on
    reopened = phase is not None and today > phase.closes_on and period_services.phase_open_for(
        phase, skp.employee, today)
    started = not rules.is_future_sub_period(period.year, period.frequency, seq, today)
    window_open = today <= closes_on or reopened
    state = STATE_FUTURE if not started else (STATE_OPEN if window_open else STATE_CLOSED)
    return SubPeriod(seq, gettext(rules.sub_period_label(period.frequency, seq)), starts_on, ends_on, state,
                     closes_on, reopened)


def require_recordable(actor, skp: Skp, seq: int, today: dt.date) -> SubPeriod:
    """Only the Pegawai yang Dinilai records, on the current approved SKP, in an open sub-period."""
    if actor.employee_id is None or actor.employee_id != skp.employee_id or getattr(actor, "is_auditor", False):
        raise DomainError(gettext("Hanya pegawai pemilik SKP yang dapat mengisi realisasi."))
    if not perms.is_progress_open(skp):
        raise DomainError(gettext("Realisasi hanya dapat diisi pada SKP yang sudah disetujui."))
    state = sub_period(skp, seq, today)
    if state.state == STATE_FUTURE:
        raise DomainError(gettext("%(label)s belum dimulai; realisasinya belum dapat diisi.", label=state.label))
    if state.state == STATE_CLOSED:
        raise DomainError(gettext("Masa pengisian realisasi %(label)s sudah ditutup; minta BKPSDM membukanya "
                                  "kembali bila perlu.", label=state.label))
    return state


# ---------------------------------------------------------------------------------------------------------
# Realisation


def find_realisation(indicator: Indicator, seq: int) -> Realisation | None:
    return db.session.scalar(
        select(Realisation).where(Realisation.indicator_id == indicator.id, Realisation.sub_period == seq)
        .options(selectinload(Realisation.evidence)))


def save_realisation(actor, skp: Skp, indicator: Indicator, seq: int, *, text: str | None,
                     number: str | None, version, today: dt.date) -> Realisation:
    """Record the Realisasi of one Indikator Kinerja Individu in one sub-period (text, optional number).

    Optimistic locking: the form carries the realisation's version ("" when it did not exist yet)."""
    require_recordable(actor, skp, seq, today)
    text = clean_text(text, TEXT_MAX, field="text")
    try:
        clean_number = rules.parse_number(number)
    except ValueError as exc:
        raise DomainError(gettext("Angka realisasi tidak valid (contoh: 12 atau 12,5)."), field="number") from exc
    if not text and clean_number is None:
        raise DomainError(gettext("Isi realisasi (uraian atau angka)."), field="text")
    realisation = find_realisation(indicator, seq)
    if realisation is None:
        if version not in (None, "", "0"):
            raise StaleVersionError(gettext("Realisasi ini sudah berubah sejak Anda membukanya."))
        realisation = Realisation(indicator_id=indicator.id, sub_period=seq, text=text, number=clean_number,
                                  recorded_by_id=actor.id)
        db.session.add(realisation)
        db.session.flush()
        changes = {"text": [None, text], "number": [None, str(clean_number) if clean_number is not None
                                                          else None]}
    else:
        if version in (None, ""):
            raise StaleVersionError(gettext(
                "Data ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda tidak disimpan; "
                "berikut data terbaru."))
        check_version(realisation, version)
        changes = diff(realisation, ["text", "number"], {"text": text, "number": clean_number})
        if not changes:
            return realisation
        realisation.text, realisation.number, realisation.recorded_by_id = text, clean_number, actor.id
        db.session.flush()
    label = rules.sub_period_label(skp.period.frequency, seq)
    record(actor, "realisation.save", realisation,
           summary=_l("Realisasi %(label)s untuk indikator \"%(indicator)s\" disimpan", label=_l(label),
                      indicator=indicator.text[:120]),
           changes={"skp_id": [None, skp.id], "indicator_id": [None, indicator.id], "sub_period": [None, seq],
                    **changes})
    return realisation


def _realisation_for_evidence(actor, indicator: Indicator, seq: int) -> Realisation:
    realisation = find_realisation(indicator, seq)
    if realisation is None:  # evidence may come before the text: an empty realisation holds it
        realisation = Realisation(indicator_id=indicator.id, sub_period=seq, text="", recorded_by_id=actor.id)
        db.session.add(realisation)
        db.session.flush()
    return realisation


UPLOAD_MESSAGES = {
    "empty": lambda p: gettext("Berkas kosong atau tidak terbaca."),
    "name": lambda p: gettext("Nama berkas tidak valid."),
    "too_large": lambda p: gettext("Berkas lebih besar dari %(mb)s MB.", mb=p.get("max_mb")),
    "executable": lambda p: gettext("Berkas program (executable) tidak boleh diunggah."),
    "markup": lambda p: gettext("Berkas HTML, SVG atau XML tidak boleh diunggah."),
    "macro": lambda p: gettext("Dokumen dengan makro tidak boleh diunggah."),
    "bad_zip": lambda p: gettext("Berkas rusak atau bukan dokumen yang dikenali."),
    "unknown": lambda p: gettext("Jenis berkas tidak diizinkan. Gunakan PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT "
                                 "atau ODS."),
    "extension": lambda p: gettext("Isi berkas adalah %(kind)s, tetapi ekstensi namanya tidak sesuai "
                                   "(gunakan .%(ext)s).", kind=p.get("kind"), ext=p.get("extensions")),
}


def upload_message(error: rules.UploadRejected) -> str:
    return UPLOAD_MESSAGES.get(error.code, UPLOAD_MESSAGES["unknown"])(error.params)


def _stream_size(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def store_upload(folder, filename: str, stream: BinaryIO, *, field: str) -> StoredFile:
    """Check an upload (size, and its type by content: rules.check_upload) and write it under a random name in
    ``folder``; a refusal is a DomainError at ``field``. The file is removed again if the transaction rolls back.
    Evidence, appeal attachments and development certificates are stored this one way."""
    try:
        kind = rules.check_upload(filename, stream, _stream_size(stream), max_upload_bytes())
    except rules.UploadRejected as exc:
        raise DomainError(upload_message(exc), field=field) from exc
    stored_name = secrets.token_hex(16)
    target = folder / stored_name
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    with open(target, "xb") as out:
        db.session.info.setdefault(_PENDING_NEW, []).append(target)
        while chunk := stream.read(64 * 1024):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return StoredFile(rules.sanitise_filename(filename), stored_name, kind.content_type, size, digest.hexdigest())


def add_file_evidence(actor, skp: Skp, indicator: Indicator, seq: int, *, filename: str | None,
                      stream: BinaryIO, title: str | None, today: dt.date) -> Evidence:
    """Store an uploaded Bukti Dukung after checking its size and its type by content (rules.check_upload)."""
    require_recordable(actor, skp, seq, today)
    title = clean_text(title, EVIDENCE_TITLE_MAX, field="title")
    if stream is None or not filename:
        raise DomainError(gettext("Pilih berkas yang akan diunggah."), field="file")
    stored = store_upload(evidence_folder(), filename, stream, field="file")
    realisation = _realisation_for_evidence(actor, indicator, seq)
    original, size = stored.original_name, stored.size
    evidence = Evidence(realisation_id=realisation.id, kind=EVIDENCE_FILE, title=title,
                        original_name=original, stored_name=stored.stored_name, content_type=stored.content_type,
                        size=size, sha256=stored.sha256, uploaded_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    record(actor, "evidence.add", evidence,
           summary=_l("Bukti dukung %(name)s diunggah", name=original),
           changes={"realisation_id": [None, realisation.id], "original_name": [None, original],
                    "content_type": [None, stored.content_type], "size": [None, size],
                    "sha256": [None, evidence.sha256]})
    return evidence


def add_link_evidence(actor, skp: Skp, indicator: Indicator, seq: int, *, url: str | None, title: str | None,
                      today: dt.date) -> Evidence:
    """A link as Bukti Dukung: http/https only."""
    require_recordable(actor, skp, seq, today)
    title = clean_text(title, EVIDENCE_TITLE_MAX, field="title")
    url = clean_text(url, LINK_MAX, field="url")
    try:
        clean = rules.validate_link(url, LINK_MAX)
    except ValueError as exc:
        raise DomainError(gettext("Tautan harus alamat lengkap yang diawali http:// atau https://."),
                          field="url") from exc
    realisation = _realisation_for_evidence(actor, indicator, seq)
    evidence = Evidence(realisation_id=realisation.id, kind=EVIDENCE_LINK, title=title,
                        url=clean, uploaded_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    record(actor, "evidence.add", evidence, summary=_l("Tautan bukti dukung ditambahkan"),
           changes={"realisation_id": [None, realisation.id], "url": [None, clean]})
    return evidence


def delete_evidence(actor, evidence: Evidence, today: dt.date) -> None:
    """The owner removes a Bukti Dukung while its sub-period is open; the file goes once this is committed."""
    realisation = evidence.realisation
    skp = perms.evidence_skp(evidence)
    require_recordable(actor, skp, realisation.sub_period, today)
    record(actor, "evidence.delete", evidence,
           summary=_l("Bukti dukung %(name)s dihapus", name=evidence.original_name or evidence.url or ""),
           changes={"realisation_id": [realisation.id, None], "original_name": [evidence.original_name, None],
                    "url": [evidence.url, None], "sha256": [evidence.sha256, None]})
    if evidence.kind == EVIDENCE_FILE and evidence.stored_name:
        db.session.info.setdefault(_PENDING_DELETE, []).append(evidence_path(evidence))
    realisation.evidence.remove(evidence)
    db.session.delete(evidence)
    db.session.flush()


def carry_over_realisations(actor, old: Skp, new: Skp) -> int:
    """When a revision is approved (``old`` superseded by ``new``), the year's realisations (with their evidence
    and feedback links) move to the indicators of the new version that were copied from the old ones
    (Indicator.origin_id). Realisations of indicators the revision removed stay with the old version, readable
    there. Returns how many moved. To be called by the SKP flow in the same transaction as the approval."""
    origin_to_new = {i.origin_id: i.id for rhk in new.result_plans for i in rhk.indicators if i.origin_id}
    moved = 0
    if origin_to_new:
        taken = {(r.indicator_id, r.sub_period) for r in db.session.scalars(
            select(Realisation).where(Realisation.indicator_id.in_(list(origin_to_new.values()))))}
        for realisation in db.session.scalars(
                select(Realisation).where(Realisation.indicator_id.in_(list(origin_to_new)))):
            target = origin_to_new[realisation.indicator_id]
            if (target, realisation.sub_period) not in taken:
                realisation.indicator_id = target
                moved += 1
    # The feedback thread and the requests are the employee's year, not one version: they follow too.
    feedback = db.session.execute(update(Feedback).where(Feedback.skp_id == old.id).values(skp_id=new.id)
                                  .execution_options(synchronize_session="fetch")).rowcount or 0
    requests = db.session.execute(update(FeedbackRequest).where(FeedbackRequest.skp_id == old.id)
                                  .values(skp_id=new.id).execution_options(synchronize_session="fetch")).rowcount or 0
    db.session.flush()
    if moved or feedback or requests:
        record(actor, "realisation.carry_over", new,
               summary=_l("%(n)s realisasi dipindahkan ke SKP versi %(v)s", n=moved, v=new.number),
               changes={"from_skp": [None, old.id], "to_skp": [None, new.id], "realisations": [None, moved],
                        "feedback": [None, feedback], "requests": [None, requests]})
    return moved


def approved_version(skp: Skp) -> Skp | None:
    """The approved version of this employee's SKP for the period (where realisation is recorded)."""
    return db.session.scalar(select(Skp).where(Skp.employee_id == skp.employee_id, Skp.period_id == skp.period_id,
                                               Skp.status == STATUS_APPROVED).order_by(Skp.number.desc()).limit(1))


# ---------------------------------------------------------------------------------------------------------
# The progress page: everything in a fixed number of queries


@dataclass
class Cell:
    seq: int
    realisation: Realisation | None
    sub_period: SubPeriod


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[Cell]


@dataclass
class RhkBlock:
    rhk: ResultPlan
    rows: list[IndicatorRow]
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class ProgressView:
    skp: Skp
    sub_periods: list[SubPeriod]
    blocks: list[RhkBlock]
    general_feedback: list[Feedback]
    requests: list[FeedbackRequest]
    realisations: list[Realisation]
    unread: int


def load_skp(skp_id: int) -> Skp | None:
    return db.session.scalar(
        select(Skp).where(Skp.id == skp_id).options(
            joinedload(Skp.period),
            joinedload(Skp.employee).options(joinedload(Employee.unit), joinedload(Employee.superior),
                                             joinedload(Employee.delegated_assessor), joinedload(Employee.position)),
            joinedload(Skp.assessor).joinedload(Employee.superior),
            selectinload(Skp.result_plans).selectinload(ResultPlan.indicators),
        ))


def progress_view(skp: Skp, today: dt.date) -> ProgressView:
    periods = sub_periods(skp, today)
    indicator_ids = [i.id for rhk in skp.result_plans for i in rhk.indicators]
    realisations = list(db.session.scalars(
        select(Realisation).where(Realisation.indicator_id.in_(indicator_ids))
        .options(selectinload(Realisation.evidence))
        .order_by(Realisation.indicator_id, Realisation.sub_period))) if indicator_ids else []
    by_cell = {(r.indicator_id, r.sub_period): r for r in realisations}
    rhk_of_realisation = {}
    blocks = []
    for rhk in skp.result_plans:
        rows = []
        for indicator in rhk.indicators:
            cells = [Cell(sp.seq, by_cell.get((indicator.id, sp.seq)), sp) for sp in periods]
            rows.append(IndicatorRow(indicator, cells))
            for cell in cells:
                if cell.realisation is not None:
                    rhk_of_realisation[cell.realisation.id] = rhk.id
        blocks.append(RhkBlock(rhk, rows))
    block_by_rhk = {b.rhk.id: b for b in blocks}
    general = []
    feedback = db.session.scalars(
        select(Feedback).where(Feedback.skp_id == skp.id)
        .options(joinedload(Feedback.author)).order_by(Feedback.created_at, Feedback.id))
    unread = 0
    for item in feedback:
        unread += item.read_at is None
        rhk_id = rhk_of_realisation.get(item.realisation_id)
        (block_by_rhk[rhk_id].feedback if rhk_id else general).append(item)
    requests = list(db.session.scalars(
        select(FeedbackRequest).where(FeedbackRequest.skp_id == skp.id)
        .options(joinedload(FeedbackRequest.asked))
        .order_by(FeedbackRequest.answered_at.is_not(None), FeedbackRequest.created_at.desc())))
    return ProgressView(skp, periods, blocks, general, requests, realisations, unread)


def realisation_choices(view: ProgressView) -> list[tuple[int, str]]:
    labels = {sp.seq: sp.label for sp in view.sub_periods}
    indicators = {i.id: i for b in view.blocks for row in b.rows for i in [row.indicator]}
    return [(r.id, f"{labels.get(r.sub_period, r.sub_period)} · {indicators[r.indicator_id].text[:80]}")
            for r in view.realisations if r.indicator_id in indicators]


# ---------------------------------------------------------------------------------------------------------
# Umpan Balik Berkelanjutan


def _check_target(skp: Skp, realisation_id: int | None, value_code: str | None) -> tuple[int | None, str | None]:
    value_code = value_code or None
    if realisation_id and value_code:
        raise DomainError(gettext("Pilih realisasi atau nilai BerAKHLAK, tidak keduanya."), field="value_code")
    if value_code is not None and value_code not in berakhlak.BY_CODE:
        raise DomainError(gettext("Nilai BerAKHLAK tidak dikenal."), field="value_code")
    if realisation_id:
        owner_skp = db.session.scalar(
            select(ResultPlan.skp_id).join(Indicator, Indicator.result_plan_id == ResultPlan.id)
            .join(Realisation, Realisation.indicator_id == Indicator.id).where(Realisation.id == realisation_id))
        if owner_skp != skp.id:
            raise DomainError(gettext("Realisasi tersebut bukan bagian dari SKP ini."), field="realisation_id")
    return realisation_id or None, value_code


def give_feedback(actor, skp: Skp, *, text: str | None, realisation_id: int | None = None,
                  value_code: str | None = None, request_id: int | None = None, now: dt.datetime) -> Feedback:
    """Umpan balik by the assessor, the assessor's superiors, or someone the employee asked (an invitation)."""
    if not perms.can_give_feedback(actor, skp):
        raise DomainError(gettext("Anda tidak dapat memberi umpan balik pada SKP ini."))
    clean = clean_text(text, FEEDBACK_MAX, field="text")
    if not clean:
        raise DomainError(gettext("Tulis umpan balik terlebih dahulu."), field="text")
    feedback_request = None
    if request_id:
        feedback_request = db.session.get(FeedbackRequest, request_id)
        if (feedback_request is None or feedback_request.skp_id != skp.id
                or feedback_request.asked_id != actor.employee_id):
            raise DomainError(gettext("Permintaan umpan balik tidak ditemukan."), field="request_id")
        if feedback_request.answered_at is not None:
            raise DomainError(gettext("Permintaan ini sudah dijawab."), field="request_id")
        if not realisation_id and not value_code:
            realisation_id, value_code = feedback_request.realisation_id, feedback_request.value_code
    realisation_id, value_code = _check_target(skp, realisation_id, value_code)
    feedback = Feedback(skp_id=skp.id, author_id=actor.employee_id, realisation_id=realisation_id,
                        value_code=value_code, request_id=feedback_request.id if feedback_request else None,
                        text=clean, created_at=now)
    db.session.add(feedback)
    if feedback_request is not None:
        feedback_request.answered_at = now
    db.session.flush()
    record(actor, "feedback.give", feedback,
           summary=_l("Umpan balik untuk %(name)s", name=skp.employee.full_name),
           changes={"skp_id": [None, skp.id], "realisation_id": [None, realisation_id],
                    "value_code": [None, value_code], "request_id": [None, feedback.request_id]}, now=now)
    return feedback


def request_feedback(actor, skp: Skp, *, asked_nip: str | None, message: str | None,
                     realisation_id: int | None = None, value_code: str | None = None,
                     now: dt.datetime) -> FeedbackRequest:
    """The employee asks for feedback: from the assessor by default, or from another employee by NIP.

    A request says what it asks about (an empty message is refused), and is asked once: while a request to the
    same person about the same thing (the same realisation or BerAKHLAK value, or the SKP in general) of this SKP
    waits for an answer, another one is refused with the date of the first."""
    if not perms.can_request_feedback(actor, skp):
        raise DomainError(gettext("Hanya pegawai pemilik SKP yang dapat meminta umpan balik."))
    nip = normalize_nip(asked_nip)
    if nip:
        asked = db.session.scalar(select(Employee).where(Employee.nip == nip))
        if asked is None or not asked.active:
            raise DomainError(gettext("Pegawai dengan NIP tersebut tidak ditemukan atau sudah nonaktif."),
                              field="asked_nip")
    else:
        asked = skp.assessor or skp.employee.assessor
        if asked is None:
            raise DomainError(gettext("Belum ada Pejabat Penilai Kinerja; isi NIP pegawai yang Anda mintai "
                                      "umpan balik."), field="asked_nip")
    if asked.id == skp.employee_id:
        raise DomainError(gettext("Anda tidak dapat meminta umpan balik dari diri sendiri."), field="asked_nip")
    clean = clean_text(message, TEXT_MAX, field="message")
    if not clean:
        raise DomainError(gettext("Tuliskan apa yang ingin Anda mintai umpan balik."), field="message")
    realisation_id, value_code = _check_target(skp, realisation_id, value_code)
    pending = _pending_request(skp, asked, realisation_id, value_code)
    if pending is not None:
        raise _still_waiting(asked, pending.created_at)
    feedback_request = FeedbackRequest(skp_id=skp.id, requested_by_id=skp.employee_id, asked_id=asked.id,
                                       realisation_id=realisation_id, value_code=value_code, message=clean,
                                       created_at=now, open_key=open_key(realisation_id, value_code))
    try:
        with db.session.begin_nested():  # the same form sent twice at once: the second one meets the first here
            db.session.add(feedback_request)
    except IntegrityError:
        pending = _pending_request(skp, asked, realisation_id, value_code)
        raise _still_waiting(asked, pending.created_at if pending is not None else now) from None
    record(actor, "feedback.request", feedback_request,
           summary=_l("Permintaan umpan balik kepada %(name)s", name=asked.full_name),
           changes={"skp_id": [None, skp.id], "asked_id": [None, asked.id],
                    "realisation_id": [None, realisation_id], "value_code": [None, value_code]}, now=now)
    return feedback_request


def _same(column, value):
    return column.is_(None) if value is None else column == value


def open_key(realisation_id: int | None, value_code: str | None) -> str:
    """What a waiting request is about, as stored in FeedbackRequest.open_key: a realisation, a BerAKHLAK value, or
    the SKP in general."""
    if realisation_id is not None:
        return f"realisasi:{realisation_id}"
    return f"nilai:{value_code}" if value_code else "umum"


def _pending_request(skp: Skp, asked: Employee, realisation_id: int | None,
                     value_code: str | None) -> FeedbackRequest | None:
    return db.session.scalar(
        select(FeedbackRequest).where(
            FeedbackRequest.skp_id == skp.id, FeedbackRequest.asked_id == asked.id,
            FeedbackRequest.answered_at.is_(None), _same(FeedbackRequest.realisation_id, realisation_id),
            _same(FeedbackRequest.value_code, value_code))
        .order_by(FeedbackRequest.created_at).limit(1))


def _still_waiting(asked: Employee, since: dt.datetime) -> DomainError:
    return DomainError(gettext(
        "Permintaan umpan balik Anda kepada %(name)s tentang hal yang sama masih menunggu jawaban (dikirim "
        "%(date)s). Tunggu jawabannya atau minta umpan balik tentang hal lain.", name=asked.full_name,
        date=long_date(since)), field="asked_nip")


def mark_read(actor, feedback: Feedback, now: dt.datetime) -> Feedback:
    """Read/unread is explicit: only the Pegawai yang Dinilai marks an item read (the unread badge stays honest)."""
    if not perms.can_mark_read(actor, feedback.skp):
        raise DomainError(gettext("Hanya pegawai pemilik SKP yang dapat menandai umpan balik."))
    if feedback.read_at is None:
        feedback.read_at = now
        db.session.flush()
        record(actor, "feedback.read", feedback, summary=_l("Umpan balik ditandai sudah dibaca"),
               changes={"read_at": [None, now.isoformat()]}, now=now)
    return feedback


def mark_all_read(actor, skp: Skp, now: dt.datetime) -> int:
    if not perms.can_mark_read(actor, skp):
        raise DomainError(gettext("Hanya pegawai pemilik SKP yang dapat menandai umpan balik."))
    result = db.session.execute(
        update(Feedback).where(Feedback.skp_id == skp.id, Feedback.read_at.is_(None)).values(read_at=now)
        .execution_options(synchronize_session="fetch"))
    count = result.rowcount or 0
    if count:
        record(actor, "feedback.read_all", skp, summary=_l("%(n)s umpan balik ditandai sudah dibaca", n=count),
               changes={"read": [None, count]}, now=now)
    db.session.flush()
    return count


def unread_count(skp_id: int) -> int:
    """How many feedback items of this SKP version the employee has not marked read."""
    return db.session.scalar(select(func.count(Feedback.id)).where(Feedback.skp_id == skp_id,
                                                                   Feedback.read_at.is_(None))) or 0


def unread_by_skp(employee_id: int) -> list[tuple[Skp, int]]:
    """The employee's SKP versions with unread feedback, with the count (two queries)."""
    rows = db.session.execute(
        select(Feedback.skp_id, func.count()).join(Skp, Skp.id == Feedback.skp_id)
        .where(Skp.employee_id == employee_id, Feedback.read_at.is_(None)).group_by(Feedback.skp_id)).all()
    if not rows:
        return []
    skps = {s.id: s for s in db.session.scalars(
        select(Skp).where(Skp.id.in_([r[0] for r in rows])).options(joinedload(Skp.period)))}
    return [(skps[skp_id], count) for skp_id, count in rows if skp_id in skps]


def open_requests_count_stmt(employee_id):
    """How many feedback requests to this employee wait for an answer and can still be answered (the SKP is the
    approved version: permissions.can_answer_request), as a count query (the menu builds it once with bind
    parameters)."""
    return (select(func.count(FeedbackRequest.id)).join(Skp, Skp.id == FeedbackRequest.skp_id)
            .where(FeedbackRequest.asked_id == employee_id, FeedbackRequest.answered_at.is_(None),
                   Skp.status == STATUS_APPROVED))


def inbox_requests_stmt(employee_id: int):
    """Requests addressed to the employee, open ones first, newest first."""
    return (
        select(FeedbackRequest).where(FeedbackRequest.asked_id == employee_id)
        .options(joinedload(FeedbackRequest.requested_by), joinedload(FeedbackRequest.skp).joinedload(Skp.period))
        .order_by(FeedbackRequest.answered_at.is_not(None), FeedbackRequest.created_at.desc(),
                  FeedbackRequest.id.desc())
    )


# ---------------------------------------------------------------------------------------------------------
# Phrase library


def active_phrases(user) -> list[FeedbackPhrase]:
    """Shared phrases and the user's own, active ones only (for the feedback form's picker)."""
    stmt = select(FeedbackPhrase).where(FeedbackPhrase.active.is_(True))
    if user.employee_id is not None:
        stmt = stmt.where(or_(FeedbackPhrase.owner_id.is_(None), FeedbackPhrase.owner_id == user.employee_id))
    else:
        stmt = stmt.where(FeedbackPhrase.owner_id.is_(None))
    return list(db.session.scalars(stmt.order_by(FeedbackPhrase.owner_id.is_not(None), FeedbackPhrase.category,
                                                 FeedbackPhrase.id)))


def _clean_phrase(text: str | None, category: str | None) -> tuple[str, str]:
    clean = clean_text(text, PHRASE_MAX, field="text")
    if not clean:
        raise DomainError(gettext("Teks frasa wajib diisi."), field="text")
    category = category or "umum"
    if category not in PHRASE_CATEGORIES:
        raise DomainError(gettext("Kategori tidak dikenal."), field="category")
    return clean, category


def add_phrase(actor, *, text: str | None, category: str | None) -> FeedbackPhrase:
    """The admin adds a shared phrase; everyone else adds one of their own."""
    if perms.can_add_shared_phrase(actor):
        owner_id = None
    elif perms.can_add_own_phrase(actor):
        owner_id = actor.employee_id
    else:
        raise DomainError(gettext("Anda tidak dapat menambah frasa."))
    clean, category = _clean_phrase(text, category)
    phrase = FeedbackPhrase(owner_id=owner_id, text=clean, category=category, active=True)
    db.session.add(phrase)
    db.session.flush()
    record(actor, "feedback_phrase.create", phrase, summary=_l("Frasa umpan balik ditambahkan"),
           changes={"text": [None, clean], "category": [None, category], "shared": [None, owner_id is None]})
    return phrase


def update_phrase(actor, phrase: FeedbackPhrase, *, text: str | None, category: str | None,
                  active: bool | None = None) -> FeedbackPhrase:
    if not perms.can_edit_phrase(actor, phrase):
        raise DomainError(gettext("Anda tidak dapat mengubah frasa ini."))
    clean, category = _clean_phrase(text, category)
    values = {"text": clean, "category": category}
    if active is not None:
        values["active"] = active
    changes = diff(phrase, list(values), values)
    if changes:
        for key, value in values.items():
            setattr(phrase, key, value)
        db.session.flush()
        record(actor, "feedback_phrase.update", phrase, summary=_l("Frasa umpan balik diubah"),
               changes=changes)
    return phrase


def set_phrase_active(actor, phrase: FeedbackPhrase, active: bool) -> FeedbackPhrase:
    if not perms.can_edit_phrase(actor, phrase):
        raise DomainError(gettext("Anda tidak dapat mengubah frasa ini."))
    if phrase.active != active:
        phrase.active = active
        db.session.flush()
        record(actor, "feedback_phrase.activate" if active else "feedback_phrase.deactivate", phrase,
               summary=_l("Frasa umpan balik diaktifkan") if active
               else _l("Frasa umpan balik dinonaktifkan"),
               changes={"active": [not active, active]})
    return phrase


SHARED_PHRASES = (
    ("hasil", "Realisasi periode ini sudah sesuai target. Pertahankan kualitas dan ketepatan waktunya."),
    ("hasil", "Realisasi masih di bawah target. Mari kita bahas kendalanya dan sumber daya yang Anda perlukan."),
    ("hasil", "Bukti dukung sudah lengkap dan jelas. Terima kasih."),
    ("hasil", "Mohon lengkapi bukti dukung yang menunjukkan hasil kerja, bukan hanya daftar kegiatan."),
    ("hasil", "Hasil kerja melampaui target. Bagikan cara kerja Anda kepada rekan satu tim."),
    ("perilaku", "Pelayanan Anda kepada masyarakat ramah dan cekatan; terus pertahankan."),
    ("perilaku", "Koordinasi dengan unit lain perlu ditingkatkan agar pekerjaan bersama selesai tepat waktu."),
    ("perilaku", "Terima kasih atas inisiatif Anda membantu rekan kerja yang sedang kewalahan."),
    ("umum", "Silakan atur waktu untuk dialog kinerja dengan saya minggu ini."),
    ("umum", "Pertimbangkan mengikuti pelatihan yang relevan untuk mendukung target tahun ini."),
)


def seed_feedback_phrases(actor=None) -> int:
    """Add the shared Indonesian phrases that are not there yet (idempotent). Returns how many were added."""
    existing = set(db.session.scalars(select(FeedbackPhrase.text).where(FeedbackPhrase.owner_id.is_(None))))
    added = 0
    for category, text in SHARED_PHRASES:
        if text not in existing:
            db.session.add(FeedbackPhrase(owner_id=None, category=category, text=text, active=True))
            added += 1
    if added:
        db.session.flush()
        record(actor, "feedback_phrase.seed", None, object_type="feedback_phrase",
               summary=f"{added} frasa umpan balik bersama ditambahkan")
    return added

