"""Jenis jabatan and jenjang from what a SIASN/SIMPEG export writes, and the golongan that fits them.

DOMAIN.md section 2. Exports write the jenis loosely - "Fungsional", "JF", "Fungsional Tertentu", "Pelaksana",
"JFU", "Struktural", or nothing - and put the level in the jabatan name: "Perawat Terampil", "Guru Ahli Muda",
"Kepala Seksi ..." (Pengawas), "Kepala Bidang ..." (Administrator), "Kepala Dinas ..." (JPT Pratama). ``derive``
reads the pair through the tables below and answers a jenis jabatan code of the PositionType reference table
(portal.org.reference.POSITION_TYPES), where it came from, and - only when it truly cannot tell - why not.

Why these tables live here and not in the PositionType rows: they describe how exports *write* positions (the
spellings of the jenis column, the words of a jabatan name), not which jenis jabatan exist. The admin keeps
editing the jenis jabatan themselves in the reference data (names, codes, active or not) and the import follows
it: a code derived here that the reference table does not hold (or holds inactive) is a warning, never a guess.
The patterns need tests row by row when the law regroups positions or an export changes its spelling, which a
table in the database would not get; and a regular expression typed into an admin form could silently stop
every import from recognising anything. So: data in code, one line per rule, each line tested.

No Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# What the jenis column can say: a jenis jabatan code (upper case), or only its group (lower case).
FUNGSIONAL, KEAHLIAN, KETERAMPILAN = "fungsional", "keahlian", "keterampilan"
STRUKTURAL, ADMINISTRASI = "struktural", "administrasi"
UNKNOWN = "?"  # a value the tables do not know

# The jenis column, written without spaces and punctuation ("Fungsional Tertentu" -> "fungsionaltertentu").
JENIS_COLUMN: dict[str, str] = {
    # Jabatan fungsional (JF), the level is in the jabatan name
    "fungsional": FUNGSIONAL, "jf": FUNGSIONAL, "jft": FUNGSIONAL, "fungsionaltertentu": FUNGSIONAL,
    "jabatanfungsional": FUNGSIONAL, "jabatanfungsionaltertentu": FUNGSIONAL, "fungsionalkhusus": FUNGSIONAL,
    "fungsionalkeahlian": KEAHLIAN, "jfkeahlian": KEAHLIAN, "keahlian": KEAHLIAN,
    "fungsionalketerampilan": KETERAMPILAN, "jfketerampilan": KETERAMPILAN, "keterampilan": KETERAMPILAN,
    # Pelaksana, formerly "fungsional umum" (JFU)
    "pelaksana": "PELAKSANA", "jfu": "PELAKSANA", "fungsionalumum": "PELAKSANA", "jabatanfungsionalumum": "PELAKSANA",
    "jabatanpelaksana": "PELAKSANA", "staf": "PELAKSANA", "staff": "PELAKSANA", "umum": "PELAKSANA",
    # Structural: JPT, administrator or pengawas, told apart by the name or the eselon
    "struktural": STRUKTURAL, "jabatanstruktural": STRUKTURAL, "js": STRUKTURAL,
    "administrasi": ADMINISTRASI, "jabatanadministrasi": ADMINISTRASI,
    # A regency has only JPT Pratama (its Sekretaris Daerah and heads of OPD); JPT Madya/Utama are written out.
    "jpt": "JPT_PRATAMA", "jabatanpimpinantinggi": "JPT_PRATAMA", "pimpinantinggi": "JPT_PRATAMA",
    "jptpratama": "JPT_PRATAMA", "jabatanpimpinantinggipratama": "JPT_PRATAMA",
    "jptmadya": "JPT_MADYA", "jabatanpimpinantinggimadya": "JPT_MADYA",
    "jptutama": "JPT_UTAMA", "jabatanpimpinantinggiutama": "JPT_UTAMA",
    "administrator": "ADMINISTRATOR", "jabatanadministrator": "ADMINISTRATOR",
    "pengawas": "PENGAWAS", "jabatanpengawas": "PENGAWAS",
}

# A jenjang written in the jenis column itself: "Fungsional Ahli Pertama", "JF Terampil", "Ahli Muda".
for _words, _code in [("ahliutama", "AHLI_UTAMA"), ("ahlimadya", "AHLI_MADYA"), ("ahlimuda", "AHLI_MUDA"),
                      ("ahlipertama", "AHLI_PERTAMA"), ("penyelia", "PENYELIA"), ("mahir", "MAHIR"),
                      ("terampil", "TERAMPIL"), ("pemula", "PEMULA")]:
    for _prefix in ("", "fungsional", "jf", "jft", "jabatanfungsional"):
        JENIS_COLUMN[_prefix + _words] = _code

# Structural titles, matched at the start of the normalised jabatan name; the first match wins, so the more
# specific lines come first ("Inspektur Pembantu" before "Inspektur").
STRUCTURAL_TITLES: list[tuple[str, str]] = [
    (r"^(inspektur pembantu|irban)\b", "ADMINISTRATOR"),
    (r"^(sekretaris daerah|sekda)\b", "JPT_PRATAMA"),
    (r"^asisten (sekretaris daerah|sekda|pemerintahan|perekonomian|administrasi|bidang|[ivx]+)\b", "JPT_PRATAMA"),
    (r"^staf ahli (bupati|wali ?kota)\b", "JPT_PRATAMA"),
    (r"^(sekretaris (dprd|dewan perwakilan rakyat daerah)|sekwan)\b", "JPT_PRATAMA"),
    (r"^inspektur( (daerah|kabupaten|kota)\b.*)?$", "JPT_PRATAMA"),
    (r"^(kepala (dinas|badan|satuan polisi pamong praja)|kadis|kaban|kasat ?pol ?pp)\b", "JPT_PRATAMA"),
    (r"^(kepala (bidang|bagian)|kabid|kabag)\b", "ADMINISTRATOR"),
    (r"^(sekretaris (dinas|badan|inspektorat|satuan polisi pamong praja|kecamatan|camat)|sekcam|sekdis|sekban)\b",
     "ADMINISTRATOR"),
    (r"^camat\b", "ADMINISTRATOR"),
    (r"^(sekretaris (kelurahan|lurah)|seklur)\b", "PENGAWAS"),
    (r"^lurah\b", "PENGAWAS"),
    (r"^(kepala (seksi|sub ?bagian|sub ?bidang|subbag|subbid)|kasi|kasie|kasubb?ag|kasubb?id)\b", "PENGAWAS"),
    (r"^(kepala (upt|uptd|unit pelaksana teknis)|ka ?upt|ka ?uptd)\b", "PENGAWAS"),
]

# Titles a JF holds as a tugas tambahan (DOMAIN.md section 1: a school principal who is a JF Guru), with the JF
# family they imply when the name says no more ("Kepala Sekolah" alone is a Guru; a Puskesmas head may be any
# health JF). "Kepala UPT Puskesmas" is structural (above).
ADDITIONAL_DUTIES: list[tuple[str, str | None]] = [
    (r"^kepala (sekolah|sd|sdn|smp|smpn|sma|sman|smk|smkn|slb|tk|paud|mi|mts|ma)\b", "guru"),
    (r"^kepala puskesmas\b", None),
]
# How SIASN writes a tugas tambahan next to the JF: "Guru Ahli Madya (Kepala Sekolah)", "... dengan tugas tambahan
# sebagai Kepala Sekolah", "Guru Ahli Madya / Kepala Sekolah".
_DUTY_SPLIT = re.compile(r"^(.*?)\s*(?:\(([^()]+)\)\s*$|(?:dengan\s+)?tugas\s+tambahan\s+(?:sebagai\s+)?(.+)$"
                         r"|/\s*([^/]+)$)")

# Jenjang words in a JF name (PermenPANRB 1/2023: keahlian and keterampilan).
LEVEL_WORDS: list[tuple[str, str]] = [
    (r"\bahli utama\b", "AHLI_UTAMA"),
    (r"\bahli madya\b", "AHLI_MADYA"),
    (r"\bahli muda\b", "AHLI_MUDA"),
    (r"\bahli pertama\b", "AHLI_PERTAMA"),
    (r"\bpenyelia\b", "PENYELIA"),
    (r"\bmahir\b", "MAHIR"),
    (r"\bterampil\b", "TERAMPIL"),
    (r"\bpemula\b", "PEMULA"),
    # The names before the 2019 simplification, still in older exports
    (r"\bpelaksana lanjutan\b", "MAHIR"),
    (r"\bpelaksana pemula\b", "PEMULA"),
]
# Older keahlian names without "Ahli" ("Guru Madya", "Dokter Muda"): only read so when the jenis column says
# fungsional or the name is a keahlian family, since "Muda" alone could be anything.
OLD_KEAHLIAN_WORDS: list[tuple[str, str]] = [
    (r"\butama$", "AHLI_UTAMA"), (r"\bmadya$", "AHLI_MADYA"), (r"\bmuda$", "AHLI_MUDA"),
    (r"\bpertama$", "AHLI_PERTAMA"),
]
# JF families that only have keahlian levels: without a level in the name, the golongan gives it (below).
KEAHLIAN_FAMILIES = ("guru", "dokter", "dokter gigi", "dokter hewan", "apoteker", "analis kebijakan",
                     "widyaiswara", "pengawas sekolah", "penilik", "perencana")
# Jabatan pelaksana (PermenPANRB 41/2018 and 45/2024 nomenclature), matched at the start of the name.
PELAKSANA_TITLES = re.compile(
    r"^(pengadministrasi|pengelola|pengolah|penata layanan operasional|operator layanan operasional|"
    r"pengemudi|pramu|caraka|bendahara|petugas|staf|staff|juru|penyusun|pemroses|pengumpul|pengatur|pelaksana|"
    r"verifikator|pengaman|teknisi|analis|administrasi|operator)\b")

# Eselon -> level (PermenPANRB 17/2021 equalisation: I = JPT Madya, II = JPT Pratama, III = Administrator,
# IV = Pengawas; eselon V, where it remained, is pengawas-level).
ESELON_LEVELS: dict[str, str] = {
    "ia": "JPT_MADYA", "ib": "JPT_MADYA", "iia": "JPT_PRATAMA", "iib": "JPT_PRATAMA",
    "iiia": "ADMINISTRATOR", "iiib": "ADMINISTRATOR", "iva": "PENGAWAS", "ivb": "PENGAWAS", "va": "PENGAWAS",
}

# Jenjang from the golongan where the group is known but the name gives no level (the pangkat range of each
# jenjang, PermenPANRB 1/2023 and its predecessors).
KEAHLIAN_BY_GOLONGAN = {
    "III/a": "AHLI_PERTAMA", "III/b": "AHLI_PERTAMA", "III/c": "AHLI_MUDA", "III/d": "AHLI_MUDA",
    "IV/a": "AHLI_MADYA", "IV/b": "AHLI_MADYA", "IV/c": "AHLI_MADYA", "IV/d": "AHLI_UTAMA", "IV/e": "AHLI_UTAMA",
}
KETERAMPILAN_BY_GOLONGAN = {
    "II/a": "PEMULA", "II/b": "TERAMPIL", "II/c": "TERAMPIL", "II/d": "TERAMPIL", "III/a": "MAHIR",
    "III/b": "MAHIR", "III/c": "PENYELIA", "III/d": "PENYELIA",
}

FUNCTIONAL_CODES = {"AHLI_UTAMA", "AHLI_MADYA", "AHLI_MUDA", "AHLI_PERTAMA", "PENYELIA", "MAHIR", "TERAMPIL",
                    "PEMULA"}
STRUCTURAL_CODES = {"JPT_UTAMA", "JPT_MADYA", "JPT_PRATAMA", "ADMINISTRATOR", "PENGAWAS"}

# ---------------------------------------------------------------------------------------------------------
# Golongan that fits a level (policy: a warning, never a refusal)

PNS_ORDER = ["I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d",
             "IV/a", "IV/b", "IV/c", "IV/d", "IV/e"]
# PPPK golongan I-XVII set against the PNS ruang with the same pay and entry education (Perpres 98/2020:
# V = SLTA like II/a, VII = D-III like II/c, IX = S-1 like III/a ...): only to judge plausibility.
PPPK_EQUIVALENT = dict(zip(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
                            "XIV", "XV", "XVI", "XVII"], PNS_ORDER, strict=True))
# The lowest golongan that is plausible for a level. **Policy**: the lowest pangkat of the lower eselon of each
# structural level (PP 13/2002 lampiran) and the bottom of each JF jenjang's range; a row below it is imported
# with a warning for a human to look at. JPT Pratama with II/d or Administrator with I/a is a typo, not a career.
MIN_GOLONGAN: dict[str, str] = {
    "JPT_UTAMA": "IV/d", "JPT_MADYA": "IV/c", "JPT_PRATAMA": "IV/b",
    "ADMINISTRATOR": "III/d", "PENGAWAS": "III/b",
    "AHLI_UTAMA": "IV/d", "AHLI_MADYA": "IV/a", "AHLI_MUDA": "III/c", "AHLI_PERTAMA": "III/a",
    "PENYELIA": "III/c", "MAHIR": "III/a", "TERAMPIL": "II/b", "PEMULA": "II/a",
}


def golongan_rank(code: str | None) -> int | None:
    """Position of a golongan on the PNS scale (PPPK by its equivalent); None when unknown."""
    code = PPPK_EQUIVALENT.get(code or "", code)
    return PNS_ORDER.index(code) if code in PNS_ORDER else None


def below_minimum(type_code: str | None, golongan: str | None) -> str | None:
    """The minimum golongan of the level when ``golongan`` is below it (MIN_GOLONGAN), else None."""
    minimum = MIN_GOLONGAN.get(type_code or "")
    rank = golongan_rank(golongan)
    if minimum is None or rank is None:
        return None
    return minimum if rank < PNS_ORDER.index(minimum) else None


# ---------------------------------------------------------------------------------------------------------
# Reading the pair


@dataclass(frozen=True)
class Derivation:
    """What the import makes of a row's jenis column and jabatan name.

    ``code``: a jenis jabatan code or None. ``source``: where it came from ("kolom" = the jenis column, "nama" =
    the jabatan name, "golongan", "eselon"). ``duty``: the tugas tambahan ("Kepala Sekolah") of a JF.
    ``problem``: None, or why a human should look: "unknown_jenis" (the column's value is not known; the code,
    if any, came from the name), "conflict" (the column and the name disagree; the name won), "no_level" (the
    row is a JF but no jenjang could be read), "unknown" (nothing to go on).
    """

    code: str | None
    source: str = ""
    duty: str | None = None
    problem: str | None = None
    column_code: str | None = None  # what the jenis column alone said, for the conflict message


def normalise(text: object) -> str:
    """'Kepala Sub-Bagian  Umum & Kepegawaian' -> 'kepala sub bagian umum kepegawaian'."""
    return re.sub(r"[^0-9a-z]+", " ", str(text or "").lower()).strip()


def _squash(text: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


_ACTING = re.compile(r"^(plt|plh|pj|pjs)\.?\s+", re.IGNORECASE)


def read_jenis(value: object, known: Mapping[str, str] | None = None) -> str | None:
    """The jenis column as a code or a group; None when blank, UNKNOWN when not understood.

    ``known`` holds the spellings of the reference table (name_key of code and name -> code), checked first.
    """
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    if not text:
        return None
    if known:
        code = known.get(text.casefold())
        if code:
            return code
    return JENIS_COLUMN.get(_squash(text), UNKNOWN)


def read_eselon(value: object) -> str | None:
    """'II.a', 'II/a', 'IIa', '2a', 'II A' -> the level code of ESELON_LEVELS, else None."""
    text = _squash(value)
    m = re.fullmatch(r"([1-5])([ab])", text)
    if m:
        text = ["i", "ii", "iii", "iv", "v"][int(m[1]) - 1] + m[2]
    return ESELON_LEVELS.get(text)


def split_duty(jabatan: str) -> tuple[str, str | None]:
    """('Guru Ahli Madya', 'Kepala Sekolah') from 'Guru Ahli Madya (Kepala Sekolah)'; (name, None) otherwise.

    A tugas tambahan is recognised only when it is one of ADDITIONAL_DUTIES; a bare duty title ("Kepala Sekolah")
    gives ('', 'Kepala Sekolah').
    """
    name = _ACTING.sub("", re.sub(r"\s+", " ", jabatan or "").strip())
    m = _DUTY_SPLIT.match(name)
    if m:
        duty = next((part for part in m.groups()[1:] if part), "").strip()
        if _duty_family(duty) is not False:
            return m[1].strip(), duty
    if _duty_family(name) is not False:
        return "", name
    return name, None


def _duty_family(title: str) -> str | None | bool:
    """The JF family a tugas tambahan title implies (None: any JF), or False when it is no such title."""
    text = normalise(title)
    for pattern, family in ADDITIONAL_DUTIES:
        if re.search(pattern, text):
            return family
    return False


def _family(name: str) -> str | None:
    return next((f for f in KEAHLIAN_FAMILIES if name == f or name.startswith(f + " ")), None)


def _level(name: str, old_style: bool) -> str | None:
    for pattern, code in LEVEL_WORDS:
        if re.search(pattern, name):
            return code
    if old_style:
        for pattern, code in OLD_KEAHLIAN_WORDS:
            if re.search(pattern, name):
                return code
    return None


def _structural(name: str) -> str | None:
    return next((code for pattern, code in STRUCTURAL_TITLES if re.search(pattern, name)), None)


@dataclass(frozen=True)
class _FromName:
    code: str | None
    source: str  # "nama" or "golongan"; "" when nothing was found
    group: str | None  # FUNGSIONAL, "PELAKSANA", STRUKTURAL or None
    duty: str | None = None
    confident: bool = False  # read in the name itself (a structural title, a jenjang word): beats the column


def _from_name(jabatan: str, golongan: str | None, hint: str | None) -> _FromName:
    jf_part, duty = split_duty(jabatan)
    if duty is None:
        code = _structural(normalise(_ACTING.sub("", jabatan or "")))
        if code:
            return _FromName(code, "nama", STRUKTURAL, confident=True)
    part = normalise(jf_part)
    family = _family(part)
    if family is None and duty is not None:
        family = _duty_family(duty) or None
    code = _level(part, old_style=hint in (FUNGSIONAL, KEAHLIAN) or family is not None) if part else None
    if code:
        return _FromName(code, "nama", FUNGSIONAL, duty, confident=True)
    equivalent = PPPK_EQUIVALENT.get(golongan or "", golongan or "")
    if family or hint == KEAHLIAN:
        code = KEAHLIAN_BY_GOLONGAN.get(equivalent)
        return _FromName(code, "golongan" if code else "", FUNGSIONAL, duty)
    if hint == KETERAMPILAN:
        code = KETERAMPILAN_BY_GOLONGAN.get(equivalent)
        return _FromName(code, "golongan" if code else "", FUNGSIONAL, duty)
    if duty is not None:
        return _FromName(None, "", FUNGSIONAL, duty)
    if PELAKSANA_TITLES.search(part):
        return _FromName("PELAKSANA", "nama", "PELAKSANA")
    return _FromName(None, "", None)


def derive(jenis: object, jabatan: str, eselon: object = None, golongan: str | None = None,
           known: Mapping[str, str] | None = None) -> Derivation:
    """The jenis jabatan code of a row from its jenis column and its jabatan name (see the module docstring).

    Order: a code written in the column is taken unless the name *reads* differently (a structural title or a
    jenjang word in the name: then the name wins and the row is flagged); a group in the column ("Fungsional",
    "Struktural") takes its level from the name, then the eselon, then - for keahlian families - the golongan;
    a blank column relies on the name alone.
    """
    hint = read_jenis(jenis, known)
    by_name = _from_name(jabatan, golongan, hint)
    by_eselon = read_eselon(eselon)
    confident = by_name.code if by_name.confident else None

    if hint is not None and hint.isupper():  # the column names a code
        if confident and confident != hint:
            return Derivation(confident, "nama", by_name.duty, "conflict", column_code=hint)
        return Derivation(hint, "kolom", by_name.duty)
    if hint in (FUNGSIONAL, KEAHLIAN, KETERAMPILAN):
        if by_name.group == STRUKTURAL:
            return Derivation(by_name.code, "nama", None, "conflict", column_code=hint)
        if by_name.group == FUNGSIONAL and by_name.code:
            return Derivation(by_name.code, by_name.source, by_name.duty)
        return Derivation(None, "", by_name.duty, "no_level")
    if hint == STRUKTURAL:
        if by_name.group == STRUKTURAL:
            return Derivation(by_name.code, "nama")
        if by_eselon:
            return Derivation(by_eselon, "eselon")
        if confident:  # "Struktural" over a JF name: the name says more
            return Derivation(confident, "nama", by_name.duty, "conflict", column_code=hint)
        return Derivation(None, "", by_name.duty, "unknown")
    if hint == ADMINISTRASI:
        if by_name.group == STRUKTURAL:
            return Derivation(by_name.code, "nama")
        if by_eselon:
            return Derivation(by_eselon, "eselon")
        if confident:
            return Derivation(confident, "nama", by_name.duty, "conflict", column_code=hint)
        return Derivation("PELAKSANA", "kolom")
    # Blank or unknown column: the name, then the eselon.
    code, source = by_name.code, by_name.source
    if code is None and by_eselon:
        code, source = by_eselon, "eselon"
    if hint == UNKNOWN:
        return Derivation(code, source if code else "", by_name.duty, "unknown_jenis")
    if code is None:
        return Derivation(None, "", by_name.duty, "no_level" if by_name.group == FUNGSIONAL else "unknown")
    return Derivation(code, source, by_name.duty)
