"""Rencana Pengembangan Kompetensi (the individual development plan; DOMAIN.md section 8): drafted by the employee
(or from a dialog session's agreed action, or from a suggestion), submitted, approved or returned with a note by the
Pejabat Penilai Kinerja; items that are started, completed with actual JP and a certificate, cancelled, or carried
to next year's plan.

State tables (rules.PLAN_TRANSITIONS, rules.ITEM_TRANSITIONS; one POST endpoint each):

    plan:  draft --submit--> diajukan --approve--> disetujui --(the employee changes it)--> draft
                               +------return----> dikembalikan --submit--> diajukan
    item:  direncanakan --(plan approved)--> disetujui --start--> berjalan --complete--> selesai
           direncanakan / disetujui / berjalan --cancel--> dibatalkan;  --carry--> a copy in next year's plan

A transition the table refuses to the right person is a conflict (409: somebody decided first); to anyone else it
is refused. Forms send the version they were rendered with (optimistic locking). Suggestions are never automatic: a
competency gap of two levels or more, a Di Bawah Ekspektasi rating in the latest finalised evaluation, or a released
360 blind spot each propose an item the employee adds with one click; Sangat Baik flags a development priority.
Services take an explicit actor and time, raise DomainError, flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.core.audit import record
from portal.core.errors import ConflictError, DomainError, check_version_if_sent
from portal.core.i18n import long_date
from portal.development import competencies, rules
from portal.development import permissions as perms
from portal.development.labels import ADDRESSES_LABELS, item_state, level_label, plan_state
from portal.development.models import (
    ActivityType,
    Competency,
    DevelopmentCertificate,
    DevelopmentItem,
    DevelopmentPlan,
)
from portal.dialog import rules as dialog_rules
from portal.dialog.models import DialogAction, DialogSession
from portal.extensions import db
from portal.org.models import Employee
from portal.progress import services as progress_services

TITLE_MAX = 200
PROVIDER_MAX = 200
GAP_NOTE_MAX = 300
NOTE_MAX = 2000
MAX_CERTIFICATES = 5


def plan_years(today: dt.date) -> tuple[int, int]:
    """A plan is drafted for this year or the next (policy)."""
    return today.year, today.year + 1


# ---------------------------------------------------------------------------------------------------------
# Reading


def find_plan(employee: Employee, year: int) -> DevelopmentPlan | None:
    return db.session.scalar(select(DevelopmentPlan).where(DevelopmentPlan.employee_id == employee.id,
                                                           DevelopmentPlan.year == year))


def load_plan(plan_id: int) -> DevelopmentPlan | None:
    """The plan with its items, their competency, activity type and certificates (a fixed number of queries)."""
    return db.session.scalar(select(DevelopmentPlan).where(DevelopmentPlan.id == plan_id).options(
        selectinload(DevelopmentPlan.items).joinedload(DevelopmentItem.competency),
        selectinload(DevelopmentPlan.items).joinedload(DevelopmentItem.activity_type),
        selectinload(DevelopmentPlan.items).selectinload(DevelopmentItem.certificates)))


def jp_entries(employee_id: int, year: int) -> list[rules.JpEntry]:
    """What counts for the employee's JP in ``year``: the year's plan and anything completed within the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = db.session.execute(select(
        DevelopmentItem.year, DevelopmentItem.status, DevelopmentItem.planned_jp, DevelopmentItem.actual_jp,
        DevelopmentItem.completed_on, DevelopmentItem.carried_to_id)
        .where(DevelopmentItem.employee_id == employee_id,
               or_(DevelopmentItem.year == year, DevelopmentItem.completed_on.between(first, last)))).all()
    return [rules.JpEntry(r.year, r.status, r.planned_jp, r.actual_jp, r.completed_on, r.carried_to_id is not None)
            for r in rows]


def jp_totals(employee_id: int, year: int) -> rules.JpTotals:
    return rules.jp_totals(jp_entries(employee_id, year), year)


