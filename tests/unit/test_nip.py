import datetime as dt

import pytest

from portal.org.rules import NipError, format_nip, full_name, normalize_nip, parse_nip

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("raw", ["198609262015051001", "19860926 201505 1 001", " 19860926-201505-1-001 ",
                                 "198609262015051001.0"])
def test_valid_pns_nip_with_or_without_separators(raw):
    info = parse_nip(raw, today=TODAY)
    assert info.digits == "198609262015051001"
    assert info.birth_date == dt.date(1986, 9, 26)
    assert info.gender == "L"
    assert (info.tmt_year, info.tmt_month) == (2015, 5)


def test_female_gender_digit():
    assert parse_nip("199001012015052003", today=TODAY).gender == "P"


@pytest.mark.parametrize("raw, reason", [
    ("", "wajib"),
    ("19860926201505100", "18 angka"),
    ("1986092620150510011", "18 angka"),
    ("19860926201505100A", "angka"),
    ("198613262015051001", "tanggal lahir"),  # month 13
    ("198602302015051001", "tanggal lahir"),  # 30 February
    ("198609262015001001", "Bulan TMT"),  # TMT month 00
    ("198609262015131001", "Bulan TMT"),  # TMT month 13
    ("198609261985051001", "sesudah tanggal lahir"),  # TMT before birth
    ("198609262015053001", "jenis kelamin"),
    ("203001012015051001", "tidak masuk akal"),  # born in the future
    ("198609262027051001", "masa depan"),  # TMT in the future
])
def test_invalid_pns_nip(raw, reason):
    with pytest.raises(NipError, match=reason):
        parse_nip(raw, today=TODAY)


def test_pppk_number_skips_pns_month_check():
    # NI PPPK: middle part is appointment year + 2 digits (here "21"), not a month.
    info = parse_nip("199203152022211002", kind="PPPK", today=TODAY)
    assert info.tmt_month is None and info.gender == "L"
    with pytest.raises(NipError):
        parse_nip("199203152022211002", kind="PNS", today=TODAY)


def test_format_and_normalize():
    assert format_nip("198609262015051001") == "19860926 201505 1 001"
    assert format_nip("123") == "123"
    assert normalize_nip("19860926 201505 1 001") == "198609262015051001"


def test_full_name_with_titles():
    assert full_name("Dr. H.", "Ahmad Fauzi", "S.Pd., M.Si.") == "Dr. H. Ahmad Fauzi, S.Pd., M.Si."
    assert full_name(None, "Budi", None) == "Budi"
