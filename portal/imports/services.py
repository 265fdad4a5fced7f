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
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import aliased, contains_eager

from portal.core.audit import record
from portal.core.errors import DomainError
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.imports import reader, rules, tablecache
from portal.imports.models import (
    OUTCOME_CREATE,
    OUTCOME_REJECTED,
    OUTCOME_UPDATE,
    STATUS_COMMITTED,
    STATUS_FAILED,
    STATUS_PREVIEWED,
    STATUS_UPLOADED,
    ImportBatch,
    ImportMissing,
    ImportRow,
)
from portal.org import rules as org_rules
from portal.org import services as org_services
from portal.org.models import INACTIVE_REASONS, Employee, EmployeeMove, Golongan, Position, PositionType, Unit

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


def store_upload(data: bytes, filename: str, *, actor, upload_root: str | Path,
                 full_export: bool = False) -> ImportBatch:
    """Check that the bytes are a readable staff list, store them under a random name, create the batch.

    ``full_export``: the admin says the file is the regency's whole staff list (the dry run then lists the active
    employees it does not hold). Nothing is stored when the file cannot be read (DomainError with the reason).
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
    checksum = hashlib.sha256(data).hexdigest()
    tablecache.save(table, target, checksum)  # the dry run and the confirm need not parse the workbook again
    batch = ImportBatch(
        created_by_id=getattr(actor, "id", None),
        filename=filename,
        stored_name=stored_name,
        status=STATUS_UPLOADED,
        headers=table.headers,
        mapping=rules.guess_mapping(table.headers),
        checksum=checksum,
        file_size=len(data),
        file_format=fmt,
        row_count=data_rows,
        full_export=bool(full_export),
    )
    db.session.add(batch)
    db.session.flush()
    record(actor, "import.upload", batch, summary=f"Unggah berkas impor pegawai {filename} ({data_rows} baris)")
    return batch


def discard_file(batch: ImportBatch, upload_root: str | Path) -> None:
    file_path(batch, upload_root).unlink(missing_ok=True)
    tablecache.discard(file_path(batch, upload_root))


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
            pangkat.setdefault(rules.pangkat_key(name), code)
    types: dict[str, int] = {}
    type_ids: dict[str, int] = {}
    type_names: dict[str, str] = {}
    codes: dict[int, str] = {}
    for type_id, code, name, active in db.session.execute(
        select(PositionType.id, PositionType.code, PositionType.name, PositionType.active)
    ):
        codes[type_id] = code
        type_names[code] = name
        if active:
            type_ids[code] = type_id
            for key in rules.position_type_keys(code, name):
                types.setdefault(key, type_id)
    units = [rules.UnitRef(*row) for row in db.session.execute(
        select(Unit.id, Unit.name, Unit.parent_id, Unit.path, Unit.kind))]
    positions: dict[tuple[int, str], int] = {}
    position_info: dict[int, rules.PositionRef] = {}
    for pos_id, unit_id, name, is_head, type_id in db.session.execute(
        select(Position.id, Position.unit_id, Position.name, Position.is_head, Position.position_type_id)
    ):
        positions[(unit_id, rules.name_key(name))] = pos_id
        position_info[pos_id] = rules.PositionRef(unit_id, bool(is_head), codes.get(type_id))
    superior = aliased(Employee)
    stmt = (
        select(
            Employee.id, Employee.nip, Employee.kind, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang,
            Employee.gender, Employee.birth_date, Golongan.code, Employee.unit_id, Employee.position_id,
            superior.nip, Employee.email, Employee.phone, Employee.active, Employee.version_id,
            Employee.pending_superior_nip,
        )
        .outerjoin(Golongan, Golongan.id == Employee.golongan_id)
        .outerjoin(superior, superior.id == Employee.superior_id)
    )
    employees = {row[1]: rules.EmployeeRef(*row) for row in db.session.execute(stmt)}
    return rules.Context(golongan=golongan, pangkat=pangkat, position_types=types, units=units,
                         positions=positions, employees=employees, today=today or dt.date.today(),
                         type_ids=type_ids, type_names=type_names, position_info=position_info)


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
    cached = tablecache.load(path, batch.checksum)
    if cached is not None:
        return cached
    try:
        table = reader.read_table(path, batch.filename)
    except reader.UnreadableFile as exc:
        raise DomainError(gettext(str(exc))) from exc
    tablecache.save(table, path, batch.checksum)
    return table


def evaluate_batch(batch: ImportBatch, upload_root: str | Path, mapping: dict[str, str] | None = None,
                   today: dt.date | None = None) -> rules.Evaluation:
    """Parse and classify every row of the batch's file against the current database. Writes nothing."""
    mapping = mapping if mapping is not None else (batch.mapping or {})
    table = _read(batch, upload_root)
    return rules.evaluate(table.records, _columns(batch, mapping), load_context(today),
                          full_export=bool(batch.full_export))