def latest_evaluation(employee: Employee, *, released_only: bool):
    """The employee's latest finalised evaluation (the employee sees only delivered ones)."""
    from portal.evaluation.models import FINAL, RELEASED, Evaluation
    from portal.periods.models import PeriodPhase

    states = (RELEASED,) if released_only else (FINAL, RELEASED)
    return db.session.scalar(
        select(Evaluation).join(PeriodPhase, PeriodPhase.id == Evaluation.phase_id)
        .where(Evaluation.employee_id == employee.id, Evaluation.status.in_(states))
        .options(joinedload(Evaluation.phase).joinedload(PeriodPhase.period))
        .order_by(PeriodPhase.closes_on.desc(), Evaluation.id.desc()).limit(1))


def visible_evaluation(user, employee: Employee):
    from portal.evaluation import services as evaluation_services

    evaluation = latest_evaluation(employee, released_only=perms.is_self(user, employee))
    if evaluation is None or not evaluation_services.can_view(user, evaluation):
        return None
    return evaluation


def is_priority(user, employee: Employee) -> bool:
    """Sangat Baik in the latest finalised evaluation the user may see: a development priority (a flag only)."""
    evaluation = visible_evaluation(user, employee)
    return evaluation is not None and rules.is_development_priority(evaluation.predikat)


# ---------------------------------------------------------------------------------------------------------
# Suggestions


@dataclass(frozen=True)
class SuggestionView:
    suggestion: rules.Suggestion
    title: str  # what the page says, and the item's title when added
    gap_note: str
    competency: Competency | None = None

    @property
    def key(self) -> str:
        return self.suggestion.key


def _latest_release(employee: Employee):
    from portal.assessment.models import ResultRelease
    from portal.periods.models import PeriodPhase

    return db.session.scalar(select(ResultRelease).join(PeriodPhase, PeriodPhase.id == ResultRelease.phase_id)
                             .where(ResultRelease.subject_id == employee.id)
                             .options(selectinload(ResultRelease.buckets))
                             .order_by(PeriodPhase.closes_on.desc()).limit(1))


def _perception_suggestions(employee: Employee) -> list[rules.Suggestion]:
    """From the latest *released* 360 results only (portal.assessment.release): never from live answers."""
    from portal.assessment import results_services
    from portal.periods.models import PeriodPhase

    release = _latest_release(employee)
    if release is None:
        return []
    phase = db.session.get(PeriodPhase, release.phase_id)
    results = results_services.load_results(employee, phase, release)
    gaps = [rules.PerceptionGap(g.item.value_code, g.self_score, g.other_score) for g in results.gaps]
    return rules.perception_suggestions(release.id, gaps)


def _describe(suggestion: rules.Suggestion, names: Mapping[int, Competency], evaluation) -> SuggestionView:
    from portal.evaluation.services import RATING_LABELS
    from portal.periods.services import phase_label
    from portal.skp.berakhlak import BERAKHLAK

    if suggestion.addresses == rules.ADDRESSES_COMPETENCY:
        competency = names.get(suggestion.competency_id)
        name = competency.name if competency else "–"
        return SuggestionView(suggestion, gettext("Pelatihan %(name)s", name=name),
                              gettext("Kompetensi %(name)s: level %(assessed)s, standar jabatan %(required)s",
                                      name=name, assessed=level_label(suggestion.assessed),
                                      required=level_label(suggestion.required)), competency)
    if suggestion.value_code is not None:
        value = next((v.name for v in BERAKHLAK if v.code == suggestion.value_code), suggestion.value_code)
        return SuggestionView(suggestion, gettext("Mentoring %(value)s", value=value),
                              gettext("Umpan balik 360: %(value)s dinilai %(other).1f oleh orang lain, %(own).1f oleh "
                                      "diri sendiri", value=value, other=suggestion.other_score,
                                      own=suggestion.self_score))
    window = f"{phase_label(evaluation.phase)} {evaluation.phase.period.year}" if evaluation is not None else ""
    if suggestion.addresses == rules.ADDRESSES_PERFORMANCE:
        return SuggestionView(suggestion, gettext("Coaching peningkatan hasil kerja"),
                              gettext("Rating Hasil Kerja %(rating)s (%(window)s)",
                                      rating=RATING_LABELS[suggestion.rating], window=window))
    return SuggestionView(suggestion, gettext("Mentoring perilaku kerja"),
                          gettext("Rating Perilaku Kerja %(rating)s (%(window)s)",
                                  rating=RATING_LABELS[suggestion.rating], window=window))


