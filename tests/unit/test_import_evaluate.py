"""The whole-file rules of issue 13 with plain data and real-looking rows: jenis jabatan from the pair, twins,
golongan spellings and PNS/PPPK, titles in NAMA, plausibility warnings, superiors left open while their row is
rejected, and the people a full export leaves out."""

import datetime as dt

import pytest

from portal.imports import rules
from portal.imports.rules import Context, EmployeeRef, PositionRef, UnitRef, evaluate, pangkat_key
from portal.org.reference import PNS_GOLONGAN, POSITION_TYPES, PPPK_GOLONGAN

TODAY = dt.date(2026, 11, 23)
HEADERS = ["nip", "nama", "tgl_lahir", "jenis_kelamin", "status_pegawai", "golongan", "jabatan", "jenis_jabatan",
           "opd", "unit_kerja", "nip_atasan"]
COLUMNS = {name: index for index, name in enumerate(HEADERS)}


def context(employees=(), units=(), positions=None, position_info=None) -> Context:
    golongan = {code: "PNS" for code, _p in PNS_GOLONGAN} | {code: "PPPK" for code in PPPK_GOLONGAN}
    type_ids = {code: n for n, (code, *_rest) in enumerate(POSITION_TYPES, start=1)}
    keys = {key: type_ids[code] for code, name, *_rest in POSITION_TYPES
            for key in rules.position_type_keys(code, name)}
    return Context(golongan=golongan, pangkat={pangkat_key(name): code for code, name in PNS_GOLONGAN},
                   position_types=keys, units=list(units), positions=positions or {},
                   employees={e.nip: e for e in employees}, today=TODAY, type_ids=type_ids,
                   type_names={code: name for code, name, *_rest in POSITION_TYPES},
                   position_info=position_info or {})


def row(n, nip, nama="Budi Santoso", *, lahir="", jk="", status="", gol="III/a", jabatan="Pengadministrasi Umum",
        jenis="Pelaksana", opd="Dinas Pendidikan", unit="Bidang Pembinaan SD", atasan=""):
    return (n, [nip, nama, lahir, jk, status, gol, jabatan, jenis, opd, unit, atasan])


def nip(seq: int, birth: str = "19850314", gender: int = 1, tmt: str = "201001") -> str:
    return f"{birth}{tmt}{gender}{seq:03d}"


def stored(id_, nip_, nama="Lama", *, unit_id=1, position_id=None, superior=None, pending=None, active=True):
    return EmployeeRef(id=id_, nip=nip_, kind="PNS", gelar_depan=None, nama=nama, gelar_belakang=None,
                       gender="L" if nip_[14] == "1" else "P", birth_date=dt.date(1985, 3, 14), golongan="III/a",
                       unit_id=unit_id, position_id=position_id, superior_nip=superior, email=None, phone=None,
                       active=active, pending_superior_nip=pending)


def by_number(evaluation):
    return {r.row_number: r for r in evaluation.rows}


def messages(items):
    return [item["m"] for item in items]


def kinds(r):
    return [w.get("k") for w in r.warnings]


# --- 1. Jenis jabatan from the pair -------------------------------------------------------------------------


def test_jenis_jabatan_is_read_from_the_pair_without_warnings():
    records = [
        row(2, nip(1), jabatan="Perawat Terampil", jenis="Fungsional", gol="II/c"),
        row(3, nip(2), jabatan="Guru Ahli Muda", jenis="JF", gol="III/c"),
        row(4, nip(3), jabatan="Analis Kebijakan Ahli Pertama", jenis="Fungsional Tertentu"),
        row(5, nip(4), jabatan="Pengadministrasi Umum", jenis="JFU", gol="II/a"),
        row(6, nip(5), jabatan="Kepala Seksi Kurikulum", jenis="Struktural", gol="III/d"),
        row(7, nip(6), jabatan="Kepala Bidang Pembinaan SD", jenis="", gol="IV/a"),
        row(8, nip(7), jabatan="Kepala Dinas Pendidikan", jenis="", gol="IV/c", unit=""),
        row(9, nip(8), jabatan="Guru Ahli Madya (Kepala Sekolah)", jenis="Fungsional", gol="IV/a",
            unit="SD Negeri 1 Contoh"),
    ]
    ev = evaluate(records, COLUMNS, context())
    got = {r.row_number: (r.type_code, kinds(r)) for r in ev.rows}
    assert got == {2: ("TERAMPIL", []), 3: ("AHLI_MUDA", []), 4: ("AHLI_PERTAMA", []), 5: ("PELAKSANA", []),
                   6: ("PENGAWAS", []), 7: ("ADMINISTRATOR", []), 8: ("JPT_PRATAMA", []), 9: ("AHLI_MADYA", [])}
    assert by_number(ev)[9].derivation.duty == "Kepala Sekolah"
    assert all(r.position_type_id for r in ev.rows)


