"""Staff import: store the upload, run the dry run, write the valid rows in one transaction.

The rules (parsing, validation, classification) live in ``portal.imports.rules``; this module loads the current
data into a ``rules.Context`` in a handful of queries and writes with bulk statements so that a regency's whole
staff list (20,000 rows) imports in seconds. ORM events do not fire for bulk statements, so the import sets
``Employee.search_text`` itself. Functions flush and never commit: the caller (view or script) commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import aliased

from portal.core.audit import record
from portal.core.errors import DomainError
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.imports import reader, rules
from portal.imports.models import (
    OUTCOME_CREATE,
    OUTCOME_REJECTED,
    OUTCOME_UPDATE,
    STATUS_COMMITTED,
    STATUS_FAILED,
    STATUS_PREVIEWED,
    STATUS_UPLOADED,
    ImportBatch,
    ImportRow,
)
from portal.org.models import Employee, EmployeeMove, Golongan, Position, PositionType, Unit

COUNT_KEYS = ("create", "update", "unchanged", "rejected")


class ImportConflict(DomainError):
    """The batch cannot be confirmed (already committed, or its file changed). Shown with status 409."""


class PreviewChanged(DomainError):
    """The data changed since the preview: the new dry run is stored and must be looked at again."""


# ---------------------------------------------------------------------------------------------------------
# Upload


def import_folder(upload_root: str | Path) -> Path:
    folder = Path(upload_root) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_path(batch: ImportBatch, upload_root: str | Path) -> Path:
    return import_folder(upload_root) / batch.stored_name


def store_upload(data: bytes, filename: str, *, actor, upload_root: str | Path) -> ImportBatch:
    """Check that the bytes are a readable staff list, store them under a random name, create the batch.

    Nothing is stored when the file cannot be read (DomainError with the reason).
    """
    filename = Path(filename or "").name[:255] or "berkas"
    if not data:
        raise DomainError(gettext("Berkas kosong."), field="file")
    try:
        fmt = reader.detect_format(data, filename)
    except reader.UnreadableFile as exc:
        raise DomainError(gettext(str(exc)), field="file") from exc
    stored_name = f"{secrets.token_hex(16)}.{fmt}"
    target = import_folder(upload_root) / stored_name
    target.write_bytes(data)
    try:
        table = reader.read_table(target, filename)
    except reader.UnreadableFile as exc:
        target.unlink(missing_ok=True)
        raise DomainError(gettext(str(exc)), field="file") from exc
    except Exception as exc:
        target.unlink(missing_ok=True)
        raise DomainError(gettext("Berkas tidak dapat dibaca."), field="file") from exc
    data_rows = sum(1 for _n, cells in table.records if any(not rules.is_blank(c) for c in cells))
    if data_rows == 0:
        target.unlink(missing_ok=True)
        raise DomainError(gettext("Berkas tidak berisi baris data di bawah judul kolom."), field="file")
    batch = ImportBatch(
        created_by_id=getattr(actor, "id", None),
        filename=filename,
        stored_name=stored_name,
        status=STATUS_UPLOADED,
        headers=table.headers,
        mapping=rules.guess_mapping(table.headers),
        checksum=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        file_format=fmt,
        row_count=data_rows,
    )
    db.session.add(batch)
    db.session.flush()
    record(actor, "import.upload", batch, summary=f"Unggah berkas impor pegawai {filename} ({data_rows} baris)")
    return batch


def discard_file(batch: ImportBatch, upload_root: str | Path) -> None:
    file_path(batch, upload_root).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------------------
# Dry run


def load_context(today: dt.date | None = None) -> rules.Context:
    """The reference data, units, positions and current employees as plain data (six queries)."""
    golongan, pangkat = {}, {}
    for code, kind, name in db.session.execute(
        select(Golongan.code, Golongan.kind, Golongan.pangkat).where(Golongan.active.is_(True))
    ):
        golongan[code] = kind
        if name and kind == "PNS":
            pangkat.setdefault(rules.name_key(name), code)
    types: dict[str, int] = {}
    for type_id, code, name in db.session.execute(
        select(PositionType.id, PositionType.code, PositionType.name).where(PositionType.active.is_(True))
    ):
        for key in rules.position_type_keys(code, name):
            types.setdefault(key, type_id)
    units = [rules.UnitRef(*row) for row in db.session.execute(
        select(Unit.id, Unit.name, Unit.parent_id, Unit.path, Unit.kind))]
    positions = {
        (unit_id, rules.name_key(name)): pos_id
        for pos_id, unit_id, name in db.session.execute(select(Position.id, Position.unit_id, Position.name))
    }
    superior = aliased(Employee)
    stmt = (
        select(
            Employee.id, Employee.nip, Employee.kind, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang,
            Employee.gender, Employee.birth_date, Golongan.code, Employee.unit_id, Employee.position_id,
            superior.nip, Employee.email, Employee.phone, Employee.active, Employee.version_id,
        )
        .outerjoin(Golongan, Golongan.id == Employee.golongan_id)
        .outerjoin(superior, superior.id == Employee.superior_id)
    )
    employees = {row[1]: rules.EmployeeRef(*row) for row in db.session.execute(stmt)}
    return rules.Context(golongan=golongan, pangkat=pangkat, position_types=types, units=units,
                         positions=positions, employees=employees, today=today or dt.date.today())


def _columns(batch: ImportBatch, mapping: dict[str, str]) -> dict[str, int]:
    index = {header: i for i, header in enumerate(batch.headers or [])}
    return {field: index[header] for field, header in mapping.items() if header in index}


def _read(batch: ImportBatch, upload_root: str | Path) -> reader.Table:
    path = file_path(batch, upload_root)
    if not path.exists():
        raise ImportConflict(gettext("Berkas impor tidak ditemukan lagi di server. Unggah ulang berkasnya."))
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != batch.checksum:
        raise ImportConflict(gettext("Berkas impor berubah sejak diunggah. Unggah ulang berkasnya."))
    try:
        return reader.read_table(path, batch.filename)
    except reader.UnreadableFile as exc:
        raise DomainError(gettext(str(exc))) from exc


def evaluate_batch(batch: ImportBatch, upload_root: str | Path, mapping: dict[str, str] | None = None,
                   today: dt.date | None = None) -> rules.Evaluation:
    """Parse and classify every row of the batch's file against the current database. Writes nothing."""
    mapping = mapping if mapping is not None else (batch.mapping or {})
    table = _read(batch, upload_root)
    return rules.evaluate(table.records, _columns(batch, mapping), load_context(today))


