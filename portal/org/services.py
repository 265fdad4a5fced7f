"""Operations on the org chart: units, positions, employees, acting assignments and reference data.

Every function takes an explicit ``actor`` (the User doing it), enforces the rules, writes an audit row and
flushes. None of them commits: the caller (a view, the staff import, a CLI command) commits once.
Refusals raise ``DomainError`` with an Indonesian message (and ``field`` when one form field is at fault).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, literal, select, update
from sqlalchemy.orm import aliased, joinedload

from portal.core.audit import diff, record
from portal.core.errors import DomainError, check_version
from portal.core.i18n import long_date
from portal.core.textlimits import clean_text
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.org.models import (
    UNIT_KINDS,
    ActingAssignment,
    Employee,
    EmployeeMove,
    Golongan,
    Position,
    PositionType,
    Unit,
)
from portal.org.rules import EMPLOYEE_KINDS, NipError, parse_nip

MAX_CHAIN = 200  # reporting lines are a handful of levels deep; this only guards against bad data

# ---------------------------------------------------------------------------------------------------------
# Units


def unit_path_for(unit: Unit, parent: Unit | None) -> tuple[str, int]:
    """The materialised path and depth of ``unit`` under ``parent``: '/<id>/' for a root, else parent.path + id."""
    if parent is None:
        return f"/{unit.id}/", 0
    return f"{parent.path}{unit.id}/", parent.depth + 1


def set_unit_paths(unit: Unit) -> int:
    """Recompute ``unit.path``/``depth`` from its parent and move every descendant along. Returns rows moved.

    Call after ``unit.parent`` (or ``parent_id``) changed, or after inserting a unit (it needs an id: this
    flushes first). Descendants are found by the old path prefix and updated in one statement.
    """
    db.session.add(unit)
    db.session.flush()  # an id for a new unit, and parent_id in step with the parent relationship
    parent = unit.parent
    if parent is None and unit.parent_id is not None:
        parent = db.session.get(Unit, unit.parent_id)
    old_path = unit.path or ""
    new_path, new_depth = unit_path_for(unit, parent)
    moved = 0
    # A fresh unit has the default path '/' (which would match everything): only a real old path has descendants.
    if old_path and old_path != new_path and old_path.endswith(f"/{unit.id}/"):
        depth_shift = new_depth - (unit.depth or 0)
        result = db.session.execute(
            update(Unit)
            .where(Unit.path.startswith(old_path, autoescape=True), Unit.id != unit.id)
            .values(
                path=literal(new_path, String) + func.substr(Unit.path, len(old_path) + 1),
                depth=Unit.depth + depth_shift,
                version_id=Unit.version_id + 1,
            )
            .execution_options(synchronize_session=False)
        )
        moved = result.rowcount or 0
        # Objects already loaded in the session must not keep their stale path.
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Unit) and obj is not unit and (obj.path or "").startswith(old_path):
                db.session.expire(obj)
    unit.path, unit.depth = new_path, new_depth
    db.session.flush()
    return moved


def would_create_unit_cycle(unit: Unit, new_parent: Unit | None) -> bool:
    """True when ``new_parent`` is the unit itself or one of its descendants."""
    if new_parent is None or unit.id is None:
        return False
    if new_parent.id == unit.id:
        return True
    return bool(unit.path and unit.path != "/" and new_parent.path.startswith(unit.path))


def _clean_unit_data(unit: Unit | None, name: str, kind: str, parent: Unit | None, code: str | None) -> dict:
    name = (name or "").strip()
    code = (code or "").strip() or None
    if not name:
        raise DomainError(gettext("Nama unit wajib diisi."), field="name")
    if kind not in UNIT_KINDS:
        raise DomainError(gettext("Jenis unit tidak dikenal."), field="kind")
    if parent is not None and not parent.active:
        raise DomainError(gettext("Unit induk sudah nonaktif."), field="parent_id")
    if unit is not None and would_create_unit_cycle(unit, parent):
        raise DomainError(
            gettext("Unit tidak dapat dipindahkan ke bawah dirinya sendiri atau sub-unitnya."), field="parent_id"
        )
    parent_id = parent.id if parent else None
    dup = select(Unit.id).where(Unit.name == name, Unit.parent_id.is_(None) if parent_id is None
                                else Unit.parent_id == parent_id)
    if unit is not None and unit.id is not None:
        dup = dup.where(Unit.id != unit.id)
    if db.session.execute(dup.limit(1)).first():
        raise DomainError(gettext("Sudah ada unit dengan nama ini di bawah induk yang sama."), field="name")
    if code:
        dup_code = select(Unit.id).where(Unit.code == code)
        if unit is not None and unit.id is not None:
            dup_code = dup_code.where(Unit.id != unit.id)
        if db.session.execute(dup_code.limit(1)).first():
            raise DomainError(gettext("Kode unit sudah dipakai unit lain."), field="code")
    return {"name": name, "kind": kind, "parent_id": parent_id, "code": code}


def create_unit(actor, name: str, kind: str, parent: Unit | None = None, code: str | None = None) -> Unit:
    """Add a unit (an OPD when ``parent`` is None) with its materialised path."""
    data = _clean_unit_data(None, name, kind, parent, code)
    unit = Unit(name=data["name"], kind=data["kind"], parent=parent, code=data["code"])
    db.session.add(unit)
    db.session.flush()
    set_unit_paths(unit)
    record(actor, "unit.create", unit, summary=_l("Unit %(name)s dibuat", name=unit.name),
           changes={k: [None, v] for k, v in data.items() if v is not None})
    return unit


def update_unit(actor, unit: Unit, data: Mapping[str, Any], version: Any = None) -> Unit:
    """Change name, kind, parent and code. Moving a unit moves its whole subtree (paths and depths).

    ``data``: name, kind, parent (a Unit or None), code. ``version``: the version_id the form was opened with.
    """
    if version is not None:
        check_version(unit, version)
    parent = data.get("parent", unit.parent)
    clean = _clean_unit_data(unit, data.get("name", unit.name), data.get("kind", unit.kind), parent,
                             data.get("code", unit.code))
    changes = diff(unit, ["name", "kind", "parent_id", "code"], clean)
    if not changes:
        return unit
    moved = clean["parent_id"] != unit.parent_id
    unit.name, unit.kind, unit.code = clean["name"], clean["kind"], clean["code"]
    unit.parent = parent
    if moved:
        old_path = unit.path
        set_unit_paths(unit)
        changes["path"] = [old_path, unit.path]
    db.session.flush()
    record(actor, "unit.update", unit, summary=_l("Unit %(name)s diubah", name=unit.name), changes=changes)
    return unit


def count_active_employees_in_subtree(unit: Unit) -> int:
    return db.session.scalar(
        select(func.count(Employee.id))
        .join(Unit, Unit.id == Employee.unit_id)
        .where(Employee.active.is_(True), Unit.path.startswith(unit.path, autoescape=True))
    ) or 0


def deactivate_unit(actor, unit: Unit) -> Unit:
    """Refused while the unit or one of its active sub-units still has active employees or sub-units."""
    if not unit.active:
        return unit
    employees = count_active_employees_in_subtree(unit)
    if employees:
        raise DomainError(gettext(
            "Unit tidak dapat dinonaktifkan karena masih memiliki %(n)s pegawai aktif (termasuk sub-unit). "
            "Pindahkan atau nonaktifkan pegawai tersebut terlebih dahulu.", n=employees))
    children = db.session.scalar(
        select(func.count(Unit.id)).where(Unit.parent_id == unit.id, Unit.active.is_(True))
    ) or 0
    if children:
        raise DomainError(gettext(
            "Unit tidak dapat dinonaktifkan karena masih memiliki %(n)s sub-unit aktif.", n=children))
    unit.active = False
    db.session.flush()
    record(actor, "unit.deactivate", unit, summary=_l("Unit %(name)s dinonaktifkan", name=unit.name),
           changes={"active": [True, False]})
    return unit


def reactivate_unit(actor, unit: Unit) -> Unit:
    if unit.active:
        return unit
    if unit.parent is not None and not unit.parent.active:
        raise DomainError(gettext("Aktifkan unit induknya terlebih dahulu."))
    unit.active = True
    db.session.flush()
    record(actor, "unit.reactivate", unit, summary=_l("Unit %(name)s diaktifkan kembali", name=unit.name),
           changes={"active": [False, True]})
    return unit


# ---------------------------------------------------------------------------------------------------------
# Positions

POSITION_FIELDS = ["name", "unit_id", "position_type_id", "eselon", "is_head"]


def _clean_position_data(position: Position | None, data: Mapping[str, Any]) -> dict:
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError(gettext("Nama jabatan wajib diisi."), field="name")
    unit = db.session.get(Unit, data.get("unit_id")) if data.get("unit_id") else None
    if unit is None:
        raise DomainError(gettext("Pilih unit kerja."), field="unit_id")
    if not unit.active and (position is None or position.unit_id != unit.id):
        raise DomainError(gettext("Unit kerja sudah nonaktif."), field="unit_id")
    type_id = data.get("position_type_id") or None
    if type_id is not None and db.session.get(PositionType, type_id) is None:
        raise DomainError(gettext("Jenis jabatan tidak dikenal."), field="position_type_id")
    dup = select(Position.id).where(Position.unit_id == unit.id, Position.name == name)
    if position is not None:
        dup = dup.where(Position.id != position.id)
    if db.session.execute(dup.limit(1)).first():
        raise DomainError(gettext("Sudah ada jabatan dengan nama ini di unit tersebut."), field="name")
    return {
        "name": name,
        "unit_id": unit.id,
        "position_type_id": type_id,
        "eselon": (data.get("eselon") or "").strip() or None,
        "is_head": bool(data.get("is_head")),
    }


def create_position(actor, data: Mapping[str, Any]) -> Position:
    """Add a jabatan to a unit. ``data``: name, unit_id, position_type_id, eselon, is_head."""
    clean = _clean_position_data(None, data)
    position = Position(**clean)
    db.session.add(position)
    db.session.flush()
    record(actor, "position.create", position, summary=_l("Jabatan %(name)s dibuat", name=position.name),
           changes={k: [None, v] for k, v in clean.items() if v not in (None, False)})
    return position


def update_position(actor, position: Position, data: Mapping[str, Any]) -> Position:
    clean = _clean_position_data(position, data)
    changes = diff(position, POSITION_FIELDS, clean)
    if "unit_id" in changes:
        holders = db.session.scalar(
            select(func.count(Employee.id)).where(Employee.position_id == position.id, Employee.active.is_(True))
        )
        if holders:
            raise DomainError(gettext(
                "Jabatan masih dipegang %(n)s pegawai aktif; unitnya tidak dapat dipindahkan.", n=holders),
                field="unit_id")
    if not changes:
        return position
    for key, value in clean.items():
        setattr(position, key, value)
    db.session.flush()
    record(actor, "position.update", position, summary=_l("Jabatan %(name)s diubah", name=position.name),
           changes=changes)
    return position


def deactivate_position(actor, position: Position) -> Position:
    """Refused while an active employee holds the position."""
    if not position.active:
        return position
    holders = db.session.scalar(
        select(func.count(Employee.id)).where(Employee.position_id == position.id, Employee.active.is_(True))
    ) or 0
    if holders:
        raise DomainError(gettext(
            "Jabatan tidak dapat dinonaktifkan karena masih dipegang %(n)s pegawai aktif.", n=holders))
    position.active = False
    db.session.flush()
    record(actor, "position.deactivate", position,
           summary=_l("Jabatan %(name)s dinonaktifkan", name=position.name), changes={"active": [True, False]})
    return position


def reactivate_position(actor, position: Position) -> Position:
    if position.active:
        return position
    position.active = True
    db.session.flush()
    record(actor, "position.reactivate", position,
           summary=_l("Jabatan %(name)s diaktifkan kembali", name=position.name),
           changes={"active": [False, True]})
    return position


# ---------------------------------------------------------------------------------------------------------
# Employees

EMPLOYEE_FIELDS = [
    "nip", "kind", "gelar_depan", "nama", "gelar_belakang", "gender", "birth_date", "golongan_id",
    "unit_id", "position_id", "superior_id", "assessor_id", "email", "phone",
]


def would_create_cycle(employee_id: int | None, new_superior_id: int | None,
                       superiors: Mapping[int, int | None] | None = None) -> bool:
    """True when making ``new_superior_id`` the superior of ``employee_id`` closes a loop in the reporting line.

    Walks up from the new superior. ``superiors`` (employee id -> superior id) overrides the database for the
    ids it contains: the staff import passes the links it is about to write.
    """
    if employee_id is None or new_superior_id is None:
        return False
    current: int | None = new_superior_id
    seen: set[int] = set()
    while current is not None and len(seen) < MAX_CHAIN:
        if current == employee_id:
            return True
        if current in seen:
            return False  # an existing loop above that does not include this employee
        seen.add(current)
        if superiors is not None and current in superiors:
            current = superiors[current]
        else:
            current = db.session.scalar(select(Employee.superior_id).where(Employee.id == current))
    return False


def check_nip(raw: Any, kind: str, employee: Employee | None = None):
    """Validate a NIP for ``kind`` and its uniqueness. Returns the parsed NipInfo; raises DomainError(field='nip')."""
    try:
        info = parse_nip(raw, kind)
    except NipError as exc:
        raise DomainError(str(exc), field="nip") from exc
    dup = select(Employee.id).where(Employee.nip == info.digits)
    if employee is not None and employee.id is not None:
        dup = dup.where(Employee.id != employee.id)
    if db.session.execute(dup.limit(1)).first():
        raise DomainError(gettext("NIP ini sudah terdaftar untuk pegawai lain."), field="nip")
    return info


def _check_superior(employee: Employee | None, superior_id: int | None, field: str) -> None:
    if superior_id is None:
        return
    other = db.session.get(Employee, superior_id)
    if other is None:
        raise DomainError(gettext("Pegawai dengan NIP tersebut tidak ditemukan."), field=field)
    if employee is not None and employee.id == superior_id:
        raise DomainError(gettext("Pegawai tidak dapat menjadi atasan atau penilai dirinya sendiri."), field=field)
    if not other.active:
        raise DomainError(gettext("Pegawai tersebut sudah nonaktif."), field=field)
    if field == "superior_id" and employee is not None and would_create_cycle(employee.id, superior_id):
        raise DomainError(gettext(
            "Atasan ini justru berada di bawah pegawai tersebut dalam garis pelaporan (terjadi lingkaran)."),
            field=field)


def clean_employee_data(data: Mapping[str, Any], employee: Employee | None = None) -> dict:
    """Validate employee fields; return them normalised (NIP digits, stripped strings, ids or None).

    Rules: NIP valid for its kind (DOMAIN.md section 2) and unique; birth date and gender agree with the NIP;
    golongan of the same kind; the position belongs to the chosen unit; superior and delegated assessor are
    other, active employees; the superior does not close a loop.
    """
    kind = data.get("kind") or (employee.kind if employee else "PNS")
    if kind not in EMPLOYEE_KINDS:
        raise DomainError(gettext("Jenis pegawai harus PNS atau PPPK."), field="kind")
    info = check_nip(data.get("nip", employee.nip if employee else ""), kind, employee)
    nama = (data.get("nama") or "").strip()
    if not nama:
        raise DomainError(gettext("Nama wajib diisi."), field="nama")
    gender = data.get("gender") or info.gender
    if gender not in ("L", "P"):
        raise DomainError(gettext("Jenis kelamin harus L atau P."), field="gender")
    if gender != info.gender:
        raise DomainError(gettext("Jenis kelamin tidak sesuai dengan NIP."), field="gender")
    birth = data.get("birth_date") or info.birth_date
    if birth != info.birth_date:
        raise DomainError(gettext("Tanggal lahir tidak sesuai dengan NIP."), field="birth_date")
    golongan_id = data.get("golongan_id") or None
    if golongan_id is not None:
        gol = db.session.get(Golongan, golongan_id)
        if gol is None or gol.kind != kind:
            raise DomainError(gettext("Golongan tidak sesuai dengan jenis pegawai."), field="golongan_id")
        if not gol.active and (employee is None or employee.golongan_id != gol.id):
            raise DomainError(gettext("Golongan ini sudah nonaktif."), field="golongan_id")
    unit_id = data.get("unit_id") or None
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(gettext("Pilih unit kerja."), field="unit_id")
    if not unit.active and (employee is None or employee.unit_id != unit.id):
        raise DomainError(gettext("Unit kerja sudah nonaktif."), field="unit_id")
    position_id = data.get("position_id") or None
    if position_id is not None:
        position = db.session.get(Position, position_id)
        if position is None or position.unit_id != unit.id:
            raise DomainError(gettext("Jabatan harus berada di unit kerja yang dipilih."), field="position_id")
        if not position.active and (employee is None or employee.position_id != position.id):
            raise DomainError(gettext("Jabatan ini sudah nonaktif."), field="position_id")
    superior_id = data.get("superior_id") or None
    assessor_id = data.get("assessor_id") or None
    _check_superior(employee, superior_id, "superior_id")
    _check_superior(employee, assessor_id, "assessor_id")
    email = (data.get("email") or "").strip().lower() or None
    if email and ("@" not in email or " " in email):
        raise DomainError(gettext("Alamat email tidak valid."), field="email")
    return {
        "nip": info.digits,
        "kind": kind,
        "gelar_depan": (data.get("gelar_depan") or "").strip() or None,
        "nama": nama,
        "gelar_belakang": (data.get("gelar_belakang") or "").strip() or None,
        "gender": gender,
        "birth_date": birth,
        "golongan_id": golongan_id,
        "unit_id": unit.id,
        "position_id": position_id,
        "superior_id": superior_id,
        "assessor_id": assessor_id,
        "email": email,
        "phone": (data.get("phone") or "").strip() or None,
    }


def create_employee(actor, data: Mapping[str, Any]) -> Employee:
    """Add an employee. ``data`` keys: see EMPLOYEE_FIELDS (ids for golongan, unit, position, superior, assessor)."""
    clean = clean_employee_data(data)
    employee = Employee(**clean)
    db.session.add(employee)
    db.session.flush()
    record(actor, "employee.create", employee,
           summary=_l("Pegawai %(name)s ditambahkan", name=employee.full_name),
           changes={k: [None, v.isoformat() if isinstance(v, dt.date) else v]
                    for k, v in clean.items() if v is not None})
    resolve_pending_superiors(actor, nips=[employee.nip])
    return employee


def update_employee(actor, employee: Employee, data: Mapping[str, Any], version: Any = None,
                    today: dt.date | None = None) -> Employee:
    """Change an employee's data (optimistic locking on ``version``); the audit row keeps the diff.

    A change of unit, position or superior also adds an EmployeeMove (the mutation history) in the same
    transaction, effective on ``data["effective_on"]`` (default: today).
    """
    if version is not None:
        check_version(employee, version)
    data = dict(data)
    effective_on = data.pop("effective_on", None)
    merged = {name: getattr(employee, name) for name in EMPLOYEE_FIELDS}
    merged.update(data)
    clean = clean_employee_data(merged, employee)
    changes = diff(employee, EMPLOYEE_FIELDS, clean)
    if not changes:
        return employee
    before = {name: getattr(employee, name) for name in MOVE_FIELDS}
    for key, value in clean.items():
        setattr(employee, key, value)
    if "superior_id" in changes and employee.pending_superior_nip:
        # A superior chosen by hand ends the wait for the one an import could not link.
        changes["pending_superior_nip"] = [employee.pending_superior_nip, None]
        employee.pending_superior_nip = None
    db.session.flush()
    record(actor, "employee.update", employee,
           summary=_l("Data pegawai %(name)s diubah", name=employee.full_name), changes=changes)
    if any(name in changes for name in MOVE_FIELDS):
        record_employee_move(actor, employee, before, effective_on or today or local_today())
    if "nip" in changes:
        resolve_pending_superiors(actor, nips=[employee.nip], today=today)
    return employee


def resolve_pending_superiors(actor, *, nips: Collection[str] | None = None, today: dt.date | None = None,
                              note: str | None = None) -> int:
    """Link the employees waiting for a superior (``pending_superior_nip``) to the active employee who now holds
    that NIP. The staff import leaves a superior open while the superior's own row is rejected, so that one bad
    manager row does not sink the team (issue 13); this runs after every import and whenever an employee is
    added, reactivated or given another NIP by hand. ``nips`` limits it to those superiors. A link that would
    close a reporting loop stays pending. Each link is a move (EmployeeMove) with its audit rows."""
    boss = aliased(Employee)
    stmt = (
        select(Employee, boss.id)
        .join(boss, (boss.nip == Employee.pending_superior_nip) & boss.active.is_(True))
        .where(Employee.pending_superior_nip.is_not(None))
        .order_by(Employee.id)
    )
    if nips is not None:
        stmt = stmt.where(Employee.pending_superior_nip.in_(list(nips)))
    linked = 0
    for employee, boss_id in db.session.execute(stmt).all():
        if employee.superior_id is not None or would_create_cycle(employee.id, boss_id):
            continue
        before = {name: getattr(employee, name) for name in MOVE_FIELDS}
        nip = employee.pending_superior_nip
        employee.superior_id, employee.pending_superior_nip = boss_id, None
        db.session.flush()
        record(actor, "employee.update", employee,
               summary=_l("Atasan langsung %(name)s ditautkan (NIP %(nip)s) setelah menunggu",
                          name=employee.full_name, nip=nip),
               changes={"superior_id": [None, boss_id], "pending_superior_nip": [nip, None]})
        record_employee_move(actor, employee, before, today or local_today(), note=(note or "")[:NOTE_MAX] or None)
        linked += 1
    return linked


# Mutation history (EmployeeMove): which fields make a move.
MOVE_FIELDS = ("unit_id", "position_id", "superior_id")
NOTE_MAX = 255  # the notes of a move and of an acting assignment are VARCHAR(255); refused when longer, never cut


def record_employee_move(actor, employee: Employee, before: Mapping[str, Any], effective_on: dt.date,
                         note: str | None = None) -> EmployeeMove:
    """Add one EmployeeMove row: the unit, position and superior before and after, with the date it takes
    effect. People move during the year; their records keep the past (issue 3)."""
    move = EmployeeMove(
        employee_id=employee.id, effective_on=effective_on,
        from_unit_id=before.get("unit_id"), to_unit_id=employee.unit_id,
        from_position_id=before.get("position_id"), to_position_id=employee.position_id,
        from_superior_id=before.get("superior_id"), to_superior_id=employee.superior_id,
        note=clean_text(note, NOTE_MAX, field="note") or None, recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(move)
    db.session.flush()
    changes = {name: [before.get(name), getattr(employee, name)] for name in MOVE_FIELDS
               if before.get(name) != getattr(employee, name)}
    changes["effective_on"] = [None, effective_on.isoformat()]
    record(actor, "employee.move", move, changes=changes,
           summary=_l("Mutasi %(name)s berlaku %(date)s", name=employee.full_name,
                      date=LazyString(long_date, effective_on)))
    return move


def employee_moves(employee: Employee, limit: int = 50) -> list[EmployeeMove]:
    """The employee's move history, newest first, with units, positions and superiors (one query)."""
    from portal.auth.models import User

    stmt = (
        select(EmployeeMove, User)
        .outerjoin(User, User.id == EmployeeMove.recorded_by_id)
        .options(
            joinedload(EmployeeMove.from_unit), joinedload(EmployeeMove.to_unit),
            joinedload(EmployeeMove.from_position), joinedload(EmployeeMove.to_position),
            joinedload(EmployeeMove.from_superior), joinedload(EmployeeMove.to_superior),
            joinedload(User.employee),
        )
        .where(EmployeeMove.employee_id == employee.id)
        .order_by(EmployeeMove.effective_on.desc(), EmployeeMove.id.desc())
        .limit(limit)
    )
    moves = []
    for move, user in db.session.execute(stmt).unique():
        move.recorded_by_name = user.display_name if user is not None else None
        moves.append(move)
    return moves


