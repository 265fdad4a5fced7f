"""Demo regency and scale data: ``flask demo``, ``flask demo-logins``, ``flask seed-scale``.

``flask demo`` loads "Kabupaten Contoh", a fictional regency of ~150 employees with a realistic org chart
(OPD -> bidang/seksi, schools, puskesmas), a delegated assessor (a school principal who is a JF), a Plt for a
vacant head position, PPPK staff and a few inactive employees, plus the demo accounts of ``DEMO_LOGINS``.
Everything is generated from a seeded random generator, so two loads give the same data.

``flask seed-scale`` adds a large regency (20,000 employees by default) with bulk inserts, for benchmarks.

Later features reuse the demo: ``load_demo()`` returns a ``DemoResult`` with the created objects by key
(e.g. ``result.employees["kabid.dikdas"]``), and ``DEMO_LOGINS`` names the accounts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import click
from flask import Flask
from sqlalchemy import bindparam, func, insert, select, update

from portal.auth.models import ROLE_ADMIN, ROLE_AUDITOR, ROLE_PEGAWAI, User
from portal.core import audit
from portal.extensions import db
from portal.org.models import ActingAssignment, Employee, Golongan, Position, PositionType, Unit
from portal.org.reference import seed_reference_data
from portal.org.rules import PNS, PPPK, full_name, parse_nip

REGENCY_NAME = "Kabupaten Contoh"
DEMO_SEED = 2026
EMAIL_DOMAIN = "kab-contoh.example"

# (role label, username, password). The README and `flask demo-logins` print this same table.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("Admin BKPSDM", "admin", "admin-demo-2026"),
    ("Kepala OPD (Kepala Dinas Pendidikan)", "kadis.pendidikan", "contoh-2026"),
    ("Pejabat Penilai Kinerja (Kepala Bidang Pembinaan SD)", "kabid.dikdas", "contoh-2026"),
    ("Pegawai (pelaksana, Bidang Pembinaan SD)", "pegawai", "contoh-2026"),
    ("Auditor (Inspektorat)", "auditor", "contoh-2026"),
]
# username -> stored role (admin/auditor are stored; head and assessor follow from the org chart).
DEMO_ROLES = {"admin": ROLE_ADMIN, "kadis.pendidikan": ROLE_PEGAWAI, "kabid.dikdas": ROLE_PEGAWAI,
              "pegawai": ROLE_PEGAWAI, "auditor": ROLE_AUDITOR}
# username -> key of the demo employee the account belongs to.
DEMO_ACCOUNT_EMPLOYEE = {"admin": "admin", "kadis.pendidikan": "kadis.pendidikan", "kabid.dikdas": "kabid.dikdas",
                         "pegawai": "pegawai", "auditor": "auditor"}


# ---------------------------------------------------------------------------------------------------------
# Names and titles


MALE_FIRST = [
    "Ahmad", "Budi", "Agus", "Dedi", "Eko", "Hendra", "Joko", "Rahmat", "Slamet", "Wahyu", "Yusuf", "Bambang",
    "Dwi", "Fajar", "Hadi", "Irfan", "Kurniawan", "Lukman", "Muhammad", "Nur", "Rizki", "Sigit", "Teguh", "Wawan",
    "Arif", "Bayu", "Catur", "Dimas", "Gilang", "Imam", "Jaka", "Aditya", "Heru", "Sutrisno", "Asep", "Ujang",
    "Dadang", "Yoga", "Rudi", "Andi",
]
FEMALE_FIRST = [
    "Siti", "Sri", "Dewi", "Endang", "Fitri", "Indah", "Lestari", "Nurul", "Rina", "Sari", "Tri", "Wulan",
    "Yuliani", "Ayu", "Diah", "Eka", "Ratna", "Kartika", "Maya", "Novi", "Putri", "Retno", "Susanti", "Wati",
    "Anisa", "Dian", "Erna", "Fatimah", "Hartini", "Ika", "Lina", "Mega", "Nining", "Rahayu", "Euis", "Neneng",
    "Yanti", "Ani", "Tuti", "Desi",
]
SURNAMES = [
    "Santoso", "Wibowo", "Saputra", "Hidayat", "Setiawan", "Pratama", "Nugroho", "Kusuma", "Wijaya", "Susanto",
    "Purnomo", "Hakim", "Firmansyah", "Gunawan", "Hasanah", "Rahmawati", "Lestari", "Handayani", "Permata",
    "Suryani", "Anggraini", "Maharani", "Utami", "Puspitasari", "Wulandari", "Ramadhan", "Syahputra", "Haryanto",
    "Sulistyo", "Mulyadi", "Suherman", "Hermawan", "Kurnia", "Nurhayati", "Fauzi", "Rohman", "Kustini",
    "Sumarni", "Prasetyo", "Adiputra",
]
FEMALE_SURNAMES = {"Hasanah", "Rahmawati", "Lestari", "Handayani", "Permata", "Suryani", "Anggraini", "Maharani",
                   "Utami", "Puspitasari", "Wulandari", "Nurhayati", "Kustini", "Sumarni"}

# profile -> (gelar_depan choices, gelar_belakang choices). Empty string = no title.
TITLES = {
    "pimpinan": (["", "", "Drs.", "Dr.", "H.", "Ir."], ["S.E., M.Si.", "S.Sos., M.AP.", "S.H., M.H.", "S.IP., M.Si.",
                                                         "S.T., M.T.", "S.Pd., M.Pd."]),
    "struktural": (["", "", "", "H."], ["S.E.", "S.Sos.", "S.H.", "S.IP.", "S.AP.", "S.E., M.M.", "S.Kom."]),
    "pelaksana": ([""], ["", "", "", "A.Md.", "S.E.", "S.Kom.", "S.AP."]),
    "guru": ([""], ["S.Pd.", "S.Pd.", "S.Pd., M.Pd.", "S.Pd.SD", "S.Si."]),
    "dokter": (["dr."], ["", "", "M.Kes."]),
    "perawat": (["Ns.", ""], ["S.Kep.", "A.Md.Kep."]),
    "bidan": ([""], ["A.Md.Keb.", "S.Tr.Keb."]),
    "kesehatan": ([""], ["S.K.M.", "A.Md.Farm.", "S.Farm., Apt.", "A.Md.AK."]),
    "teknis": (["", "Ir."], ["S.T.", "A.Md.T.", "S.T., M.T."]),
    "auditor": ([""], ["S.E., Ak.", "S.E., M.Ak.", "S.H."]),
    "it": ([""], ["S.Kom.", "A.Md.Kom.", "S.T."]),
}

# Golongan ranges by position type (PNS), and birth-year ranges so that age fits the level.
GOLONGAN_BY_TYPE = {
    "JPT_PRATAMA": ["IV/b", "IV/c"],
    "ADMINISTRATOR": ["IV/a", "IV/b"],
    "PENGAWAS": ["III/c", "III/d", "IV/a"],
    "AHLI_MADYA": ["IV/a", "IV/b", "IV/c"],
    "AHLI_MUDA": ["III/c", "III/d"],
    "AHLI_PERTAMA": ["III/a", "III/b"],
    "PENYELIA": ["III/c", "III/d"],
    "MAHIR": ["III/a", "III/b", "III/c"],
    "TERAMPIL": ["II/c", "II/d", "III/a"],
    "PEMULA": ["II/a", "II/b"],
    "PELAKSANA": ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b"],
}
BIRTH_YEARS = {
    "JPT_PRATAMA": (1966, 1974),
    "ADMINISTRATOR": (1968, 1980),
    "PENGAWAS": (1972, 1986),
    "AHLI_MADYA": (1966, 1978),
    "AHLI_MUDA": (1974, 1988),
    "AHLI_PERTAMA": (1985, 1998),
    "PELAKSANA": (1970, 1999),
}
# PPPK golongan by education: IX (S1/D4), VII (D3), V (SMA).
PPPK_GOLONGAN_BY_TYPE = {"AHLI_PERTAMA": "IX", "TERAMPIL": "VII", "PELAKSANA": "V"}


class NipFactory:
    """Valid, unique NIP / NI PPPK numbers (DOMAIN.md section 2), checked with ``parse_nip``."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None, today: dt.date | None = None):
        self.rng = rng
        self.taken = taken if taken is not None else set()
        self.today = today or dt.date.today()

    def birth_date(self, years: tuple[int, int]) -> dt.date:
        start = dt.date(years[0], 1, 1)
        span = (dt.date(years[1], 12, 31) - start).days
        return start + dt.timedelta(days=self.rng.randrange(span))

    def make(self, birth: dt.date, gender: str, kind: str = PNS) -> str:
        latest_year = min(self.today.year - 1, 2025)
        if kind == PPPK:
            middle = f"{self.rng.choice([2021, 2022, 2023, 2024])}01"
        else:
            tmt_year = min(birth.year + self.rng.randint(22, 30), latest_year)
            tmt_year = max(tmt_year, birth.year + 19)
            middle = f"{tmt_year}{self.rng.randint(1, 12):02d}"
        prefix = f"{birth:%Y%m%d}{middle}{'1' if gender == 'L' else '2'}"
        seq = self.rng.randint(1, 40)
        while f"{prefix}{seq:03d}" in self.taken:
            seq += 1
        nip = f"{prefix}{seq:03d}"
        parse_nip(nip, kind, today=self.today)  # never hand out an invalid number
        self.taken.add(nip)
        return nip