def suggestions_for(user, employee: Employee, plan: DevelopmentPlan | None, year: int) -> list[SuggestionView]:
    """What the data suggests for the employee's plan of ``year``, as the user may see it, without the suggestions
    already turned into an item of the plan (cancelled items free theirs again)."""
    from portal.assessment import common

    found: list[rules.Suggestion] = []
    assessment = competencies.find_assessment(employee, year) or competencies.find_assessment(employee, year - 1)
    if assessment is not None and assessment.status == rules.ASSESSMENT_FINAL:
        found += rules.competency_suggestions(
            rules.GapRow(r.competency_id, r.required_level, None, r.assessed_level) for r in assessment.ratings)
    evaluation = visible_evaluation(user, employee)
    if evaluation is not None:
        found += rules.evaluation_suggestions(evaluation.id, evaluation.result_rating, evaluation.behaviour_rating)
    if common.can_view_results(user, employee):
        found += _perception_suggestions(employee)
    used = [i.suggestion_key for i in (plan.items if plan else []) if i.suggestion_key and i.status != rules.CANCELLED]
    found = rules.open_suggestions(found, used)
    names = {c.id: c for c in competencies.dictionary(include_inactive=True)} if found else {}
    return [_describe(s, names, evaluation) for s in found]


# ---------------------------------------------------------------------------------------------------------
# Plans


def create_plan(actor, employee: Employee, year: int, *, today: dt.date) -> DevelopmentPlan:
    """The employee starts the plan of this year or the next; an existing one is returned as it is."""
    if not perms.is_self(actor, employee):
        raise DomainError(gettext("Rencana pengembangan disusun oleh pegawai sendiri."))
    if year not in plan_years(today):
        raise DomainError(gettext("Rencana dapat disusun untuk tahun ini atau tahun depan."))
    plan = find_plan(employee, year)
    if plan is not None:
        return plan
    plan = DevelopmentPlan(employee_id=employee.id, year=year, status=rules.PLAN_DRAFT)
    plan.employee = employee
    db.session.add(plan)
    db.session.flush()
    record(actor, "development_plan.create", plan,
           summary=_l("Rencana pengembangan kompetensi %(year)s disusun", year=year),
           changes={"status": [None, rules.PLAN_DRAFT]})
    return plan


def _require_editor(actor, plan: DevelopmentPlan) -> None:
    if not perms.can_edit_plan(actor, plan):
        raise DomainError(gettext("Rencana pengembangan diubah oleh pegawai sendiri."))


def _changed(plan: DevelopmentPlan, now: dt.datetime) -> None:
    """The employee changes what needs approval: an approved plan goes back to draft (to be submitted again);
    a plan under review cannot change (409)."""
    try:
        plan.status = rules.plan_transition("change", plan.status, rules.EMPLOYEE)
    except rules.TransitionRefused:
        raise ConflictError(gettext("Rencana ini sedang diajukan kepada Pejabat Penilai Kinerja; tunggu "
                                    "keputusannya sebelum mengubahnya.")) from None
    plan.updated_at = now