def deactivate_employee(actor, employee: Employee) -> Employee:
    """Mark as nonaktif (retired, moved away). Their account can no longer sign in; history stays."""
    if not employee.active:
        return employee
    employee.active = False
    db.session.flush()
    record(actor, "employee.deactivate", employee,
           summary=_l("Pegawai %(name)s dinonaktifkan", name=employee.full_name),
           changes={"active": [True, False]})
    return employee


def reactivate_employee(actor, employee: Employee) -> Employee:
    if employee.active:
        return employee
    if not employee.unit.active:
        raise DomainError(gettext("Unit kerja pegawai ini nonaktif; pindahkan dulu ke unit yang aktif."))
    employee.active = True
    employee.inactive_reason = None
    db.session.flush()
    record(actor, "employee.reactivate", employee,
           summary=_l("Pegawai %(name)s diaktifkan kembali", name=employee.full_name),
           changes={"active": [False, True]})
    resolve_pending_superiors(actor, nips=[employee.nip])
    return employee


# ---------------------------------------------------------------------------------------------------------
# Acting officials (Plt / Plh)

ACTING_KINDS = ("Plt", "Plh")


def add_acting_assignment(actor, employee: Employee, position: Position, kind: str, start_date: dt.date,
                          end_date: dt.date | None = None, note: str | None = None) -> ActingAssignment:
    """Record that ``employee`` acts as Plt/Plh in ``position`` from ``start_date`` (to ``end_date``)."""
    if kind not in ACTING_KINDS:
        raise DomainError(gettext("Pilih Plt atau Plh."), field="kind")
    if position is None:
        raise DomainError(gettext("Pilih jabatan."), field="position_id")
    if not position.active:
        raise DomainError(gettext("Jabatan ini sudah nonaktif."), field="position_id")
    if position.id == employee.position_id:
        raise DomainError(gettext("Pegawai sudah memegang jabatan ini secara definitif."), field="position_id")
    if start_date is None:
        raise DomainError(gettext("Tanggal mulai wajib diisi."), field="start_date")
    if end_date is not None and end_date < start_date:
        raise DomainError(gettext("Tanggal selesai tidak boleh sebelum tanggal mulai."), field="end_date")
    if not employee.active:
        raise DomainError(gettext("Pegawai nonaktif tidak dapat ditugaskan."))
    assignment = ActingAssignment(employee=employee, position=position, kind=kind, start_date=start_date,
                                  end_date=end_date, note=clean_text(note, NOTE_MAX, field="note") or None)
    db.session.add(assignment)
    db.session.flush()
    record(actor, "acting.create", assignment,
           summary=_l("%(kind)s %(position)s: %(name)s", kind=kind, position=position.name,
                      name=employee.full_name),
           changes={"employee_id": [None, employee.id], "position_id": [None, position.id], "kind": [None, kind],
                    "start_date": [None, start_date.isoformat()],
                    "end_date": [None, end_date.isoformat() if end_date else None]})
    return assignment