@dataclass
class Person:
    """A generated person: name parts, gender, birth date."""

    gelar_depan: str | None
    nama: str
    gelar_belakang: str | None
    gender: str
    birth_date: dt.date

    @property
    def full_name(self) -> str:
        return full_name(self.gelar_depan, self.nama, self.gelar_belakang)


class PersonFactory:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, profile: str, years: tuple[int, int], nips: NipFactory, gender: str | None = None) -> Person:
        rng = self.rng
        gender = gender or rng.choice("LP")
        for _ in range(200):
            first = rng.choice(MALE_FIRST if gender == "L" else FEMALE_FIRST)
            surnames = [s for s in SURNAMES if (s in FEMALE_SURNAMES) == (gender == "P")] or SURNAMES
            nama = f"{first} {rng.choice(surnames)}"
            if rng.random() < 0.2:
                nama = f"{first} {rng.choice(MALE_FIRST if gender == 'L' else FEMALE_FIRST)} {rng.choice(surnames)}"
            if nama not in self.used:
                break
        self.used.add(nama)
        front_choices, back_choices = TITLES[profile]
        front = rng.choice(front_choices)
        if front in ("H.",) and gender == "P":
            front = "Hj."
        back = rng.choice(back_choices)
        return Person(front or None, nama, back or None, gender, nips.birth_date(years))


# ---------------------------------------------------------------------------------------------------------
# The demo regency, described as data


@dataclass
class Staff:
    """``count`` holders of one position in a unit. ``keys`` name some of them for accounts and later issues."""

    position: str
    type_code: str
    count: int = 1
    profile: str = "pelaksana"
    kind: str = PNS
    keys: tuple[str, ...] = ()
    inactive: int = 0  # how many of them are no longer active (retired, moved away)


@dataclass
class Head:
    position: str
    type_code: str
    eselon: str | None
    profile: str = "struktural"
    key: str | None = None
    vacant: bool = False  # no holder: a Plt acts in it (``acting``: key of that employee; default the head above)
    acting: str | None = None
    gender: str | None = None


