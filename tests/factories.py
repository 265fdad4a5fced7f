"""Test data factories. Each returns a committed model object with valid, unique defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from werkzeug.security import generate_password_hash

from portal.auth.models import User
from portal.extensions import db
from portal.org.models import Employee, Golongan, Position, PositionType, Unit

TEST_PASSWORD = "Rahasia-Uji-2026"
_HASH_CACHE: dict[str, str] = {}
_seq = itertools.count(1)


def password_hash(password: str = TEST_PASSWORD) -> str:
    # scrypt is deliberately slow; hash each test password once per session.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = generate_password_hash(password, method="scrypt")
    return _HASH_CACHE[password]


def make_nip(n: int | None = None, *, birth: dt.date = dt.date(1985, 3, 14), gender: int = 1,
             tmt: str = "201001") -> str:
    """A valid PNS NIP; ``n`` (the sequence, 1–999 then wraps into the birth day) keeps it unique."""
    n = next(_seq) if n is None else n
    day_offset, seq = divmod(n, 999)
    birth = birth + dt.timedelta(days=day_offset)
    return f"{birth:%Y%m%d}{tmt}{gender}{seq + 1:03d}"


def make_unit(name: str | None = None, *, parent: Unit | None = None, kind: str | None = None,
              code: str | None = None) -> Unit:
    unit = Unit(name=name or f"Unit {next(_seq)}", kind=kind or ("bidang" if parent else "opd"),
                parent=parent, code=code)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path}{unit.id}/" if parent else f"/{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    db.session.commit()
    return unit


def make_position(name: str | None = None, *, unit: Unit, type_code: str = "PELAKSANA",
                  is_head: bool = False, eselon: str | None = None) -> Position:
    ptype = db.session.query(PositionType).filter_by(code=type_code).one_or_none()
    position = Position(name=name or f"Jabatan {next(_seq)}", unit=unit, position_type=ptype,
                        is_head=is_head, eselon=eselon)
    db.session.add(position)
    db.session.commit()
    return position


def make_employee(nama: str | None = None, *, unit: Unit | None = None, superior: Employee | None = None,
                  position: Position | None = None, golongan: str = "III/a", nip: str | None = None,
                  **fields) -> Employee:
    unit = unit or (position.unit if position else None) or make_unit()
    gol = db.session.query(Golongan).filter_by(code=golongan).one_or_none()
    nip = nip or make_nip()
    if len(nip) == 18 and nip.isdigit():  # keep birth date and gender consistent with the NIP by default
        fields.setdefault("birth_date", dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8])))
        fields.setdefault("gender", "L" if nip[14] == "1" else "P")
    employee = Employee(
        nip=nip,
        nama=nama or f"Pegawai {next(_seq)}",
        unit=unit,
        superior=superior,
        position=position,
        golongan=gol,
        gender=fields.pop("gender", "L"),
        birth_date=fields.pop("birth_date", dt.date(1985, 3, 14)),
        **fields,
    )
    db.session.add(employee)
    db.session.commit()
    return employee


def make_user(username: str | None = None, *, role: str = "pegawai", employee: Employee | None = None,
              password: str = TEST_PASSWORD, must_change_password: bool = False) -> User:
    user = User(
        username=(username or f"user{next(_seq)}").lower(),
        role=role,
        employee=employee,
        password_hash=password_hash(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.commit()
    return user