def _item_values(plan: DevelopmentPlan, data: Mapping, *, current: DevelopmentItem | None = None) -> dict:
    addresses = data.get("addresses")
    if addresses not in rules.ADDRESSES:
        raise DomainError(gettext("Pilih hal yang ingin dikembangkan."), field="addresses")
    competency_id = data.get("competency_id")
    if competency_id is not None:
        competency = db.session.get(Competency, competency_id)
        keeps = current is not None and current.competency_id == competency_id
        if competency is None or not (competency.active or keeps):
            raise DomainError(gettext("Pilih kompetensi dari kamus."), field="competency_id")
    elif addresses == rules.ADDRESSES_COMPETENCY:
        raise DomainError(gettext("Pilih kompetensi yang dikembangkan."), field="competency_id")
    kind = db.session.get(ActivityType, data.get("activity_type_id")) if data.get("activity_type_id") else None
    if kind is None or not (kind.active or (current is not None and current.activity_type_id == kind.id)):
        raise DomainError(gettext("Pilih jenis kegiatan."), field="activity_type_id")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on is not None and starts_on.year != plan.year:
        raise DomainError(gettext("Tanggal mulai harus di tahun %(year)s (tahun rencana ini).", year=plan.year),
                          field="starts_on")
    if ends_on is not None and starts_on is None:
        raise DomainError(gettext("Isi tanggal mulai."), field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(gettext("Tanggal selesai tidak boleh sebelum tanggal mulai."), field="ends_on")
    cost = data.get("cost")
    if cost is not None and not 0 <= cost <= rules.MAX_COST:
        raise DomainError(gettext("Biaya antara 0 dan %(n)s rupiah.", n=f"{rules.MAX_COST:,}".replace(",", ".")),
                          field="cost")
    planned = data.get("planned_jp")
    if planned is None:
        planned = rules.proposed_jp(kind.jp_per_day, starts_on, ends_on) or 0
    if not 0 <= planned <= rules.MAX_JP:
        raise DomainError(gettext("JP direncanakan antara 0 dan %(n)s.", n=rules.MAX_JP), field="planned_jp")
    return {
        "addresses": addresses, "competency_id": competency_id,
        "gap_note": competencies.labelled_text(data.get("gap_note"), "gap_note", gettext("Kesenjangan yang dijawab"),
                                                GAP_NOTE_MAX, required=False, one_line=True),
        "activity_type_id": kind.id,
        "title": competencies.labelled_text(data.get("title"), "title", gettext("Nama kegiatan"), TITLE_MAX,
                                             one_line=True),
        "provider": competencies.labelled_text(data.get("provider"), "provider", gettext("Penyelenggara"),
                                                PROVIDER_MAX, required=False, one_line=True),
        "starts_on": starts_on, "ends_on": ends_on, "cost": cost, "planned_jp": planned,
    }


def add_item(actor, plan: DevelopmentPlan, data: Mapping, *, now: dt.datetime, suggestion_key: str | None = None,
             from_action: DialogAction | None = None, carried_from: DevelopmentItem | None = None) -> DevelopmentItem:
    _require_editor(actor, plan)
    values = _item_values(plan, data)
    _changed(plan, now)
    item = DevelopmentItem(plan_id=plan.id, employee_id=plan.employee_id, year=plan.year, status=rules.PLANNED,
                           suggestion_key=suggestion_key, from_action_id=from_action.id if from_action else None,
                           carried_from_id=carried_from.id if carried_from else None, **values)
    plan.items.append(item)
    db.session.flush()
    record(actor, "development_item.create", item,
           summary=_l("Kegiatan pengembangan \"%(title)s\" ditambahkan ke rencana %(year)s", title=item.title,
                      year=plan.year),
           changes={k: [None, v.isoformat() if isinstance(v, dt.date) else v] for k, v in values.items()})
    return item


def update_item(actor, item: DevelopmentItem, data: Mapping, *, now: dt.datetime, version=None) -> DevelopmentItem:
    plan = item.plan
    _require_editor(actor, plan)
    check_version_if_sent(item, version)
    if not rules.item_editable(item.status, plan.status) or item.carried:
        raise ConflictError(gettext("Kegiatan ini tidak dapat diubah lagi (sudah disetujui, diputuskan, dibawa ke "
                                    "tahun berikutnya, atau rencananya sedang diajukan)."))
    values = _item_values(plan, data, current=item)
    changes = {k: [_plain(getattr(item, k)), _plain(v)] for k, v in values.items() if getattr(item, k) != v}
    if not changes:
        return item
    _changed(plan, now)
    for key, value in values.items():
        setattr(item, key, value)
    item.updated_at = now
    db.session.flush()
    record(actor, "development_item.update", item,
           summary=_l("Kegiatan pengembangan \"%(title)s\" diubah", title=item.title), changes=changes)
    return item


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def delete_item(actor, item: DevelopmentItem, *, now: dt.datetime, version=None) -> None:
    """A planned item that was never approved may be removed (an approved one is cancelled instead)."""
    plan = item.plan
    _require_editor(actor, plan)
    check_version_if_sent(item, version)
    if not rules.item_editable(item.status, plan.status) or item.carried:
        raise ConflictError(gettext("Hanya kegiatan yang belum disetujui yang dapat dihapus; batalkan kegiatan yang "
                                    "sudah disetujui."))
    if item.carried_from_id is not None:
        source = db.session.get(DevelopmentItem, item.carried_from_id)
        if source is not None:
            source.carried_to_id = None
    record(actor, "development_item.delete", item,
           summary=_l("Kegiatan pengembangan \"%(title)s\" dihapus", title=item.title),
           changes={"title": [item.title, None]})
    plan.items.remove(item)
    plan.updated_at = now
    db.session.flush()


def _plan_move(actor, plan: DevelopmentPlan, action: str, side: str) -> tuple[str, str]:
    old = plan.status
    try:
        plan.status = rules.plan_transition(action, plan.status, side)
    except rules.TransitionRefused:
        raise ConflictError(gettext("Langkah ini tidak dapat dilakukan pada rencana berstatus %(state)s.",
                                    state=plan_state(plan.status)[0])) from None
    return old, plan.status


def submit_plan(actor, plan: DevelopmentPlan, *, now: dt.datetime, version=None) -> DevelopmentPlan:
    """The employee submits the new and changed items to the Pejabat Penilai Kinerja."""
    _require_editor(actor, plan)
    check_version_if_sent(plan, version)
    if plan.status == rules.PLAN_SUBMITTED:
        raise ConflictError(gettext("Rencana ini sudah diajukan."))
    assessor = plan.employee.assessor
    if assessor is None:
        raise DomainError(gettext("Anda belum memiliki Pejabat Penilai Kinerja untuk menyetujui rencana ini."))
    pending = [i for i in plan.items if i.status == rules.PLANNED and not i.carried]
    if not pending:
        raise DomainError(gettext("Tambahkan kegiatan baru sebelum mengajukan rencana."))
    empty = next((i for i in pending if i.planned_jp < 1), None)
    if empty is not None:
        raise DomainError(gettext("Isi JP yang direncanakan untuk \"%(title)s\".", title=empty.title))
    old, new = _plan_move(actor, plan, "submit", rules.EMPLOYEE)
    plan.assessor_id = assessor.id
    plan.submitted_at = now
    plan.return_note = ""
    plan.updated_at = now
    db.session.flush()
    record(actor, "development_plan.submit", plan,
           summary=_l("Rencana pengembangan kompetensi %(year)s diajukan kepada %(name)s", year=plan.year,
                      name=assessor.full_name),
           changes={"status": [old, new], "items": [None, len(pending)]})
    return plan


def _require_decider(actor, plan: DevelopmentPlan) -> None:
    if not perms.can_decide_plan(actor, plan):
        raise DomainError(gettext("Rencana ini diputuskan oleh Pejabat Penilai Kinerja pegawai."))


def approve_plan(actor, plan: DevelopmentPlan, *, now: dt.datetime, version=None) -> DevelopmentPlan:
    """The assessor approves: every planned item becomes approved."""
    _require_decider(actor, plan)
    check_version_if_sent(plan, version)
    old, new = _plan_move(actor, plan, "approve", rules.ASSESSOR)
    approved = 0
    for item in plan.items:
        if item.status == rules.PLANNED and not item.carried:
            item.status = rules.item_transition("approve", item.status, rules.ASSESSOR)
            item.updated_at = now
            approved += 1
    plan.decided_at, plan.decided_by_id, plan.updated_at = now, actor.employee_id, now
    db.session.flush()
    record(actor, "development_plan.approve", plan,
           summary=_l("Rencana pengembangan kompetensi %(name)s tahun %(year)s disetujui",
                      name=plan.employee.full_name, year=plan.year),
           changes={"status": [old, new], "items": [None, approved]})
    return plan


def return_plan(actor, plan: DevelopmentPlan, note: str | None, *, now: dt.datetime, version=None) -> DevelopmentPlan:
    _require_decider(actor, plan)
    check_version_if_sent(plan, version)
    note = competencies.labelled_text(note, "note", gettext("Catatan"), NOTE_MAX, required=False)
    if not note:
        raise DomainError(gettext("Tulis catatan untuk pegawai: apa yang perlu diperbaiki."), field="note")
    old, new = _plan_move(actor, plan, "return", rules.ASSESSOR)
    plan.return_note = note
    plan.decided_at, plan.decided_by_id, plan.updated_at = now, actor.employee_id, now
    db.session.flush()
    record(actor, "development_plan.return", plan,
           summary=_l("Rencana pengembangan kompetensi %(name)s tahun %(year)s dikembalikan",
                      name=plan.employee.full_name, year=plan.year),
           changes={"status": [old, new], "return_note": [None, note]})
    return plan


# ---------------------------------------------------------------------------------------------------------
# Items: start, complete (with a certificate), cancel, carry to next year


def _item_move(actor, item: DevelopmentItem, action: str) -> tuple[str, str]:
    side = rules.EMPLOYEE if perms.is_self(actor, item.employee) else (
        rules.ASSESSOR if perms.is_assessor(actor, item.employee) else None)
    if side is None:
        raise DomainError(gettext("Hanya pegawai dan Pejabat Penilai Kinerjanya yang dapat mengubah kegiatan ini."))
    if item.carried:
        raise ConflictError(gettext("Kegiatan ini sudah dibawa ke rencana tahun berikutnya."))
    old = item.status
    try:
        item.status = rules.item_transition(action, item.status, side)
    except rules.TransitionRefused:
        if (action, old) in rules.ITEM_TRANSITIONS:
            raise DomainError(gettext("Langkah ini dilakukan oleh pegawai sendiri.")) from None
        raise ConflictError(gettext("Langkah ini tidak dapat dilakukan pada kegiatan berstatus %(state)s.",
                                    state=item_state(old)[0])) from None
    return old, item.status


def start_item(actor, item: DevelopmentItem, *, now: dt.datetime, version=None) -> DevelopmentItem:
    check_version_if_sent(item, version)
    old, new = _item_move(actor, item, "start")
    item.updated_at = now
    db.session.flush()
    record(actor, "development_item.start", item,
           summary=_l("Kegiatan \"%(title)s\" dimulai", title=item.title), changes={"status": [old, new]})
    return item


def certificate_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store_certificate(actor, item: DevelopmentItem, filename: str | None, stream: BinaryIO | None,
                       now: dt.datetime) -> DevelopmentCertificate:
    """Checked like Bukti Dukung (type by content, the name's extension agreeing, size limit) and stored under a
    random name outside static/; removed again if the transaction rolls back."""
    if stream is None or not filename:
        raise DomainError(gettext("Pilih berkas sertifikat."), field="certificate")
    if len(item.certificates) >= MAX_CERTIFICATES:
        raise DomainError(gettext("Paling banyak %(n)s berkas per kegiatan.", n=MAX_CERTIFICATES),
                          field="certificate")
    stored = progress_services.store_upload(certificate_folder(), filename, stream, field="certificate")
    certificate = DevelopmentCertificate(original_name=stored.original_name, stored_name=stored.stored_name,
                                         content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                         uploaded_at=now, uploaded_by_id=actor.id)
    item.certificates.append(certificate)
    db.session.flush()
    record(actor, "development_certificate.add", item,
           summary=_l("Sertifikat %(name)s diunggah untuk \"%(title)s\"", name=certificate.original_name,
                      title=item.title),
           changes={"original_name": [None, certificate.original_name], "sha256": [None, certificate.sha256],
                    "size": [None, certificate.size]})
    return certificate


def add_certificate(actor, item: DevelopmentItem, filename: str | None, stream: BinaryIO | None, *,
                    now: dt.datetime) -> DevelopmentCertificate:
    """The employee adds a certificate to an approved, running or completed item."""
    if not perms.is_self(actor, item.employee):
        raise DomainError(gettext("Sertifikat diunggah oleh pegawai sendiri."))
    if item.status not in (rules.APPROVED, rules.RUNNING, rules.DONE):
        raise ConflictError(gettext("Sertifikat diunggah untuk kegiatan yang disetujui, berjalan, atau selesai."))
    return _store_certificate(actor, item, filename, stream, now)


def complete_item(actor, item: DevelopmentItem, *, actual_jp: int | None, completed_on: dt.date | None,
                  files: Iterable[tuple[str, BinaryIO]] = (), today: dt.date, now: dt.datetime,
                  version=None) -> DevelopmentItem:
    """Done, with the JP actually earned and the completion date (within the plan's year or later, not in the
    future); a klasikal activity needs its certificate (policy: the agency issues one), a non-klasikal one may
    have it."""
    check_version_if_sent(item, version)
    if actual_jp is None or not 1 <= actual_jp <= rules.MAX_JP:
        raise DomainError(gettext("Isi JP yang diperoleh (1 sampai %(n)s).", n=rules.MAX_JP), field="actual_jp")
    if completed_on is None:
        raise DomainError(gettext("Isi tanggal selesai."), field="completed_on")
    if completed_on > today:
        raise DomainError(gettext("Tanggal selesai tidak boleh setelah hari ini."), field="completed_on")
    if completed_on.year < item.year or (item.starts_on is not None and completed_on < item.starts_on):
        raise DomainError(gettext("Tanggal selesai tidak boleh sebelum kegiatan dimulai."), field="completed_on")
    old, new = _item_move(actor, item, "complete")
    for filename, stream in files:
        _store_certificate(actor, item, filename, stream, now)
    if item.activity_type.mode == rules.KLASIKAL and not item.certificates:
        raise DomainError(gettext("Unggah sertifikat kegiatan klasikal ini sebagai bukti penyelesaian."),
                          field="certificate")
    item.actual_jp, item.completed_on, item.updated_at = actual_jp, completed_on, now
    db.session.flush()
    record(actor, "development_item.complete", item,
           summary=_l("Kegiatan \"%(title)s\" selesai: %(jp)s JP", title=item.title, jp=actual_jp),
           changes={"status": [old, new], "actual_jp": [None, actual_jp],
                    "completed_on": [None, completed_on.isoformat()]})
    return item


def cancel_item(actor, item: DevelopmentItem, note: str | None, *, now: dt.datetime, version=None) -> DevelopmentItem:
    """The employee or the assessor cancels an unfinished item, saying why."""
    check_version_if_sent(item, version)
    note = competencies.labelled_text(note, "note", gettext("Alasan pembatalan"), NOTE_MAX, required=False)
    if not note:
        raise DomainError(gettext("Tulis alasan pembatalan."), field="note")
    if item.plan.status == rules.PLAN_SUBMITTED and item.status == rules.PLANNED:
        raise ConflictError(gettext("Rencana ini sedang diajukan; tunggu keputusan Pejabat Penilai Kinerja."))
    old, new = _item_move(actor, item, "cancel")
    item.note, item.updated_at = note, now
    db.session.flush()
    record(actor, "development_item.cancel", item,
           summary=_l("Kegiatan \"%(title)s\" dibatalkan", title=item.title),
           changes={"status": [old, new], "note": [None, note]})
    return item


def carry_item(actor, item: DevelopmentItem, *, today: dt.date, now: dt.datetime, version=None) -> DevelopmentItem:
    """Carry an unfinished item to next year's plan (made if missing): a planned copy there, to be approved with
    that plan; the original stays, marked as carried, and no longer counts in its year's plan."""
    check_version_if_sent(item, version)
    plan = item.plan
    _require_editor(actor, plan)
    if item.decided or item.carried:
        raise ConflictError(gettext("Kegiatan yang selesai, dibatalkan, atau sudah dibawa tidak dapat dibawa lagi."))
    if not rules.may_carry(item.status, item.carried, item.year, today):
        raise DomainError(gettext("Kegiatan rencana tahun depan tidak perlu dibawa."))
    target_year = item.year + 1
    target = find_plan(plan.employee, target_year)
    if target is None:
        target = DevelopmentPlan(employee_id=plan.employee_id, year=target_year, status=rules.PLAN_DRAFT)
        target.employee = plan.employee
        db.session.add(target)
        db.session.flush()
    _changed(target, now)

    starts_on = item.starts_on if item.starts_on is not None and item.starts_on.year == target_year else None
    copy = DevelopmentItem(plan_id=target.id, employee_id=item.employee_id, year=target_year, status=rules.PLANNED,
                           addresses=item.addresses, competency_id=item.competency_id, gap_note=item.gap_note,
                           activity_type_id=item.activity_type_id, title=item.title, provider=item.provider,
                           starts_on=starts_on, ends_on=item.ends_on if starts_on else None, cost=item.cost,
                           planned_jp=item.planned_jp,
                           suggestion_key=item.suggestion_key, from_action_id=item.from_action_id,
                           carried_from_id=item.id)
    target.items.append(copy)
    db.session.flush()
    item.carried_to_id = copy.id
    item.updated_at = now
    db.session.flush()
    record(actor, "development_item.carry", item,
           summary=_l("Kegiatan \"%(title)s\" dibawa ke rencana %(year)s", title=item.title, year=target_year),
           changes={"carried_to_id": [None, copy.id]})
    return copy


# ---------------------------------------------------------------------------------------------------------
# Items from a suggestion or from a dialog session's agreed action


def _activity(code: str) -> ActivityType | None:
    competencies.ensure_activity_types()
    return db.session.scalar(select(ActivityType).where(ActivityType.code == code, ActivityType.active.is_(True))) \
        or db.session.scalar(select(ActivityType).where(ActivityType.active.is_(True))
                             .order_by(ActivityType.mode, ActivityType.position).limit(1))


def add_from_suggestion(actor, plan: DevelopmentPlan, key: str | None, *, now: dt.datetime) -> DevelopmentItem:
    """One click: a planned item prefilled from the suggestion, for the employee to edit."""
    _require_editor(actor, plan)
    found = next((s for s in suggestions_for(actor, plan.employee, plan, plan.year) if s.key == key), None)
    if found is None:
        raise ConflictError(gettext("Saran ini sudah tidak berlaku atau sudah ditambahkan ke rencana."))
    suggestion = found.suggestion
    kind = _activity(rules.SUGGESTED_ACTIVITY.get(suggestion.addresses, "pelatihan"))
    data = {"addresses": suggestion.addresses, "competency_id": suggestion.competency_id,
            "gap_note": found.gap_note[:GAP_NOTE_MAX], "activity_type_id": kind.id if kind else None,
            "title": found.title[:TITLE_MAX], "planned_jp": None}
    return add_item(actor, plan, data, now=now, suggestion_key=suggestion.key)


def open_actions(employee: Employee) -> list[DialogAction]:
    """Open agreed actions of the employee's dialog sessions not yet turned into a development item."""
    linked = exists().where(DevelopmentItem.from_action_id == DialogAction.id)
    return list(db.session.scalars(
        select(DialogAction).join(DialogSession, DialogSession.id == DialogAction.session_id)
        .where(DialogSession.employee_id == employee.id, DialogAction.status == dialog_rules.ACTION_OPEN, ~linked)
        .options(joinedload(DialogAction.session)).order_by(DialogAction.id)))


def add_from_action(actor, plan: DevelopmentPlan, action: DialogAction, *, now: dt.datetime) -> DevelopmentItem:
    """An agreed action of a dialog session becomes a planned item (the activity type named in the action, else a
    training), for the employee to edit."""
    _require_editor(actor, plan)
    if action.session.employee_id != plan.employee_id:
        raise DomainError(gettext("Tindak lanjut ini bukan dari sesi dialog Anda."))
    if action not in open_actions(plan.employee):
        raise ConflictError(gettext("Tindak lanjut ini sudah menjadi kegiatan pengembangan atau sudah ditutup."))
    text = action.text.lower()
    types = competencies.activity_types()
    kind = next((t for t in types if t.name.lower() in text), None) or _activity("pelatihan")
    data = {"addresses": rules.ADDRESSES_PERFORMANCE, "competency_id": None,
            "gap_note": gettext("Tindak lanjut dialog kinerja %(date)s",
                                date=long_date(action.session.starts_at.date())),
            "activity_type_id": kind.id if kind else None, "title": action.text[:TITLE_MAX], "planned_jp": None}
    return add_item(actor, plan, data, now=now, from_action=action)


def addresses_label(code: str) -> str:
    return str(ADDRESSES_LABELS.get(code, code))
