"""The Dokumen Evaluasi Kinerja Pegawai: the printable page and the PDF show the signed snapshot (not live data),
only to who may see the evaluation; the public verification page says nothing but validity and is rate-limited per
client address. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update

from portal.evaluation import document as document_module
from portal.evaluation import rules, services, verification
from portal.evaluation.models import EvaluationDocument, UnitAchievement
from portal.evaluation.verification import VerificationLookup
from portal.extensions import db
from portal.org.rules import format_nip
from portal.periods.models import PeriodPhase
from tests import factories

TODAY = dt.date(2026, 11, 10)
NOW = dt.datetime(2026, 11, 10, 3, 0)
EMPLOYEE_NIP = "198609262015052001"
ASSESSOR_NIP = "197503142001121002"
DECIDER_NIP = "197001012000031003"
HEAD_NIP = "196805051994031004"
NOTE = "Pertahankan kualitas layanan; ikuti pelatihan manajemen data kepegawaian."
RESULT_REASON = "Tiga RHK utama melampaui target triwulan."
BEHAVIOUR_REASON = "Menjalankan nilai BerAKHLAK sesuai pedoman."
BASIS = "Capaian IKU Dinas Pendidikan triwulan III: 96 persen."


def _phase(period, seq=3):
    return db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                       PeriodPhase.kind == "evaluasi_periodik",
                                                       PeriodPhase.seq == seq))


def build():
    """Kepala Dinas (unit head) > Kepala Bidang (the assessor's superior) > Kepala Seksi (the assessor) > staff."""
    opd = factories.make_unit("Dinas Pendidikan")
    bidang = factories.make_unit("Bidang Pembinaan SD", parent=opd)
    seksi = factories.make_unit("Seksi Kurikulum SD", parent=bidang)
    other_opd = factories.make_unit("Dinas Kesehatan")
    head = factories.make_employee("Hendra Gunawan", unit=opd, nip=HEAD_NIP, golongan="IV/c",
                                   position=factories.make_position("Kepala Dinas Pendidikan", unit=opd,
                                                                    type_code="JPT_PRATAMA", is_head=True))
    decider = factories.make_employee("Dewi Lestari", unit=bidang, superior=head, nip=DECIDER_NIP, golongan="IV/a",
                                      position=factories.make_position("Kepala Bidang Pembinaan SD", unit=bidang,
                                                                       is_head=True))
    assessor = factories.make_employee("Bambang Sutrisno", unit=seksi, superior=decider, nip=ASSESSOR_NIP,
                                       golongan="III/d", position=factories.make_position(
                                           "Kepala Seksi Kurikulum SD", unit=seksi, is_head=True))
    employee = factories.make_employee("Siti Rahmawati", unit=seksi, superior=assessor, nip=EMPLOYEE_NIP,
                                       golongan="III/b", gender="P", position=factories.make_position(
                                           "Analis Kurikulum", unit=seksi))
    colleague = factories.make_employee("Rudi Hartono", unit=seksi, superior=assessor)
    other_head = factories.make_employee("Yusuf Maulana", unit=other_opd, position=factories.make_position(
        "Kepala Dinas Kesehatan", unit=other_opd, type_code="JPT_PRATAMA", is_head=True))
    period = factories.make_period(2026, evaluasi_periodik_3=(TODAY - dt.timedelta(days=3),
                                                               TODAY + dt.timedelta(days=7)))
    phase = _phase(period)
    db.session.add(UnitAchievement(unit_id=opd.id, phase_id=phase.id, rating=rules.UNIT_ISTIMEWA, basis=BASIS))
    db.session.commit()
    users = {name: factories.make_user(name, employee=person) for name, person in (
        ("siti", employee), ("bambang", assessor), ("dewi", decider), ("hendra", head), ("rudi", colleague),
        ("yusuf", other_head))}
    users["admin"] = factories.make_user("admin", role="admin")
    users["auditor"] = factories.make_user("auditor", role="auditor")
    return SimpleNamespace(opd=opd, bidang=bidang, seksi=seksi, head=head, decider=decider, assessor=assessor,
                           employee=employee, colleague=colleague, period=period, phase=phase, users=users)


RATINGS = {"result_rating": rules.ABOVE, "behaviour_rating": rules.AS_EXPECTED,
           "result_justification": RESULT_REASON, "behaviour_justification": BEHAVIOUR_REASON, "note": NOTE}


def release(w, data=None) -> EvaluationDocument:
    evaluation = services.finalise(w.users["bambang"], w.employee, w.phase, data or RATINGS, today=TODAY, now=NOW,
                                   distribution_note="Tim kecil; satu pegawai dinilai.")
    document = services.release(w.users["bambang"], evaluation, today=TODAY, now=NOW)
    db.session.commit()
    return document


@pytest.fixture
def w():
    return build()


@pytest.fixture
def doc(w):
    return release(w)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def facts(w, document) -> list[str]:
    """What the document must show, as the reader sees it."""
    return [
        "DOKUMEN EVALUASI KINERJA PEGAWAI", "Periode: Triwulan III 2026",
        "Siti Rahmawati", "Bambang Sutrisno", "Dewi Lestari",
        "19860926 201505 2 001", "19750314 200112 1 002", "19700101 200003 1 003",
        "Penata Muda Tingkat I (III/b)", "Penata Tingkat I (III/d)", "Pembina (IV/a)",
        "Analis Kurikulum", "Kepala Seksi Kurikulum SD", "Kepala Bidang Pembinaan SD",
        "Seksi Kurikulum SD", "Bidang Pembinaan SD",
        "Istimewa (Dinas Pendidikan)", BASIS,
        "Di Atas Ekspektasi", "Sesuai Ekspektasi", RESULT_REASON, BEHAVIOUR_REASON, NOTE,
        "Pejabat Penilai Kinerja", "10 November 2026",
        document.code, document.fingerprint[:16], "Versi 1",
    ]


# ---------------------------------------------------------------------------------------------------------
# The PDF


def test_the_pdf_shows_the_snapshot(w, doc, client, login):
    login(w.users["bambang"])
    response = client.get(f"/evaluasi/dokumen/{doc.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="evaluasi-{EMPLOYEE_NIP}-2026-triwulan-iii-v1.pdf"')
    assert response.headers["Cache-Control"] == "private, no-store"
    text = flat(pdf_text(response.data))
    for fact in facts(w, doc):
        assert fact in text, fact
    assert re.search(r"Predikat Kinerja Pegawai\s+Baik\b", text)
    assert "DIGANTI" not in text
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4

    # People move and are renamed: the signed document does not change.
    w.employee.nama = "Siti Rahmawati Berganti"
    w.employee.golongan = None
    w.assessor.nama = "Penilai Baru"
    db.session.commit()
    text = flat(pdf_text(client.get(f"/evaluasi/dokumen/{doc.id}/pdf").data))
    assert "Siti Rahmawati" in text and "Berganti" not in text and "Penilai Baru" not in text
    assert "Penata Muda Tingkat I (III/b)" in text


def test_the_pdf_qr_code_points_to_the_public_verification_page(w, doc, client, login):
    import segno

    login(w.users["bambang"])
    reader = PdfReader(io.BytesIO(client.get(f"/evaluasi/dokumen/{doc.id}/pdf").data))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    expected = io.BytesIO()
    segno.make(f"http://localhost/verifikasi/{doc.code}", error="m").save(expected, kind="png", scale=8, border=2)
    expected.seek(0)
    want = Image.open(expected).convert("L")
    got = images[0].image.convert("L").resize(want.size)
    assert got.tobytes() == want.tobytes()


def test_the_signer_is_the_superior_when_the_superior_rated(w, client, login):
    late = w.phase.closes_on + dt.timedelta(days=2)
    evaluation = services.finalise(w.users["dewi"], w.employee, w.phase, RATINGS, today=late, now=NOW,
                                   distribution_note="Dinilai atasan.")
    document = services.release(w.users["dewi"], evaluation, today=late, now=NOW)
    services.acknowledge(w.users["siti"], document, today=late + dt.timedelta(days=1), now=NOW)
    db.session.commit()
    login(w.users["siti"])
    text = flat(pdf_text(client.get(f"/evaluasi/dokumen/{document.id}/pdf").data))
    signatures = text[text.index("Pegawai yang Dinilai"):]
    assert "Atasan Pejabat Penilai Kinerja" in signatures and "Dewi Lestari" in signatures
    assert "NIP. 19700101 200003 1 003" in signatures
    assert "Diterima pada 20 November 2026" in signatures  # signed on 19 November, received the day after
    html = flat(client.get(f"/evaluasi/dokumen/{document.id}").get_data(as_text=True))
    assert "Atasan Pejabat Penilai Kinerja" in html[html.index("evaluation-doc-sign"):]


def test_long_texts_flow_across_pages_without_losing_text(w, client, login):
    long_text = " ".join(f"kata{n:04d}" for n in range(400))  # 3,599 characters
    unbroken = "X" * 300  # one "word" wider than the page
    assert len(long_text + " " + unbroken) <= services.TEXT_MAX
    data = {**RATINGS, "note": long_text, "result_justification": long_text + " " + unbroken,
            "behaviour_justification": long_text}
    document = release(w, data)
    login(w.users["admin"])
    raw = client.get(f"/evaluasi/dokumen/{document.id}/pdf").data
    assert len(PdfReader(io.BytesIO(raw)).pages) >= 3
    text = pdf_text(raw)
    present = " ".join(text.split())
    for word in long_text.split():
        assert present.count(word) >= 3, word  # in the note and both justifications
    assert unbroken in re.sub(r"\s", "", text)
    assert document.code in present and "Pejabat Penilai Kinerja" in present


def test_both_font_paths(w, doc, app, monkeypatch):
    """DejaVu Sans when installed (any character), else Helvetica with the text transliterated to Latin-1."""
    doc.snapshot = {**doc.snapshot, "catatan": "Ikuti \u201cpelatihan\u201d \u2014 Bahasa \u0100ceh \u2713."}
    with app.test_request_context():
        from portal.evaluation.document_views import document_of

        built = document_of(doc)
        if document_module.font_files() is not None:
            embedded = document_module.render_pdf(built)
            text = flat(pdf_text(embedded))
            assert "Ikuti \u201cpelatihan\u201d \u2014 Bahasa \u0100ceh" in text
            assert all("DejaVu" in name for name in font_names(embedded))
        monkeypatch.setattr(document_module, "DEJAVU_REGULAR", Path("/nonexistent/DejaVuSans.ttf"))
        assert document_module.font_files() is None
        core = document_module.render_pdf(built)
    text = flat(pdf_text(core))
    assert 'Ikuti "pelatihan" - Bahasa Aceh ?.' in text
    assert "Siti Rahmawati" in text and "19860926 201505 2 001" in text and doc.code in text
    assert {"/Helvetica", "/Helvetica-Bold"} <= set(font_names(core))
    assert not any("DejaVu" in name for name in font_names(core))
    db.session.rollback()


def font_names(data: bytes) -> list[str]:
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].get_object()
    return [str(ref.get_object()["/BaseFont"]) for ref in fonts.values()]


def test_latin1_transliteration():
    assert document_module.latin1("Āceh – “ok” … é ß 漢") == 'Aceh - "ok" ... é ß ?'


def test_a_superseded_version_says_so(w, doc, client, login):
    evaluation = doc.evaluation
    services.reopen(w.users["admin"], evaluation, "Salah pilih rating perilaku", now=NOW)
    services.finalise(w.users["bambang"], w.employee, w.phase, {**RATINGS, "behaviour_rating": rules.ABOVE},
                      today=TODAY, now=NOW + dt.timedelta(hours=1), distribution_note="Satu pegawai.")
    newer = services.release(w.users["bambang"], evaluation, today=TODAY, now=NOW + dt.timedelta(hours=1))
    db.session.commit()
    login(w.users["siti"])
    old_text = flat(pdf_text(client.get(f"/evaluasi/dokumen/{doc.id}/pdf").data))
    assert "DIGANTI" in old_text and "versi 2" in old_text
    new_text = flat(pdf_text(client.get(f"/evaluasi/dokumen/{newer.id}/pdf").data))
    assert "DIGANTI" not in new_text and "Versi 2" in new_text and "Sangat Baik" in new_text
    html = client.get(f"/evaluasi/dokumen/{doc.id}").get_data(as_text=True)
    assert "DIGANTI" in html and "versi 2" in html
    assert f'href="/evaluasi/dokumen/{newer.id}"' in html  # a way to the current version
    assert "DIGANTI" not in client.get(f"/evaluasi/dokumen/{newer.id}").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# The printable page


def test_the_page_shows_the_same_facts_with_a_print_stylesheet(w, doc, client, login):
    login(w.users["siti"])
    response = client.get(f"/evaluasi/dokumen/{doc.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = flat(re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")
    for fact in facts(w, doc):
        assert fact in text, fact
    assert "/static/css/print-evaluation.css" in html
    assert "data-print" in html and f'href="/evaluasi/dokumen/{doc.id}/pdf"' in html
    assert document_module.qr_svg_data_uri(f"http://localhost/verifikasi/{doc.code}") in html
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html
    # The employee may confirm receipt from here (the lead's acknowledge endpoint).
    assert f'action="/evaluasi/dokumen/{doc.id}/terima"' in html
    css = (Path(__file__).resolve().parents[2] / "static/css/print-evaluation.css").read_text()
    assert "@media print" in css and "size: A4" in css


# ---------------------------------------------------------------------------------------------------------
# Who may see it (404 for everyone else, as for appeals: a colleague cannot confirm that a document exists)

MATRIX = [
    ("siti", 200),  # the employee, released
    ("bambang", 200),  # the assessor
    ("dewi", 200),  # the assessor's superior
    ("hendra", 200),  # the unit head above
    ("admin", 200),
    ("auditor", 200),
    ("rudi", 404),  # a colleague in the same seksi
    ("yusuf", 404),  # the head of another OPD
]


@pytest.mark.parametrize("suffix", ["", "/pdf"], ids=["html", "pdf"])
@pytest.mark.parametrize(("who", "status"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access(w, doc, client, login, who, status, suffix):
    login(w.users[who])
    assert client.get(f"/evaluasi/dokumen/{doc.id}{suffix}").status_code == status


@pytest.mark.parametrize("suffix", ["", "/pdf"], ids=["html", "pdf"])
def test_the_employee_sees_nothing_while_the_evaluation_is_not_released(w, doc, client, login, suffix):
    services.reopen(w.users["admin"], doc.evaluation, "Koreksi rating", now=NOW)  # back to draft, document kept
    db.session.commit()
    login(w.users["siti"])
    assert client.get(f"/evaluasi/dokumen/{doc.id}{suffix}").status_code == 404
    login(w.users["bambang"])
    assert client.get(f"/evaluasi/dokumen/{doc.id}{suffix}").status_code == 200


@pytest.mark.parametrize("suffix", ["", "/pdf"], ids=["html", "pdf"])
def test_anonymous_is_sent_to_sign_in_and_a_missing_document_is_404(w, doc, client, login, suffix):
    response = client.get(f"/evaluasi/dokumen/{doc.id}{suffix}")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    login(w.users["admin"])
    assert client.get(f"/evaluasi/dokumen/{doc.id + 999}{suffix}").status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Public verification


def secrets_of(w, document) -> list[str]:
    """Nothing of the person or the rating may appear on the public page."""
    people = [w.employee, w.assessor, w.decider]
    return [
        *(p.nama for p in people), *(p.nip for p in people), *(format_nip(p.nip) for p in people),
        "Analis Kurikulum", "Seksi Kurikulum SD", "Dinas Pendidikan", "Kepala Seksi", "Penata",
        *(str(label) for label in services.RATING_LABELS.values()),
        *(str(label) for label in services.PREDIKAT_LABELS.values()),
        *(str(label) for label in services.UNIT_RATING_LABELS.values()),
        "Triwulan", NOTE, RESULT_REASON, BASIS,
    ]


def assert_leaks_nothing(w, document, html):
    for secret in secrets_of(w, document):
        assert secret not in html, secret


def test_verification_of_a_current_document(w, doc, client):
    response = client.get(f"/verifikasi/{doc.code}")  # anonymous: no login needed
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = flat(re.sub(r"<[^>]+>", " ", html))
    assert "Dokumen asli" in text and "Ini versi terbaru dokumen." in text
    assert doc.fingerprint[:16] in text and doc.fingerprint[:17] not in text
    assert "10 November 2026" in text and re.search(r"Versi\s+1\b", text)
    assert_leaks_nothing(w, doc, html)


@pytest.mark.parametrize("typed", ["{lower}", "{compact}", "{spaced}", "  {lower}  "])
def test_verification_accepts_lower_case_without_dashes_or_with_spaces(doc, client, typed):
    code = doc.code
    value = typed.format(lower=code.lower(), compact=code.replace("-", "").lower(), spaced=code.replace("-", " "))
    by_form = client.get("/verifikasi", query_string={"kode": value})
    assert by_form.status_code == 200 and "Dokumen asli" in by_form.get_data(as_text=True)
    by_path = client.get(f"/verifikasi/{value.strip().replace(' ', '%20')}")
    assert by_path.status_code == 200 and code in by_path.get_data(as_text=True)


def test_verification_of_a_superseded_document(w, doc, client, login):
    evaluation = doc.evaluation
    services.reopen(w.users["admin"], evaluation, "Koreksi", now=NOW)
    services.finalise(w.users["bambang"], w.employee, w.phase, {**RATINGS, "behaviour_rating": rules.ABOVE},
                      today=TODAY, now=NOW, distribution_note="Satu pegawai.")
    services.release(w.users["bambang"], evaluation, today=TODAY, now=NOW + dt.timedelta(hours=2))
    db.session.commit()
    response = client.get(f"/verifikasi/{doc.code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Versi ini sudah diganti: ada versi yang lebih baru (versi 2)" in html
    assert "Ini versi terbaru" not in html
    assert_leaks_nothing(w, doc, html)


def test_verification_of_a_document_whose_evaluation_was_reopened(w, doc, client):
    """Reopened by BKPSDM for a correction, the last signed version is not yet superseded, but it no longer stands
    as it is: the page must not call it simply valid. After the new release it is superseded as usual."""
    evaluation = doc.evaluation
    services.reopen(w.users["admin"], evaluation, "Koreksi rating perilaku", now=NOW)
    db.session.commit()
    html = client.get(f"/verifikasi/{doc.code}").get_data(as_text=True)
    text = flat(re.sub(r"<[^>]+>", " ", html))
    assert "Sedang dikoreksi" in text and "BKPSDM sedang mengoreksi penilaian ini" in text
    assert "Berlaku" not in text and "Ini versi terbaru dokumen." not in text
    assert_leaks_nothing(w, doc, html)
    assert "Koreksi rating perilaku" not in html  # the reason stays inside the portal
    services.finalise(w.users["bambang"], w.employee, w.phase, {**RATINGS, "behaviour_rating": rules.ABOVE},
                      today=TODAY, now=NOW, distribution_note="Satu pegawai.")
    services.release(w.users["bambang"], evaluation, today=TODAY, now=NOW + dt.timedelta(hours=2))
    db.session.commit()
    text = flat(re.sub(r"<[^>]+>", " ", client.get(f"/verifikasi/{doc.code}").get_data(as_text=True)))
    assert "Versi ini sudah diganti" in text and "Sedang dikoreksi" not in text


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKLM", "abcdefghjkl", "ABCD-EFGH-JKL0", "<b>x</b>", "x" * 500,
                                  "ABCD/EFGH/JKLM"])
def test_unknown_and_malformed_codes_get_the_same_answer(w, doc, client, code):
    first = client.get("/verifikasi", query_string={"kode": code})
    second = client.get(f"/verifikasi/{code}")
    for response in (first, second):
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "Kode tidak dikenal" in html and "<b>x</b>" not in html
        assert_leaks_nothing(w, doc, html)
    unknown = client.get("/verifikasi", query_string={"kode": "ZZZZ-ZZZZ-ZZZZ"}).get_data(as_text=True)
    shape = first.get_data(as_text=True)

    def strip(html: str) -> str:  # the page's content but the echoed input
        main = html[html.index("<main"):html.index("</main>")]
        return re.sub(r'name="kode" value="[^"]*"', "", main)

    assert strip(shape) == strip(unknown)


def test_a_changed_snapshot_is_not_confirmed(w, doc, client):
    db.session.execute(update(EvaluationDocument).where(EvaluationDocument.id == doc.id).values(
        snapshot={**doc.snapshot, "predikat": rules.SANGAT_BAIK}))
    db.session.commit()
    html = client.get(f"/verifikasi/{doc.code}").get_data(as_text=True)
    assert "Dokumen tidak dapat dipastikan utuh" in html and "Dokumen asli" not in html


def test_the_form_works_without_a_code_and_is_not_counted(client):
    response = client.get("/verifikasi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'method="get"' in html and 'name="kode"' in html
    assert "Kode tidak dikenal" not in html
    assert db.session.scalar(select(db.func.count(VerificationLookup.id))) == 0


def test_verification_is_rate_limited_per_address(w, doc, client, app):
    mine = {"REMOTE_ADDR": "203.0.113.7"}
    limit = app.config["VERIFY_MAX_LOOKUPS"]
    assert limit == 30
    for n in range(limit):
        url = f"/verifikasi/{doc.code}" if n % 2 else "/verifikasi/ZZZZ-ZZZZ-ZZZZ"
        assert client.get(url, environ_base=mine).status_code in (200, 404), n
    blocked = client.get(f"/verifikasi/{doc.code}", environ_base=mine)
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Terlalu banyak pemeriksaan" in html and int(blocked.headers["Retry-After"]) > 0
    assert doc.fingerprint[:16] not in html
    assert client.get("/verifikasi", query_string={"kode": doc.code}, environ_base=mine).status_code == 429
    # Another address is not affected; the blocked one may look up again once the window has passed.
    assert client.get(f"/verifikasi/{doc.code}", environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 200
    db.session.execute(update(VerificationLookup).values(at=VerificationLookup.at - dt.timedelta(minutes=11)))
    db.session.commit()
    assert client.get(f"/verifikasi/{doc.code}", environ_base=mine).status_code == 200
    # Old rows are pruned on the way.
    assert db.session.scalar(select(db.func.count(VerificationLookup.id))) == 1


def test_ipv6_clients_are_counted_per_64_network():
    key = verification.client_key
    assert key("2001:db8:1:2:aaaa::1") == key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert key("203.0.113.7") == "203.0.113.7" and key("::ffff:203.0.113.7") == "203.0.113.7"
    assert key(None) == "-"


def test_normalise_code():
    norm = verification.normalise_code
    assert norm("abcd-efgh-jklm") == norm("ABCDEFGHJKLM") == norm(" abcd efgh jklm ") == "ABCD-EFGH-JKLM"
    assert norm("ABCD-EFGH-JKL") is None and norm("ABCD-EFGH-JKLMN") is None
    assert norm("ABCD-EFGH-JKL1") is None  # 1, 0, I and O are not in the alphabet
    assert norm("") is None and norm(None) is None and norm("A" * 65) is None


def test_window_label_and_filename(app):
    with app.test_request_context():
        assert document_module.window_label("Evaluasi Periodik Triwulan III") == "Triwulan III"
        assert document_module.window_label("Evaluasi Tahunan") == "Tahunan"
        assert document_module.window_label("Periodic Evaluation Quarter II") == "Quarter II"
        assert document_module.pdf_filename(
            {"pegawai": {"nip": "19860926 201505 1 001"}, "periode": {"tahun": 2026, "jendela": "Evaluasi Tahunan"}},
            3) == "evaluasi-198609262015051001-2026-tahunan-v3.pdf"
        assert document_module.pdf_filename({"pegawai": {"nip": '"; rm -rf'}, "periode": {"jendela": "../x"}},
                                            1) == "evaluasi-pegawai-tahun-x-v1.pdf"


def test_the_verification_page_opens_for_a_user_who_must_change_the_password(client, login):
    """A public page stays public for a signed-in account that still has to choose a new password."""
    user = factories.make_user(must_change_password=True)
    login(user)
    response = client.get("/verifikasi")
    assert response.status_code == 200 and "/akun/kata-sandi" not in response.headers.get("Location", "")
