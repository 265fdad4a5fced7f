"""A staff import: the uploaded file, the admin's column mapping, the dry-run result, and its outcome."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import TimestampMixin
from portal.extensions import db

STATUS_UPLOADED = "uploaded"  # file stored, columns not yet mapped
STATUS_PREVIEWED = "previewed"  # dry run done, nothing written
STATUS_COMMITTED = "committed"  # valid rows written
STATUS_CANCELLED = "cancelled"


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
