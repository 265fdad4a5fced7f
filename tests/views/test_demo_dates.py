"""The demo is alive on any date: loaded on days across the year, every demo login's pages open and the 360 shows
a released result and a window whose results wait for it to close. The clock is moved with time-machine, so the
pages see the same day the demo was loaded on."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from portal.assessment.models import ResultRelease
from portal.auth.models import User
from portal.demo import load_demo
from portal.demo_cycle import load_demo_cycle
from portal.evaluation.models import Evaluation
from portal.extensions import db

# January (last year's windows only), just after the first quarter's window, inside a window, the year's end.
DAYS = [dt.date(2026, 1, 12), dt.date(2026, 4, 20), dt.date(2026, 10, 6), dt.date(2026, 12, 31)]
PAGES = {
    "pegawai": ["/", "/skp/", "/penilaian-diri", "/permintaan-umpan-balik", "/evaluasi/saya", "/dialog",
                "/pembinaan", "/pengembangan"],
    "kabid.dikdas": ["/", "/skp/tim", "/360", "/evaluasi", "/keberatan", "/dialog", "/pembinaan", "/konseling",
                     "/pengembangan/tim"],
    "kadis.pendidikan": ["/", "/360/progres", "/evaluasi", "/evaluasi/unit", "/keberatan", "/pengembangan/unit"],
    "admin": ["/", "/periode", "/360/progres", "/evaluasi/terlambat", "/evaluasi/pola-distribusi",
              "/pengembangan/kebutuhan", "/pengembangan/kamus", "/pengembangan/standar"],
    "auditor": ["/", "/admin/audit", "/evaluasi/unit"],
}


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_demo_on_any_date(app, login, day):
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        result = load_demo(today=day)
        cycle = load_demo_cycle(result, day)
        db.session.commit()
        info = cycle.feedback360
        assert info, "no closed evaluation window with 360 input"
        window, pegawai, kasi = info["window"], info["complete"], info["incomplete"]
        assert window.closes_on < day
        assert cycle.previous is not None and cycle.previous.year == day.year - 1

        for username, paths in PAGES.items():
            client = login(result.users[username], app.test_client())
            for path in paths:
                assert client.get(path, follow_redirects=True).status_code == 200, (day, username, path)

        employee = login(result.users["pegawai"], app.test_client())
        released = employee.get(f"/360/{pegawai.id}/{window.id}/hasil").get_data(as_text=True)
        assert "Dirilis" in released and re.search(r"Rekan kerja setingkat: 3 jawaban", released)
        assert db.session.scalar(select(ResultRelease.released_on).where(
            ResultRelease.subject_id == pegawai.id)) == window.closes_on + dt.timedelta(days=1)
        # pegawai still has the Kepala Seksi's questionnaire: the window is reopened for that employee.
        assert kasi.nama in employee.get("/permintaan-umpan-balik").get_data(as_text=True)
        assessor = login(result.users["kabid.dikdas"], app.test_client())
        assert "Hasil belum dirilis" in assessor.get(f"/360/{kasi.id}/{window.id}/hasil").get_data(as_text=True)

        # Evaluations: delivered and appealed (a changed decision, version 2) in the earlier window; final, sent
        # back and overdue drafts in the latest; the Kepala Seksi can be rated now (window reopened for them).
        evaluations = cycle.evaluations
        statuses = set(db.session.scalars(select(Evaluation.status)))
        assert {"diserahkan", "final", "dikembalikan", "draft"} <= statuses
        mine = employee.get("/evaluasi/saya").get_data(as_text=True)
        assert "Dokumen versi 2" in mine and "Diterima" in mine
        kadis = login(result.users["kadis.pendidikan"], app.test_client())
        assert "Menunggu keputusan Anda" in kadis.get("/keberatan").get_data(as_text=True)
        queue = kadis.get(f"/evaluasi?jendela={evaluations['latest'].id}").get_data(as_text=True)
        assert "Sebagai Atasan Pejabat Penilai Kinerja" in queue
        score = assessor.get(f"/evaluasi/{kasi.id}/{evaluations['latest'].id}").get_data(as_text=True)
        assert 'value="finalkan"' in score  # kabid.dikdas can run the whole path now

        # Dialog kinerja: sessions in every state, coaching, a counselling referral only its parties can read.
        dialog = cycle.dialog
        page = employee.get("/dialog").get_data(as_text=True)
        for label in ("Selesai", "Menunggu konfirmasi pegawai", "Dijadwalkan"):
            assert label in page, label
        scheduled = employee.get(f"/dialog/{dialog['scheduled'].id}").get_data(as_text=True)
        assert "Rencana pelatihan pengolahan data" in scheduled  # carried over from the first session
        assert "pertimbangkan mentoring" not in employee.get(f"/dialog/{dialog['confirmed'].id}").get_data(
            as_text=True)  # the assessor's private note
        referral = dialog["referral"]
        counsellor = login(db.session.scalar(select(User).where(User.employee_id == dialog["counsellor"].id)),
                           app.test_client())
        assert "dua minggu sekali" in counsellor.get(f"/konseling/{referral.id}").get_data(as_text=True)
        assert assessor.get(f"/konseling/{referral.id}").status_code == 404

        # Competency development: plans and items in every state, the education office weak in Komunikasi and
        # Mengelola Perubahan, next year's needs for BKPSDM.
        from portal.development.models import DevelopmentItem, DevelopmentPlan

        assert set(db.session.scalars(select(DevelopmentPlan.status))) == {"draft", "diajukan", "disetujui",
                                                                          "dikembalikan"}
        assert set(db.session.scalars(select(DevelopmentItem.status))) == {
            "direncanakan", "disetujui", "berjalan", "selesai", "dibatalkan"}
        mine = employee.get("/pengembangan").get_data(as_text=True)
        for text in ("Pelatihan Komunikasi Efektif", "Berjalan", "Dibatalkan", f"dari rencana {day.year - 1}",
                     "Daftarkan pelatihan spreadsheet", "12 dari 20 JP selesai"):
            assert text in mine, text
        assert "rencana menunggu keputusan Anda" in assessor.get("/pengembangan/tim").get_data(as_text=True)
        heat = kadis.get("/pengembangan/unit").get_data(as_text=True)
        row = re.search(r"<th scope=\"row\">Komunikasi</th>(.*?)</tr>", heat, re.S).group(1)
        cells = [int(n) for n in re.findall(r"<td[^>]*>\s*(?:<a [^>]*>)?(\d+)", row)]
        assert len(cells) == 4 and cells[2] >= 5, cells  # two levels below the standard: many in the office
        admin = login(result.users["admin"], app.test_client())
        needs = admin.get(f"/pengembangan/kebutuhan?tahun={day.year + 1}").get_data(as_text=True)
        assert "Komunikasi" in needs and "Dinas Pendidikan" in needs
        workbook = admin.get(f"/pengembangan/kebutuhan/{day.year + 1}.xlsx")
        assert workbook.status_code == 200 and workbook.data[:2] == b"PK"

        # Monitoring, notifications and Suara Masyarakat (issue 14): the dashboards, a reminder from the dashboard
        # that reached Puskesmas Sukamaju, the Disdukcapil counter's page with moderated and waiting comments.
        for path in ("/monitoring", "/monitoring/kurva", "/monitoring/pengembangan", "/monitoring/tren",
                     "/suara-masyarakat", "/notifikasi"):
            assert admin.get(path).status_code == 200, path
        monitoring = cycle.monitoring
        assert monitoring["reminders"]["skp"].written >= 1
        dukcapil = monitoring["points"]["Dinas Kependudukan dan Pencatatan Sipil"]
        assert "Layanan Administrasi Kependudukan" in app.test_client().get(f"/suara/{dukcapil.code}").get_data(
            as_text=True)
        page = admin.get(f"/suara-masyarakat/{dukcapil.id}").get_data(as_text=True)
        assert "Komentar menunggu moderasi (3)" in page and "Antrean sekarang lebih tertib" in page
        assert "kipas anginnya rusak" not in page and "Budi kasar" not in page  # waiting; rejected
        school = monitoring["points"]["Dinas Pendidikan/SD Negeri 1 Contoh"]
        waiting = kadis.get(f"/suara-masyarakat/{school.id}").get_data(as_text=True)
        assert "Surat keterangan pindah sekolah" in waiting and "Terbitkan" in waiting
        for username in ("kabid.dikdas", "kadis.pendidikan"):
            assert login(result.users[username], app.test_client()).get("/notifikasi").status_code == 200
        principal = login(db.session.scalar(select(User).where(
            User.employee_id == result.employees["kepsek.sd1"].id)), app.test_client())
        from portal.org.models import Employee

        kepsek = result.employees["kepsek.sd1"]
        teacher = db.session.scalar(select(Employee).where(Employee.unit_id == kepsek.unit_id, Employee.id != kepsek.id,
                                                           Employee.active.is_(True)).order_by(Employee.id).limit(1))
        score = principal.get(f"/evaluasi/{teacher.id}/{evaluations['latest'].id}").get_data(as_text=True)
        assert 'id="score-citizen"' in score and "Layanan Sekolah" in score
