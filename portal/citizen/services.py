"""Suara Masyarakat: publishing a unit's public feedback page, taking a citizen's post (rate limits, spam checks),
moderating comments, and the unit's satisfaction over time.

Who may do what (views and templates use the same predicates):
- **manage** a page (create, edit, print the poster): Admin BKPSDM, the head of the unit or of a unit above it;
- **moderate** comments - and read them before they are published: only the head of the unit or of a unit above it
  (DOMAIN.md section 9: nobody else sees a comment before it is moderated, BKPSDM included);
- **read** the page's numbers and published comments: the managers, the auditor, and - through the scoring page of
  an employee of the unit - the employee's Pejabat Penilai Kinerja.

Services take an explicit actor and time, raise DomainError, flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, extract, func, or_, select
from sqlalchemy.orm import joinedload

from portal.citizen import rules
from portal.citizen.models import (
    COMMENT_PENDING,
    COMMENT_PUBLISHED,
    COMMENT_REJECTED,
    CitizenFeedback,
    CitizenSubmission,
    ServicePoint,
)
from portal.core.audit import record
from portal.core.errors import ConflictError, DomainError, check_version_if_sent
from portal.core.pagination import Page, paginate
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Unit

# ---------------------------------------------------------------------------------------------------------
# Who may


def heads(user, unit: Unit) -> bool:
    """The head of the unit or of a unit above it (also as Plt/Plh)."""
    return user.is_authenticated and any(unit.path.startswith(h.path) for h in org_perms.headed_units(user))


def can_manage(user, unit: Unit) -> bool:
    return user.is_authenticated and (user.is_admin or heads(user, unit))


def can_moderate(user, unit: Unit) -> bool:
    return heads(user, unit)


def can_read(user, unit: Unit) -> bool:
    return user.is_authenticated and (user.can_read_all or heads(user, unit))


def can_open(user) -> bool:
    """The Suara Masyarakat pages: BKPSDM, the auditor, heads of unit."""
    return user.is_authenticated and (user.can_read_all or bool(org_perms.headed_units(user)))


# ---------------------------------------------------------------------------------------------------------
# Pages of the units


def points_for(user) -> list[ServicePoint]:
    stmt = select(ServicePoint).join(Unit, Unit.id == ServicePoint.unit_id).options(joinedload(ServicePoint.unit))
    if not user.can_read_all:
        paths = [h.path for h in org_perms.headed_units(user)]
        if not paths:
            return []
        stmt = stmt.where(or_(*(Unit.path.startswith(p) for p in paths)))
    return list(db.session.scalars(stmt.order_by(Unit.path)))


@dataclass(frozen=True)
class PointStats:
    ratings: int
    mean: float | None
    pending: int


def stats_for(points: list[ServicePoint], since: dt.datetime) -> dict[int, PointStats]:
    """Ratings since ``since``, their mean, and the comments waiting for moderation, per page (two queries)."""
    ids = [p.id for p in points]
    if not ids:
        return {}
    ratings = {pid: (n, mean) for pid, n, mean in db.session.execute(
        select(CitizenFeedback.service_point_id, func.count(CitizenFeedback.id), func.avg(CitizenFeedback.rating))
        .where(CitizenFeedback.service_point_id.in_(ids), CitizenFeedback.created_at >= since)
        .group_by(CitizenFeedback.service_point_id))}
    pending = dict(db.session.execute(
        select(CitizenFeedback.service_point_id, func.count(CitizenFeedback.id))
        .where(CitizenFeedback.service_point_id.in_(ids), CitizenFeedback.comment_status == COMMENT_PENDING)
        .group_by(CitizenFeedback.service_point_id)).all())
    return {pid: PointStats(ratings.get(pid, (0, None))[0], float(ratings[pid][1]) if pid in ratings else None,
                            pending.get(pid, 0)) for pid in ids}


def new_code() -> str:
    return "".join(secrets.choice(rules.CODE_ALPHABET) for _ in range(rules.CODE_LENGTH))


def _title(value: str | None) -> str:
    title = rules.clean_text(value)
    if not title:
        raise DomainError(gettext("Nama layanan wajib diisi."), field="title")
    if len(title) > rules.TITLE_MAX:
        raise DomainError(gettext("Nama layanan paling banyak %(n)s karakter.", n=rules.TITLE_MAX), field="title")
    return title


def create_point(actor, unit: Unit, title: str | None, service_types: str | None) -> ServicePoint:
    """Publish the unit's public feedback page (one per unit)."""
    if not can_manage(actor, unit):
        raise DomainError(gettext("Hanya Admin BKPSDM atau pimpinan unit yang dapat membuat halaman Suara "
                                  "Masyarakat unit ini."))
    if db.session.scalar(select(ServicePoint.id).where(ServicePoint.unit_id == unit.id)):
        raise ConflictError(gettext("Unit ini sudah memiliki halaman Suara Masyarakat."))
    point = ServicePoint(unit_id=unit.id, code=new_code(), title=_title(title),
                         service_types=rules.service_types(service_types), active=True, created_by_id=actor.id)
    db.session.add(point)
    db.session.flush()
    record(actor, "citizen.create", point, summary=_l("Halaman Suara Masyarakat %(unit)s diterbitkan",
                                                           unit=unit.name))
    return point