@dataclass
class UnitSpec:
    name: str
    kind: str
    head: Head | None = None
    staff: list[Staff] = field(default_factory=list)
    children: list[UnitSpec] = field(default_factory=list)
    code: str | None = None
    # A school: the principal is a JF with a tugas tambahan, the delegated assessor of the teachers.
    principal: Staff | None = None


def _sekretariat(key: str | None = None) -> UnitSpec:
    return UnitSpec("Sekretariat", "sekretariat", Head("Sekretaris", "ADMINISTRATOR", "III.a", key=key), children=[
        UnitSpec("Subbagian Umum dan Kepegawaian", "subbagian",
                 Head("Kepala Subbagian Umum dan Kepegawaian", "PENGAWAS", "IV.a"),
                 [Staff("Pengadministrasi Perkantoran", "PELAKSANA", 2),
                  Staff("Pengelola Kepegawaian", "PELAKSANA", 1, kind=PPPK)]),
        UnitSpec("Subbagian Perencanaan dan Keuangan", "subbagian",
                 Head("Kepala Subbagian Perencanaan dan Keuangan", "PENGAWAS", "IV.a"),
                 [Staff("Bendahara", "PELAKSANA", 1), Staff("Analis Keuangan", "PELAKSANA", 1)]),
    ])


def demo_structure() -> list[UnitSpec]:
    """The OPD of Kabupaten Contoh with their sub-units, positions and staff."""
    return [
        UnitSpec("Sekretariat Daerah", "opd", Head("Sekretaris Daerah", "JPT_PRATAMA", "II.a", "pimpinan",
                                                   key="sekda"), code="SETDA", children=[
            UnitSpec("Bagian Organisasi", "bagian", Head("Kepala Bagian Organisasi", "ADMINISTRATOR", "III.a"),
                     [Staff("Analis Kelembagaan", "PELAKSANA", 1)], [
                UnitSpec("Subbagian Kelembagaan dan Analisis Jabatan", "subbagian",
                         Head("Kepala Subbagian Kelembagaan dan Analisis Jabatan", "PENGAWAS", "IV.a"),
                         [Staff("Analis Jabatan", "PELAKSANA", 2)]),
            ]),
            UnitSpec("Bagian Umum", "bagian", Head("Kepala Bagian Umum", "ADMINISTRATOR", "III.a"),
                     [Staff("Pengemudi", "PELAKSANA", 2, inactive=1), Staff("Pengadministrasi Umum", "PELAKSANA", 2)]),
        ]),
        UnitSpec("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "opd",
                 Head("Kepala BKPSDM", "JPT_PRATAMA", "II.b", "pimpinan"), code="BKPSDM", children=[
            _sekretariat(),
            UnitSpec("Bidang Mutasi dan Promosi", "bidang",
                     Head("Kepala Bidang Mutasi dan Promosi", "ADMINISTRATOR", "III.b"),
                     [Staff("Analis Sumber Daya Manusia Aparatur Ahli Muda", "AHLI_MUDA", 1, "struktural",
                            keys=("admin",)),
                      Staff("Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA", 2, "struktural"),
                      Staff("Pengelola Data Kepegawaian", "PELAKSANA", 2, "it")]),
            UnitSpec("Bidang Pengembangan Kompetensi dan Penilaian Kinerja", "bidang",
                     Head("Kepala Bidang Pengembangan Kompetensi dan Penilaian Kinerja", "ADMINISTRATOR", "III.b"),
                     [Staff("Analis Kinerja", "AHLI_PERTAMA", 2, "struktural"),
                      Staff("Pranata Komputer Ahli Pertama", "AHLI_PERTAMA", 1, "it", kind=PPPK)]),
        ]),
        UnitSpec("Dinas Pendidikan", "opd",
                 Head("Kepala Dinas Pendidikan", "JPT_PRATAMA", "II.b", "pimpinan", key="kadis.pendidikan",
                      gender="L"), code="DISDIK", children=[
            _sekretariat(),
            UnitSpec("Bidang Pembinaan Sekolah Dasar", "bidang",
                     Head("Kepala Bidang Pembinaan Sekolah Dasar", "ADMINISTRATOR", "III.b", key="kabid.dikdas",
                          gender="L"),
                     [Staff("Pengadministrasi Umum", "PELAKSANA", 2, keys=("pegawai",))], [
                UnitSpec("Seksi Kurikulum dan Penilaian SD", "seksi",
                         Head("Kepala Seksi Kurikulum dan Penilaian SD", "PENGAWAS", "IV.a"),
                         [Staff("Pengolah Data Kurikulum", "PELAKSANA", 2)]),
                UnitSpec("Seksi Peserta Didik dan Pembangunan Karakter SD", "seksi",
                         Head("Kepala Seksi Peserta Didik dan Pembangunan Karakter SD", "PENGAWAS", "IV.a"),
                         [Staff("Pengelola Data Peserta Didik", "PELAKSANA", 1)]),
            ]),
            UnitSpec("Bidang Pembinaan Sekolah Menengah Pertama", "bidang",
                     Head("Kepala Bidang Pembinaan Sekolah Menengah Pertama", "ADMINISTRATOR", "III.b"),
                     [Staff("Pengadministrasi Umum", "PELAKSANA", 1)], [
                UnitSpec("Seksi Kurikulum dan Penilaian SMP", "seksi",
                         Head("Kepala Seksi Kurikulum dan Penilaian SMP", "PENGAWAS", "IV.a"),
                         [Staff("Pengolah Data Kurikulum", "PELAKSANA", 1)]),
            ]),
            UnitSpec("SD Negeri 1 Contoh", "sekolah", staff=[
                Staff("Guru Kelas Ahli Pertama", "AHLI_PERTAMA", 4, "guru"),
                Staff("Guru Kelas Ahli Muda", "AHLI_MUDA", 2, "guru"),
                Staff("Guru Ahli Pertama (PPPK)", "AHLI_PERTAMA", 2, "guru", kind=PPPK),
                Staff("Pengadministrasi Sekolah", "PELAKSANA", 1)],
                principal=Staff("Guru Ahli Madya (Kepala Sekolah)", "AHLI_MADYA", 1, "guru", keys=("kepsek.sd1",))),
            UnitSpec("SD Negeri 2 Contoh", "sekolah", staff=[
                Staff("Guru Kelas Ahli Pertama", "AHLI_PERTAMA", 3, "guru"),
                Staff("Guru Kelas Ahli Muda", "AHLI_MUDA", 2, "guru"),
                Staff("Guru Ahli Pertama (PPPK)", "AHLI_PERTAMA", 1, "guru", kind=PPPK)],
                principal=Staff("Guru Ahli Madya (Kepala Sekolah)", "AHLI_MADYA", 1, "guru")),
            UnitSpec("SMP Negeri 1 Contoh", "sekolah", staff=[
                Staff("Guru Mata Pelajaran Ahli Pertama", "AHLI_PERTAMA", 4, "guru"),
                Staff("Guru Mata Pelajaran Ahli Muda", "AHLI_MUDA", 3, "guru", inactive=1),
                Staff("Guru Ahli Pertama (PPPK)", "AHLI_PERTAMA", 2, "guru", kind=PPPK),
                Staff("Pengadministrasi Sekolah", "PELAKSANA", 1)],
                principal=Staff("Guru Ahli Madya (Kepala Sekolah)", "AHLI_MADYA", 1, "guru")),
        ]),
        UnitSpec("Dinas Kesehatan", "opd", Head("Kepala Dinas Kesehatan", "JPT_PRATAMA", "II.b", "dokter"),
                 code="DINKES", children=[
            _sekretariat(key="sekretaris.dinkes"),
            UnitSpec("Bidang Pelayanan Kesehatan", "bidang",
                     Head("Kepala Bidang Pelayanan Kesehatan", "ADMINISTRATOR", "III.b", "kesehatan"), [], [
                UnitSpec("Seksi Pelayanan Kesehatan Primer", "seksi",
                         Head("Kepala Seksi Pelayanan Kesehatan Primer", "PENGAWAS", "IV.a", "kesehatan"),
                         [Staff("Administrator Kesehatan Ahli Pertama", "AHLI_PERTAMA", 2, "kesehatan")]),
            ]),
            # Vacant head: the Sekretaris of the Dinas acts as Plt (ActingAssignment).
            UnitSpec("Bidang Pencegahan dan Pengendalian Penyakit", "bidang",
                     Head("Kepala Bidang Pencegahan dan Pengendalian Penyakit", "ADMINISTRATOR", "III.b",
                          vacant=True, acting="sekretaris.dinkes"), [], [
                UnitSpec("Seksi Surveilans dan Imunisasi", "seksi",
                         Head("Kepala Seksi Surveilans dan Imunisasi", "PENGAWAS", "IV.a", "kesehatan"),
                         [Staff("Epidemiolog Kesehatan Ahli Pertama", "AHLI_PERTAMA", 2, "kesehatan"),
                          Staff("Pengelola Imunisasi", "PELAKSANA", 1)]),
            ]),
            UnitSpec("Puskesmas Kota", "puskesmas",
                     Head("Kepala UPT Puskesmas Kota", "PENGAWAS", "IV.a", "dokter"),
                     [Staff("Dokter Ahli Pertama", "AHLI_PERTAMA", 2, "dokter"),
                      Staff("Perawat Ahli Pertama", "AHLI_PERTAMA", 3, "perawat"),
                      Staff("Perawat Terampil", "TERAMPIL", 2, "perawat", kind=PPPK),
                      Staff("Bidan Terampil", "TERAMPIL", 2, "bidan"),
                      Staff("Asisten Apoteker Terampil", "TERAMPIL", 1, "kesehatan"),
                      Staff("Pengadministrasi Umum", "PELAKSANA", 1, kind=PPPK)]),
            UnitSpec("Puskesmas Sukamaju", "puskesmas",
                     Head("Kepala UPT Puskesmas Sukamaju", "PENGAWAS", "IV.a", "dokter"),
                     [Staff("Dokter Ahli Pertama", "AHLI_PERTAMA", 1, "dokter"),
                      Staff("Perawat Ahli Pertama", "AHLI_PERTAMA", 2, "perawat"),
                      Staff("Bidan Terampil", "TERAMPIL", 2, "bidan"),
                      Staff("Sanitarian Terampil", "TERAMPIL", 1, "kesehatan")]),
        ]),
        UnitSpec("Dinas Perhubungan", "opd", Head("Kepala Dinas Perhubungan", "JPT_PRATAMA", "II.b", "pimpinan"),
                 code="DISHUB", children=[
            _sekretariat(),
            UnitSpec("Bidang Lalu Lintas", "bidang",
                     Head("Kepala Bidang Lalu Lintas", "ADMINISTRATOR", "III.b", "teknis"), [], [
                UnitSpec("Seksi Manajemen dan Rekayasa Lalu Lintas", "seksi",
                         Head("Kepala Seksi Manajemen dan Rekayasa Lalu Lintas", "PENGAWAS", "IV.a", "teknis"),
                         [Staff("Penguji Kendaraan Bermotor Terampil", "TERAMPIL", 2, "teknis"),
                          Staff("Petugas Lalu Lintas", "PELAKSANA", 3, kind=PPPK)]),
            ]),
            UnitSpec("Bidang Angkutan", "bidang",
                     Head("Kepala Bidang Angkutan", "ADMINISTRATOR", "III.b", "teknis"),
                     [Staff("Pengelola Angkutan", "PELAKSANA", 2)]),
        ]),
        UnitSpec("Dinas Kependudukan dan Pencatatan Sipil", "opd",
                 Head("Kepala Dinas Kependudukan dan Pencatatan Sipil", "JPT_PRATAMA", "II.b", "pimpinan"),
                 code="DISDUKCAPIL", children=[
            _sekretariat(),
            UnitSpec("Bidang Pelayanan Pendaftaran Penduduk", "bidang",
                     Head("Kepala Bidang Pelayanan Pendaftaran Penduduk", "ADMINISTRATOR", "III.b"),
                     [Staff("Administrator Database Kependudukan Ahli Pertama", "AHLI_PERTAMA", 1, "it")], [
                UnitSpec("Seksi Identitas Penduduk", "seksi",
                         Head("Kepala Seksi Identitas Penduduk", "PENGAWAS", "IV.a"),
                         [Staff("Petugas Pelayanan KTP-el", "PELAKSANA", 3),
                          Staff("Operator Perekaman", "PELAKSANA", 2, kind=PPPK)]),
            ]),
            UnitSpec("Bidang Pelayanan Pencatatan Sipil", "bidang",
                     Head("Kepala Bidang Pelayanan Pencatatan Sipil", "ADMINISTRATOR", "III.b"),
                     [Staff("Pengelola Akta Kelahiran dan Kematian", "PELAKSANA", 3)]),
        ]),
        UnitSpec("Inspektorat Daerah", "opd", Head("Inspektur", "JPT_PRATAMA", "II.b", "auditor"), code="INSPEKTORAT",
                 children=[
            UnitSpec("Inspektur Pembantu Wilayah I", "bidang",
                     Head("Inspektur Pembantu Wilayah I", "ADMINISTRATOR", "III.a", "auditor"),
                     [Staff("Auditor Ahli Muda", "AHLI_MUDA", 1, "auditor", keys=("auditor",)),
                      Staff("Auditor Ahli Pertama", "AHLI_PERTAMA", 2, "auditor")]),
        ]),
    ]


