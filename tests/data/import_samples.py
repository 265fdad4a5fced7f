"""Sample staff lists for the import tests, generated with openpyxl (no binary files in the repository)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from tests.factories import make_nip

HEADERS = ["No", "NIP Baru", "Nama Lengkap", "Tgl. Lahir", "L/P", "Gol/Ruang", "Nama Jabatan", "Jenis Jabatan",
           "Unit Kerja", "SKPD", "NIP Atasan Langsung"]


def nip(n: int, gender: int = 1) -> str:
    return make_nip(n, gender=gender)  # born 14 March 1985, TMT 2010-01


# NIPs of the scenario. 900+ are people already in the database.
KADIS, OLD = nip(900), nip(901)
A, B, C, E = nip(1), nip(2, gender=2), nip(3), nip(5)
X, Y = nip(7), nip(8)


def messy_rows() -> list[list]:
    """Row 2 is the first data row. Valid: rows 2, 3, 4, 12, 13. Rejected: rows 5-11 and 14.

    Row 8 repeats row 3's NIP with a gender that contradicts it: row 3 owns the NIP, row 8 is refused.
    Row 14 holds the NIP as a number: openpyxl, like Excel, keeps 15 significant digits, so it is rejected.
    """
    return [
        [1, A, "Dr. H. Ahmad Fauzi, S.Pd., M.Si.", dt.datetime(1985, 3, 14), "L", "IV/a", "Kepala Bidang Pembinaan SD",
         "Administrator", "Bidang Pembinaan SD", "Dinas Pendidikan", KADIS],
        [2, f" {B} ", "Siti Aminah, S.Kom.", "14-03-1985", "Perempuan", "III-a", "Pengelola Data", "Pelaksana",
         "bidang pembinaan sd", "DINAS PENDIDIKAN", A],
        [3, f"{C[:8]} {C[8:14]} {C[14]} {C[15:]}", "Budi Santoso", "14 Maret 1985", "1", "Penata Muda (III/a)",
         "Guru Kelas", "Fungsional Ahli Pertama", "SD Negeri 1 Contoh", "Dinas Pendidikan", E],
        [4, "12345", "NIP Pendek", "14/03/1985", "L", "III/a", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan", ""],
        [5, nip(4), "Golongan Aneh", "1985-03-14", "L", "V/z", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan", ""],
        [6, nip(6), "Atasan Hilang", "", "L", "III/a", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan", nip(555)],
        [7, B, "Siti Ganda", "", "L", "III/a", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan", ""],
        [8, X, "Lingkar Satu", "", "L", "III/b", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan", Y],
        [9, Y, "Lingkar Dua", "", "L", "III/b", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan", X],
        [10, nip(9), "Tanpa Jabatan", "", "L", "III/c", "", "Pelaksana", "", "Dinas Pendidikan", ""],
        [11, "'" + E, "Hj. Ratna Dewi", "1985-03-14", "L", "IIIa", "Kepala SD Negeri 1 Contoh", "Jabatan Aneh",
         "SD Negeri 1 Contoh", "Dinas Pendidikan", A],
        [12, OLD, "Lama Sekali", "", "L", "III/d", "Pelaksana", "", "", "Dinas Pendidikan", KADIS],
        [13, int(nip(10)), "NIP Angka", "", "L", "III/a", "Pelaksana", "", "", "Dinas Pendidikan", ""],
    ]


EXPECTED = {
    2: "create", 3: "create", 4: "create", 5: "rejected", 6: "rejected", 7: "rejected", 8: "rejected",
    9: "rejected", 10: "rejected", 11: "rejected", 12: "create", 13: "update", 14: "rejected",
}


def make_xlsx(rows: list[list], headers: list[str] = HEADERS, title_rows: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["DAFTAR PEGAWAI KABUPATEN CONTOH"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def existing_org() -> dict:
    """What the database holds before the messy import: an OPD, a bidang, its head and one old employee."""
    from tests.factories import make_employee, make_position, make_unit

    dinas = make_unit("Dinas Pendidikan")
    bidang = make_unit("Bidang Pembinaan SD", parent=dinas)
    kadis = make_employee("Kepala Dinas", unit=dinas, nip=KADIS,
                          position=make_position("Kepala Dinas Pendidikan", unit=dinas, type_code="JPT_PRATAMA"))
    old = make_employee("Lama Sekali", unit=dinas, nip=OLD, golongan="III/c",
                        position=make_position("Pelaksana", unit=dinas), superior=kadis)
    return {"dinas": dinas, "bidang": bidang, "kadis": kadis, "old": old}