def _display(row: rules.Row, units: rules.UnitIndex) -> dict:
    unit = " / ".join(p for p in (row.opd, row.unit_kerja if rules.name_key(row.unit_kerja) != rules.name_key(row.opd)
                                  else "") if p)
    return {
        "nama": row.full_name,
        "unit": unit,
        "jabatan": row.jabatan,
        "golongan": row.golongan or "",
        "atasan": row.nip_atasan or "",
        "new_unit": bool(row.unit_key and row.unit_key[0] == rules.NEW),
    }


def store_rows(batch: ImportBatch, evaluation: rules.Evaluation) -> None:
    """Replace the batch's stored dry-run rows (one bulk insert) and its summary."""
    db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch.id))
    payload = [
        {
            "batch_id": batch.id,
            "row_number": row.row_number,
            "outcome": row.outcome,
            "nip": row.nip[:40],
            "nama": row.full_name[:255],
            "reasons": row.reasons or None,
            "warnings": row.warnings or None,
            "changes": row.changes or None,
            "data": _display(row, evaluation.units),
            "raw": row.raw if row.rejected else None,
        }
        for row in evaluation.rows
    ]
    if payload:
        db.session.execute(insert(ImportRow), payload)
    batch.summary = evaluation.summary()


def run_dry_run(batch: ImportBatch, mapping: dict[str, str], *, actor, upload_root: str | Path,
                today: dt.date | None = None) -> rules.Evaluation:
    """The admin's mapping -> dry run: every row classified and stored, nothing written to the org tables."""
    if batch.status == STATUS_COMMITTED:
        raise ImportConflict(gettext("Impor ini sudah disimpan."))
    mapping = {field: header for field, header in mapping.items() if header and header in (batch.headers or [])}
    problems = rules.mapping_problems(mapping)
    if problems:
        raise DomainError(gettext(problems[0]["m"], **problems[0]["a"]))
    evaluation = evaluate_batch(batch, upload_root, mapping, today)
    batch.mapping = mapping
    store_rows(batch, evaluation)
    batch.status = STATUS_PREVIEWED
    batch.error = None
    db.session.flush()
    return evaluation