def test_jenis_warnings_only_where_it_cannot_tell_or_the_column_disagrees():
    records = [
        row(2, nip(1), jabatan="Perawat", jenis="Fungsional"),  # Ners or D-III: cannot tell
        row(3, nip(2), jabatan="Perawat Terampil", jenis="Pelaksana", gol="II/c"),  # the name says more
        row(4, nip(3), jabatan="Koordinator Wilayah", jenis="Jabatan Aneh"),
    ]
    ev = evaluate(records, COLUMNS, context())
    r = by_number(ev)
    assert (r[2].type_code, kinds(r[2])) == (None, ["jenis"])
    assert (r[3].type_code, kinds(r[3])) == ("TERAMPIL", ["jenis_beda"])
    assert r[3].warnings[0]["a"] == {"value": "Pelaksana", "jabatan": "Perawat Terampil",
                                     "jenis": "Fungsional Terampil"}
    assert (r[4].type_code, kinds(r[4])) == (None, ["jenis"])
    assert ev.summary()["warning_kinds"] == {"jenis": 2, "jenis_beda": 1}
    assert all(r.outcome == "create" for r in ev.rows)  # warnings never refuse a row


def test_an_existing_jabatan_keeps_its_jenis_and_one_without_is_filled_in():
    units = [UnitRef(1, "Dinas Kesehatan", None, "/1/", "opd")]
    positions = {(1, "perawat"): 10, (1, "bidan terampil"): 11}
    info = {10: PositionRef(1, False, "AHLI_PERTAMA"), 11: PositionRef(1, False, None)}
    records = [row(2, nip(1), jabatan="Perawat", jenis="Fungsional", opd="Dinas Kesehatan", unit=""),
               row(3, nip(2), jabatan="Bidan Terampil", jenis="Fungsional", gol="II/c", opd="Dinas Kesehatan",
                   unit="")]
    ev = evaluate(records, COLUMNS, context(units=units, positions=positions, position_info=info))
    r = by_number(ev)
    assert (r[2].type_code, r[2].type_source, kinds(r[2])) == ("AHLI_PERTAMA", "jabatan", [])  # known: no guess
    assert r[3].type_code == "TERAMPIL" and ev.positions_to_type == {11: r[3].position_type_id}


def test_a_derived_jenis_the_reference_data_switched_off_is_a_warning():
    ctx = context()
    del ctx.type_ids["TERAMPIL"]
    ev = evaluate([row(2, nip(1), jabatan="Perawat Terampil", jenis="JF", gol="II/c")], COLUMNS, ctx)
    assert (ev.rows[0].type_code, kinds(ev.rows[0])) == (None, ["jenis"])


# --- 2. Twins --------------------------------------------------------------------------------------------------

SITI = nip(5, gender=2)  # born 14 March 1985, female


def test_the_twin_that_contradicts_the_nip_is_refused_and_the_consistent_one_imported():
    # The contradicting row comes first: before issue 13 the consistent row was blamed and neither imported.
    ev = evaluate([row(2, SITI, "Budi Salah", lahir="01-01-1990", jk="L"),
                   row(3, SITI, "Siti Aminah", lahir="14-03-1985", jk="P")], COLUMNS, context())
    r = by_number(ev)
    assert r[3].outcome == "create" and kinds(r[3]) == ["nip_ganda"] and r[3].warnings[0]["a"] == {"rows": "2"}
    assert r[2].outcome == "rejected"
    assert messages(r[2].reasons) == [rules.BIRTH_DATE_MISMATCH, rules.GENDER_MISMATCH,
                                      "NIP ganda dengan baris %(row)s, yang sesuai dengan NIP ini; baris ini tidak "
                                      "sesuai dengan NIP."]
    assert r[2].reasons[-1]["a"] == {"row": 3}