def end_acting_assignment(actor, assignment: ActingAssignment, end_date: dt.date | None = None) -> ActingAssignment:
    """Close an assignment (default: today). An end before its start is refused."""
    end_date = end_date or dt.date.today()
    if end_date < assignment.start_date:
        raise DomainError(gettext("Tanggal selesai tidak boleh sebelum tanggal mulai."), field="end_date")
    changes = diff(assignment, ["end_date"], {"end_date": end_date})
    assignment.end_date = end_date
    db.session.flush()
    record(actor, "acting.end", assignment, summary=_l("Penugasan %(kind)s diakhiri", kind=assignment.kind),
           changes=changes)
    return assignment


def remove_acting_assignment(actor, assignment: ActingAssignment) -> None:
    """Delete a wrongly entered assignment (the audit row keeps what it was)."""
    record(actor, "acting.delete", assignment, summary=_l("Penugasan %(kind)s dihapus", kind=assignment.kind),
           changes={"employee_id": [assignment.employee_id, None], "position_id": [assignment.position_id, None],
                    "kind": [assignment.kind, None], "start_date": [assignment.start_date.isoformat(), None]})
    db.session.delete(assignment)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Reference data: golongan and jenis jabatan

GOLONGAN_FIELDS = ["code", "pangkat", "kind", "rank", "active"]
POSITION_TYPE_FIELDS = ["code", "name", "category", "rank", "can_assess", "active"]
POSITION_CATEGORIES = ("JPT", "Administrasi", "Fungsional")