def _display(row: rules.Row, evaluation: rules.Evaluation) -> dict:
    unit = " / ".join(p for p in (row.opd, row.unit_kerja if rules.name_key(row.unit_kerja) != rules.name_key(row.opd)
                                  else "") if p)
    data = {
        "nama": row.full_name,
        "unit": unit,
        "jabatan": row.jabatan,
        "golongan": row.golongan or "",
        "atasan": row.nip_atasan or "",
        "new_unit": bool(row.unit_key and row.unit_key[0] == rules.NEW),
    }
    if row.name_split:  # the dry run shows how NAMA was split into gelar depan / nama / gelar belakang
        data["gelar"] = [row.gelar_depan or "", row.nama, row.gelar_belakang or ""]
    if row.type_code:
        data["jenis"] = evaluation.type_names.get(row.type_code, row.type_code)
        data["jenis_asal"] = row.type_source
    if row.derivation is not None and row.derivation.duty:
        data["tugas"] = row.derivation.duty
    if row.superior_state == rules.SUPERIOR_PENDING:
        data["atasan_tertunda"] = True
    return data


def _kinds_column(row: rules.Row) -> str | None:
    kinds = [] if row.rejected else rules.row_warning_kinds(row)
    return f",{','.join(kinds)}," if kinds else None


def store_rows(batch: ImportBatch, evaluation: rules.Evaluation) -> None:
    """Replace the batch's stored dry-run rows (one bulk insert), its list of people missing from a full export
    (keeping the choices already made for them) and its summary."""
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
            "data": _display(row, evaluation),
            "raw": row.raw if row.rejected else None,
            "warning_kinds": _kinds_column(row),
        }
        for row in evaluation.rows
    ]
    if payload:
        # Core executemany: the ORM's bulk insert splits rows whose None values differ into many small batches.
        db.session.connection().execute(insert(ImportRow.__table__), payload)
    store_missing(batch, evaluation)
    batch.summary = evaluation.summary()