def test_twins_both_consistent_are_both_refused_naming_each_other():
    ev = evaluate([row(2, SITI, "Siti Aminah", jk="P"), row(3, SITI, "Siti Rahmawati", jk="P")], COLUMNS, context())
    r = by_number(ev)
    assert r[2].outcome == r[3].outcome == "rejected"
    assert r[2].reasons[-1]["m"].startswith("NIP ganda: NIP yang sama ada di baris %(rows)s, dan lebih dari satu")
    assert (r[2].reasons[-1]["a"], r[3].reasons[-1]["a"]) == ({"rows": "3"}, {"rows": "2"})


def test_twins_both_contradicting_are_both_refused_naming_each_other():
    ev = evaluate([row(2, SITI, "A", jk="L"), row(3, SITI, "B", lahir="02-02-1980")], COLUMNS, context())
    r = by_number(ev)
    assert r[2].outcome == r[3].outcome == "rejected"
    assert r[3].reasons[-1] == {"m": "NIP ganda: NIP yang sama ada di baris %(rows)s, dan tidak ada yang sesuai "
                                     "dengan NIP (tanggal lahir atau jenis kelamin).", "a": {"rows": "2"}}


def test_the_same_person_written_twice_is_imported_once():
    ev = evaluate([row(2, SITI, "Siti Aminah"), row(3, SITI, "Siti Aminah")], COLUMNS, context())
    r = by_number(ev)
    assert r[2].outcome == "create" and r[3].reasons == [{"m": "NIP ganda: sudah ada di baris %(row)s.",
                                                          "a": {"row": 2}}]


def test_the_stored_name_decides_between_two_consistent_twins():
    ev = evaluate([row(2, SITI, "Siti Rahmawati", jk="P"), row(3, SITI, "Siti Aminah", jk="P")], COLUMNS,
                  context([stored(7, SITI, "Siti Aminah")]))
    r = by_number(ev)
    assert r[3].outcome == "update" and kinds(r[3]) == ["nip_ganda"]
    assert r[2].outcome == "rejected" and r[2].reasons[-1]["a"] == {"row": 3, "name": "Siti Aminah"}


def test_a_stored_person_is_never_renamed_by_a_twin_when_their_own_row_contradicts_the_nip():
    ev = evaluate([row(2, SITI, "Budi Lain", jk="P"), row(3, SITI, "Siti Aminah", jk="L")], COLUMNS,
                  context([stored(7, SITI, "Siti Aminah")]))
    assert {r.outcome for r in ev.rows} == {"rejected"}


def test_subordinates_of_twins_follow_the_owner():
    ev = evaluate([row(2, SITI, "Budi Salah", jk="L"), row(3, SITI, "Siti Aminah", jk="P"),
                   row(4, nip(9), "Staf", atasan=SITI)], COLUMNS, context())
    assert by_number(ev)[4].superior_state == rules.SUPERIOR_FILE


# --- 3. Golongan spellings and PNS/PPPK ------------------------------------------------------------------------

PPPK_NIP = "199203152022211002"  # NI PPPK: appointed 2022, code 21 where a PNS NIP holds the TMT month


@pytest.mark.parametrize(("gol", "code"), [
    ("3a", "III/a"), ("3/a", "III/a"), ("3A", "III/a"), ("III a", "III/a"), ("III-a", "III/a"),
    ("Penata Muda Tk.I - III/b", "III/b"), ("Penata Muda Tingkat I", "III/b"), ("Penata Muda Tk. I", "III/b"),
    ("PEMBINA UTAMA MUDA", "IV/c"), ("Penata (III/c)", "III/c"),
])
def test_golongan_spellings_are_accepted(gol, code):
    ev = evaluate([row(2, nip(1), gol=gol)], COLUMNS, context())
    assert (ev.rows[0].outcome, ev.rows[0].golongan, ev.rows[0].warnings) == ("create", code, [])


def test_a_pangkat_that_contradicts_its_code_is_a_warning():
    ev = evaluate([row(2, nip(1), gol="Penata Muda - III/c")], COLUMNS, context())
    assert ev.rows[0].golongan == "III/c" and kinds(ev.rows[0]) == ["golongan"]


