"""Bukti Dukung: upload checked by content, stored outside static/, served only to who may see the SKP."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import PROJECT_ROOT
from portal.core.audit import AuditLog
from portal.extensions import db
from portal.progress.models import Evidence
from tests import factories

TODAY = dt.date(2026, 4, 8)
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def today(monkeypatch):
    state = {"today": TODAY}
    monkeypatch.setattr("portal.progress.views.local_today", lambda: state["today"])
    return state


@pytest.fixture(autouse=True)
def _empty_evidence_folder(app):
    """The upload folder lives for the whole session; each test here starts with an empty one."""
    import shutil

    shutil.rmtree(Path(app.config["UPLOAD_FOLDER"]) / "evidence", ignore_errors=True)


@pytest.fixture
def world(today):
    return factories.make_progress_world(rhk=1, indicators=1)


def _indicator(world):
    return world.skp.result_plans[0].indicators[0]


def _upload_url(world, seq=1):
    return f"/skp/{world.skp.id}/indikator/{_indicator(world).id}/realisasi/{seq}/bukti"


def _upload(client, world, data: bytes, name: str, seq=1, title="Laporan"):
    return client.post(_upload_url(world, seq), data={"kind": "file", "title": title,
                                                      "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_upload_pdf_is_stored_outside_static_and_downloads_identically(client, login, world, app):
    login(world.u_owner)
    response = _upload(client, world, PDF, "../../laporan triwulan.pdf")
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.kind == "file" and evidence.content_type == "application/pdf"
    assert evidence.original_name == "laporan triwulan.pdf" and evidence.size == len(PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = Path(app.config["UPLOAD_FOLDER"]) / "evidence" / evidence.stored_name
    assert stored.is_file() and stored.read_bytes() == PDF
    assert len(evidence.stored_name) == 32 and "laporan" not in evidence.stored_name
    assert not stored.resolve().is_relative_to((PROJECT_ROOT / "static").resolve())
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "evidence.add")) == 1

    download = client.get(f"/bukti/{evidence.id}")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == evidence.sha256
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in download.headers["Cache-Control"]


def test_png_is_served_inline_as_image(client, login, world):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    login(world.u_owner)
    assert _upload(client, world, png, "foto.png").status_code == 302
    evidence = db.session.scalar(select(Evidence))
    response = client.get(f"/bukti/{evidence.id}")
    assert response.mimetype == "image/png" and response.headers["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("data, name, message", [
    (b"MZ\x90\x00" + b"\x00" * 100, "laporan.pdf", "executable"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "laporan.pdf", "HTML, SVG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "gambar.png", "HTML, SVG"),
    (PDF, "laporan.docx", "ekstensi"),
    (b"", "kosong.pdf", "kosong"),
])
def test_rejected_uploads_leave_nothing_behind(client, login, world, app, data, name, message):
    login(world.u_owner)
    response = _upload(client, world, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    folder = Path(app.config["UPLOAD_FOLDER"]) / "evidence"
    assert not folder.exists() or not any(folder.iterdir())


def test_zip_that_is_not_an_office_document_is_rejected(client, login, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.txt", "halo")
    login(world.u_owner)
    response = _upload(client, world, buffer.getvalue(), "laporan.docx")
    assert response.status_code == 422 and "Jenis berkas tidak diizinkan" in response.get_data(as_text=True)


def test_size_limit_is_configurable(client, login, world, app):
    app.config["EVIDENCE_MAX_MB"] = 1
    try:
        login(world.u_owner)
        response = _upload(client, world, PDF + b"0" * (1024 * 1024), "besar.pdf")
        assert response.status_code == 422 and "lebih besar dari 1 MB" in response.get_data(as_text=True)
    finally:
        app.config.pop("EVIDENCE_MAX_MB")


def test_link_evidence(client, login, world):
    login(world.u_owner)
    url = _upload_url(world)
    bad = client.post(url, data={"kind": "link", "url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "http://" in bad.get_data(as_text=True)
    ok = client.post(url, data={"kind": "link", "url": "https://drive.contoh.go.id/laporan", "title": "Drive"})
    assert ok.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.kind == "link" and evidence.url == "https://drive.contoh.go.id/laporan"
    page = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "https://drive.contoh.go.id/laporan" in page and 'rel="noopener noreferrer"' in page


@pytest.mark.parametrize("who", ["u_assessor", "u_head", "u_admin", "u_auditor", "u_peer"])
def test_only_owner_uploads(client, login, world, who):
    login(getattr(world, who))
    assert _upload(client, world, PDF, "a.pdf").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_upload_in_future_sub_period_refused(client, login, world):
    login(world.u_owner)
    assert _upload(client, world, PDF, "a.pdf", seq=4).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


@pytest.mark.parametrize("who, status", [
    ("u_owner", 200), ("u_assessor", 200), ("u_head", 200), ("u_admin", 200), ("u_auditor", 200),
    ("u_peer", 403), ("u_outsider", 403),
])
def test_download_access_matrix(client, login, world, who, status):
    login(world.u_owner)
    _upload(client, world, PDF, "a.pdf")
    evidence = db.session.scalar(select(Evidence))
    login(getattr(world, who))
    assert client.get(f"/bukti/{evidence.id}").status_code == status


def test_guessing_evidence_ids_hits_the_authorisation_check(client, login, world):
    # The peer uploads to their own SKP, then tries the neighbouring (sequential) ids of the owner's evidence.
    peer_skp = factories.make_progress_skp(world.peer, world.period, assessor=world.assessor)
    login(world.u_owner)
    for n in range(3):
        _upload(client, world, PDF, f"milik-pemilik-{n}.pdf")
    ids = sorted(db.session.scalars(select(Evidence.id)))
    login(world.u_peer)
    own = client.post(f"/skp/{peer_skp.id}/indikator/{peer_skp.result_plans[0].indicators[0].id}/realisasi/1/bukti",
                      data={"kind": "file", "file": (io.BytesIO(PDF), "milik-rekan.pdf")},
                      content_type="multipart/form-data")
    assert own.status_code == 302
    peer_id = db.session.scalar(select(Evidence.id).where(Evidence.original_name == "milik-rekan.pdf"))
    assert client.get(f"/bukti/{peer_id}").status_code == 200
    for guess in range(1, peer_id + 3):
        response = client.get(f"/bukti/{guess}")
        if guess == peer_id:
            continue
        expected = 403 if guess in ids else 404
        assert response.status_code == expected, guess
        assert PDF not in response.data
    assert client.post(f"/bukti/{ids[0]}/hapus").status_code == 403


def test_delete_removes_row_and_file(client, login, world, app):
    login(world.u_owner)
    _upload(client, world, PDF, "a.pdf")
    evidence = db.session.scalar(select(Evidence))
    stored = Path(app.config["UPLOAD_FOLDER"]) / "evidence" / evidence.stored_name
    assert stored.exists()
    response = client.post(f"/bukti/{evidence.id}/hapus")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert not stored.exists()
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "evidence.delete")) == 1
    assert client.get(f"/bukti/{evidence.id}").status_code == 404


@pytest.mark.parametrize("who", ["u_assessor", "u_admin", "u_auditor"])
def test_others_cannot_delete(client, login, world, app, who):
    login(world.u_owner)
    _upload(client, world, PDF, "a.pdf")
    evidence = db.session.scalar(select(Evidence))
    login(getattr(world, who))
    assert client.post(f"/bukti/{evidence.id}/hapus").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1


def test_delete_refused_once_the_window_closed(client, login, world, app, today):
    login(world.u_owner)
    _upload(client, world, PDF, "a.pdf")
    evidence = db.session.scalar(select(Evidence))
    stored = Path(app.config["UPLOAD_FOLDER"]) / "evidence" / evidence.stored_name
    today["today"] = dt.date(2026, 6, 1)
    response = client.post(f"/bukti/{evidence.id}/hapus")
    assert response.status_code == 302
    assert "sudah ditutup" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1 and stored.exists()


def test_realisation_page_lists_evidence_with_download_link(client, login, world):
    login(world.u_owner)
    _upload(client, world, PDF, "a.pdf", title="Laporan kegiatan")
    evidence = db.session.scalar(select(Evidence))
    login(world.u_assessor)
    body = client.get(f"/skp/{world.skp.id}/indikator/{_indicator(world).id}/realisasi/1").get_data(as_text=True)
    assert f'href="/bukti/{evidence.id}"' in body and "Laporan kegiatan" in body
    assert "Unggah berkas" not in body and "/hapus" not in body
    assert f"{len(PDF)} bita" in body and "Bytes" not in body  # the size in Indonesian
