"""Command-line tools: flask demo / seed-scale / create-admin / backup / seed-reference."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from portal.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_reference)
    app.cli.add_command(create_admin)
    app.cli.add_command(backup)
    app.cli.add_command(import_staff)
    from portal import demo

    demo.init_app(app)


@click.command("seed-reference")
def seed_reference():
    """Insert the golongan and jenis jabatan reference rows that are missing."""
    from portal.org.reference import seed_reference_data

    added = seed_reference_data()
    db.session.commit()
    click.echo(f"{added} reference rows added.")


@click.command("create-admin")
@click.option("--username", prompt="Username")
@click.option("--password", help="Leave out to be asked (recommended: keeps it out of the shell history).")
def create_admin(username: str, password: str | None):
    """Create an Admin BKPSDM account for a real installation."""
    from portal.auth.models import ROLE_ADMIN, User
    from portal.core import audit
    from portal.org.reference import seed_reference_data

    username = username.strip().lower()
    if db.session.scalar(select(func.count(User.id)).where(User.username == username)):
        raise click.ClickException(f"User {username!r} already exists.")
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise click.ClickException("Passwords differ.")
    if len(password) < 10:
        raise click.ClickException("Use at least 10 characters.")
    seed_reference_data()
    user = User(username=username, role=ROLE_ADMIN, must_change_password=False)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(None, "user.create", user, summary=f"Admin {username} dibuat lewat baris perintah")
    db.session.commit()
    click.echo(f"Admin {username} created.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str):
    """Write a consistent copy of the SQLite database to PATH while the portal keeps running."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException("Use pg_dump for PostgreSQL (see README).")
    source_path = engine.url.database
    target = Path(path).resolve()
    if target == Path(source_path).resolve():
        raise click.ClickException("The backup must not overwrite the live database.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    if tmp.exists():
        tmp.unlink()
    # The SQLite online backup API copies a consistent snapshot page by page, even while others write (WAL).
    src = sqlite3.connect(source_path, timeout=30)
    dst = sqlite3.connect(tmp)
    try:
        with dst:
            src.backup(dst, pages=1024)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if check != "ok":
        tmp.unlink()
        raise click.ClickException(f"Integrity check of the copy failed: {check}")
    tmp.replace(target)
    current_app.logger.info("backup written to %s", target)
    click.echo(f"Backup written to {target} ({target.stat().st_size // 1024} KiB), integrity ok.")


@click.command("import-staff")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--confirm", is_flag=True, help="Write the valid rows. Without it only the dry run is shown.")
@click.option("--rejected", type=click.Path(dir_okay=False), help="Write the rejected rows with reasons to this CSV.")
@click.option("--full-export", is_flag=True,
              help="The file is the whole staff list: count the active employees it leaves out (missing=N). Choose "
                   "whether to deactivate them on the batch's page (Tidak ada di berkas) before confirming there.")
def import_staff(path: str, confirm: bool, rejected: str | None, full_export: bool):
    """Import a staff list (.xlsx or .csv) as the web import does: dry run first, --confirm to write."""
    from flask_babel import gettext

    from portal.imports import export
    from portal.imports.services import import_file, rejected_rows

    try:
        batch, timings = import_file(path, upload_root=current_app.config["UPLOAD_FOLDER"], confirm=confirm,
                                     full_export=full_export)
    except Exception as exc:  # a DomainError carries an Indonesian message for the admin
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    summary = batch.summary or {}
    click.echo(f"Batch {batch.id} ({batch.status}): " + ", ".join(f"{k}={v}" for k, v in sorted(summary.items())
                                                                  if not isinstance(v, dict | list)))
    click.echo("Timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    if rejected:
        rows = [(row.raw or [], export.join_reasons(row.reasons, gettext)) for row in rejected_rows(batch)]
        Path(rejected).write_bytes(export.rejected_csv(batch.headers or [], rows))
        click.echo(f"Rejected rows written to {rejected}")
    if not confirm:
        click.echo("Dry run only: nothing was written. Run again with --confirm to import the valid rows.")