def _clean_golongan(golongan: Golongan | None, data: Mapping[str, Any]) -> dict:
    code = (data.get("code") or "").strip()
    if not code:
        raise DomainError(gettext("Kode golongan wajib diisi."), field="code")
    if data.get("kind") not in EMPLOYEE_KINDS:
        raise DomainError(gettext("Jenis pegawai harus PNS atau PPPK."), field="kind")
    dup = select(Golongan.id).where(Golongan.code == code)
    if golongan is not None:
        dup = dup.where(Golongan.id != golongan.id)
    if db.session.execute(dup.limit(1)).first():
        raise DomainError(gettext("Kode golongan sudah ada."), field="code")
    return {"code": code, "pangkat": (data.get("pangkat") or "").strip(), "kind": data["kind"],
            "rank": int(data.get("rank") or 0), "active": bool(data.get("active", True))}


def save_golongan(actor, golongan: Golongan | None, data: Mapping[str, Any]) -> Golongan:
    """Create (``golongan`` None) or change a golongan row."""
    clean = _clean_golongan(golongan, data)
    if golongan is None:
        golongan = Golongan(**clean)
        db.session.add(golongan)
        db.session.flush()
        record(actor, "golongan.create", golongan, summary=_l("Golongan %(code)s ditambahkan", code=golongan.code),
               changes={k: [None, v] for k, v in clean.items()})
        return golongan
    changes = diff(golongan, GOLONGAN_FIELDS, clean)
    if changes:
        for key, value in clean.items():
            setattr(golongan, key, value)
        db.session.flush()
        record(actor, "golongan.update", golongan, summary=_l("Golongan %(code)s diubah", code=golongan.code),
               changes=changes)
    return golongan


