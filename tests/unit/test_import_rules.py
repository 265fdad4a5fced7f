"""Pure rules of the staff import: header guessing, value parsers, name splitting, cycles, duplicates."""

import datetime as dt

import pytest

from portal.imports import rules
from portal.imports.rules import (
    Context,
    EmployeeRef,
    UnitRef,
    clean_nip,
    evaluate,
    find_cycles,
    guess_mapping,
    normalize_header,
    parse_date,
    parse_gender,
    parse_golongan,
    split_name,
)
from portal.org.reference import PNS_GOLONGAN, PPPK_GOLONGAN
from portal.org.rules import format_nip

TODAY = dt.date(2026, 11, 23)


# --- headers -------------------------------------------------------------------------------------------


def test_normalize_header():
    assert normalize_header(" Tgl. Lahir ") == "tgllahir"
    assert normalize_header("NIP_ATASAN") == "nipatasan"
    assert normalize_header("L/P") == "lp"


def test_guess_mapping_handles_case_spacing_and_synonyms():
    headers = ["No", "NIP Baru", "Nama Lengkap", "Tgl. Lahir", "L/P", "Gol/Ruang", "Nama Jabatan",
               "Jenis_Jabatan", "Unit Kerja", "SKPD", "NIP Atasan Langsung", "E-mail", "No. HP", "status"]
    mapping = guess_mapping(headers)
    assert mapping == {
        "nip": "NIP Baru", "nama": "Nama Lengkap", "tgl_lahir": "Tgl. Lahir", "jenis_kelamin": "L/P",
        "golongan": "Gol/Ruang", "jabatan": "Nama Jabatan", "jenis_jabatan": "Jenis_Jabatan",
        "unit_kerja": "Unit Kerja", "opd": "SKPD", "nip_atasan": "NIP Atasan Langsung", "email": "E-mail",
        "no_hp": "No. HP", "status_pegawai": "status",
    }


def test_guess_mapping_plain_siasn_headers_and_first_match_wins():
    headers = ["NIP", "NAMA", "GELAR_DEPAN", "GELAR_BELAKANG", "TANGGAL LAHIR", "JENIS_KELAMIN", "GOLONGAN",
               "JABATAN", "OPD", "UNIT_KERJA", "NIP_ATASAN", "nip"]
    mapping = guess_mapping(headers)
    assert mapping["nip"] == "NIP" and mapping["tgl_lahir"] == "TANGGAL LAHIR"
    assert mapping["gelar_depan"] == "GELAR_DEPAN" and mapping["unit_kerja"] == "UNIT_KERJA"
    assert "Keterangan" not in mapping.values()


def test_mapping_problems():
    assert rules.mapping_problems({"nip": "a", "nama": "b", "jabatan": "c", "opd": "d"}) == []
    problems = rules.mapping_problems({"nip": "a", "nama": "b"})
    assert {p["m"] for p in problems} >= {"Kolom untuk %(field)s wajib dipilih.",
                                         "Pilih kolom OPD atau Unit kerja (atau keduanya)."}


# --- values ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    dt.date(1986, 9, 26), dt.datetime(1986, 9, 26, 0, 0), 31681, 31681.0, "31681",
    "26-09-1986", "26/09/1986", "26.09.1986", "1986-09-26", "1986/09/26", "1986-09-26 00:00:00",
    "26 September 1986", "26 september 1986", "26 Sept 1986", "26-Sep-1986", " 26 SEPTEMBER 1986 ",
])
def test_parse_date_formats(value):
    assert parse_date(value) == dt.date(1986, 9, 26)