def update_point(actor, point: ServicePoint, *, title: str | None, service_types: str | None, active: bool,
                 version=None) -> ServicePoint:
    if not can_manage(actor, point.unit):
        raise DomainError(gettext("Hanya Admin BKPSDM atau pimpinan unit yang dapat mengubah halaman ini."))
    check_version_if_sent(point, version)
    values = {"title": _title(title), "service_types": rules.service_types(service_types), "active": bool(active)}
    changes = {k: [getattr(point, k), v] for k, v in values.items() if getattr(point, k) != v}
    for key, value in values.items():
        setattr(point, key, value)
    db.session.flush()
    if changes:
        record(actor, "citizen.update", point, summary=_l("Halaman Suara Masyarakat %(unit)s diubah",
                                                               unit=point.unit.name), changes=changes)
    return point


def find_public(code: str) -> ServicePoint | None:
    """The published page of a code (None for an unknown, malformed or unpublished one)."""
    if not code or len(code) > 32 or not set(code) <= set(rules.CODE_ALPHABET):
        return None
    return db.session.scalar(select(ServicePoint).where(ServicePoint.code == code, ServicePoint.active.is_(True))
                             .options(joinedload(ServicePoint.unit)))


# ---------------------------------------------------------------------------------------------------------
# A citizen's post


@dataclass(frozen=True)
class Limits:
    per_address: int
    window: dt.timedelta
    per_page_hour: int

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        return cls(per_address=int(config.get("CITIZEN_MAX_PER_ADDRESS", 5)),
                   window=dt.timedelta(minutes=int(config.get("CITIZEN_WINDOW_MINUTES", 60))),
                   per_page_hour=int(config.get("CITIZEN_MAX_PER_PAGE_HOUR", 300)))


class TooMany(DomainError):
    """The rate limit: ``wait`` until the next post is accepted."""

    def __init__(self, message: str, wait: dt.timedelta):
        super().__init__(message)
        self.wait = wait


def address_hash(address: str | None, secret: str) -> str:
    """The counted client: HMAC of the address (IPv6 by its /64, as the verification page counts it); the address
    itself is not stored."""
    from portal.evaluation.verification import client_key

    return hmac.new(secret.encode(), client_key(address).encode(), hashlib.sha256).hexdigest()


def _check_limits(point: ServicePoint, key: str, limits: Limits, now: dt.datetime) -> None:
    db.session.execute(delete(CitizenSubmission).where(CitizenSubmission.at <= now - dt.timedelta(days=1)))
    since = now - limits.window
    mine = list(db.session.scalars(
        select(CitizenSubmission.at).where(CitizenSubmission.address_hash == key, CitizenSubmission.at > since)
        .order_by(CitizenSubmission.at.desc()).limit(limits.per_address)))
    if len(mine) >= limits.per_address:
        raise TooMany(gettext("Terima kasih. Dari alamat Anda sudah banyak penilaian yang masuk; coba lagi nanti."),
                      max(mine[-1] + limits.window - now, dt.timedelta(seconds=1)))
    hour = now - dt.timedelta(hours=1)
    page_count = db.session.scalar(select(func.count(CitizenSubmission.id)).where(
        CitizenSubmission.service_point_id == point.id, CitizenSubmission.at > hour)) or 0
    if page_count >= limits.per_page_hour:
        raise TooMany(gettext("Halaman ini sedang menerima terlalu banyak penilaian; coba lagi nanti."),
                      dt.timedelta(minutes=10))


PROBLEM_MESSAGES = {
    "rating": lambda: gettext("Pilih penilaian 1 sampai 5."),
    "service_type": lambda: gettext("Pilih jenis layanan dari daftar."),
    "too_long": lambda: gettext("Komentar paling banyak %(n)s karakter.", n=rules.COMMENT_MAX),
    "link": lambda: gettext("Komentar tidak boleh berisi tautan atau alamat situs."),
    "repeated": lambda: gettext("Komentar berisi karakter berulang; tulis dengan kalimat biasa."),
}


def submit(point: ServicePoint, *, rating: object, service_type: str | None, comment: str | None, address: str | None,
           secret: str, limits: Limits, now: dt.datetime) -> CitizenFeedback:
    """Store one citizen's rating (and comment, held for moderation). Refused with a field error for bad input and
    with TooMany over the rate limits. The honeypot and the form's timing are checked by the view (they are about
    the request, not the post)."""
    value = rules.parse_rating(rating)
    kind = rules.clean_text(service_type)[:rules.SERVICE_TYPE_MAX + 1]
    text = rules.clean_text(comment)
    problems = rules.check_post(value, kind, text, point.service_types or [])
    if problems:
        first = problems[0]
        raise DomainError(PROBLEM_MESSAGES[first.code](), field=first.field)
    key = address_hash(address, secret)
    _check_limits(point, key, limits, now)
    feedback = CitizenFeedback(service_point_id=point.id, unit_id=point.unit_id, rating=value, service_type=kind,
                               comment=text, comment_status=COMMENT_PENDING if text else "", created_at=now)
    db.session.add_all([feedback, CitizenSubmission(address_hash=key, service_point_id=point.id, at=now)])
    db.session.flush()
    return feedback