@dataclass
class DemoResult:
    """What ``load_demo`` created, by key, for commands and tests (and later issues) to build on."""

    units: dict[str, Unit] = field(default_factory=dict)  # by name path: "Dinas Pendidikan/Sekretariat"
    employees: dict[str, Employee] = field(default_factory=dict)  # keys from the spec (kadis.pendidikan, plt …)
    users: dict[str, User] = field(default_factory=dict)  # username -> User
    employee_count: int = 0


class DemoBuilder:
    """Builds the demo regency from ``demo_structure()`` with the ORM (about 150 rows: fast enough)."""

    def __init__(self, seed: int = DEMO_SEED, today: dt.date | None = None):
        self.rng = random.Random(seed)
        self.today = today or dt.date.today()
        taken = set(db.session.scalars(select(Employee.nip)))
        self.nips = NipFactory(self.rng, taken, self.today)
        self.people = PersonFactory(self.rng)
        self.golongan = {g.code: g for g in db.session.scalars(select(Golongan))}
        self.types = {t.code: t for t in db.session.scalars(select(PositionType))}
        self.result = DemoResult()
        self.acting: list[tuple[Position, Employee]] = []  # (position, acting employee)

    # -- parts ------------------------------------------------------------------------------------------

    def add_unit(self, spec: UnitSpec, parent, code: str | None):
        unit = Unit(name=spec.name, kind=spec.kind, parent=parent, code=code)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path}{unit.id}/" if parent is not None else f"/{unit.id}/"
        unit.depth = parent.depth + 1 if parent is not None else 0
        return unit

    def add_position(self, unit, name: str, type_code: str, *, eselon: str | None = None, is_head: bool = False):
        position = Position(name=name, unit=unit, position_type=self.types.get(type_code), eselon=eselon,
                            is_head=is_head)
        db.session.add(position)
        return position

    def add_employee(self, unit, position, type_code: str, profile: str, superior, *, kind: str = PNS,
                     gender: str | None = None, active: bool = True):
        years = BIRTH_YEARS.get(type_code, (1975, 1998))
        if kind == PPPK:
            years = (1982, 1998)
        person = self.people.make(profile, years, self.nips, gender)
        if kind == PPPK:
            gol_code = PPPK_GOLONGAN_BY_TYPE.get(type_code, "V")
        else:
            gol_code = self.rng.choice(GOLONGAN_BY_TYPE.get(type_code, GOLONGAN_BY_TYPE["PELAKSANA"]))
        local = person.nama.lower().replace(" ", ".")
        employee = Employee(
            nip=self.nips.make(person.birth_date, person.gender, kind),
            kind=kind,
            gelar_depan=person.gelar_depan,
            nama=person.nama,
            gelar_belakang=person.gelar_belakang,
            gender=person.gender,
            birth_date=person.birth_date,
            golongan=self.golongan.get(gol_code),
            position=position,
            unit=unit,
            superior=superior,
            active=active,
            email=f"{local}@{EMAIL_DOMAIN}",
        )
        db.session.add(employee)
        self.result.employee_count += 1
        return employee

    def build_unit(self, spec: UnitSpec, parent, boss, *, code: str | None, label: str):
        """Create ``spec`` below ``parent``; ``boss`` is the employee the unit head reports to."""
        unit = self.add_unit(spec, parent, code)
        self.result.units[label] = unit
        leader = boss  # who the staff of this unit report to
        if spec.head is not None:
            head = spec.head
            position = self.add_position(unit, head.position, head.type_code, eselon=head.eselon, is_head=True)
            if head.vacant:
                # Vacant: a Plt acts in it; the unit's people report to that person meanwhile.
                leader = self.result.employees.get(head.acting, boss) if head.acting else boss
                self.acting.append((position, leader))
                self.result.employees.setdefault("plt", leader)
            else:
                leader = self.add_employee(unit, position, head.type_code, head.profile, boss, gender=head.gender)
                if head.key:
                    self.result.employees[head.key] = leader
        if spec.principal is not None:
            principal_spec = spec.principal
            # The principal is a JF Guru who leads the school as a tugas tambahan: the school's head position.
            position = self.add_position(unit, principal_spec.position, principal_spec.type_code, is_head=True)
            principal = self.add_employee(unit, position, principal_spec.type_code, principal_spec.profile, boss)
            for key in principal_spec.keys:
                self.result.employees[key] = principal
            self.result.employees.setdefault(f"kepsek:{spec.name}", principal)
            leader = principal
        for staff in spec.staff:
            position = self.add_position(unit, staff.position, staff.type_code)
            for i in range(staff.count):
                employee = self.add_employee(unit, position, staff.type_code, staff.profile, leader, kind=staff.kind,
                                             active=i >= staff.inactive)
                if spec.principal is not None:
                    # The principal is a JF: the teachers' assessment is delegated to them (SK Kepala Dinas).
                    employee.delegated_assessor = leader
                if i < len(staff.keys):
                    self.result.employees[staff.keys[i]] = employee
        for n, child in enumerate(spec.children, start=1):
            child_code = f"{code}.{n}" if code else None
            self.build_unit(child, unit, leader, code=child_code, label=f"{label}/{child.name}")
        return unit

    def add_acting(self) -> None:
        start = dt.date(self.today.year, 1, 2)
        for position, employee in self.acting:
            db.session.add(ActingAssignment(employee=employee, position=position, kind="Plt", start_date=start,
                                            note="Plt sampai pejabat definitif dilantik"))

    def add_users(self) -> None:
        for _label, username, password in DEMO_LOGINS:
            employee = self.result.employees.get(DEMO_ACCOUNT_EMPLOYEE.get(username, ""))
            user = User(username=username, role=DEMO_ROLES.get(username, ROLE_PEGAWAI), employee=employee,
                        must_change_password=False)
            user.set_password(password)
            db.session.add(user)
            self.result.users[username] = user

    def build(self) -> DemoResult:
        structure = demo_structure()
        sekda_spec, others = structure[0], structure[1:]
        self.build_unit(sekda_spec, None, None, code=sekda_spec.code, label=sekda_spec.name)
        sekda = self.result.employees["sekda"]
        for spec in others:
            # Kepala OPD are rated by the Sekretaris Daerah.
            self.build_unit(spec, None, sekda, code=spec.code, label=spec.name)
        db.session.flush()
        self.add_acting()
        self.add_users()
        db.session.flush()
        return self.result


