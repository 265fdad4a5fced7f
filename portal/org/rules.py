"""Identifier rules for ASN employees (DOMAIN.md section 2). Pure functions, no Flask.

NIP (PNS): 18 digits = birth date YYYYMMDD + TMT CPNS YYYYMM + gender (1 male, 2 female) + 3-digit sequence,
written as ``19860926 201505 1 001``. NI PPPK: also 18 digits, but the middle part is the year of appointment
plus two digits, so the PNS month check does not apply to it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PNS = "PNS"
PPPK = "PPPK"
EMPLOYEE_KINDS = (PNS, PPPK)

_SEPARATORS = re.compile(r"[\s.\-]+")


class NipError(ValueError):
    """A NIP that cannot be accepted; the message is in Indonesian for the user."""


@dataclass(frozen=True)
class NipInfo:
    digits: str
    birth_date: dt.date
    gender: str  # "L" or "P"
    tmt_year: int
    tmt_month: int | None  # None for PPPK


def normalize_nip(raw: str | int | None) -> str:
    """Digits only: spaces, dots and dashes are dropped, and a trailing '.0' from a spreadsheet cell too."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return _SEPARATORS.sub("", text)


def parse_nip(raw: str | int | None, kind: str = PNS, today: dt.date | None = None) -> NipInfo:
    """Validate a NIP / NI PPPK and return what it encodes. Raises NipError with a reason in Indonesian."""
    digits = normalize_nip(raw)
    if not digits:
        raise NipError("NIP wajib diisi.")
    if not digits.isdigit():
        raise NipError("NIP hanya boleh berisi angka.")
    if len(digits) != 18:
        raise NipError(f"NIP harus 18 angka (tertulis {len(digits)}).")
    try:
        birth = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise NipError("8 angka pertama NIP bukan tanggal lahir yang benar.") from exc
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise NipError("Tanggal lahir pada NIP tidak masuk akal.")
    tmt_year = int(digits[8:12])
    tmt_month: int | None = None
    if kind == PNS:
        tmt_month = int(digits[12:14])
        if not 1 <= tmt_month <= 12:
            raise NipError("Bulan TMT CPNS pada NIP harus 01–12.")
        if (tmt_year, tmt_month) <= (birth.year, birth.month):
            raise NipError("TMT CPNS pada NIP harus sesudah tanggal lahir.")
        if (tmt_year, tmt_month) > (today.year, today.month):
            raise NipError("TMT CPNS pada NIP tidak boleh di masa depan.")
    else:
        if tmt_year <= birth.year or tmt_year > today.year + 1:
            raise NipError("Tahun pengangkatan pada NI PPPK tidak masuk akal.")
    gender_digit = digits[14]
    if gender_digit not in "12":
        raise NipError("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2.")
    return NipInfo(
        digits=digits,
        birth_date=birth,
        gender="L" if gender_digit == "1" else "P",
        tmt_year=tmt_year,
        tmt_month=tmt_month,
    )


def format_nip(digits: str | None) -> str:
    """``198609262015051001`` → ``19860926 201505 1 001``; anything else is returned as given."""
    if not digits:
        return ""
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[0:8]} {digits[8:14]} {digits[14]} {digits[15:18]}"
    return digits


def full_name(gelar_depan: str | None, nama: str, gelar_belakang: str | None) -> str:
    """'Dr. H.' + 'Ahmad Fauzi' + 'S.Pd., M.Si.' → 'Dr. H. Ahmad Fauzi, S.Pd., M.Si.'"""
    name = " ".join(part for part in ((gelar_depan or "").strip(), nama.strip()) if part)
    if gelar_belakang and gelar_belakang.strip():
        name = f"{name}, {gelar_belakang.strip()}"
    return name
