"""Jenis jabatan and jenjang from an export's (jenis column, jabatan name) pair, row by row of the tables."""

import re

import pytest

from portal.imports import jabatan
from portal.imports.jabatan import below_minimum, derive, golongan_rank, read_eselon, read_jenis, split_duty
from portal.org.reference import PNS_GOLONGAN, POSITION_TYPES

CODES = {code for code, *_rest in POSITION_TYPES}


@pytest.mark.parametrize(("jenis", "name", "eselon", "golongan", "code", "source"), [
    # The jenis column as exports write it, the level in the jabatan name
    ("Fungsional", "Perawat Terampil", None, "II/c", "TERAMPIL", "nama"),
    ("JF", "Guru Ahli Muda", None, "III/c", "AHLI_MUDA", "nama"),
    ("Fungsional Tertentu", "Analis Kebijakan Ahli Pertama", None, "III/a", "AHLI_PERTAMA", "nama"),
    ("Jabatan Fungsional", "Pranata Komputer Mahir", None, "III/a", "MAHIR", "nama"),
    ("JFT", "Bidan Penyelia", None, "III/c", "PENYELIA", "nama"),
    ("", "Arsiparis Pemula", None, "II/a", "PEMULA", "nama"),
    ("", "Widyaiswara Ahli Utama", None, "IV/d", "AHLI_UTAMA", "nama"),
    ("FUNGSIONAL", "Pengawas Sekolah Ahli Madya", None, "IV/b", "AHLI_MADYA", "nama"),
    # Older names still in older exports
    ("Fungsional", "Guru Madya", None, "IV/a", "AHLI_MADYA", "nama"),
    ("", "Dokter Muda", None, "III/c", "AHLI_MUDA", "nama"),
    ("Fungsional", "Perawat Pelaksana Lanjutan", None, "III/a", "MAHIR", "nama"),
    # Pelaksana (formerly fungsional umum)
    ("Pelaksana", "Pengadministrasi Perkantoran", None, "II/c", "PELAKSANA", "kolom"),
    ("JFU", "Pengelola Data", None, "III/a", "PELAKSANA", "kolom"),
    ("Fungsional Umum", "Pengolah Data dan Informasi", None, "II/d", "PELAKSANA", "kolom"),
    ("", "Penata Layanan Operasional", None, "III/a", "PELAKSANA", "nama"),
    ("", "Operator Layanan Operasional", None, "II/a", "PELAKSANA", "nama"),
    # Structural titles
    ("Struktural", "Kepala Seksi Kurikulum dan Penilaian SD", "IV.a", "III/d", "PENGAWAS", "nama"),
    ("Struktural", "Kepala Sub Bagian Umum dan Kepegawaian", None, "III/d", "PENGAWAS", "nama"),
    ("", "Kasubbag Keuangan", None, "III/d", "PENGAWAS", "nama"),
    ("", "Kepala Sub-Bidang Mutasi", None, "III/d", "PENGAWAS", "nama"),
    ("", "Kepala Bidang Mutasi dan Promosi", None, "IV/a", "ADMINISTRATOR", "nama"),
    ("", "Kabid Pelayanan", None, "IV/a", "ADMINISTRATOR", "nama"),
    ("", "Kepala Bagian Organisasi", None, "IV/a", "ADMINISTRATOR", "nama"),
    ("", "Sekretaris Dinas Pendidikan", None, "IV/a", "ADMINISTRATOR", "nama"),
    ("", "Kepala Dinas Pendidikan", None, "IV/c", "JPT_PRATAMA", "nama"),
    ("", "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", None, "IV/c", "JPT_PRATAMA", "nama"),
    ("", "Sekretaris Daerah", None, "IV/d", "JPT_PRATAMA", "nama"),
    ("", "Asisten Pemerintahan dan Kesejahteraan Rakyat", None, "IV/c", "JPT_PRATAMA", "nama"),
    ("", "Staf Ahli Bupati Bidang Hukum dan Politik", None, "IV/c", "JPT_PRATAMA", "nama"),
    ("", "Sekretaris DPRD", None, "IV/c", "JPT_PRATAMA", "nama"),
    ("", "Inspektur", None, "IV/c", "JPT_PRATAMA", "nama"),
    ("", "Inspektur Pembantu Wilayah II", None, "IV/a", "ADMINISTRATOR", "nama"),
    ("", "Camat Kota", None, "IV/a", "ADMINISTRATOR", "nama"),
    ("", "Sekretaris Kecamatan Sukamaju", None, "III/d", "ADMINISTRATOR", "nama"),
    ("", "Lurah Sukamaju", None, "III/d", "PENGAWAS", "nama"),
    ("", "Sekretaris Kelurahan Sukamaju", None, "III/c", "PENGAWAS", "nama"),
    ("", "Plt. Kepala Dinas Kesehatan", None, "IV/b", "JPT_PRATAMA", "nama"),
    ("", "Kepala UPT Puskesmas Sukamaju", None, "III/d", "PENGAWAS", "nama"),
    # A jenis jabatan code written in the column, the name agreeing or saying nothing more
    ("JPT", "Kepala Dinas Sosial", None, "IV/c", "JPT_PRATAMA", "kolom"),
    ("Jabatan Pimpinan Tinggi Pratama", "Kepala Dinas Sosial", None, "IV/c", "JPT_PRATAMA", "kolom"),
    ("Administrator", "Kepala Bidang Anggaran", None, "IV/a", "ADMINISTRATOR", "kolom"),
    ("Pengawas", "Kepala Seksi Data", None, "III/d", "PENGAWAS", "kolom"),
    ("Fungsional Ahli Pertama", "Guru Kelas", None, "III/a", "AHLI_PERTAMA", "kolom"),
    # The eselon when the name does not tell
    ("Struktural", "Direktur RSUD", "III.a", "IV/a", "ADMINISTRATOR", "eselon"),
    ("", "Kepala Kantor Pertanahan", "IIa", "IV/c", "JPT_PRATAMA", "eselon"),
    ("Jabatan Administrasi", "Kepala Kantor Arsip", "4a", "III/d", "PENGAWAS", "eselon"),
    ("Jabatan Administrasi", "Pengelola Barang Milik Daerah", None, "II/c", "PELAKSANA", "kolom"),
    # The jenjang from the golongan: a keahlian-only family, a principal (a JF Guru), or the column's group
    ("JF", "Guru Kelas", None, "III/b", "AHLI_PERTAMA", "golongan"),
    ("", "Guru Kelas", None, "IV/a", "AHLI_MADYA", "golongan"),
    ("", "Guru Kelas", None, "IX", "AHLI_PERTAMA", "golongan"),  # PPPK IX stands with III/a
    ("Fungsional", "Kepala Sekolah", None, "IV/b", "AHLI_MADYA", "golongan"),
    ("", "Kepala SD Negeri 3 Contoh", None, "III/d", "AHLI_MUDA", "golongan"),
    ("Fungsional Keahlian", "Penyuluh Pertanian", None, "III/c", "AHLI_MUDA", "golongan"),
    ("Fungsional Keterampilan", "Perawat", None, "II/c", "TERAMPIL", "golongan"),
])
def test_derive_reads_the_pair_without_a_problem(jenis, name, eselon, golongan, code, source):
    result = derive(jenis, name, eselon, golongan)
    assert (result.code, result.source, result.problem) == (code, source, None)