def employee_count() -> int:
    return db.session.scalar(select(func.count(Employee.id))) or 0


def load_demo(today: dt.date | None = None) -> DemoResult:
    """Create the demo regency and its accounts in the current transaction (the caller commits)."""
    seed_reference_data()
    result = DemoBuilder(today=today).build()
    audit.record(None, "demo.load", summary=f"Data demo {REGENCY_NAME} dimuat: {result.employee_count} pegawai, "
                                            f"{len(result.units)} unit, {len(result.users)} akun demo")
    db.session.flush()
    return result


def demo_logins_markdown() -> str:
    lines = ["| Role | Login | Password |", "|---|---|---|"]
    lines += [f"| {label} | {username} | {password} |" for label, username, password in DEMO_LOGINS]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Scale data for benchmarks

SCALE_OPD_NAMES = [
    "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial", "Dinas Pertanian", "Dinas Perikanan",
    "Dinas Lingkungan Hidup", "Dinas Pariwisata dan Kebudayaan", "Dinas Perdagangan dan Perindustrian",
    "Dinas Koperasi dan Usaha Mikro", "Dinas Tenaga Kerja", "Dinas Komunikasi dan Informatika",
    "Dinas Pemuda dan Olahraga", "Dinas Perpustakaan dan Kearsipan", "Dinas Penanaman Modal dan PTSP",
    "Dinas Ketahanan Pangan", "Dinas Perumahan dan Kawasan Permukiman", "Dinas Pemberdayaan Masyarakat dan Desa",
    "Dinas Pengendalian Penduduk dan Keluarga Berencana", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
    "Badan Perencanaan Pembangunan Daerah", "Badan Pengelolaan Keuangan dan Aset Daerah", "Badan Pendapatan Daerah",
    "Badan Penanggulangan Bencana Daerah", "Badan Kesatuan Bangsa dan Politik", "Satuan Polisi Pamong Praja",
    "Sekretariat DPRD", "Rumah Sakit Umum Daerah Contoh",
]
SCALE_KECAMATAN = [
    "Sukamaju", "Mekarsari", "Sumberjaya", "Cibening", "Karangrejo", "Tanjungsari", "Wonosari", "Sidomulyo",
    "Pasirjaya", "Margahayu", "Sukasari", "Jatimulya", "Bojongsari", "Gunungsari", "Purwosari", "Tegalsari",
    "Cikarang", "Kedungwaru", "Banyuasri", "Rejosari",
]
SCALE_BIDANG = ["Bidang Perencanaan dan Program", "Bidang Pelayanan", "Bidang Pengembangan dan Pembinaan"]
SCALE_SEKSI = ["Seksi Data dan Informasi", "Seksi Pelaksanaan Kegiatan"]
SCALE_SEKRETARIAT_SUB = ["Subbagian Umum dan Kepegawaian", "Subbagian Perencanaan dan Keuangan"]
SCALE_STAFF_POSITIONS = [
    ("Pengadministrasi Perkantoran", "PELAKSANA", "pelaksana", 0.55),
    ("Analis Kebijakan Ahli Pertama", "AHLI_PERTAMA", "struktural", 0.2),
    ("Pranata Komputer Terampil", "TERAMPIL", "it", 0.1),
    ("Analis Kebijakan Ahli Muda", "AHLI_MUDA", "struktural", 0.15),
]