def _clean_position_type(ptype: PositionType | None, data: Mapping[str, Any]) -> dict:
    code = (data.get("code") or "").strip().upper()
    name = (data.get("name") or "").strip()
    if not code:
        raise DomainError(gettext("Kode jenis jabatan wajib diisi."), field="code")
    if not name:
        raise DomainError(gettext("Nama jenis jabatan wajib diisi."), field="name")
    if data.get("category") not in POSITION_CATEGORIES:
        raise DomainError(gettext("Kategori harus JPT, Administrasi atau Fungsional."), field="category")
    dup = select(PositionType.id).where(PositionType.code == code)
    if ptype is not None:
        dup = dup.where(PositionType.id != ptype.id)
    if db.session.execute(dup.limit(1)).first():
        raise DomainError(gettext("Kode jenis jabatan sudah ada."), field="code")
    return {"code": code, "name": name, "category": data["category"], "rank": int(data.get("rank") or 0),
            "can_assess": bool(data.get("can_assess")), "active": bool(data.get("active", True))}


def save_position_type(actor, ptype: PositionType | None, data: Mapping[str, Any]) -> PositionType:
    """Create (``ptype`` None) or change a jenis jabatan row."""
    clean = _clean_position_type(ptype, data)
    if ptype is None:
        ptype = PositionType(**clean)
        db.session.add(ptype)
        db.session.flush()
        record(actor, "position_type.create", ptype,
               summary=_l("Jenis jabatan %(name)s ditambahkan", name=ptype.name),
               changes={k: [None, v] for k, v in clean.items()})
        return ptype
    changes = diff(ptype, POSITION_TYPE_FIELDS, clean)
    if changes:
        for key, value in clean.items():
            setattr(ptype, key, value)
        db.session.flush()
        record(actor, "position_type.update", ptype,
               summary=_l("Jenis jabatan %(name)s diubah", name=ptype.name), changes=changes)
    return ptype


def set_reference_active(actor, obj: Golongan | PositionType, active: bool) -> None:
    """Deactivate or reactivate a golongan / jenis jabatan row (rows in use are kept, only hidden from forms)."""
    if obj.active == active:
        return
    obj.active = active
    db.session.flush()
    label = getattr(obj, "code", "")
    verb = "reactivate" if active else "deactivate"
    record(actor, f"{obj.__tablename__}.{verb}", obj,
           summary=(_l("%(code)s diaktifkan kembali", code=label) if active
                    else _l("%(code)s dinonaktifkan", code=label)),
           changes={"active": [not active, active]})
