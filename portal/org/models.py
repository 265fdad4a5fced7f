"""Org chart and people (DOMAIN.md sections 1–2): units, positions, employees, reference tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.rules import format_nip, full_name

# Kinds of unit, in the order they are offered in forms. Free text is not allowed: reports group by kind.
UNIT_KINDS = {
    "opd": "OPD",
    "sekretariat": "Sekretariat",
    "bidang": "Bidang",
    "bagian": "Bagian",
    "subbagian": "Subbagian",
    "seksi": "Seksi",
    "upt": "UPT",
    "sekolah": "Sekolah",
    "puskesmas": "Puskesmas",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
    "lainnya": "Lainnya",
}


# Why an employee is no longer active (the staff import asks when a full export leaves someone out).
INACTIVE_REASONS = ("pensiun", "mutasi_keluar", "meninggal", "berhenti")


class Golongan(db.Model):
    """Pangkat/golongan reference table (PNS I/a–IV/e, PPPK I–XVII). Seeded, editable by the admin."""

    __tablename__ = "golongan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    pangkat: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(4))  # PNS or PPPK
    rank: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return f"{self.pangkat} ({self.code})" if self.pangkat else self.code

    def __repr__(self) -> str:
        return f"<Golongan {self.code}>"


class PositionType(db.Model):
    """Jenis jabatan reference table. Kept as data: the law regroups positions from time to time."""

    __tablename__ = "position_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(20))  # JPT, Administrasi, Fungsional
    rank: Mapped[int] = mapped_column(default=0)  # higher = more senior, for ordering
    # At least pengawas level (or JPT/administrator): may be a Pejabat Penilai Kinerja without a delegation.
    can_assess: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<PositionType {self.code}>"


class Unit(TimestampMixin, VersionedMixin, db.Model):
    """A node of the org chart: an OPD or one of its sub-units. ``path`` is '/1/5/12/' for subtree filters."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_unit_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="opd")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="/", index=True)
    depth: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")
    positions: Mapped[list[Position]] = relationship(back_populates="unit", order_by="Position.name")

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    @property
    def opd_id(self) -> int:
        return int(self.path.strip("/").split("/")[0]) if self.path.strip("/") else self.id

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"


class Position(TimestampMixin, db.Model):
    """A jabatan in a unit. Several employees may hold the same (e.g. pelaksana) position."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("unit_id", "name", name="uq_position_unit_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    position_type_id: Mapped[int | None] = mapped_column(ForeignKey("position_type.id"))
    eselon: Mapped[str | None] = mapped_column(String(10))
    is_head: Mapped[bool] = mapped_column(default=False)  # leads its unit (Kepala Dinas, Kepala Bidang …)
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship(back_populates="positions")
    position_type: Mapped[PositionType | None] = relationship()

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.name}>"


class Employee(TimestampMixin, VersionedMixin, db.Model):
    """An ASN employee (PNS or PPPK). ``nip`` is stored as 18 digits, shown formatted."""

    __tablename__ = "employee"
    __table_args__ = (
        Index("ix_employee_unit_active", "unit_id", "active"),
        Index("ix_employee_nama", "nama"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(4), default="PNS")
    gelar_depan: Mapped[str | None] = mapped_column(String(60))
    nama: Mapped[str] = mapped_column(String(150))
    gelar_belakang: Mapped[str | None] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(1))  # L / P
    birth_date: Mapped[dt.date | None]
    golongan_id: Mapped[int | None] = mapped_column(ForeignKey("golongan.id"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    # A delegated Pejabat Penilai Kinerja (e.g. a school principal who is a JF); None = the direct superior.
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Why the employee left (INACTIVE_REASONS), when deactivated because a full staff export no longer held them.
    inactive_reason: Mapped[str | None] = mapped_column(String(20))
    # The NIP of a superior not in the database yet: the staff import left the superior open because that
    # superior's row was rejected; linked when an employee with this NIP is imported or entered (issue 13).
    pending_superior_nip: Mapped[str | None] = mapped_column(String(18), index=True)
    email: Mapped[str | None] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(30))
    # Lower-cased name and NIP digits together, for a fast case-insensitive search on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(String(400), default="", index=True)

    golongan: Mapped[Golongan | None] = relationship()
    position: Mapped[Position | None] = relationship()
    unit: Mapped[Unit] = relationship()
    superior: Mapped[Employee | None] = relationship(
        remote_side=[id], foreign_keys=[superior_id], back_populates="subordinates"
    )
    subordinates: Mapped[list[Employee]] = relationship(
        foreign_keys=[superior_id], back_populates="superior", order_by="Employee.nama"
    )
    delegated_assessor: Mapped[Employee | None] = relationship(remote_side=[id], foreign_keys=[assessor_id])

    @property
    def full_name(self) -> str:
        return full_name(self.gelar_depan, self.nama, self.gelar_belakang)

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip)

    @property
    def assessor(self) -> Employee | None:
        """The Pejabat Penilai Kinerja: a recorded delegate, else the direct superior."""
        return self.delegated_assessor or self.superior

    def refresh_search_text(self) -> None:
        self.search_text = f"{self.full_name} {self.nip}".lower()

    def __repr__(self) -> str:
        return f"<Employee {self.nip} {self.nama}>"


@db.event.listens_for(Employee, "before_insert")
@db.event.listens_for(Employee, "before_update")
def _employee_search_text(_mapper, _connection, target: Employee) -> None:
    target.refresh_search_text()


class ActingAssignment(TimestampMixin, db.Model):
    """Plt (pelaksana tugas) or Plh (pelaksana harian): an employee temporarily holding another position."""

    __tablename__ = "acting_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"), index=True)
    kind: Mapped[str] = mapped_column(String(3))  # Plt / Plh
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(255))

    employee: Mapped[Employee] = relationship()
    position: Mapped[Position] = relationship()

    def is_current(self, today: dt.date) -> bool:
        return self.start_date <= today and (self.end_date is None or today <= self.end_date)


class EmployeeMove(db.Model):
    """History of an employee's unit, position and superior: people move during the year, records keep the past.

    One row per change, with the date it takes effect (``effective_on``) and what it was before and after.
    """

    __tablename__ = "employee_move"
    __table_args__ = (Index("ix_employee_move_employee_on", "employee_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    effective_on: Mapped[dt.date]
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    from_position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"))
    to_position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"))
    from_superior_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    to_superior_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    note: Mapped[str | None] = mapped_column(String(255))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    from_unit: Mapped[Unit | None] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit | None] = relationship(foreign_keys=[to_unit_id])
    from_position: Mapped[Position | None] = relationship(foreign_keys=[from_position_id])
    to_position: Mapped[Position | None] = relationship(foreign_keys=[to_position_id])
    from_superior: Mapped[Employee | None] = relationship(foreign_keys=[from_superior_id])
    to_superior: Mapped[Employee | None] = relationship(foreign_keys=[to_superior_id])