def test_a_pppk_golongan_on_a_pns_row_is_refused_saying_where_pns_came_from():
    ev = evaluate([row(2, nip(1), gol="IX", status="PNS"), row(3, nip(2), gol="IX", status=""),
                   row(4, PPPK_NIP, gol="III/a", status="")], COLUMNS, context())
    r = by_number(ev)
    assert messages(r[2].reasons) == ["Golongan %(code)s bukan golongan %(kind)s."]  # the status column says PNS
    assert r[3].kind == "PNS" and r[3].kind_source == "nip"
    assert r[3].reasons[0]["m"].startswith("Golongan %(code)s adalah golongan PPPK, tetapi NIP ini NIP PNS")
    assert r[4].kind == "PPPK" and r[4].reasons[0]["m"].startswith("Golongan %(code)s adalah golongan PNS")


def test_an_ni_pppk_without_status_column_is_taken_as_pppk():
    ev = evaluate([row(2, PPPK_NIP, gol="IX", jabatan="Guru Ahli Pertama", jenis="JF"),
                   row(3, "199104022023212003", gol="9", jabatan="Guru Kelas", jenis="Fungsional")],
                  COLUMNS, context())
    r = by_number(ev)
    assert (r[2].outcome, r[2].kind, r[2].golongan, r[2].kind_source) == ("create", "PPPK", "IX", "nip")
    assert (r[3].outcome, r[3].golongan, r[3].type_code) == ("create", "IX", "AHLI_PERTAMA")


def test_status_pns_with_an_ni_pppk_says_so():
    ev = evaluate([row(2, PPPK_NIP, status="PNS")], COLUMNS, context())
    assert ev.rows[0].reasons[0]["m"].startswith("NIP %(nip)s berbentuk NI PPPK")


# --- 4. Titles inside NAMA -------------------------------------------------------------------------------------


def test_titles_are_split_out_of_nama_when_the_file_has_no_gelar_columns():
    ev = evaluate([row(2, nip(1), "Dr. H. Ahmad Fauzi, S.Pd., M.Si."), row(3, nip(2), "dr. Rina Sp.A"),
                   row(4, nip(3), "Aminah, Siti")], COLUMNS, context())
    r = by_number(ev)
    assert (r[2].gelar_depan, r[2].nama, r[2].gelar_belakang, r[2].name_split) == (
        "Dr. H.", "Ahmad Fauzi", "S.Pd., M.Si.", True)
    assert (r[3].gelar_depan, r[3].nama, r[3].gelar_belakang) == ("dr.", "Rina", "Sp.A")
    assert (r[4].nama, r[4].name_split, kinds(r[4])) == ("Aminah, Siti", False, ["gelar"])


def test_gelar_columns_are_taken_as_they_are():
    columns = {**COLUMNS, "gelar_depan": len(HEADERS), "gelar_belakang": len(HEADERS) + 1}
    n, cells = row(2, nip(1), "Ahmad Fauzi")
    ev = evaluate([(n, [*cells, "Dr.", "M.Si."])], columns, context())
    assert (ev.rows[0].gelar_depan, ev.rows[0].nama, ev.rows[0].gelar_belakang) == ("Dr.", "Ahmad Fauzi", "M.Si.")
    assert not ev.rows[0].name_split


# --- 5. Plausibility ---------------------------------------------------------------------------------------


def test_a_golongan_below_the_level_is_a_warning():
    records = [row(2, nip(1), jabatan="Kepala Dinas Pendidikan", jenis="", gol="II/d", unit=""),
               row(3, nip(2), jabatan="Kepala Bidang Pembinaan SD", jenis="Struktural", gol="I/a", atasan=nip(1)),
               row(4, nip(3), jabatan="Kepala Seksi Kurikulum", jenis="Struktural", gol="III/d", atasan=nip(2))]
    r = by_number(evaluate(records, COLUMNS, context()))
    assert kinds(r[2]) == ["golongan_rendah"] and r[2].warnings[0]["a"] == {
        "golongan": "II/d", "jenis": "JPT Pratama", "minimum": "IV/b"}
    assert kinds(r[3]) == ["golongan_rendah"] and r[3].warnings[0]["a"]["minimum"] == "III/d"
    assert kinds(r[4]) == []


