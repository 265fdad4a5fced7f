"""A staff import: the uploaded file, the admin's column mapping, the dry-run result, and its outcome."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin
from portal.extensions import db

STATUS_UPLOADED = "uploaded"  # file stored, columns not yet mapped
STATUS_PREVIEWED = "previewed"  # dry run done, nothing written
STATUS_COMMITTED = "committed"  # valid rows written
STATUS_CANCELLED = "cancelled"
STATUS_FAILED = "failed"  # the commit failed and was rolled back; ``error`` says why (a new dry run may follow)

STATUS_LABELS = {
    STATUS_UPLOADED: _l("Menunggu pemetaan kolom"),
    STATUS_PREVIEWED: _l("Pratinjau (belum disimpan)"),
    STATUS_COMMITTED: _l("Sudah disimpan"),
    STATUS_CANCELLED: _l("Dibatalkan"),
    STATUS_FAILED: _l("Gagal disimpan"),
}

OUTCOME_CREATE = "create"
OUTCOME_UPDATE = "update"
OUTCOME_UNCHANGED = "unchanged"
OUTCOME_REJECTED = "rejected"
OUTCOMES = (OUTCOME_CREATE, OUTCOME_UPDATE, OUTCOME_UNCHANGED, OUTCOME_REJECTED)


class ImportBatch(TimestampMixin, db.Model):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(255))  # under UPLOAD_FOLDER/imports, random name
    status: Mapped[str] = mapped_column(String(20), default=STATUS_UPLOADED)
    headers: Mapped[list | None] = mapped_column(db.JSON)  # the file's header row as read
    mapping: Mapped[dict | None] = mapped_column(db.JSON)  # field -> header
    summary: Mapped[dict | None] = mapped_column(db.JSON)  # counts per outcome after the dry run/commit
    committed_at: Mapped[dt.datetime | None]
    # Added by the import feature:
    checksum: Mapped[str] = mapped_column(String(64), default="")  # sha256 of the stored file
    file_size: Mapped[int] = mapped_column(default=0)
    file_format: Mapped[str] = mapped_column(String(8), default="")  # xlsx / csv
    row_count: Mapped[int] = mapped_column(default=0)  # data rows in the file (blank rows skipped)
    error: Mapped[str | None] = mapped_column(Text)  # why the last commit failed
    # The admin says the file is the regency's whole staff list: active employees not in it are listed.
    full_export: Mapped[bool] = mapped_column(default=False, server_default=false())

    created_by = relationship("User")

    def count(self, outcome: str) -> int:
        return int((self.summary or {}).get(outcome, 0))


class ImportRow(db.Model):
    """One data row of an import's last dry run, stored so that paging and downloads do not re-parse the file."""

    __tablename__ = "import_row"
    __table_args__ = (Index("ix_import_row_batch_outcome_row", "batch_id", "outcome", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    row_number: Mapped[int]  # the spreadsheet's row number (the header is row 1 in a plain export)
    outcome: Mapped[str] = mapped_column(String(10))
    nip: Mapped[str] = mapped_column(String(40), default="")
    nama: Mapped[str] = mapped_column(String(255), default="")
    reasons: Mapped[list | None] = mapped_column(db.JSON)  # [{"m": msgid, "a": {args}}, ...] why it is rejected
    warnings: Mapped[list | None] = mapped_column(db.JSON)  # same shape; accepted anyway
    changes: Mapped[list | None] = mapped_column(db.JSON)  # field keys that differ (outcome "update")
    data: Mapped[dict | None] = mapped_column(db.JSON)  # display values: unit, jabatan, golongan, atasan
    raw: Mapped[list | None] = mapped_column(db.JSON)  # the original cells as text (rejected rows only)
    # The kinds of its warnings (rules.WARNING_KINDS) as ",jenis,atasan_opd," for the dry run's filter.
    warning_kinds: Mapped[str | None] = mapped_column(String(255))


class ImportMissing(db.Model):
    """An active employee that a full export does not hold ("tidak ada di berkas"), with the admin's choice:
    ``reason`` None keeps them active, else they are deactivated with that reason in the confirm transaction."""

    __tablename__ = "import_missing"
    __table_args__ = (UniqueConstraint("batch_id", "employee_id", name="uq_import_missing_batch_employee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(String(20))  # portal.org.models.INACTIVE_REASONS

    employee = relationship("Employee")
