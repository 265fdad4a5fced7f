"""The cells of an uploaded staff list, kept next to the file after its first (checked, streamed) read.

Reading a 20,000-row workbook is most of an import's time: the raw XML pre-scan, openpyxl's own pass over the
sheet for its size, then the streamed rows (portal.imports.reader). The upload reads it once anyway; the dry run
and the confirm then load these cells instead of parsing the workbook twice more. The cache is plain JSON written
by the portal itself (dates tagged), stored under the upload's random name with the file's checksum inside: a
cache that does not match the stored file is ignored and rebuilt from the file. No Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

from portal.imports.reader import Table

VERSION = 1


def path_for(upload: Path) -> Path:
    return upload.with_name(upload.name + ".cells.json.gz")


def _encode(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    return str(value)  # timedelta and the like: the rules read them as text


def _decode(value: object) -> object:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        if "$t" in value:
            return dt.time.fromisoformat(value["$t"])
    return value


def save(table: Table, upload: Path, checksum: str) -> None:
    payload = {
        "version": VERSION,
        "checksum": checksum,
        "format": table.format,
        "headers": table.headers,
        "header_row": table.header_row,
        "records": [[number, [_encode(c) for c in cells]] for number, cells in table.records],
    }
    target = path_for(upload)
    partial = target.with_name(target.name + ".tmp")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as out:
        json.dump(payload, out, separators=(",", ":"))
    partial.replace(target)


def load(upload: Path, checksum: str) -> Table | None:
    """The cached table of ``upload``, or None when there is none or it belongs to other bytes."""
    source = path_for(upload)
    try:
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
    except (OSError, ValueError, EOFError):
        return None
    if payload.get("version") != VERSION or payload.get("checksum") != checksum:
        return None
    records = [(number, [_decode(c) for c in cells]) for number, cells in payload["records"]]
    return Table(format=payload["format"], headers=payload["headers"], header_row=payload["header_row"],
                 records=records)


def discard(upload: Path) -> None:
    path_for(upload).unlink(missing_ok=True)