# ---------------------------------------------------------------------------------------------------------
# Commit


def _counts(summary: dict | None) -> dict[str, int]:
    return {key: int((summary or {}).get(key, 0)) for key in COUNT_KEYS}


def commit_batch(batch: ImportBatch, *, actor, upload_root: str | Path, today: dt.date | None = None,
                 now: dt.datetime | None = None) -> dict[str, int]:
    """Re-validate against the current database and write every create/update row in the caller's transaction.

    Raises ImportConflict when the batch was committed already (or its file changed), PreviewChanged when the
    outcome counts differ from the preview the admin saw (the new preview is stored: commit, then show it).
    """
    now = now or utcnow()
    claimed = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status.in_([STATUS_PREVIEWED, STATUS_FAILED]))
        .values(status=STATUS_COMMITTED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(batch)
        if batch.status == STATUS_COMMITTED:
            raise ImportConflict(gettext("Impor ini sudah disimpan sebelumnya; tidak disimpan dua kali."))
        raise ImportConflict(gettext("Petakan kolom dan lihat pratinjau dulu sebelum menyimpan."))
    db.session.refresh(batch)
    evaluation = evaluate_batch(batch, upload_root, today=today)
    if evaluation.counts() != _counts(batch.summary):
        store_rows(batch, evaluation)
        batch.status = STATUS_PREVIEWED
        db.session.flush()
        raise PreviewChanged(gettext(
            "Data pegawai berubah sejak pratinjau dibuat, sehingga hasilnya berbeda. Periksa pratinjau terbaru "
            "lalu konfirmasi lagi."
        ))
    written = write_rows(evaluation, now=now, today=today or local_today(), actor=actor,
                         note=f"Impor {batch.filename}")
    store_rows(batch, evaluation)
    batch.summary = {**(batch.summary or {}), "written": written}
    batch.status = STATUS_COMMITTED
    batch.committed_at = now
    batch.error = None
    if any(written.values()):
        record(actor, "import.commit", batch, now=now,
               summary=(f"Impor pegawai {batch.filename}: {written['created']} baru, {written['updated']} diubah, "
                        f"{written['units']} unit dan {written['positions']} jabatan baru"),
               changes={**written, "rejected": evaluation.counts()["rejected"],
                        "unchanged": evaluation.counts()["unchanged"]})
    db.session.flush()
    return written


def write_rows(evaluation: rules.Evaluation, *, now: dt.datetime, today: dt.date | None = None, actor=None,
               note: str | None = None) -> dict[str, int]:
    """Create units and positions, insert and update employees, link superiors (second pass), then record
    the move history (EmployeeMove, effective ``today``) of every employee whose unit, position or superior
    the file changed."""
    rows = [r for r in evaluation.rows if r.outcome in (OUTCOME_CREATE, OUTCOME_UPDATE)]
    written = {"created": 0, "updated": 0, "units": 0, "positions": 0, "superiors": 0, "moves": 0}
    if not rows:
        return written
    units = evaluation.units

    # 1. Units: OPDs first, then their sub-units (a handful of ORM inserts; paths need the new ids).
    new_unit_ids: dict[tuple, int] = {}
    keys = evaluation.units_to_create()
    for level in (0, 1):
        created: list[tuple[tuple, Unit]] = []
        for key in keys:
            opd_key, sub_key = key
            if (sub_key is None) != (level == 0):
                continue
            opd_name, sub_name = units.new_units[key]
            if level == 0:
                unit = Unit(name=opd_name[:200], kind=rules.guess_unit_kind(opd_name, True), parent_id=None)
            else:
                parent_id = units.roots.get(opd_key) or new_unit_ids[(opd_key, None)]
                unit = Unit(name=sub_name[:200], kind=rules.guess_unit_kind(sub_name, False), parent_id=parent_id)
            db.session.add(unit)
            created.append((key, unit))
        if not created:
            continue
        db.session.flush()
        for key, unit in created:
            if unit.parent_id is None:
                unit.path, unit.depth = f"/{unit.id}/", 0
            else:
                parent = units.units.get(unit.parent_id)
                parent_path = parent.path if parent else f"/{unit.parent_id}/"
                unit.path = f"{parent_path}{unit.id}/"
                unit.depth = parent_path.strip("/").count("/") + 1
            new_unit_ids[key] = unit.id
            units.units[unit.id] = rules.UnitRef(unit.id, unit.name, unit.parent_id, unit.path, unit.kind)
        db.session.flush()
        written["units"] += len(created)

    def unit_id_of(key: tuple) -> int:
        return key[1] if key[0] == "id" else new_unit_ids[key[1]]

    # 2. Positions: one bulk insert, then read back their ids.
    new_positions: dict[tuple, dict] = {}
    for row in rows:
        if row.position_key and row.position_key[0] == rules.NEW and row.position_key[1] not in new_positions:
            unit = units.units[unit_id_of(row.unit_key)]
            new_positions[row.position_key[1]] = {
                "name": row.jabatan[:200],
                "unit_id": unit.id,
                "position_type_id": row.position_type_id,
                "eselon": (row.eselon or None) and row.eselon[:10],
                "is_head": rules.looks_like_head(row.jabatan, unit.name, unit.kind),
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
    if new_positions:
        db.session.execute(insert(Position), list(new_positions.values()))
        written["positions"] = len(new_positions)
    position_ids = {
        (unit_id, rules.name_key(name)): pos_id
        for pos_id, unit_id, name in db.session.execute(select(Position.id, Position.unit_id, Position.name))
    }

    def position_id_of(row: rules.Row) -> int | None:
        if row.position_key is None:
            return None
        if row.position_key[0] == "id":
            return row.position_key[1]
        return position_ids[(unit_id_of(row.unit_key), rules.name_key(row.jabatan))]

    golongan_ids = dict(db.session.execute(select(Golongan.code, Golongan.id)).all())
    current = evaluation.employees

    # 3. Employees: bulk insert the new ones, bulk update the changed ones (optimistic version check).
    inserts, updates = [], []
    for row in rows:
        values = {
            "kind": row.kind,
            "gelar_depan": (row.gelar_depan or None) and row.gelar_depan[:60],
            "nama": row.nama[:150],
            "gelar_belakang": (row.gelar_belakang or None) and row.gelar_belakang[:100],
            "gender": row.gender,
            "birth_date": row.birth_date,
            "golongan_id": golongan_ids.get(row.golongan) if row.golongan else None,
            "unit_id": unit_id_of(row.unit_key),
            "position_id": position_id_of(row),
            "email": row.email,
            "phone": row.phone,
            "active": True,
            "search_text": row.search_text[:400],
            "updated_at": now,
        }
        if row.outcome == OUTCOME_CREATE:
            inserts.append({**values, "nip": row.nip, "created_at": now, "version_id": 1})
        else:
            old = current[row.nip]
            if not row.golongan and ("golongan" not in evaluation.mapped or row.kind != "PNS"):
                values["golongan_id"] = golongan_ids.get(old.golongan) if old.golongan else None
            values["email"] = row.email or old.email
            values["phone"] = row.phone or old.phone
            updates.append({**{f"v_{k}": v for k, v in values.items()}, "b_id": old.id, "b_version": old.version_id})
    if inserts:
        db.session.execute(insert(Employee), inserts)
        written["created"] = len(inserts)
    if updates:
        table = Employee.__table__
        columns = [k[2:] for k in updates[0] if k.startswith("v_")]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version_id == bindparam("b_version"))
            .values({name: bindparam(f"v_{name}") for name in columns} | {"version_id": table.c.version_id + 1})
        )
        result = db.session.connection().execute(stmt, updates)
        if result.rowcount not in (-1, len(updates)):
            raise DomainError(gettext("Data pegawai diubah orang lain ketika impor berjalan. Ulangi konfirmasi."))
        written["updated"] = len(updates)

    # 4. Superiors, now that every employee has an id (a superior may appear later in the file).
    ids = dict(db.session.execute(select(Employee.nip, Employee.id)).all())
    if "nip_atasan" in evaluation.mapped:
        links = []
        for row in rows:
            wanted = ids[row.nip_atasan] if row.nip_atasan else None
            if (row.outcome == OUTCOME_CREATE and wanted is not None) or "superior" in row.changes:
                links.append({"b_id": ids[row.nip], "v_superior": wanted})
        if links:
            table = Employee.__table__
            db.session.connection().execute(
                update(table).where(table.c.id == bindparam("b_id")).values(superior_id=bindparam("v_superior")),
                links,
            )
            written["superiors"] = len(links)

    # 5. The move history: one EmployeeMove per updated employee whose unit, position or superior changed.
    moves = []
    for row in rows:
        if row.outcome != OUTCOME_UPDATE or not {"unit", "position", "superior"} & set(row.changes):
            continue
        old = current[row.nip]
        old_superior = ids.get(old.superior_nip) if old.superior_nip else None
        new_superior = (ids[row.nip_atasan] if row.nip_atasan else None) if "superior" in row.changes else old_superior
        moves.append({
            "employee_id": old.id, "effective_on": today or now.date(),
            "from_unit_id": old.unit_id, "to_unit_id": unit_id_of(row.unit_key),
            "from_position_id": old.position_id, "to_position_id": position_id_of(row),
            "from_superior_id": old_superior, "to_superior_id": new_superior,
            "note": (note or "")[:255] or None, "recorded_by_id": getattr(actor, "id", None), "recorded_at": now,
        })
    if moves:
        db.session.execute(insert(EmployeeMove), moves)
        written["moves"] = len(moves)
    # Objects loaded before the bulk statements would show stale data in this session.
    db.session.expire_all()
    return written