@pytest.mark.parametrize(("name", "duty", "code"), [
    ("Guru Ahli Madya (Kepala Sekolah)", "Kepala Sekolah", "AHLI_MADYA"),
    ("Guru Ahli Muda dengan tugas tambahan sebagai Kepala Sekolah", "Kepala Sekolah", "AHLI_MUDA"),
    ("Dokter Ahli Madya / Kepala Puskesmas", "Kepala Puskesmas", "AHLI_MADYA"),
    ("Plt. Guru Ahli Madya (Kepala SD Negeri 2 Contoh)", "Kepala SD Negeri 2 Contoh", "AHLI_MADYA"),
    ("Kepala Sekolah", "Kepala Sekolah", "AHLI_MUDA"),  # a principal alone: a Guru, level from III/c
])
def test_a_jf_with_a_tugas_tambahan_keeps_its_jf_level(name, duty, code):
    result = derive("Fungsional", name, None, "III/c")
    assert (result.code, result.duty, result.problem) == (code, duty, None)


@pytest.mark.parametrize(("jenis", "name", "eselon", "golongan", "code", "problem"), [
    # The column and the name disagree: the name (a structural title, a jenjang word) wins, flagged
    ("Pelaksana", "Perawat Terampil", None, "II/c", "TERAMPIL", "conflict"),
    ("Fungsional", "Kepala Seksi Pelayanan", None, "III/d", "PENGAWAS", "conflict"),
    ("Administrator", "Kepala Seksi Data", None, "III/d", "PENGAWAS", "conflict"),
    ("Struktural", "Guru Ahli Muda", None, "III/c", "AHLI_MUDA", "conflict"),
    # A JF whose jenjang cannot be read: Perawat may be Ners (keahlian) or D-III (keterampilan) at III/a;
    # a Puskesmas head may hold any health JF
    ("Fungsional", "Perawat", None, "III/a", None, "no_level"),
    ("Fungsional", "Kepala Puskesmas", None, "IV/a", None, "no_level"),
    ("JF", "Guru Kelas", None, None, None, "no_level"),
    # Nothing to go on
    ("Struktural", "Direktur RSUD", None, "IV/a", None, "unknown"),
    ("", "Perawat", None, "III/a", None, "unknown"),
    ("", "Koordinator Wilayah", None, "III/a", None, "unknown"),
    # A jenis column value nobody knows: the name decides when it can, always flagged
    ("Jabatan Aneh", "Guru Ahli Muda", None, "III/c", "AHLI_MUDA", "unknown_jenis"),
    ("Jabatan Aneh", "Koordinator Wilayah", None, "III/a", None, "unknown_jenis"),
])
def test_derive_flags_only_what_a_human_must_look_at(jenis, name, eselon, golongan, code, problem):
    result = derive(jenis, name, eselon, golongan)
    assert (result.code, result.problem) == (code, problem)