def test_a_superior_in_another_opd_is_a_warning_except_for_the_head_of_an_opd():
    records = [
        row(2, nip(1), jabatan="Sekretaris Daerah", jenis="", gol="IV/d", opd="Sekretariat Daerah", unit=""),
        row(3, nip(2), jabatan="Kepala Dinas Pendidikan", jenis="", gol="IV/c", unit="", atasan=nip(1)),
        row(4, nip(3), jabatan="Kepala Bidang Pembinaan SD", jenis="", gol="IV/a", atasan=nip(2)),
        row(5, nip(4), jabatan="Pengadministrasi Umum", opd="Dinas Kesehatan", unit="", atasan=nip(3)),
    ]
    r = by_number(evaluate(records, COLUMNS, context()))
    assert kinds(r[3]) == [] and kinds(r[4]) == []  # the Kepala Dinas reports to the Sekda: normal
    assert kinds(r[5]) == ["atasan_opd"] and r[5].warnings[0]["a"]["opd"] == "Dinas Pendidikan"


def test_a_unit_that_ends_up_with_two_heads_is_a_warning_on_the_rows_that_make_it():
    # The database: the Kepala Dinas holds the head position; the file names someone else for it and leaves
    # the old head out (as importing over the demo did).
    units = [UnitRef(1, "Dinas Pendidikan", None, "/1/", "opd"),
             UnitRef(2, "Bidang Pembinaan SD", 1, "/1/2/", "bidang")]
    positions = {(1, "kepala dinas pendidikan"): 10}
    info = {10: PositionRef(1, True, "JPT_PRATAMA")}
    old_head = stored(7, nip(900), "Kepala Lama", unit_id=1, position_id=10)
    records = [row(2, nip(1), "Kepala Baru", jabatan="Kepala Dinas Pendidikan", jenis="", gol="IV/c", unit=""),
               row(3, nip(2), jabatan="Kepala Bidang Pembinaan SD", jenis="", gol="IV/a", atasan=nip(1)),
               row(4, nip(3), jabatan="Kepala Bidang Pembinaan SD", jenis="", gol="IV/a", atasan=nip(1))]
    r = by_number(evaluate(records, COLUMNS, context([old_head], units, positions, info)))
    assert kinds(r[2]) == ["dua_kepala"] and "Kepala Lama" in r[2].warnings[0]["a"]["others"]
    assert kinds(r[3]) == kinds(r[4]) == ["dua_kepala"] and r[3].warnings[0]["a"]["n"] == 2
    # The old head in the file too (moved elsewhere): one head, no warning.
    records.append(row(5, nip(900), "Kepala Lama", jabatan="Staf Ahli Bupati", jenis="", gol="IV/c",
                       opd="Sekretariat Daerah", unit=""))
    r = by_number(evaluate(records, COLUMNS, context([old_head], units, positions, info)))
    assert "dua_kepala" not in kinds(r[2])


# --- 6. A rejected manager row does not sink the team --------------------------------------------------------


def test_rows_below_a_rejected_head_are_imported_with_the_superior_left_open():
    kasi = nip(1)
    records = [row(2, kasi, "Kepala Seksi", lahir="01-01-1960", jabatan="Kepala Seksi Kurikulum", jenis="",
                   gol="III/d"),  # an impossible birth date for its NIP
               row(3, nip(2), "Staf Satu", atasan=kasi), row(4, nip(3), "Staf Dua", atasan=kasi),
               row(5, nip(4), "Staf Tiga", atasan=nip(3))]
    r = by_number(evaluate(records, COLUMNS, context()))
    assert r[2].outcome == "rejected"
    for n in (3, 4):
        assert r[n].outcome == "create" and r[n].superior_state == rules.SUPERIOR_PENDING
        assert r[n].pending_superior_nip == kasi and r[n].superior_id_nip is None
        assert kinds(r[n]) == ["atasan_ditolak"] and r[n].warnings[0]["a"]["row"] == 2
    assert r[5].superior_state == rules.SUPERIOR_FILE  # below a row that is imported: linked as usual
    assert evaluate(records, COLUMNS, context()).summary()["pending_superiors"] == 2