def store_missing(batch: ImportBatch, evaluation: rules.Evaluation) -> None:
    chosen = dict(db.session.execute(
        select(ImportMissing.employee_id, ImportMissing.reason).where(ImportMissing.batch_id == batch.id)).all())
    db.session.execute(delete(ImportMissing).where(ImportMissing.batch_id == batch.id))
    rows = [{"batch_id": batch.id, "employee_id": person.id, "reason": chosen.get(person.id)}
            for person in evaluation.missing]
    if rows:
        db.session.connection().execute(insert(ImportMissing.__table__), rows)


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
    listed = set(db.session.scalars(select(ImportMissing.employee_id).where(ImportMissing.batch_id == batch.id)))
    if evaluation.counts() != _counts(batch.summary) or {p.id for p in evaluation.missing} != listed:
        store_rows(batch, evaluation)
        batch.status = STATUS_PREVIEWED
        db.session.flush()
        raise PreviewChanged(gettext(
            "Data pegawai berubah sejak pratinjau dibuat, sehingga hasilnya berbeda. Periksa pratinjau terbaru "
            "lalu konfirmasi lagi."
        ))
    note = f"Impor {batch.filename}"
    written = write_rows(evaluation, now=now, today=today or local_today(), actor=actor, note=note)
    written["deactivated"] = deactivate_missing(batch, evaluation, actor=actor, now=now)
    store_rows(batch, evaluation)
    batch.summary = {**(batch.summary or {}), "written": written}
    batch.status = STATUS_COMMITTED
    batch.committed_at = now
    batch.error = None
    if any(written.values()):
        record(actor, "import.commit", batch, now=now,
               summary=(f"Impor pegawai {batch.filename}: {written['created']} baru, {written['updated']} diubah, "
                        f"{written['units']} unit dan {written['positions']} jabatan baru, "
                        f"{written['deactivated']} dinonaktifkan"),
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
    written = {"created": 0, "updated": 0, "units": 0, "positions": 0, "superiors": 0, "moves": 0,
               "typed_positions": 0, "linked": 0}
    written["typed_positions"] = _fill_position_types(evaluation.positions_to_type)
    if not rows:
        written["linked"] = org_services.resolve_pending_superiors(actor, today=today or now.date(), note=note)
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
                "position_type_id": evaluation.new_position_types.get(row.position_key[1]),
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
            "inactive_reason": None,
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
        db.session.connection().execute(insert(Employee.__table__), inserts)
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

    # 4. Superiors, now that every employee has an id (a superior may appear later in the file). A superior
    # whose row was rejected is left open, its NIP kept to link later (pending_superior_nip).
    ids = dict(db.session.execute(select(Employee.nip, Employee.id)).all())
    if "nip_atasan" in evaluation.mapped:
        links = []
        for row in rows:
            wanted = ids[row.superior_id_nip] if row.superior_id_nip else None
            pending = row.pending_superior_nip
            if (row.outcome == OUTCOME_CREATE and (wanted is not None or pending)) or "superior" in row.changes:
                links.append({"b_id": ids[row.nip], "v_superior": wanted, "v_pending": pending})
        if links:
            table = Employee.__table__
            db.session.connection().execute(
                update(table).where(table.c.id == bindparam("b_id"))
                .values(superior_id=bindparam("v_superior"), pending_superior_nip=bindparam("v_pending")),
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
        new_superior = ((ids[row.superior_id_nip] if row.superior_id_nip else None) if "superior" in row.changes
                        else old_superior)
        moves.append({
            "employee_id": old.id, "effective_on": today or now.date(),
            "from_unit_id": old.unit_id, "to_unit_id": unit_id_of(row.unit_key),
            "from_position_id": old.position_id, "to_position_id": position_id_of(row),
            "from_superior_id": old_superior, "to_superior_id": new_superior,
            "note": (note or "")[:255] or None, "recorded_by_id": getattr(actor, "id", None), "recorded_at": now,
        })
    if moves:
        db.session.connection().execute(insert(EmployeeMove.__table__), moves)
        written["moves"] = len(moves)
    # Objects loaded before the bulk statements would show stale data in this session.
    db.session.expire_all()
    # 6. Employees waiting for a superior whose row was rejected before: linked now if this file brought them.
    written["linked"] = org_services.resolve_pending_superiors(actor, today=today or now.date(), note=note)
    return written


def _fill_position_types(types: dict[int, int]) -> int:
    """Give existing jabatan without a jenis jabatan the one their rows tell (never overwrite one)."""
    if not types:
        return 0
    table = Position.__table__
    result = db.session.connection().execute(
        update(table).where(table.c.id == bindparam("b_id"), table.c.position_type_id.is_(None))
        .values(position_type_id=bindparam("v_type")),
        [{"b_id": pos_id, "v_type": type_id} for pos_id, type_id in types.items()],
    )
    return max(result.rowcount, 0) if result.rowcount != -1 else len(types)


# ---------------------------------------------------------------------------------------------------------
# People missing from a full export (issue 13, item 7)


def missing_query(batch: ImportBatch):
    """The batch's missing people with their employee, unit and position, by unit then name (for paging)."""
    return (
        select(ImportMissing)
        .join(Employee, Employee.id == ImportMissing.employee_id)
        .join(Unit, Unit.id == Employee.unit_id)
        .options(contains_eager(ImportMissing.employee).contains_eager(Employee.unit),
                 contains_eager(ImportMissing.employee).joinedload(Employee.position))
        .where(ImportMissing.batch_id == batch.id)
        .order_by(Unit.path, Employee.nama, Employee.id)
    )


def _check_open(batch: ImportBatch) -> None:
    if batch.status == STATUS_COMMITTED:
        raise ImportConflict(gettext("Impor ini sudah disimpan; pilihan untuk pegawai yang tidak ada di berkas "
                                     "tidak dapat diubah lagi."))


def _clean_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason is not None and reason not in INACTIVE_REASONS:
        raise DomainError(gettext("Pilih alasan dari daftar."), field="reason")
    return reason


def choose_missing(batch: ImportBatch, missing: ImportMissing, reason: str | None, *, actor) -> ImportMissing:
    """The admin's choice for one person missing from the file: a reason (INACTIVE_REASONS) to deactivate them
    at the confirm, or None to keep them active. Nothing changes on the employee before the confirm."""
    _check_open(batch)
    if missing.batch_id != batch.id:
        raise DomainError(gettext("Data tidak ditemukan."))
    missing.reason = _clean_reason(reason)
    db.session.flush()
    return missing


def choose_missing_all(batch: ImportBatch, reason: str | None, *, actor) -> int:
    """The same choice for every person missing from the file (the admin can change single ones afterwards)."""
    _check_open(batch)
    result = db.session.execute(
        update(ImportMissing).where(ImportMissing.batch_id == batch.id).values(reason=_clean_reason(reason))
        .execution_options(synchronize_session="fetch"))
    db.session.flush()
    return result.rowcount


def deactivate_missing(batch: ImportBatch, evaluation: rules.Evaluation, *, actor, now: dt.datetime) -> int:
    """Deactivate, in the confirm's transaction, every person the admin chose to deactivate who is still active
    and still missing from the file; never delete. One audit row per person, with the reason."""
    missing = {person.id: person for person in evaluation.missing}
    chosen = [(employee_id, reason) for employee_id, reason in db.session.execute(
        select(ImportMissing.employee_id, ImportMissing.reason)
        .where(ImportMissing.batch_id == batch.id, ImportMissing.reason.is_not(None))
    ) if employee_id in missing]
    table = Employee.__table__
    for start in range(0, len(chosen), 500):
        db.session.connection().execute(
            update(table).where(table.c.id == bindparam("b_id"), table.c.active.is_(True))
            .values(active=False, inactive_reason=bindparam("v_reason"), version_id=table.c.version_id + 1,
                    updated_at=now),
            [{"b_id": employee_id, "v_reason": reason} for employee_id, reason in chosen[start:start + 500]],
        )
    for employee_id, reason in chosen:
        person = missing[employee_id]
        record(actor, "employee.deactivate", object_type="employee", object_id=employee_id, now=now,
               summary=_l("Pegawai %(name)s dinonaktifkan (%(reason)s): tidak ada di ekspor lengkap %(file)s",
                          name=person.full_name, reason=_l(INACTIVE_REASON_LABELS[reason]),
                          file=batch.filename),
               changes={"active": [True, False], "inactive_reason": [None, reason]})
    if chosen:
        db.session.expire_all()
    return len(chosen)


# Labels of INACTIVE_REASONS (msgids; the views show them translated).
INACTIVE_REASON_LABELS = {"pensiun": "Pensiun", "mutasi_keluar": "Mutasi keluar", "meninggal": "Meninggal dunia",
                          "berhenti": "Berhenti"}


def open_work(employee_ids: list[int], today: dt.date) -> dict[int, dict[str, list[dict]]]:
    """What each employee still has open that someone must take over before they leave, in a fixed number of
    queries: direct reports and delegated assessees (reassigned on their pages), SKPs waiting for their approval,
    their own SKP not yet approved, 360 invitations as rater in windows not closed, evaluations they still have to
    finish as assessor, appeals waiting for their decision, and dialog sessions they hold as assessor."""
    from portal.assessment.models import (
        NOMINATION_INVITED,
        NOMINATION_PREPARED,
        NOMINATION_PROPOSED,
        RaterNomination,
    )
    from portal.dialog import rules as dialog_rules
    from portal.dialog.models import DialogSession
    from portal.evaluation.models import APPEAL_FILED, DRAFT, FINAL, RETURNED, Appeal, Evaluation
    from portal.periods.models import PeriodPhase
    from portal.skp.models import STATUS_DRAFT, STATUS_RETURNED, STATUS_SUBMITTED, Skp

    work: dict[int, dict[str, list[dict]]] = {eid: {} for eid in employee_ids}
    if not employee_ids:
        return work
    other = aliased(Employee)

    def add(owner: int, kind: str, **item) -> None:
        work[owner].setdefault(kind, []).append(item)

    def name(gd, nama, gb) -> str:
        return org_rules.full_name(gd, nama, gb)

    names = (other.gelar_depan, other.nama, other.gelar_belakang)
    for owner, other_id, *who in db.session.execute(
        select(Employee.superior_id, Employee.id, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang)
        .where(Employee.superior_id.in_(employee_ids), Employee.active.is_(True)).order_by(Employee.nama)
    ):
        add(owner, "subordinates", employee_id=other_id, name=name(*who))
    for owner, other_id, *who in db.session.execute(
        select(Employee.assessor_id, Employee.id, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang)
        .where(Employee.assessor_id.in_(employee_ids), Employee.active.is_(True)).order_by(Employee.nama)
    ):
        add(owner, "delegated", employee_id=other_id, name=name(*who))
    for owner, skp_id, other_id, *who in db.session.execute(
        select(Skp.assessor_id, Skp.id, Skp.employee_id, *names).join(other, other.id == Skp.employee_id)
        .where(Skp.assessor_id.in_(employee_ids), Skp.is_current.is_(True), Skp.status == STATUS_SUBMITTED)
        .order_by(Skp.id)
    ):
        add(owner, "skp_to_approve", skp_id=skp_id, employee_id=other_id, name=name(*who))
    for owner, skp_id, status in db.session.execute(
        select(Skp.employee_id, Skp.id, Skp.status)
        .where(Skp.employee_id.in_(employee_ids), Skp.is_current.is_(True),
               Skp.status.in_([STATUS_DRAFT, STATUS_SUBMITTED, STATUS_RETURNED]))
        .order_by(Skp.id)
    ):
        add(owner, "own_skp", skp_id=skp_id, status=status)
    for owner, subject_id, phase_id, *who in db.session.execute(
        select(RaterNomination.rater_id, RaterNomination.subject_id, RaterNomination.phase_id, *names)
        .join(other, other.id == RaterNomination.subject_id)
        .join(PeriodPhase, PeriodPhase.id == RaterNomination.phase_id)
        .where(RaterNomination.rater_id.in_(employee_ids), PeriodPhase.closes_on >= today,
               RaterNomination.status.in_([NOMINATION_PROPOSED, NOMINATION_PREPARED, NOMINATION_INVITED]))
        .order_by(RaterNomination.id)
    ):
        add(owner, "nominations", subject_id=subject_id, phase_id=phase_id, name=name(*who))
    for owner, other_id, phase_id, *who in db.session.execute(
        select(Evaluation.assessor_id, Evaluation.employee_id, Evaluation.phase_id, *names)
        .join(other, other.id == Evaluation.employee_id)
        .where(Evaluation.assessor_id.in_(employee_ids), Evaluation.status.in_([DRAFT, FINAL, RETURNED]))
        .order_by(Evaluation.id)
    ):
        add(owner, "evaluations", employee_id=other_id, phase_id=phase_id, name=name(*who))
    for owner, appeal_id, *who in db.session.execute(
        select(Appeal.decider_id, Appeal.id, *names).join(other, other.id == Appeal.employee_id)
        .where(Appeal.decider_id.in_(employee_ids), Appeal.status == APPEAL_FILED).order_by(Appeal.id)
    ):
        add(owner, "appeals", appeal_id=appeal_id, name=name(*who))
    for owner, session_id, *who in db.session.execute(
        select(DialogSession.assessor_id, DialogSession.id, *names).join(other, other.id == DialogSession.employee_id)
        .where(DialogSession.assessor_id.in_(employee_ids),
               DialogSession.status.in_([dialog_rules.PROPOSED, dialog_rules.SCHEDULED]))
        .order_by(DialogSession.starts_at)
    ):
        add(owner, "dialogs", session_id=session_id, name=name(*who))
    return work


# ---------------------------------------------------------------------------------------------------------
# Reading the stored dry run


ANY_WARNING = "ada"  # the warnings filter: every row with a warning, else one kind (rules.WARNING_KINDS)


def rows_query(batch: ImportBatch, outcome: str | None = None, warning: str | None = None):
    stmt = select(ImportRow).where(ImportRow.batch_id == batch.id)
    if outcome:
        stmt = stmt.where(ImportRow.outcome == outcome)
    if warning == ANY_WARNING:
        stmt = stmt.where(ImportRow.warning_kinds.is_not(None))
    elif warning:
        stmt = stmt.where(ImportRow.warning_kinds.contains(f",{warning},", autoescape=True))
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
                mapping: dict[str, str] | None = None, full_export: bool = False) -> tuple[ImportBatch, dict]:
    """Upload, dry-run and (optionally) commit one file, committing after each step. Returns (batch, timings)."""
    import time

    timings: dict[str, float] = {}
    start = time.perf_counter()
    batch = store_upload(Path(path).read_bytes(), Path(path).name, actor=actor, upload_root=upload_root,
                         full_export=full_export)
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