def _scale_opd_names(count: int, existing: set[str]) -> list[str]:
    names = [n for n in SCALE_OPD_NAMES if n not in existing]
    names += [f"Kecamatan {k}" for k in SCALE_KECAMATAN if f"Kecamatan {k}" not in existing]
    n = 1
    while len(names) < count:
        candidate = f"Kecamatan Contoh {n}"
        if candidate not in existing:
            names.append(candidate)
        n += 1
    return names[:count]


def seed_scale(employees: int = 20000, opd: int = 40, seed: int = 7, today: dt.date | None = None) -> dict:
    """Add a large regency with bulk inserts (no ORM events: ``search_text`` is set here). Caller commits.

    Each OPD gets a Sekretariat with 2 subbagian and 3 bidang with 2 seksi each (12 sub-units), a head for every
    unit (JPT Pratama -> Administrator -> Pengawas) and the remaining staff spread over the sub-units, each staff
    member reporting to the head of their unit. Works on an empty database or next to the demo.
    """
    if employees < 1:
        raise ValueError("employees must be at least 1")
    seed_reference_data()
    rng = random.Random(seed)
    today = today or dt.date.today()
    taken = set(db.session.scalars(select(Employee.nip)))
    nips = NipFactory(rng, taken, today)
    people = PersonFactory(rng)
    people.used = set()
    gol_ids = dict(db.session.execute(select(Golongan.code, Golongan.id)).all())
    type_ids = dict(db.session.execute(select(PositionType.code, PositionType.id)).all())
    existing_roots = set(db.session.scalars(select(Unit.name).where(Unit.parent_id.is_(None))))
    opd_count = max(1, min(opd, employees // 50 or 1))

    # 1. Units, level by level (RETURNING gives the ids in parameter order, so paths can be computed).
    def insert_units(rows: list[dict]) -> list[int]:
        if not rows:
            return []
        return list(db.session.scalars(insert(Unit).returning(Unit.id, sort_by_parameter_order=True), rows))

    roots = [{"name": name, "kind": "kecamatan" if name.startswith("Kecamatan") else "opd", "depth": 0, "path": "/"}
             for name in _scale_opd_names(opd_count, existing_roots)]
    root_ids = insert_units(roots)
    units: list[dict] = []  # {"id", "path", "depth", "parent", "level"}
    level1_rows, level1_meta = [], []
    for rid in root_ids:
        units.append({"id": rid, "path": f"/{rid}/", "depth": 0, "parent": None, "kind": "opd"})
        for name, kind in [("Sekretariat", "sekretariat")] + [(b, "bidang") for b in SCALE_BIDANG]:
            level1_rows.append({"name": name, "kind": kind, "parent_id": rid, "depth": 1, "path": "/"})
            level1_meta.append(rid)
    level1_ids = insert_units(level1_rows)
    level2_rows, level2_meta = [], []
    for uid, rid, row in zip(level1_ids, level1_meta, level1_rows, strict=True):
        units.append({"id": uid, "path": f"/{rid}/{uid}/", "depth": 1, "parent": rid, "kind": row["kind"]})
        names = SCALE_SEKRETARIAT_SUB if row["kind"] == "sekretariat" else SCALE_SEKSI
        for name in names:
            kind = "subbagian" if row["kind"] == "sekretariat" else "seksi"
            level2_rows.append({"name": name, "kind": kind, "parent_id": uid, "depth": 2, "path": "/"})
            level2_meta.append((rid, uid))
    level2_ids = insert_units(level2_rows)
    for uid, (rid, pid), row in zip(level2_ids, level2_meta, level2_rows, strict=True):
        units.append({"id": uid, "path": f"/{rid}/{pid}/{uid}/", "depth": 2, "parent": pid, "kind": row["kind"]})
    table = Unit.__table__
    db.session.execute(
        update(table).where(table.c.id == bindparam("uid")).values(path=bindparam("upath")),
        [{"uid": u["id"], "upath": u["path"]} for u in units],
    )
    unit_by_id = {u["id"]: u for u in units}

    # 2. Positions: one head position per unit, and the staff positions of every sub-unit.
    head_titles = {"opd": ("Kepala", "JPT_PRATAMA", "II.b"), "sekretariat": ("Sekretaris", "ADMINISTRATOR", "III.a"),
                   "bidang": ("Kepala", "ADMINISTRATOR", "III.b"), "subbagian": ("Kepala", "PENGAWAS", "IV.a"),
                   "seksi": ("Kepala", "PENGAWAS", "IV.a")}
    unit_names = {u["id"]: row["name"] for u, row in zip(
        units, [*roots, *level1_rows, *level2_rows], strict=True)}
    position_rows, position_meta = [], []
    for u in units:
        title, type_code, eselon = head_titles[u["kind"]]
        name = title if u["kind"] == "sekretariat" else f"{title} {unit_names[u['id']]}"
        if u["kind"] == "opd" and unit_names[u["id"]].startswith("Kecamatan"):
            name = f"Camat {unit_names[u['id']][len('Kecamatan '):]}"
        position_rows.append({"name": name[:200], "unit_id": u["id"], "position_type_id": type_ids[type_code],
                              "eselon": eselon, "is_head": True})
        position_meta.append(("head", u["id"], type_code))
        if u["depth"] > 0:
            for pname, ptype, _profile, _share in SCALE_STAFF_POSITIONS:
                position_rows.append({"name": pname, "unit_id": u["id"], "position_type_id": type_ids[ptype],
                                      "eselon": None, "is_head": False})
                position_meta.append(("staff", u["id"], ptype))
    position_ids = list(db.session.scalars(
        insert(Position).returning(Position.id, sort_by_parameter_order=True), position_rows))
    head_position = {}
    staff_positions: dict[int, list[tuple[int, str, str, float]]] = {}
    profiles = {p[1]: (p[2], p[3]) for p in SCALE_STAFF_POSITIONS}
    for pid, (what, uid, type_code) in zip(position_ids, position_meta, strict=True):
        if what == "head":
            head_position[uid] = (pid, type_code)
        else:
            profile, share = profiles[type_code]
            staff_positions.setdefault(uid, []).append((pid, type_code, profile, share))

    # 3. Employees: heads level by level (each reports to the head above), then staff.
    remaining = employees

    def employee_row(unit_id: int, position_id: int, type_code: str, profile: str, superior_id: int | None,
                     kind: str = PNS) -> dict:
        years = (1982, 1998) if kind == PPPK else BIRTH_YEARS.get(type_code, (1975, 1998))
        gender = rng.choice("LP")
        first = rng.choice(MALE_FIRST if gender == "L" else FEMALE_FIRST)
        nama = f"{first} {rng.choice(SURNAMES)}"
        front_choices, back_choices = TITLES[profile]
        front = rng.choice(front_choices) or None
        if front == "H." and gender == "P":
            front = "Hj."
        back = rng.choice(back_choices) or None
        birth = nips.birth_date(years)
        nip = nips.make(birth, gender, kind)
        gol = (PPPK_GOLONGAN_BY_TYPE.get(type_code, "V") if kind == PPPK
               else rng.choice(GOLONGAN_BY_TYPE.get(type_code, GOLONGAN_BY_TYPE["PELAKSANA"])))
        return {
            "nip": nip, "kind": kind, "gelar_depan": front, "nama": nama, "gelar_belakang": back, "gender": gender,
            "birth_date": birth, "golongan_id": gol_ids.get(gol), "position_id": position_id, "unit_id": unit_id,
            "superior_id": superior_id, "active": True,
            "search_text": f"{full_name(front, nama, back)} {nip}".lower()[:400],
        }

    head_of: dict[int, int] = {}
    for depth in (0, 1, 2):
        rows, row_units = [], []
        for u in units:
            if u["depth"] != depth or remaining <= 0:
                continue
            pid, type_code = head_position[u["id"]]
            superior = head_of.get(u["parent"]) if u["parent"] else None
            profile = "pimpinan" if depth == 0 else "struktural"
            rows.append(employee_row(u["id"], pid, type_code, profile, superior))
            row_units.append(u["id"])
            remaining -= 1
        if rows:
            ids = db.session.scalars(insert(Employee).returning(Employee.id, sort_by_parameter_order=True), rows)
            head_of.update(zip(row_units, ids, strict=True))

    sub_units = [u for u in units if u["depth"] > 0]
    staff_rows = []
    for i in range(max(remaining, 0)):
        u = sub_units[i % len(sub_units)] if sub_units else units[i % len(units)]
        options = staff_positions.get(u["id"]) or []
        if options:
            pid, type_code, profile, _share = rng.choices(options, weights=[o[3] for o in options])[0]
        else:
            pid, type_code, profile = head_position[u["id"]][0], "PELAKSANA", "pelaksana"
        superior = head_of.get(u["id"]) or head_of.get(unit_by_id[u["id"]]["parent"])
        kind = PPPK if rng.random() < 0.08 and type_code in PPPK_GOLONGAN_BY_TYPE else PNS
        staff_rows.append(employee_row(u["id"], pid, type_code, profile, superior, kind))
    for start in range(0, len(staff_rows), 5000):
        db.session.execute(insert(Employee), staff_rows[start:start + 5000])
    stats = {"units": len(units), "positions": len(position_rows), "employees": len(head_of) + len(staff_rows),
             "opd": len(root_ids)}
    audit.record(None, "demo.seed_scale", summary=f"Data skala dibuat: {stats['employees']} pegawai, "
                                                  f"{stats['units']} unit")
    db.session.flush()
    return stats


# ---------------------------------------------------------------------------------------------------------
# Commands


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when employees already exist.")
def demo_command(if_empty: bool):
    """Load the demo regency Kabupaten Contoh with its demo accounts (one transaction)."""
    existing = employee_count()
    if existing:
        if if_empty:
            click.echo(f"The database already holds {existing} employees: demo not loaded.")
            return
        raise click.ClickException(
            f"The database already holds {existing} employees; the demo is only loaded into an empty database "
            "(use --if-empty to skip silently)."
        )
    from portal.core.timeutil import local_today
    from portal.demo_cycle import DEMO_STAFF_PASSWORD, load_demo_cycle

    try:
        result = load_demo()
        cycle = load_demo_cycle(result, local_today())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Demo {REGENCY_NAME} loaded: {result.employee_count} employees, {len(result.units)} units, "
               f"{len(result.users)} demo accounts (flask demo-logins lists them).")
    click.echo(f"{cycle.period.name}: SKPs in every state, realisation and feedback; every active employee can "
               f"also sign in with their NIP and the password {DEMO_STAFF_PASSWORD}.")


@click.command("demo-logins")
def demo_logins_command():
    """Print the demo accounts as a Markdown table."""
    click.echo(demo_logins_markdown())


@click.command("seed-scale")
@click.option("--employees", default=20000, show_default=True, type=click.IntRange(min=1))
@click.option("--opd", default=40, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=7, show_default=True, help="Random seed (change it to add a second batch).")
def seed_scale_command(employees: int, opd: int, seed: int):
    """Add a large regency (bulk inserts) for benchmarks."""
    import time

    started = time.perf_counter()
    try:
        stats = seed_scale(employees=employees, opd=opd, seed=seed)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Added {stats['employees']} employees in {stats['units']} units ({stats['opd']} OPD) "
               f"in {time.perf_counter() - started:.1f} s.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(demo_logins_command)
    app.cli.add_command(seed_scale_command)
