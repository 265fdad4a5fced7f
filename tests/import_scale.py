"""A regency's whole staff list through the import: `python -m tests.import_scale` (or `make import-scale`).

Generates a realistic SIASN/SIMPEG-style workbook of 20,000 rows (OPDs with sekretariat, bidang and seksi,
kecamatan and kelurahan, schools and puskesmas; the jenis jabatan written as exports write it - "Fungsional",
"JF", "Fungsional Tertentu", "Pelaksana", "JFU", "Struktural" or blank - with the level in the jabatan name;
golongan as "3a", "III-a", "Penata Muda Tk.I - III/b"; titles inside NAMA; NI PPPK teachers with golongan IX;
a few bad rows, some of them heads of sections), then on a fresh database - SQLite, then a PostgreSQL server
started in a temporary folder - uploads it, runs the dry run and confirms, as the web screens do. Prints the
time of each step and the peak memory of the dry run and of the confirm (tracemalloc, in a second pass so that
its overhead does not inflate the timings), and exits non-zero when dry run + confirm take longer than the
target (30 s) on either database.

    python -m tests.import_scale                      # 20,000 rows, SQLite and PostgreSQL
    python -m tests.import_scale --rows 5000 --db sqlite --no-memory
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from portal.demo import FEMALE_FIRST, FEMALE_SURNAMES, MALE_FIRST, SURNAMES

TARGET_SECONDS = 30.0
HEADERS = ["No", "NIP", "Nama", "Tgl Lahir", "L/P", "Status Pegawai", "Gol/Ruang", "Jabatan", "Jenis Jabatan",
           "Eselon", "Unit Kerja", "OPD", "NIP Atasan", "Email"]
TODAY = dt.date(2026, 11, 23)

# How exports spell the jenis of each kind of row (blank included: some exports leave it out).
JENIS_SPELLINGS = {
    "fungsional": ["Fungsional", "JF", "Fungsional Tertentu", "Jabatan Fungsional", ""],
    "pelaksana": ["Pelaksana", "JFU", "Fungsional Umum", "Pelaksana", ""],
    "struktural": ["Struktural", "Struktural", "Jabatan Struktural", ""],
}
GOLONGAN_BY_LEVEL = {
    "JPT": ["IV/c", "IV/d"], "ADM": ["IV/a", "IV/b"], "PENGAWAS": ["III/d", "IV/a"],
    "AHLI_MADYA": ["IV/a", "IV/b"], "AHLI_MUDA": ["III/c", "III/d"], "AHLI_PERTAMA": ["III/a", "III/b"],
    "TERAMPIL": ["II/c", "II/d"], "MAHIR": ["III/a", "III/b"], "PELAKSANA": ["II/a", "II/c", "III/a", "III/b"],
}
PANGKAT = {"III/a": "Penata Muda", "III/b": "Penata Muda Tk.I", "III/c": "Penata", "III/d": "Penata Tk.I",
           "IV/a": "Pembina", "IV/b": "Pembina Tk.I", "II/c": "Pengatur", "II/d": "Pengatur Tk.I"}
DINAS = ["Dinas Perhubungan", "Dinas Sosial", "Dinas Pertanian", "Dinas Pekerjaan Umum dan Penataan Ruang",
         "Dinas Lingkungan Hidup", "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Perdagangan",
         "Dinas Koperasi dan Usaha Mikro", "Dinas Pariwisata", "Dinas Perikanan", "Dinas Ketahanan Pangan",
         "Dinas Perumahan dan Kawasan Permukiman", "Dinas Tenaga Kerja", "Dinas Komunikasi dan Informatika",
         "Dinas Pemberdayaan Masyarakat dan Desa", "Dinas Kearsipan dan Perpustakaan",
         "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Badan Perencanaan Pembangunan Daerah",
         "Badan Pengelolaan Keuangan dan Aset Daerah", "Badan Penanggulangan Bencana Daerah",
         "Badan Kesatuan Bangsa dan Politik"]
KECAMATAN = ["Kota", "Sukamaju", "Sukamakmur", "Cibeureum", "Karanganyar", "Sindangsari", "Mekarjaya", "Tanjungsari",
             "Pasirjambu", "Cikalong", "Margahayu", "Rancabali"]
JF_STAFF = [("Analis Kebijakan", ["AHLI_PERTAMA", "AHLI_MUDA"]), ("Pranata Komputer", ["AHLI_PERTAMA", "TERAMPIL"]),
            ("Arsiparis", ["TERAMPIL", "AHLI_PERTAMA"]), ("Perencana", ["AHLI_MUDA", "AHLI_PERTAMA"]),
            ("Analis Sumber Daya Manusia Aparatur", ["AHLI_PERTAMA", "AHLI_MUDA"])]
PELAKSANA_STAFF = ["Pengadministrasi Perkantoran", "Penata Layanan Operasional", "Pengelola Umum Operasional",
                   "Operator Layanan Operasional", "Pengolah Data dan Informasi"]
LEVEL_WORDS = {"AHLI_MADYA": "Ahli Madya", "AHLI_MUDA": "Ahli Muda", "AHLI_PERTAMA": "Ahli Pertama",
               "TERAMPIL": "Terampil", "MAHIR": "Mahir"}
FRONT = ["", "", "", "", "H.", "Hj.", "Drs.", "Dr.", "Ir."]
BACK = ["", "S.E.", "S.Sos.", "S.H.", "S.Kom.", "S.Pd.", "S.Pd., M.Pd.", "S.E., M.M.", "A.Md.", "S.IP., M.Si."]


@dataclass
class Generator:
    rng: random.Random
    rows: list[list] = field(default_factory=list)
    nips: set[str] = field(default_factory=set)
    bad: int = 0

    def nip(self, level: str, gender: int, pppk: bool = False) -> tuple[str, dt.date]:
        years = (1966, 1975) if level in ("JPT", "ADM", "AHLI_MADYA") else (1970, 1998)
        while True:
            birth = dt.date(self.rng.randint(*years), self.rng.randint(1, 12), self.rng.randint(1, 28))
            if pppk:
                middle = f"{self.rng.choice([2021, 2022, 2023])}21"
            else:
                tmt = max(birth.year + 22, 1990) + self.rng.randint(0, 8)
                middle = f"{min(tmt, 2024)}{self.rng.randint(1, 12):02d}"
            nip = f"{birth:%Y%m%d}{middle}{gender}{self.rng.randint(1, 999):03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip, birth

    def name(self, gender: int, front: list[str] = FRONT, back: list[str] = BACK) -> str:
        first = self.rng.choice(MALE_FIRST if gender == 1 else FEMALE_FIRST)
        surnames = [s for s in SURNAMES if (s in FEMALE_SURNAMES) == (gender == 2)] or SURNAMES
        name = f"{first} {self.rng.choice(surnames)}"
        gelar_depan, gelar_belakang = self.rng.choice(front), self.rng.choice(back)
        if gelar_depan == "Hj." and gender == 1:
            gelar_depan = "H."
        if gelar_depan == "H." and gender == 2:
            gelar_depan = "Hj."
        return f"{gelar_depan} {name}".strip() + (f", {gelar_belakang}" if gelar_belakang else "")

    def golongan(self, level: str) -> str:
        """The golongan as exports write it: 'III/a', 'III-a', '3a', '3/a', 'Penata Muda Tk.I - III/b'."""
        code = self.rng.choice(GOLONGAN_BY_LEVEL[level])
        roman, ruang = code.split("/")
        arabic = {"I": 1, "II": 2, "III": 3, "IV": 4}[roman]
        spellings = [code, code, f"{roman}-{ruang}", f"{arabic}{ruang}", f"{arabic}/{ruang.upper()}"]
        if code in PANGKAT:
            spellings.append(f"{PANGKAT[code]} - {code}")
        return self.rng.choice(spellings)

    def add(self, *, jabatan: str, kind: str, level: str, unit: str, opd: str, superior: str | None,
            eselon: str = "", pppk: bool = False, jenis: str | None = None) -> str:
        gender = self.rng.choice([1, 2])
        nip, birth = self.nip(level, gender, pppk)
        if jenis is None:
            jenis = self.rng.choice(JENIS_SPELLINGS[kind])
        golongan = "IX" if pppk else self.golongan(level if level in GOLONGAN_BY_LEVEL else "PELAKSANA")
        email = f"{nip[-6:]}@kab-contoh.example" if self.rng.random() < 0.3 else ""
        self.rows.append([len(self.rows) + 1, nip, self.name(gender), birth.strftime("%d-%m-%Y"),
                          "L" if gender == 1 else "P", "PPPK" if pppk else "PNS", golongan, jabatan, jenis, eselon,
                          unit, opd, superior or "", email])
        return nip

    def spoil(self, nip: str) -> None:
        """Make an existing row unacceptable: a birth date that contradicts its NIP."""
        for row in self.rows:
            if row[1] == nip:
                row[3] = "01-01-1960"
                self.bad += 1
                return

    def office(self, opd: str, head_title: str, sekda: str | None, staff: int) -> None:
        kadis = self.add(jabatan=f"{head_title} {opd}",
                         kind="struktural", level="JPT", unit=opd, opd=opd, superior=sekda, eselon="II.b")
        sekretaris = self.add(jabatan=f"Sekretaris {opd.split(' ')[0]}", kind="struktural", level="ADM",
                              unit="Sekretariat", opd=opd, superior=kadis, eselon="III.a")
        for sub in ("Umum dan Kepegawaian", "Perencanaan dan Keuangan"):
            kasubag = self.add(jabatan=f"Kepala Subbagian {sub}", kind="struktural", level="PENGAWAS",
                               unit=f"Subbagian {sub}", opd=opd, superior=sekretaris, eselon="IV.a")
            self.staff(f"Subbagian {sub}", opd, kasubag, staff // 8)
        for b in ("Perencanaan dan Program", "Pelayanan", "Pengembangan"):
            kabid = self.add(jabatan=f"Kepala Bidang {b}", kind="struktural", level="ADM", unit=f"Bidang {b}",
                             opd=opd, superior=kadis, eselon="III.b")
            for s in ("Data dan Informasi", "Pelaksanaan Kegiatan"):
                kasi = self.add(jabatan=f"Kepala Seksi {s} {b}", kind="struktural", level="PENGAWAS",
                                unit=f"Bidang {b}", opd=opd, superior=kabid, eselon="IV.a")
                self.staff(f"Bidang {b}", opd, kasi, staff // 8)
                if self.rng.random() < 0.04:
                    self.spoil(kasi)  # a rejected head of section: the team below must not sink with it

    def staff(self, unit: str, opd: str, boss: str, count: int) -> None:
        for _ in range(count):
            if self.rng.random() < 0.45:
                family, levels = self.rng.choice(JF_STAFF)
                level = self.rng.choice(levels)
                self.add(jabatan=f"{family} {LEVEL_WORDS[level]}", kind="fungsional", level=level, unit=unit,
                         opd=opd, superior=boss)
            else:
                self.add(jabatan=self.rng.choice(PELAKSANA_STAFF), kind="pelaksana", level="PELAKSANA", unit=unit,
                         opd=opd, superior=boss)

    def school(self, number: int, kabid: str) -> None:
        unit, opd = f"SD Negeri {number} Contoh", "Dinas Pendidikan"
        level = self.rng.choice(["AHLI_MADYA", "AHLI_MUDA"])
        principal = self.add(jabatan=self.rng.choice([f"Guru {LEVEL_WORDS[level]} (Kepala Sekolah)", "Kepala Sekolah"]),
                             kind="fungsional", level=level, unit=unit, opd=opd, superior=kabid)
        for _ in range(self.rng.randint(8, 14)):
            pppk = self.rng.random() < 0.25
            level = "AHLI_PERTAMA" if pppk else self.rng.choice(["AHLI_PERTAMA", "AHLI_MUDA", "AHLI_MADYA"])
            jabatan = self.rng.choice([f"Guru {LEVEL_WORDS[level]}", f"Guru {LEVEL_WORDS[level]}", "Guru Kelas"])
            self.add(jabatan=jabatan, kind="fungsional", level=level, unit=unit, opd=opd, superior=principal, pppk=pppk)
        self.add(jabatan="Pengadministrasi Perkantoran", kind="pelaksana", level="PELAKSANA", unit=unit, opd=opd,
                 superior=principal)

    def puskesmas(self, name: str, kabid: str) -> None:
        unit, opd = f"Puskesmas {name}", "Dinas Kesehatan"
        head = self.add(jabatan=self.rng.choice(["Kepala UPT Puskesmas", "Dokter Ahli Madya (Kepala Puskesmas)"]),
                        kind="fungsional", level="AHLI_MADYA", unit=unit, opd=opd, superior=kabid)
        for family, levels, count in (("Perawat", ["TERAMPIL", "AHLI_PERTAMA", "MAHIR"], 14),
                                      ("Bidan", ["TERAMPIL", "AHLI_PERTAMA"], 10), ("Dokter", ["AHLI_MUDA"], 3),
                                      ("Apoteker", ["AHLI_PERTAMA"], 1)):
            for _ in range(count):
                level = self.rng.choice(levels)
                self.add(jabatan=f"{family} {LEVEL_WORDS[level]}", kind="fungsional", level=level, unit=unit,
                         opd=opd, superior=head)

    def kecamatan(self, name: str, sekda: str) -> None:
        opd = f"Kecamatan {name}"
        camat = self.add(jabatan=f"Camat {name}", kind="struktural", level="ADM", unit=opd, opd=opd, superior=sekda,
                         eselon="III.a")
        for seksi in ("Pemerintahan", "Kesejahteraan Sosial", "Ketentraman dan Ketertiban Umum"):
            kasi = self.add(jabatan=f"Kepala Seksi {seksi}", kind="struktural", level="PENGAWAS", unit=opd, opd=opd,
                            superior=camat, eselon="IV.a")
            self.staff(opd, opd, kasi, 4)
        for k in range(3):
            kelurahan = f"Kelurahan {name} {'ABC'[k]}"
            lurah = self.add(jabatan=f"Lurah {name} {'ABC'[k]}", kind="struktural", level="PENGAWAS", unit=kelurahan,
                             opd=opd, superior=camat, eselon="IV.a")
            self.staff(kelurahan, opd, lurah, 5)


def generate(rows: int = 20_000, seed: int = 13) -> list[list]:
    """About ``rows`` rows of a regency's staff list (exactly ``rows``: the schools fill up the rest)."""
    gen = Generator(random.Random(seed))
    sekda = gen.add(jabatan="Sekretaris Daerah", kind="struktural", level="JPT", unit="Sekretariat Daerah",
                    opd="Sekretariat Daerah", superior=None, eselon="II.a")
    gen.add(jabatan="Inspektur", kind="struktural", level="JPT", unit="Inspektorat", opd="Inspektorat",
            superior=sekda, eselon="II.b")
    for opd in DINAS:
        gen.office(opd, "Kepala", sekda, staff=rows // 120)
    for name in KECAMATAN:
        gen.kecamatan(name, sekda)
    gen.office("Dinas Kesehatan", "Kepala", sekda, staff=rows // 120)
    kabid_kes = next(r[1] for r in gen.rows if r[7] == "Kepala Bidang Pelayanan" and r[11] == "Dinas Kesehatan")
    for n in range(max(1, rows // 700)):
        gen.puskesmas(f"{KECAMATAN[n % len(KECAMATAN)]} {n + 1}", kabid_kes)
    gen.office("Dinas Pendidikan", "Kepala", sekda, staff=rows // 120)
    kabid_dik = next(r[1] for r in gen.rows if r[7] == "Kepala Bidang Pelayanan" and r[11] == "Dinas Pendidikan")
    number = 1
    while len(gen.rows) < rows:
        gen.school(number, kabid_dik)
        number += 1
    del gen.rows[rows:]
    # A few more rows a human must look at: an impossible birth date, an unknown superior.
    for index in gen.rng.sample(range(len(gen.rows)), max(1, rows // 1000)):
        gen.rows[index][12] = "19700101" + "199001" + "1" + "999"
    return gen.rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    """A streamed workbook (openpyxl write-only): NIPs as text, as SIASN exports write them."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Pegawai")
    sheet.append(["DAFTAR NOMINATIF PEGAWAI KABUPATEN CONTOH"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _server_cpu(db) -> float:
    """CPU seconds used so far by this session's PostgreSQL backend process (0 on SQLite, which runs in ours).

    The machine is shared: elapsed time depends on what else runs, CPU time much less. On PostgreSQL the work
    is split between this process and the server's backend, so both are counted.
    """
    if db.engine.dialect.name != "postgresql":
        return 0.0
    from sqlalchemy import text

    pid = db.session.execute(text("select pg_backend_pid()")).scalar()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(database_url: str, rows: int, folder: Path, memory: bool) -> dict:
    """Upload, dry run and confirm the generated workbook on an empty schema; returns timings (and peaks)."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    from portal import create_app
    from portal.extensions import db
    from portal.imports import services
    from portal.org.reference import seed_reference_data

    path = folder / f"pegawai-{rows}.xlsx"
    if not path.exists():
        write_xlsx(path, generate(rows))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "scale",
                      "UPLOAD_FOLDER": str(folder / "uploads")})
    result: dict = {"file_mb": path.stat().st_size / 2**20}
    uploads = folder / "uploads"
    with app.app_context():
        for attempt in ("timing", "memory") if memory else ("timing",):
            db.session.remove()  # no open transaction may hold a lock the DROP waits for
            db.drop_all()
            db.create_all()
            seed_reference_data()
            db.session.commit()
            batch = services.store_upload(path.read_bytes(), path.name, actor=None, upload_root=uploads)
            db.session.commit()
            steps = {"dry_run": lambda b=batch, up=uploads: services.run_dry_run(b, b.mapping, actor=None,
                                                                                 upload_root=up, today=TODAY),
                     "confirm": lambda b=batch, up=uploads: services.commit_batch(b, actor=None, upload_root=up,
                                                                                  today=TODAY)}
            for name, step in steps.items():
                gc.collect()
                if attempt == "memory":
                    tracemalloc.start()
                server_cpu = _server_cpu(db)
                started, cpu = time.perf_counter(), time.process_time()
                step()
                db.session.commit()
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                if attempt == "memory":
                    result[f"{name}_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
                    tracemalloc.stop()
                else:
                    result[f"{name}_s"] = elapsed
                    result[f"{name}_cpu"] = cpu + (_server_cpu(db) - server_cpu)
            summary = batch.summary or {}
            result["summary"] = {k: summary.get(k) for k in ("create", "update", "unchanged", "rejected",
                                                             "warnings")}
            result["warning_kinds"] = summary.get("warning_kinds")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="portal-import-scale-") as tmp:
        folder = Path(tmp)
        backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
        for backend in backends:
            server = None
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'scale.db'}"
            else:
                from tests.pg import PostgresServer

                server = PostgresServer()
                url = server.start()
            try:
                result = run(url, args.rows, folder, memory=not args.no_memory)
            finally:
                if server is not None:
                    server.stop()
            total = result["dry_run_s"] + result["confirm_s"]
            cpu = result["dry_run_cpu"] + result["confirm_cpu"]
            print(f"{backend}: {args.rows:,} rows ({result['file_mb']:.1f} MB): dry run {result['dry_run_s']:.1f} s "
                  f"(CPU {result['dry_run_cpu']:.1f} s), confirm {result['confirm_s']:.1f} s "
                  f"(CPU {result['confirm_cpu']:.1f} s), together {total:.1f} s elapsed, {cpu:.1f} s CPU "
                  f"(target {TARGET_SECONDS:.0f} s)")
            if "dry_run_peak_mb" in result:
                print(f"{backend}: peak memory (tracemalloc): dry run {result['dry_run_peak_mb']:.0f} MiB, "
                      f"confirm {result['confirm_peak_mb']:.0f} MiB")
            print(f"{backend}: outcome {result['summary']}")
            print(f"{backend}: warnings by kind {result['warning_kinds']}", flush=True)
            # CPU time: on a shared machine the elapsed time measures the neighbours as much as the import.
            failed |= cpu > TARGET_SECONDS
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
