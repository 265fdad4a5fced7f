"""A regency's whole staff list (20,000 rows, tests/import_scale.py) through the import, in the normal suite: the
outcome (what is created, refused and warned about), a re-import that changes nothing, and the dry run's memory.

Time is measured by the benchmark, not asserted here (a slower machine must not fail the suite): `make
import-scale` prints elapsed and CPU time per step and the tracemalloc peaks on both databases, against the
30 s target.
"""

from __future__ import annotations

import tracemalloc

import pytest

from portal.extensions import db
from portal.imports import services
from portal.imports.models import STATUS_UPLOADED, ImportBatch
from tests.import_scale import TODAY, generate, write_xlsx

ROWS = 20_000
MEMORY_LIMIT_MB = 300  # what the dry run of 20,000 rows may hold at its peak (measured: about 110 MiB)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "pegawai-20000.xlsx"
    write_xlsx(path, generate(ROWS))
    return path


def test_a_20000_row_export_imports_with_few_warnings(app, workbook):
    uploads = app.config["UPLOAD_FOLDER"]
    batch = services.store_upload(workbook.read_bytes(), workbook.name, actor=None, upload_root=uploads)
    db.session.commit()
    services.run_dry_run(batch, batch.mapping, actor=None, upload_root=uploads, today=TODAY)
    db.session.commit()
    summary = dict(batch.summary)
    services.commit_batch(batch, actor=None, upload_root=uploads, today=TODAY)
    db.session.commit()

    # Warnings only where a human must look: a few rows, and no jenis jabatan the rules could not read.
    assert summary["rejected"] < ROWS // 500 and summary["create"] == ROWS - summary["rejected"]
    assert summary["warnings"] < ROWS // 100 and "jenis" not in summary["warning_kinds"]
    assert summary["pending_superiors"] > 0  # teams below the rejected heads of section came in
    written = batch.summary["written"]
    assert written["created"] == summary["create"] and written["superiors"] > ROWS * 0.9

    # The same file again changes nothing; its dry run's memory stays bounded. (A second batch over the same
    # stored file: uploading it again would only repeat the upload's read.)
    again = ImportBatch(filename=batch.filename, stored_name=batch.stored_name, headers=batch.headers,
                        mapping=batch.mapping, checksum=batch.checksum, file_size=batch.file_size,
                        file_format=batch.file_format, row_count=batch.row_count, status=STATUS_UPLOADED)
    db.session.add(again)
    db.session.commit()
    tracemalloc.start()
    try:
        services.run_dry_run(again, again.mapping, actor=None, upload_root=uploads, today=TODAY)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    db.session.commit()
    assert again.summary["unchanged"] == summary["create"] and again.summary["create"] == 0
    assert peak < MEMORY_LIMIT_MB, f"peak {peak:.0f} MiB"