def test_conflict_remembers_what_the_column_said():
    assert derive("Pelaksana", "Perawat Terampil").column_code == "PELAKSANA"


def test_the_reference_tables_own_spellings_come_first():
    known = {"fungsional": "AHLI_PERTAMA"}  # an admin who named a jenis jabatan just "Fungsional"
    assert read_jenis("Fungsional", known) == "AHLI_PERTAMA"
    assert read_jenis("Fungsional") == jabatan.FUNGSIONAL
    assert read_jenis("  ") is None and read_jenis("Jabatan Aneh") == jabatan.UNKNOWN


@pytest.mark.parametrize(("value", "code"), [
    ("II.a", "JPT_PRATAMA"), ("II/b", "JPT_PRATAMA"), ("IIIa", "ADMINISTRATOR"), ("III B", "ADMINISTRATOR"),
    ("4a", "PENGAWAS"), ("IV.b", "PENGAWAS"), ("I.b", "JPT_MADYA"), ("", None), ("Non Eselon", None), ("VI.a", None),
])
def test_read_eselon(value, code):
    assert read_eselon(value) == code


@pytest.mark.parametrize(("name", "expected"), [
    ("Guru Ahli Madya (Kepala Sekolah)", ("Guru Ahli Madya", "Kepala Sekolah")),
    ("Guru Ahli Madya (Wali Kelas)", ("Guru Ahli Madya (Wali Kelas)", None)),  # not a head's title
    ("Kepala Sekolah", ("", "Kepala Sekolah")),
    ("Kepala Seksi Kurikulum", ("Kepala Seksi Kurikulum", None)),
])
def test_split_duty(name, expected):
    assert split_duty(name) == expected


@pytest.mark.parametrize(("code", "golongan", "minimum"), [
    ("JPT_PRATAMA", "II/d", "IV/b"),  # the examples: a typo, not a career
    ("ADMINISTRATOR", "I/a", "III/d"),
    ("JPT_PRATAMA", "IV/c", None),
    ("ADMINISTRATOR", "IV/a", None),
    ("PENGAWAS", "III/b", None),
    ("PENGAWAS", "III/a", "III/b"),
    ("AHLI_MUDA", "III/b", "III/c"),
    ("AHLI_PERTAMA", "IX", None),  # PPPK IX stands with III/a
    ("AHLI_MUDA", "IX", "III/c"),
    ("TERAMPIL", "VII", None),
    ("PELAKSANA", "I/a", None),  # no minimum for pelaksana
    (None, "I/a", None),
    ("JPT_PRATAMA", None, None),
])
def test_below_minimum(code, golongan, minimum):
    assert below_minimum(code, golongan) == minimum


def test_golongan_rank_orders_pns_and_places_pppk_by_equivalent():
    ranks = [golongan_rank(code) for code, _pangkat in PNS_GOLONGAN]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert golongan_rank("IX") == golongan_rank("III/a") and golongan_rank("XVII") == golongan_rank("IV/e")
    assert golongan_rank("Z/z") is None


def test_every_code_in_the_tables_is_a_jenis_jabatan_of_the_reference_data():
    named = {code for _p, code in jabatan.STRUCTURAL_TITLES} | {code for _p, code in jabatan.LEVEL_WORDS}
    named |= {code for _p, code in jabatan.OLD_KEAHLIAN_WORDS} | set(jabatan.ESELON_LEVELS.values())
    named |= {v for v in jabatan.JENIS_COLUMN.values() if v.isupper()} | set(jabatan.MIN_GOLONGAN)
    named |= set(jabatan.KEAHLIAN_BY_GOLONGAN.values()) | set(jabatan.KETERAMPILAN_BY_GOLONGAN.values())
    assert named <= CODES
    for pattern, _code in jabatan.STRUCTURAL_TITLES + jabatan.LEVEL_WORDS:
        re.compile(pattern)