def test_a_rejected_superior_row_of_someone_in_the_database_links_to_the_stored_one():
    boss = stored(7, nip(1), "Kepala Seksi")
    records = [row(2, nip(1), "Kepala Seksi", gol="Z/z"), row(3, nip(2), atasan=nip(1))]
    r = by_number(evaluate(records, COLUMNS, context([boss])))
    assert r[2].outcome == "rejected" and r[3].superior_state == rules.SUPERIOR_DB and kinds(r[3]) == []


def test_an_unknown_superior_is_still_refused():
    ev = evaluate([row(2, nip(1), atasan=nip(555))], COLUMNS, context())
    assert messages(ev.rows[0].reasons) == ["Atasan dengan NIP %(nip)s tidak ditemukan di berkas maupun di basis "
                                            "data."]


def test_the_same_file_again_leaves_a_waiting_employee_unchanged():
    units = [UnitRef(1, "Dinas Pendidikan", None, "/1/", "opd"),
             UnitRef(2, "Bidang Pembinaan SD", 1, "/1/2/", "bidang")]
    positions = {(2, "pengadministrasi umum"): 10}
    info = {10: PositionRef(2, False, "PELAKSANA")}
    waiting = stored(7, nip(2), "Budi Santoso", unit_id=2, position_id=10, pending=nip(1))
    records = [row(2, nip(1), "Kepala Seksi", lahir="01-01-1960"), row(3, nip(2), "Budi Santoso", atasan=nip(1))]
    r = by_number(evaluate(records, COLUMNS, context([waiting], units, positions, info)))
    assert r[3].outcome == "unchanged"
    # Once the head's row is fixed it is created and the employee's superior changes from waiting to linked.
    records[0] = row(2, nip(1), "Kepala Seksi")
    r = by_number(evaluate(records, COLUMNS, context([waiting], units, positions, info)))
    assert r[2].outcome == "create" and r[3].outcome == "update" and r[3].changes == ["superior"]


def test_a_waiting_link_counts_in_reporting_cycles():
    # A waits for B (B's row was rejected before); now B's row names A as superior: a loop once linked.
    waiting = stored(7, nip(1), "A", pending=nip(2))
    ev = evaluate([row(2, nip(2), "B", atasan=nip(1))], COLUMNS, context([waiting]))
    assert messages(ev.rows[0].reasons) == ["Atasan membentuk lingkaran pelaporan: %(chain)s."]


# --- 7. People a full export leaves out ----------------------------------------------------------------------


def test_a_full_export_lists_the_active_employees_it_does_not_hold():
    people = [stored(1, nip(1), "Di Berkas"), stored(2, nip(2), "Pensiun"), stored(3, nip(3), "Sudah Nonaktif",
                                                                           active=False),
              stored(4, nip(4), "Baris Ditolak")]
    records = [row(2, nip(1), "Di Berkas"), row(3, nip(4), "Baris Ditolak", gol="Z/z")]
    ev = evaluate(records, COLUMNS, context(people), full_export=True)
    assert [p.nama for p in ev.missing] == ["Pensiun"]  # a rejected row still says the person is there
    assert ev.summary()["missing"] == 1 and ev.summary()["full_export"] is True
    assert evaluate(records, COLUMNS, context(people)).missing == []  # not a full export: nobody is missing


def test_a_new_jabatan_held_at_different_jenjang_gets_no_jenis_jabatan():
    school = dict(unit="SD Negeri 1 Contoh", jenis="Fungsional")
    records = [row(2, nip(1), jabatan="Guru Kelas", gol="III/a", **school),  # Ahli Pertama by golongan
               row(3, nip(2), jabatan="Guru Kelas", gol="IV/a", **school),  # Ahli Madya by golongan
               row(4, nip(3), jabatan="Guru Ahli Muda", gol="III/c", **school),
               row(5, nip(4), jabatan="Guru Ahli Muda", gol="III/d", **school)]
    ev = evaluate(records, COLUMNS, context())
    r = by_number(ev)
    assert (r[2].type_code, r[3].type_code) == ("AHLI_PERTAMA", "AHLI_MADYA")  # each person's own, shown
    assert ev.new_position_types[r[2].position_key[1]] is None  # the shared jabatan: none
    assert ev.new_position_types[r[4].position_key[1]] == r[4].position_type_id is not None