@pytest.mark.parametrize("text, expected", [
    ("1 Januari 1990", dt.date(1990, 1, 1)), ("29 Februari 1992", dt.date(1992, 2, 29)),
    ("3 Maret 1980", dt.date(1980, 3, 3)), ("17 Agustus 1975", dt.date(1975, 8, 17)),
    ("5 Mei 1988", dt.date(1988, 5, 5)), ("10 Oktober 1970", dt.date(1970, 10, 10)),
    ("12 Nopember 1966", dt.date(1966, 11, 12)), ("31 Desember 1999", dt.date(1999, 12, 31)),
    ("1 Juni 2000", dt.date(2000, 6, 1)), ("7 Juli 2001", dt.date(2001, 7, 7)), ("9 Apr 1985", dt.date(1985, 4, 9)),
])
def test_parse_date_indonesian_month_names(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("value", ["", "kemarin", "31-02-1990", "1986-13-01", "26 Septober 1986", True, 10**7])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("value, expected", [
    ("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("LAKI - LAKI", "L"), ("Pria", "L"), ("1", "L"), (1, "L"),
    (1.0, "L"), ("P", "P"), ("Perempuan", "P"), ("wanita", "P"), ("2", "P"), (2, "P"),
])
def test_parse_gender(value, expected):
    assert parse_gender(value) == expected


@pytest.mark.parametrize("value", ["X", "3", "laki perempuan"])
def test_parse_gender_rejects(value):
    with pytest.raises(ValueError):
        parse_gender(value)


@pytest.mark.parametrize("value, expected", [
    ("III/a", "III/a"), ("III-a", "III/a"), ("IIIa", "III/a"), ("III / A", "III/a"), ("iii/a", "III/a"),
    ("Penata Muda (III/a)", "III/a"), ("Pembina Utama Muda (IV/c)", "IV/c"), ("II/d", "II/d"), ("IV.e", "IV/e"),
    ("Gol. III/b", "III/b"), ("IX", "IX"), ("xvii", "XVII"), ("V", "V"),
    # Issue 13: Arabic numbers, spaces, a pangkat written before its code
    ("3a", "III/a"), ("3/a", "III/a"), ("3A", "III/a"), ("III a", "III/a"), ("III-a", "III/a"), ("4/E", "IV/e"),
    ("2.d", "II/d"), ("Penata Muda Tk.I - III/b", "III/b"), ("Pengatur, II/c", "II/c"),
])
def test_parse_golongan_variants(value, expected):
    assert parse_golongan(value) == expected


@pytest.mark.parametrize("value", ["3", "5a", "III/f", "XX", "Penata", "Penata Muda Tingkat I", "IIII/a", ""])
def test_parse_golongan_rejects(value):
    with pytest.raises(ValueError):
        parse_golongan(value)


@pytest.mark.parametrize("value, expected", [
    (198609262015051001, ("198609262015051001", False)),
    ("198609262015051001", ("198609262015051001", False)),
    ("'198609262015051001", ("198609262015051001", False)),
    ("19860926 201505 1 001", ("198609262015051001", False)),
    (" 19860926-201505-1-001 ", ("198609262015051001", False)),
    ("198609262015051001.0", ("198609262015051001", False)),
    (None, ("", False)),
])
def test_clean_nip(value, expected):
    assert clean_nip(value) == expected


def test_clean_nip_float_loses_precision_and_says_so():
    digits, lost = clean_nip(198609262015051001.0)
    assert len(digits) == 18 and lost


@pytest.mark.parametrize("text, expected", [
    ("Dr. H. Ahmad Fauzi, S.Pd., M.Si.", ("Dr. H.", "Ahmad Fauzi", "S.Pd., M.Si.")),
    ("Hj. Siti Aminah, S.Kom.", ("Hj.", "Siti Aminah", "S.Kom.")),
    ("Ir. Bambang Sutrisno", ("Ir.", "Bambang Sutrisno", None)),
    ("drg. Ratna Dewi", ("drg.", "Ratna Dewi", None)),
    ("Budi Santoso", (None, "Budi Santoso", None)),
    ("Moh. Rizal, S.E.", (None, "Moh. Rizal", "S.E.")),
    ("M. Yusuf", (None, "M. Yusuf", None)),
    ("  Prof.  Dr.  Ir.   Slamet  ,  M.T. ", ("Prof. Dr. Ir.", "Slamet", "M.T.")),
    ("Dr.", (None, "Dr.", None)),
])
def test_split_name(text, expected):
    assert split_name(text) == expected


# --- cycles ---------------------------------------------------------------------------------------------


def test_find_cycles():
    assert find_cycles({"A": "B", "B": "A"}) == [["A", "B"]]
    assert sorted(find_cycles({"A": "B", "B": "C", "C": "A", "D": "A"})[0]) == ["A", "B", "C"]
    assert find_cycles({"A": "A"}) == [["A"]]
    assert find_cycles({"A": "B", "B": "C", "C": None, "D": "C"}) == []
    assert len(find_cycles({"A": "B", "B": "A", "C": "D", "D": "C", "E": "A"})) == 2


# --- whole-file evaluation with plain data ---------------------------------------------------------------

COLUMNS = {"nip": 0, "nama": 1, "golongan": 2, "jabatan": 3, "opd": 4, "unit_kerja": 5, "nip_atasan": 6}


def nip(seq: int, birth: str = "19850314", gender: int = 1) -> str:
    return f"{birth}201001{gender}{seq:03d}"


def context(employees=None, units=None, positions=None) -> Context:
    golongan = {code: "PNS" for code, _p in PNS_GOLONGAN} | {code: "PPPK" for code in PPPK_GOLONGAN}
    return Context(golongan=golongan, pangkat={}, position_types={"pelaksana": 1}, units=units or [],
                   positions=positions or {}, employees=employees or {}, today=TODAY)


def rec(n, nip_, superior=None, name="Pegawai", gol="III/a"):
    return (n, [nip_, name, gol, "Pelaksana", "Dinas A", "Bidang B", superior])


def outcomes(evaluation):
    return {row.row_number: (row.outcome, [r["m"] for r in row.reasons]) for row in evaluation.rows}


def test_two_cycle_in_file_rejects_both():
    ev = evaluate([rec(2, nip(1), nip(2)), rec(3, nip(2), nip(1)), rec(4, nip(3), nip(1))], COLUMNS, context())
    result = outcomes(ev)
    assert result[2][0] == result[3][0] == "rejected"
    assert "Atasan membentuk lingkaran pelaporan: %(chain)s." in result[2][1]
    # The subordinate of a rejected row is imported with its superior left open, waiting for that row (issue 13).
    assert result[4] == ("create", [])
    subordinate = ev.rows[2]
    assert subordinate.superior_state == rules.SUPERIOR_PENDING and subordinate.pending_superior_nip == nip(1)
    assert [w["k"] for w in subordinate.warnings if w.get("k") != "jenis"] == ["atasan_ditolak"]


def test_three_cycle_in_file():
    ev = evaluate([rec(2, nip(1), nip(2)), rec(3, nip(2), nip(3)), rec(4, nip(3), nip(1)), rec(5, nip(4))],
                  COLUMNS, context())
    result = outcomes(ev)
    assert [result[n][0] for n in (2, 3, 4, 5)] == ["rejected", "rejected", "rejected", "create"]


def db_employee(id_, nip_, superior_nip=None):
    return EmployeeRef(id=id_, nip=nip_, kind="PNS", gelar_depan=None, nama="Lama", gelar_belakang=None,
                       gender="L", birth_date=dt.date(1985, 3, 14), golongan="III/a", unit_id=1, position_id=None,
                       superior_nip=superior_nip, email=None, phone=None, active=True)


def test_cycle_through_existing_database_employee():
    # In the database B reports to A; the file says A reports to B.
    employees = {nip(2): db_employee(7, nip(2), superior_nip=nip(1))}
    ev = evaluate([rec(2, nip(1), nip(2))], COLUMNS, context(employees))
    assert outcomes(ev)[2] == ("rejected", ["Atasan membentuk lingkaran pelaporan: %(chain)s."])
    assert format_nip(nip(1)) in ev.rows[0].reasons[0]["a"]["chain"]


def test_file_can_break_a_database_edge_without_false_cycle():
    # Database: B -> A. The file moves B under C and puts A under B: no cycle once the file is applied.
    employees = {nip(2): db_employee(7, nip(2), superior_nip=nip(1)), nip(1): db_employee(8, nip(1))}
    ev = evaluate([rec(2, nip(2), nip(3)), rec(3, nip(1), nip(2)), rec(4, nip(3))], COLUMNS, context(employees))
    assert all(row.outcome != "rejected" for row in ev.rows), outcomes(ev)


def test_self_superior():
    ev = evaluate([rec(2, nip(1), nip(1))], COLUMNS, context())
    assert outcomes(ev)[2] == ("rejected", ["Atasan langsung tidak boleh dirinya sendiri."])


def test_duplicates_name_the_first_row():
    ev = evaluate([rec(2, nip(1)), rec(3, nip(2)), rec(4, nip(1)), rec(5, nip(1))], COLUMNS, context())
    result = outcomes(ev)
    assert result[2][0] == "create" and result[3][0] == "create"
    for n in (4, 5):
        assert result[n] == ("rejected", ["NIP ganda: sudah ada di baris %(row)s."])
        assert ev.rows[n - 2].reasons[0]["a"] == {"row": 2}


def test_superior_not_found_and_found_in_database():
    employees = {nip(9): db_employee(3, nip(9))}
    ev = evaluate([rec(2, nip(1), nip(8)), rec(3, nip(2), nip(9))], COLUMNS, context(employees))
    result = outcomes(ev)
    assert result[2][1] == ["Atasan dengan NIP %(nip)s tidak ditemukan di berkas maupun di basis data."]
    assert result[3][0] == "create"


def test_superior_later_in_file_is_fine():
    ev = evaluate([rec(2, nip(1), nip(2)), rec(3, nip(2))], COLUMNS, context())
    assert [r.outcome for r in ev.rows] == ["create", "create"]


def test_update_and_unchanged_against_database():
    units = [UnitRef(1, "Dinas A", None, "/1/"), UnitRef(2, "Bidang B", 1, "/1/2/")]
    positions = {(2, "pelaksana"): 10}
    same = db_employee(1, nip(1))
    same.nama, same.unit_id, same.position_id = "Pegawai", 2, 10
    moved = db_employee(2, nip(2))
    moved.nama, moved.unit_id, moved.position_id = "Pegawai", 1, None
    ev = evaluate([rec(2, nip(1)), rec(3, nip(2))], COLUMNS,
                  context({nip(1): same, nip(2): moved}, units, positions))
    assert ev.rows[0].outcome == "unchanged"
    assert ev.rows[1].outcome == "update" and set(ev.rows[1].changes) == {"unit", "position"}
    assert ev.summary()["new_units"] == [] and ev.summary()["new_positions"] == 0


def test_units_matched_case_insensitively_and_new_ones_counted():
    units = [UnitRef(1, "Dinas  Pendidikan", None, "/1/")]
    records = [
        (2, [nip(1), "A", "III/a", "Guru", "dinas pendidikan", "DINAS PENDIDIKAN", None]),
        (3, [nip(2), "B", "III/a", "Guru", "Dinas Pendidikan", "SD Negeri 1", None]),
        (4, [nip(3), "C", "III/a", "Staf", "Badan Baru", "Bidang X", None]),
    ]
    ev = evaluate(records, COLUMNS, context(units=units))
    assert ev.rows[0].unit_key == ("id", 1)
    assert ev.rows[1].unit_key == (rules.NEW, ("dinas pendidikan", "sd negeri 1"))
    summary = ev.summary()
    assert sorted(summary["new_units"]) == ["Badan Baru", "Badan Baru / Bidang X", "Dinas Pendidikan / SD Negeri 1"]
    assert summary["new_positions"] == 3


def test_row_reasons_for_messy_values():
    columns = {**COLUMNS, "tgl_lahir": 7, "jenis_kelamin": 8, "status_pegawai": 9}
    records = [
        (2, ["19850314201001 1 001", "Ok", "III/a", "J", "D", "", None, "14-03-1985", "L", "PNS"]),
        (3, [nip(2), "Tgl beda", "III/a", "J", "D", "", None, "15-03-1985", "L", "PNS"]),
        (4, [nip(3), "JK beda", "III/a", "J", "D", "", None, "", "P", "PNS"]),
        (5, [nip(4), "Gol PPPK", "IX", "J", "D", "", None, "", "", "PNS"]),
        (6, [nip(5), "Tanpa jabatan", "III/a", "", "D", "", None, "", "", ""]),
        (7, [nip(6), "Tanggal aneh", "III/a", "J", "D", "", None, "kemarin", "", ""]),
        (8, [nip(7), "Gol aneh", "Z/z", "J", "D", "", None, "", "", ""]),
        (9, ["123", "NIP pendek", "III/a", "J", "D", "", None, "", "", ""]),
        (10, [nip(8), "Tanpa gol", "", "J", "D", "", None, "", "", ""]),
        (11, ["199203152022211002", "PPPK", "IX", "J", "D", "", None, "", "", "PPPK"]),
        (12, [None, None, None, None, None, None, None, None, None, None]),  # blank: skipped
    ]
    ev = evaluate(records, columns, context())
    result = outcomes(ev)
    assert 12 not in result
    assert result[2] == ("create", [])
    assert result[3][1] == ["Tanggal lahir %(date)s tidak sesuai dengan NIP (%(nip_date)s)."]
    assert result[4][1] == ["Jenis kelamin %(value)s tidak sesuai dengan NIP (%(nip_gender)s)."]
    assert result[5][1] == ["Golongan %(code)s bukan golongan %(kind)s."]
    assert result[6][1] == ["Jabatan wajib diisi."]
    assert result[7][1] == ["Tanggal lahir \"%(value)s\" tidak dapat dibaca."]
    assert result[8][1] == ["Golongan \"%(value)s\" tidak dikenal."]
    assert result[9][1] == ["NIP tidak sah: %(reason)s"]
    assert result[10][1] == ["Golongan wajib diisi untuk PNS."]
    assert result[11] == ("create", [])
    assert ev.rows[9].kind == "PPPK" and ev.rows[9].golongan == "IX"


def test_guess_mapping_prefers_strong_names_over_weak_synonyms():
    mapping = guess_mapping(["NIP", "Nama", "Pangkat", "Gol/Ruang", "Status", "Status Pegawai", "Bidang", "Unit Kerja"])
    assert mapping["golongan"] == "Gol/Ruang"
    assert mapping["status_pegawai"] == "Status Pegawai"
    assert mapping["unit_kerja"] == "Unit Kerja"
    assert guess_mapping(["NIP", "Pangkat"])["golongan"] == "Pangkat"


# --- heads of units ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("jabatan", "unit", "kind", "expected"), [
    ("Kepala Dinas Pendidikan", "Dinas Pendidikan", "opd", True),
    ("KEPALA DINAS  PENDIDIKAN", "dinas pendidikan", "opd", True),
    ("Plt. Kepala Dinas Pendidikan", "Dinas Pendidikan", "opd", True),
    ("Kepala Bidang Pembinaan SD", "Bidang Pembinaan SD", "bidang", True),
    ("Kepala Sub Bagian Umum", "Subbagian Umum", "subbagian", True),
    ("Kepala Sekolah", "SD Negeri 1 Contoh", "sekolah", True),
    ("Kepala SD Negeri 1 Contoh", "SD Negeri 1 Contoh", "sekolah", True),
    ("Kepala Puskesmas", "Puskesmas Sukamaju", "puskesmas", True),
    ("Kepala UPT", "UPT Pengelolaan Sampah", "upt", True),
    ("Camat Kota", "Kecamatan Kota", "kecamatan", True),
    ("Camat", "Kecamatan Kota", "kecamatan", True),
    ("Lurah Sukamaju", "Kelurahan Sukamaju", "kelurahan", True),
    ("Sekretaris Daerah", "Sekretariat Daerah", "opd", True),
    ("Inspektur", "Inspektorat", "opd", True),
    # A JF who leads the unit as a tugas tambahan, as SIASN writes it.
    ("Guru Ahli Madya (Kepala Sekolah)", "SD Negeri 1 Contoh", "sekolah", True),
    ("Guru Ahli Muda dengan tugas tambahan sebagai Kepala Sekolah", "SMP Negeri 1 Contoh", "sekolah", True),
    ("Guru Ahli Madya / Kepala Sekolah", "SD Negeri 2 Contoh", "sekolah", True),
    ("Dokter Ahli Madya (Kepala Puskesmas)", "Puskesmas Kota", "puskesmas", True),
    ("Plt. Guru Ahli Madya (Kepala SD Negeri 2 Contoh)", "SD Negeri 2 Contoh", "sekolah", True),
    # Not heads: another unit's title, staff, the head's deputy, an empty name.
    ("Kepala Seksi Kurikulum", "Dinas Pendidikan", "opd", False),
    ("Kepala Bidang Pembinaan SD", "Dinas Pendidikan", "opd", False),
    ("Sekretaris Dinas", "Dinas Pendidikan", "opd", False),
    ("Sekretaris Kecamatan", "Kecamatan Kota", "kecamatan", False),
    ("Kepala Sekolah", "Bidang Pembinaan SD", "bidang", False),
    ("Guru Kelas", "SD Negeri 1 Contoh", "sekolah", False),
    ("Guru Ahli Madya (Wali Kelas)", "SD Negeri 1 Contoh", "sekolah", False),
    ("Guru Ahli Madya (Kepala Sekolah)", "Bidang Pembinaan SD", "bidang", False),
    ("Guru Ahli Pertama (Kepala Perpustakaan)", "SD Negeri 1 Contoh", "sekolah", False),
    ("Pengelola Data", "Bidang Pembinaan SD", "bidang", False),
    ("Kepala", "Dinas Pendidikan", "opd", False),
    ("", "Dinas Pendidikan", "opd", False),
    ("Lurah Sukamaju", "Kelurahan Sukamakmur", "kelurahan", False),
])
def test_looks_like_head(jabatan, unit, kind, expected):
    assert rules.looks_like_head(jabatan, unit, kind) is expected