# ---------------------------------------------------------------------------------------------------------
# Reading the stored dry run


def rows_query(batch: ImportBatch, outcome: str | None = None):
    stmt = select(ImportRow).where(ImportRow.batch_id == batch.id)
    if outcome:
        stmt = stmt.where(ImportRow.outcome == outcome)
    return stmt.order_by(ImportRow.row_number)


def rejected_rows(batch: ImportBatch) -> list[ImportRow]:
    return list(db.session.scalars(rows_query(batch, OUTCOME_REJECTED)))


def record_failure(batch_id: int, message: str) -> None:
    """After a rolled-back commit: keep the error on the batch so the admin sees why (caller commits)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is not None:
        batch.status = STATUS_FAILED
        batch.error = message[:2000]
        db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# For scripts and the CLI: the whole journey without the web UI.


def import_file(path: str | Path, *, actor=None, upload_root: str | Path, confirm: bool = True,
                mapping: dict[str, str] | None = None) -> tuple[ImportBatch, dict]:
    """Upload, dry-run and (optionally) commit one file, committing after each step. Returns (batch, timings)."""
    import time

    timings: dict[str, float] = {}
    start = time.perf_counter()
    batch = store_upload(Path(path).read_bytes(), Path(path).name, actor=actor, upload_root=upload_root)
    db.session.commit()
    timings["upload"] = time.perf_counter() - start
    start = time.perf_counter()
    run_dry_run(batch, mapping or batch.mapping or {}, actor=actor, upload_root=upload_root)
    db.session.commit()
    timings["dry_run"] = time.perf_counter() - start
    if confirm:
        start = time.perf_counter()
        commit_batch(batch, actor=actor, upload_root=upload_root)
        db.session.commit()
        timings["commit"] = time.perf_counter() - start
    return batch, timings