# ---------------------------------------------------------------------------------------------------------
# Moderation


def moderate(actor, feedback: CitizenFeedback, publish: bool, *, now: dt.datetime) -> CitizenFeedback:
    """The unit head publishes a comment or rejects it (the rating counts either way). A comment is decided once."""
    point = feedback.service_point
    if not can_moderate(actor, point.unit):
        raise DomainError(gettext("Hanya pimpinan unit yang dapat memoderasi komentar."))
    if feedback.comment_status != COMMENT_PENDING:
        raise ConflictError(gettext("Komentar ini sudah dimoderasi."))
    feedback.comment_status = COMMENT_PUBLISHED if publish else COMMENT_REJECTED
    feedback.moderated_at = now
    feedback.moderated_by_id = actor.id
    db.session.flush()
    record(actor, "citizen.publish" if publish else "citizen.reject", feedback,
           summary=(_l("Komentar Suara Masyarakat %(unit)s diterbitkan", unit=point.unit.name) if publish
                    else _l("Komentar Suara Masyarakat %(unit)s ditolak", unit=point.unit.name)))
    return feedback


def pending_page(point: ServicePoint, number: int) -> Page:
    return paginate(select(CitizenFeedback).where(CitizenFeedback.service_point_id == point.id,
                                                  CitizenFeedback.comment_status == COMMENT_PENDING)
                    .order_by(CitizenFeedback.created_at, CitizenFeedback.id), number, per_page=10)


def published_page(point: ServicePoint, number: int) -> Page:
    return paginate(select(CitizenFeedback).where(CitizenFeedback.service_point_id == point.id,
                                                  CitizenFeedback.comment_status == COMMENT_PUBLISHED)
                    .order_by(CitizenFeedback.created_at.desc(), CitizenFeedback.id.desc()), number, per_page=10)


def pending_count_stmt(path):
    """Comments waiting for the moderation of the head of the unit at ``path`` (the menu's count)."""
    return (select(func.count(CitizenFeedback.id)).join(Unit, Unit.id == CitizenFeedback.unit_id)
            .where(CitizenFeedback.comment_status == COMMENT_PENDING, Unit.path.startswith(path)))


# ---------------------------------------------------------------------------------------------------------
# Satisfaction over time


def monthly(point_ids: list[int], today: dt.date, months: int = 12) -> list[rules.Month]:
    """Ratings per month of the last ``months`` months (one GROUP BY query; months of the stored UTC time)."""
    first_year, first_month = rules.last_months(today, months)[0]
    since = dt.datetime(first_year, first_month, 1)
    if not point_ids:
        return rules.month_series([], today, months)
    year, month = extract("year", CitizenFeedback.created_at), extract("month", CitizenFeedback.created_at)
    satisfied = func.sum(case((CitizenFeedback.rating.in_(rules.SATISFIED), 1), else_=0))
    rows = db.session.execute(
        select(year, month, func.count(CitizenFeedback.id), func.sum(CitizenFeedback.rating), satisfied)
        .where(CitizenFeedback.service_point_id.in_(point_ids), CitizenFeedback.created_at >= since)
        .group_by(year, month)).all()
    return rules.month_series(rows, today, months)


def service_breakdown(point: ServicePoint, since: dt.datetime) -> list[tuple[str, int, float]]:
    """(service type, ratings, mean) since ``since``."""
    rows = db.session.execute(
        select(CitizenFeedback.service_type, func.count(CitizenFeedback.id), func.avg(CitizenFeedback.rating))
        .where(CitizenFeedback.service_point_id == point.id, CitizenFeedback.created_at >= since)
        .group_by(CitizenFeedback.service_type).order_by(func.count(CitizenFeedback.id).desc())).all()
    return [(kind, n, float(mean)) for kind, n, mean in rows]


@dataclass
class Summary:
    """What the assessor sees for Berorientasi Pelayanan: the service satisfaction of the employee's unit (the
    nearest unit above with a public page), never anything about one person."""

    point: ServicePoint
    year: rules.Month | None
    months: list[rules.Month]
    comments: list[CitizenFeedback]


def summary_for(unit: Unit, today: dt.date) -> Summary | None:
    ids = [*unit.ancestor_ids, unit.id]
    points = {p.unit_id: p for p in db.session.scalars(select(ServicePoint).where(ServicePoint.unit_id.in_(ids))
                                                      .options(joinedload(ServicePoint.unit)))}
    point = next((points[uid] for uid in reversed(ids) if uid in points), None)
    if point is None:
        return None
    months = monthly([point.id], today)
    comments = list(db.session.scalars(
        select(CitizenFeedback).where(CitizenFeedback.service_point_id == point.id,
                                      CitizenFeedback.comment_status == COMMENT_PUBLISHED)
        .order_by(CitizenFeedback.created_at.desc()).limit(3)))
    return Summary(point, rules.overall(months), months, comments)
