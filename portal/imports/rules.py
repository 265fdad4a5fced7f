"""Rules of the staff import (SIASN/SIMPEG exports, DOMAIN.md section 2). Pure functions, no Flask, no database.

The services load the reference data and the current employees into a ``Context`` (plain data), read the file
into rows of cells, and call ``evaluate`` which parses, validates and classifies every row as create / update /
unchanged / rejected with reasons. Reasons are stored as ``{"m": msgid, "a": {args}}`` and translated when shown
(the msgids are the Indonesian text, marked with ``_`` so that Babel extracts them).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from portal.imports import jabatan
from portal.imports.gelar import split_name, split_titles
from portal.org.rules import PNS, PPPK, NipError, format_nip, full_name, parse_nip

__all__ = ["split_name"]  # re-exported: the import's name splitting lives in portal.imports.gelar

# ---------------------------------------------------------------------------------------------------------
# Messages


def _(message: str, **args) -> dict:
    """A reason to show later: the msgid and its arguments (translated at display time)."""
    return {"m": message, "a": args}


def _w(kind: str, message: str, **args) -> dict:
    """A warning of a kind (WARNING_KINDS): the dry run groups and filters warnings by it."""
    return {"m": message, "a": args, "k": kind}


# Kinds of warning, in the order the dry run lists them (labels in portal.imports.views).
WARNING_KINDS = ("jenis", "jenis_beda", "golongan", "golongan_rendah", "gelar", "nip_ganda", "atasan_ditolak",
                 "atasan_opd", "dua_kepala", "email")
OTHER_KIND = "lainnya"


def warning_kind(warning: dict) -> str:
    return warning.get("k") or OTHER_KIND


# ---------------------------------------------------------------------------------------------------------
# Fields and header guessing

# (key, label, required). "Required" for the mapping screen; the row rules below say what each row needs.
FIELDS: list[tuple[str, str, bool]] = [
    ("nip", "NIP", True),
    ("nama", "Nama", True),
    ("gelar_depan", "Gelar depan", False),
    ("gelar_belakang", "Gelar belakang", False),
    ("tgl_lahir", "Tanggal lahir", False),
    ("jenis_kelamin", "Jenis kelamin", False),
    ("status_pegawai", "Status pegawai (PNS/PPPK)", False),
    ("golongan", "Golongan", False),
    ("jabatan", "Jabatan", True),
    ("jenis_jabatan", "Jenis jabatan", False),
    ("eselon", "Eselon", False),
    ("opd", "OPD", False),
    ("unit_kerja", "Unit kerja", False),
    ("nip_atasan", "NIP atasan langsung", False),
    ("email", "Email", False),
    ("no_hp", "No. HP", False),
]
FIELD_KEYS = [key for key, _label, _req in FIELDS]
FIELD_LABELS = {key: label for key, label, _req in FIELDS}

# Normalised header (lowercase, alphanumerics only) -> field. Checked after an exact match on the field key.
SYNONYMS: dict[str, str] = {}
for _field, _names in {
    "nip": ["nip", "nipbaru", "nip18", "nomorindukpegawai", "nipnipppk", "nippppk", "nipk", "nipbarupegawai",
            "nomorinduk", "nipniorpppk", "nippegawai"],
    "nama": ["nama", "namalengkap", "namapegawai", "namagelar", "namadangelar", "namalengkapgelar", "namaasn"],
    "gelar_depan": ["gelardepan", "gelardpn", "glrdepan"],
    "gelar_belakang": ["gelarbelakang", "gelarblk", "glrbelakang"],
    "tgl_lahir": ["tgllahir", "tanggallahir", "tgllhr", "tanggallhr", "tgllahirpegawai", "ttl", "lahir"],
    "jenis_kelamin": ["jeniskelamin", "jk", "lp", "kelamin", "gender", "sex", "jnskelamin"],
    "status_pegawai": ["statuspegawai", "status", "jenispegawai", "statusasn", "statuskepegawaian", "kedudukan"],
    "golongan": ["golongan", "gol", "golruang", "golonganruang", "pangkatgolongan", "pangkatgol", "golterakhir",
                 "golonganterakhir", "pangkat"],
    "jabatan": ["jabatan", "namajabatan", "jabatanterakhir", "jab"],
    "jenis_jabatan": ["jenisjabatan", "jnsjabatan", "tipejabatan", "kelompokjabatan"],
    "eselon": ["eselon", "esl"],
    "opd": ["opd", "skpd", "perangkatdaerah", "instansi", "unitinduk", "satkerinduk", "unitorganisasi", "satker"],
    "unit_kerja": ["unitkerja", "unor", "namaunor", "subunit", "unitkerjaterakhir", "bagian", "bidang"],
    "nip_atasan": ["nipatasan", "nipatasanlangsung", "atasan", "atasanlangsung", "nippejabatpenilai",
                   "nippenilai"],
    "email": ["email", "surel", "alamatemail", "emailpegawai"],
    "no_hp": ["nohp", "hp", "nomorhp", "telepon", "telp", "notelp", "nomortelepon", "handphone", "nowa"],
}.items():
    for _name in _names:
        SYNONYMS[_name] = _field


def normalize_header(text: object) -> str:
    """'Tgl. Lahir ' -> 'tgllahir'; 'NIP_ATASAN' -> 'nipatasan'; 'L/P' -> 'lp'."""
    return re.sub(r"[^0-9a-z]+", "", str(text or "").lower())


# Synonyms that only count when no better header names the same field ("Pangkat" next to "Gol/Ruang").
WEAK_SYNONYMS = {"pangkat", "status", "lahir", "ttl", "atasan", "bagian", "bidang", "satker", "instansi", "kedudukan",
                 "hp", "jab", "nomorinduk"}


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """field -> header for the headers recognised; each header is used at most once, first match wins.

    Two passes: exact names and strong synonyms first, then weak synonyms for the fields still free.
    """
    mapping: dict[str, str] = {}
    for weak in (False, True):
        for header in headers:
            key = normalize_header(header)
            if (key in WEAK_SYNONYMS) != weak or header in mapping.values():
                continue
            target = next((k for k in FIELD_KEYS if normalize_header(k) == key), None) or SYNONYMS.get(key)
            if target and target not in mapping:
                mapping[target] = header
    return mapping


def header_score(cells: Sequence[object]) -> int:
    """How many cells of a row look like known headers (to find the header row below a title block)."""
    return len(guess_mapping([str(c) for c in cells if c not in (None, "")]))


def mapping_problems(mapping: dict[str, str]) -> list[dict]:
    """The mapping must name NIP, NAMA, JABATAN and at least one of UNIT_KERJA/OPD."""
    problems = []
    for key in ("nip", "nama", "jabatan"):
        if not mapping.get(key):
            problems.append(_("Kolom untuk %(field)s wajib dipilih.", field=FIELD_LABELS[key]))
    if not mapping.get("opd") and not mapping.get("unit_kerja"):
        problems.append(_("Pilih kolom OPD atau Unit kerja (atau keduanya)."))
    used = [h for h in mapping.values() if h]
    if len(used) != len(set(used)):
        problems.append(_("Satu kolom berkas dipakai untuk lebih dari satu isian."))
    return problems


# ---------------------------------------------------------------------------------------------------------
# Value parsers. Each returns the clean value or raises ValueError; None/blank is the caller's business.

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system (with its leap-year bug already absorbed)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object) -> dt.date:
    """Dates as Excel gives them (date, datetime, serial number) or written as text in the usual ways."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if 1 <= value < 100000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip().lower()
    text = re.sub(r"[ t]00:00(:00)?(\.0+)?$", "", text)  # '1986-09-26 00:00:00' from a CSV export
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):  # a serial number that became text
        return parse_date(float(text))
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    if m:  # Indonesian order: day first
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})", text)
    if m and m[2] in MONTHS:
        return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
    raise ValueError(value)


def parse_gender(value: object) -> str:
    """'L' or 'P' from L/P, Laki-laki/Perempuan, Pria/Wanita, 1/2."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[^a-z0-9]", "", str(value).lower())
    if text in {"l", "lakilaki", "laki", "pria", "1", "m", "male", "lk"}:
        return "L"
    if text in {"p", "perempuan", "wanita", "2", "f", "female", "pr", "w"}:
        return "P"
    raise ValueError(value)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII"]
_ARABIC_RUANG = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_GOLONGAN_RE = re.compile(r"^([ivx]+|[1-4])\s*(?:[/\-.]\s*)?([a-e])?$", re.I)
# A pangkat followed by its code: "Penata Muda Tk.I - III/b", "Penata, III/c".
_TRAILING_CODE = re.compile(r"^(.*?[a-z.])\s*[-–,:/]?\s*\b(iv|iii|ii|i|[1-4])\s*[/\-.]?\s*([a-e])\s*$", re.I)


def split_golongan(value: object) -> tuple[str, str]:
    """(code, pangkat text written with it): 'III/a' from III/a, III-a, IIIa, III a, 3a, 3/A, 'Penata Muda
    (III/a)', 'Penata Muda Tk.I - III/b' (pangkat 'Penata Muda Tk.I'); PPPK 'IX'. Raises ValueError.

    The code is checked against the Golongan table by the caller (a well-formed but unknown code is possible).
    """
    text = str(value).strip()
    pangkat = ""
    inner = re.search(r"\(([^)]*)\)", text)
    if inner:
        pangkat = text[: inner.start()].strip()
        text = inner.group(1).strip()
    text = re.sub(r"^(gol(ongan)?\.?|ruang)\s*", "", text, flags=re.I).strip()
    m = _GOLONGAN_RE.match(text)
    if not m:
        trailing = _TRAILING_CODE.match(text)
        if not trailing:
            raise ValueError(value)
        pangkat = trailing[1].strip(" -–,:")
        m = _GOLONGAN_RE.match(f"{trailing[2]}/{trailing[3]}")
    roman = _ARABIC_RUANG.get(m[1], m[1].upper())
    if roman not in ROMAN or (m[1] in _ARABIC_RUANG and not m[2]):
        raise ValueError(value)  # a bare "3" is no golongan (PPPK numbers are read by the caller)
    return (f"{roman}/{m[2].lower()}" if m[2] else roman), pangkat


def parse_golongan(value: object) -> str:
    """The canonical golongan code of ``split_golongan``."""
    return split_golongan(value)[0]


def pangkat_key(text: object) -> str:
    """'Penata Muda Tk.I' / 'Penata Muda Tkt. 1' / 'PENATA MUDA TINGKAT I' -> 'penata muda tingkat i'."""
    words = re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split()
    words = ["tingkat" if w in ("tk", "tkt", "tingkat") else "i" if w == "1" else w for w in words]
    return " ".join(words)


def parse_kind(value: object) -> str:
    text = re.sub(r"[^a-z0-9]", "", str(value).lower())
    if text in {"pns", "cpns", "pegawainegerisipil", "calonpns"}:
        return PNS
    if text in {"pppk", "p3k", "pppkpenuhwaktu", "pppkparuhwaktu", "pegawaipemerintahdenganperjanjiankerja"}:
        return PPPK
    raise ValueError(value)


def _integral_text(value: float) -> str:
    """A whole float as the spreadsheet shows it: 1.98503142010011e+17 -> '198503142010011000'."""
    if abs(value) < 2**53:
        return str(int(value))
    return format(Decimal(repr(value)).quantize(Decimal(1)), "f")


def clean_nip(value: object) -> tuple[str, bool]:
    """(digits-or-text, lost_precision). Accepts ints, floats, spaces, dashes, a leading apostrophe.

    A NIP stored as a floating-point number in Excel keeps only 15 significant digits: the caller rejects it.
    """
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer():
            # Written as the spreadsheet shows it (15 significant digits), not the binary float's expansion.
            return _integral_text(value), value >= 2**53
        return repr(value), False
    text = str(value).strip().lstrip("'`’").strip()
    text = re.sub(r"[\s.\-]+", "", text.removesuffix(".0") if re.fullmatch(r"[\d\s]+\.0", text) else text)
    return text, False


def clean_text(value: object) -> str:
    """Text with runs of whitespace collapsed; numbers written without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def name_key(value: object) -> str:
    """Case- and space-insensitive key for unit, position and type names."""
    return clean_text(value).casefold()


def cell_text(value: object) -> str:
    """A cell as text for storage and for the rejected-rows download."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return _integral_text(value)
    return str(value)


# ---------------------------------------------------------------------------------------------------------
# Reporting lines


def find_cycles(edges: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in a graph where each node has at most one superior (``edges[node] = superior``).

    Returns each cycle once, as the list of its nodes in reporting order (A -> B -> A gives [A, B]).
    A self-loop is a cycle of one.
    """
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cycles: list[list[str]] = []
    for start in edges:
        if state.get(start):
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and not state.get(node):
            state[node] = 1
            walk.append(node)
            node = edges.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(walk[walk.index(node):])
        for visited in walk:
            state[visited] = 2
    return cycles


# ---------------------------------------------------------------------------------------------------------
# Reference data and current employees, as plain data


@dataclass
class UnitRef:
    id: int
    name: str
    parent_id: int | None
    path: str
    kind: str = "lainnya"


@dataclass
class EmployeeRef:
    id: int
    nip: str
    kind: str
    gelar_depan: str | None
    nama: str
    gelar_belakang: str | None
    gender: str | None
    birth_date: dt.date | None
    golongan: str | None
    unit_id: int | None
    position_id: int | None
    superior_nip: str | None
    email: str | None
    phone: str | None
    active: bool
    version_id: int = 1
    pending_superior_nip: str | None = None  # waiting for a superior whose row was rejected (issue 13)

    @property
    def full_name(self) -> str:
        return full_name(self.gelar_depan, self.nama, self.gelar_belakang)


@dataclass
class PositionRef:
    unit_id: int
    is_head: bool
    type_code: str | None


@dataclass
class Context:
    golongan: dict[str, str]  # code -> kind (PNS/PPPK), active codes only
    pangkat: dict[str, str]  # pangkat_key(pangkat) -> code, to read "Penata Muda Tingkat I" alone
    position_types: dict[str, int]  # name_key of code / name / short name -> PositionType.id
    units: list[UnitRef]
    positions: dict[tuple[int, str], int]  # (unit_id, name_key) -> Position.id
    employees: dict[str, EmployeeRef]  # nip -> current data
    today: dt.date = field(default_factory=dt.date.today)
    type_ids: dict[str, int] = field(default_factory=dict)  # jenis jabatan code -> PositionType.id (active)
    type_names: dict[str, str] = field(default_factory=dict)  # code -> name, for messages and the dry run
    position_info: dict[int, PositionRef] = field(default_factory=dict)  # Position.id -> unit, head, jenis

    def type_keys(self) -> dict[str, str]:
        """The reference table's own spellings (name_key) -> jenis jabatan code, for jabatan.derive."""
        codes = {type_id: code for code, type_id in self.type_ids.items()}
        return {key: codes[type_id] for key, type_id in self.position_types.items() if type_id in codes}

    def type_name(self, code: str | None) -> str:
        return self.type_names.get(code or "", code or "")


def position_type_keys(code: str, name: str) -> list[str]:
    """The spellings an export may use for a jenis jabatan: its code, name, and name without 'Fungsional'."""
    keys = {name_key(code), name_key(code.replace("_", " ")), name_key(name)}
    short = re.sub(r"^(jabatan|fungsional)\s+", "", name_key(name))
    keys.add(short)
    if code == "PELAKSANA":
        keys |= {"fungsional umum", "jfu", "jabatan pelaksana"}
    if code.startswith("JPT"):
        keys.add(name_key("Jabatan Pimpinan Tinggi " + name.split(" ", 1)[1]))
    if code == "ADMINISTRATOR":
        keys.add("jabatan administrator")
    if code == "PENGAWAS":
        keys.add("jabatan pengawas")
    return sorted(keys)


# ---------------------------------------------------------------------------------------------------------
# Rows

NEW = "new"  # marker in unit/position keys for things the import will create

# How the row's superior is taken (issue 13, item 6): from another row of the file, from the database, or left
# open while its row is rejected (the NIP is kept and linked when that row is imported later).
SUPERIOR_FILE, SUPERIOR_DB, SUPERIOR_PENDING = "file", "db", "pending"


@dataclass
class Row:
    row_number: int
    raw: list[str]
    nip: str = ""
    kind: str = PNS
    kind_source: str = ""  # "kolom" (status column), "nip" (the NIP's shape), "" (neither: PNS assumed)
    gelar_depan: str | None = None
    nama: str = ""
    gelar_belakang: str | None = None
    name_split: bool = False  # titles were taken out of NAMA (no gelar columns)
    birth_date: dt.date | None = None
    gender: str | None = None
    golongan: str | None = None
    jabatan: str = ""
    jenis_jabatan: str = ""
    derivation: jabatan.Derivation | None = None
    type_code: str | None = None  # the jenis jabatan the row ends up with (the position's, or derived)
    type_source: str = ""  # "jabatan" (the existing jabatan's), else the derivation's source
    position_type_id: int | None = None
    eselon: str | None = None
    opd: str = ""
    unit_kerja: str = ""
    nip_atasan: str | None = None
    superior_state: str | None = None  # SUPERIOR_FILE / SUPERIOR_DB / SUPERIOR_PENDING
    email: str | None = None
    phone: str | None = None
    # Resolved against the database: ("id", 5) for an existing unit, ("new", (opd_name, unit_name|None)).
    unit_key: tuple | None = None
    position_key: tuple | None = None
    is_head: bool = False
    reasons: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    outcome: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return full_name(self.gelar_depan, self.nama, self.gelar_belakang)

    @property
    def search_text(self) -> str:
        return f"{self.full_name} {self.nip}".lower()

    @property
    def rejected(self) -> bool:
        return bool(self.reasons)

    @property
    def superior_id_nip(self) -> str | None:
        """The superior to link now (None while it is pending)."""
        return self.nip_atasan if self.superior_state in (SUPERIOR_FILE, SUPERIOR_DB) else None

    @property
    def pending_superior_nip(self) -> str | None:
        return self.nip_atasan if self.superior_state == SUPERIOR_PENDING else None


CHANGE_LABELS = {
    "nama": "Nama",
    "gelar_depan": "Gelar depan",
    "gelar_belakang": "Gelar belakang",
    "kind": "Status pegawai",
    "birth_date": "Tanggal lahir",
    "gender": "Jenis kelamin",
    "golongan": "Golongan",
    "unit": "Unit kerja",
    "position": "Jabatan",
    "superior": "Atasan langsung",
    "email": "Email",
    "phone": "No. HP",
    "active": "Status aktif",
}

# The reasons that say a row contradicts its own NIP: used to judge which of two rows sharing a NIP owns it.
BIRTH_DATE_MISMATCH = "Tanggal lahir %(date)s tidak sesuai dengan NIP (%(nip_date)s)."
GENDER_MISMATCH = "Jenis kelamin %(value)s tidak sesuai dengan NIP (%(nip_gender)s)."
CONTRADICTIONS = (BIRTH_DATE_MISMATCH, GENDER_MISMATCH)


def nip_shape(digits: str) -> str | None:
    """PNS or PPPK from the 18 digits (DOMAIN.md section 2): a PNS NIP holds the TMT month (01-12) in digits 13-14,
    an NI PPPK the code after the year of appointment ("21" in every NI PPPK so far). None when not 18 digits."""
    if len(digits) != 18 or not digits.isdigit():
        return None
    return PNS if 1 <= int(digits[12:14]) <= 12 else PPPK


def parse_row(row_number: int, cells: Sequence[object], columns: dict[str, int], ctx: Context,
              derive: Callable[..., jabatan.Derivation] | None = None) -> Row:
    """Read one row through the mapping (field -> column index) and check each value on its own.

    ``derive(jenis, jabatan, eselon, golongan)`` reads the jenis jabatan (``evaluate`` passes a cached one).
    """

    def get(key: str) -> object:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    row = Row(row_number=row_number, raw=[cell_text(c) for c in cells])
    reasons, warnings = row.reasons, row.warnings

    # Status pegawai first: the NIP rules and the golongan depend on it. Without a status column the NIP's own
    # shape decides (a PNS NIP holds a month where an NI PPPK holds its code); never the golongan alone, so a
    # PNS row with "IX" is refused with that reason instead of being taken as PPPK.
    status, raw_gol = get("status_pegawai"), get("golongan")
    nip, lost = clean_nip(get("nip"))
    row.nip = nip
    shape = nip_shape(nip)
    if not is_blank(status):
        try:
            row.kind, row.kind_source = parse_kind(status), "kolom"
        except ValueError:
            reasons.append(_("Status pegawai \"%(value)s\" tidak dikenal (PNS atau PPPK).", value=clean_text(status)))
    elif shape:
        row.kind, row.kind_source = shape, "nip"

    info = None
    if not nip:
        reasons.append(_("NIP wajib diisi."))
    else:
        try:
            info = parse_nip(nip, row.kind, today=ctx.today)
            row.nip = info.digits
        except NipError as exc:
            if row.kind == PNS and row.kind_source == "kolom" and shape == PPPK:
                reasons.append(_("NIP %(nip)s berbentuk NI PPPK (angka ke-13 dan ke-14 \"%(code)s\" bukan bulan), "
                                 "sedangkan kolom status pegawai menulis PNS.", nip=format_nip(nip), code=nip[12:14]))
            else:
                reasons.append(_("NIP tidak sah: %(reason)s", reason=str(exc)))
        if lost:  # Excel keeps 15 significant digits: the sequence number is gone, the NIP cannot be trusted
            reasons.append(_("NIP tersimpan sebagai angka di Excel sehingga angka terakhirnya hilang. Format kolom "
                             "NIP sebagai teks lalu unggah ulang."))

    # Name and titles: split out of NAMA with the table of known titles when the file has no gelar columns.
    raw_name = clean_text(get("nama"))
    if "gelar_depan" in columns or "gelar_belakang" in columns:
        row.nama = raw_name
        row.gelar_depan = clean_text(get("gelar_depan")) or None
        row.gelar_belakang = clean_text(get("gelar_belakang")) or None
    else:
        parts = split_titles(raw_name)
        row.gelar_depan, row.nama, row.gelar_belakang = parts.gelar_depan, parts.nama, parts.gelar_belakang
        row.name_split = bool(parts.gelar_depan or parts.gelar_belakang)
        if parts.doubtful:
            warnings.append(_w("gelar", "Nama \"%(value)s\" memuat koma, tetapi kata sesudahnya bukan gelar yang "
                                        "dikenal; nama disimpan utuh tanpa dipisah.", value=raw_name))
    if not row.nama:
        reasons.append(_("Nama wajib diisi."))

    # Birth date and gender: from the file when given (and then they must agree with the NIP), else from the NIP.
    raw_date = get("tgl_lahir")
    if not is_blank(raw_date):
        try:
            row.birth_date = parse_date(raw_date)
        except ValueError:
            reasons.append(_("Tanggal lahir \"%(value)s\" tidak dapat dibaca.", value=clean_text(raw_date)))
        if info and row.birth_date and row.birth_date != info.birth_date:
            reasons.append(_(BIRTH_DATE_MISMATCH, date=row.birth_date.isoformat(),
                             nip_date=info.birth_date.isoformat()))
    elif info:
        row.birth_date = info.birth_date
    raw_gender = get("jenis_kelamin")
    if not is_blank(raw_gender):
        try:
            row.gender = parse_gender(raw_gender)
        except ValueError:
            reasons.append(_("Jenis kelamin \"%(value)s\" tidak dikenal (L atau P).", value=clean_text(raw_gender)))
        if info and row.gender and row.gender != info.gender:
            reasons.append(_(GENDER_MISMATCH, value=row.gender, nip_gender=info.gender))
    elif info:
        row.gender = info.gender

    # Golongan: required for PNS, checked against the table and the kind.
    if is_blank(raw_gol):
        if row.kind == PNS:
            reasons.append(_("Golongan wajib diisi untuk PNS."))
    else:
        _read_golongan(row, raw_gol, ctx)

    row.jabatan = clean_text(get("jabatan"))
    if not row.jabatan:
        reasons.append(_("Jabatan wajib diisi."))
    row.jenis_jabatan = clean_text(get("jenis_jabatan"))
    row.eselon = clean_text(get("eselon")) or None
    if row.jabatan:
        if derive is None:
            keys = ctx.type_keys()
            derive = functools.partial(jabatan.derive, known=keys)
        row.derivation = derive(row.jenis_jabatan, row.jabatan, row.eselon, row.golongan)

    row.opd, row.unit_kerja = clean_text(get("opd")), clean_text(get("unit_kerja"))
    if not row.opd and not row.unit_kerja:
        reasons.append(_("Unit kerja atau OPD wajib diisi."))

    raw_superior = get("nip_atasan")
    if not is_blank(raw_superior):
        row.nip_atasan = clean_nip(raw_superior)[0] or None
    row.email = clean_text(get("email")) or None
    if row.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", row.email):
        warnings.append(_w("email", "Email \"%(value)s\" tidak sah; email dibiarkan.", value=row.email))
        row.email = None
    row.phone = clean_text(get("no_hp")) or None
    if row.phone:
        row.phone = row.phone.lstrip("'")[:30]
    if row.email:
        row.email = row.email[:150]
    return row


def _read_golongan(row: Row, raw: object, ctx: Context) -> None:
    """Golongan as exports write it ("3a", "III-a", "Penata Muda Tk.I - III/b", "Penata Muda Tingkat I", PPPK "IX"
    or "9"), of the employee's kind. A PPPK golongan on a PNS row (or the reverse) is refused with where the kind
    came from: the status column or the NIP."""
    text = clean_text(raw)
    code, pangkat = None, ""
    try:
        code, pangkat = split_golongan(raw)
    except ValueError:
        code = ctx.pangkat.get(pangkat_key(text))
        if code is None and row.kind == PPPK and re.fullmatch(r"\d{1,2}", text) and 1 <= int(text) <= len(ROMAN):
            code = ROMAN[int(text) - 1]  # PPPK golongan written as a number
    if code is None or code not in ctx.golongan:
        row.reasons.append(_("Golongan \"%(value)s\" tidak dikenal.", value=text))
        return
    kind = ctx.golongan[code]
    if kind != row.kind:
        if row.kind_source == "nip" and kind == PPPK:
            row.reasons.append(_("Golongan %(code)s adalah golongan PPPK, tetapi NIP ini NIP PNS (angka ke-13 dan "
                                 "ke-14 adalah bulan TMT) dan kolom status pegawai kosong. Isi status pegawai PPPK "
                                 "bila benar, atau perbaiki golongannya.", code=code))
        elif row.kind_source == "nip":
            row.reasons.append(_("Golongan %(code)s adalah golongan PNS, tetapi NIP ini berbentuk NI PPPK dan kolom "
                                 "status pegawai kosong. Isi status pegawai PNS bila benar, atau perbaiki golongan "
                                 "atau NIP-nya.", code=code))
        else:
            row.reasons.append(_("Golongan %(code)s bukan golongan %(kind)s.", code=code, kind=row.kind))
        return
    row.golongan = code
    named = ctx.pangkat.get(pangkat_key(pangkat)) if pangkat else None
    if pangkat and named and named != code:
        row.warnings.append(_w("golongan", "Pangkat \"%(pangkat)s\" tidak sesuai dengan golongan %(code)s; "
                                           "dipakai golongan %(code)s.", pangkat=pangkat, code=code))


class UnitIndex:
    """Find OPDs and their sub-units by name (case/space-insensitive); remember what the import will create."""

    def __init__(self, units: Iterable[UnitRef]):
        self.units = {u.id: u for u in units}
        self.roots: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for unit in sorted(self.units.values(), key=lambda u: (u.path.count("/"), u.id)):
            key = name_key(unit.name)
            if unit.parent_id is None:
                self.roots.setdefault(key, unit.id)
            self.by_name.setdefault(key, []).append(unit.id)
        self.new_units: dict[tuple[str, str | None], tuple[str, str | None]] = {}  # key -> display names

    def _descendant(self, root_id: int, key: str) -> int | None:
        candidates = [uid for uid in self.by_name.get(key, []) if uid != root_id
                      and self.units[uid].path.startswith(f"/{root_id}/")]
        direct = [uid for uid in candidates if self.units[uid].parent_id == root_id]
        if direct:
            return direct[0]
        return candidates[0] if len(candidates) == 1 else None

    def resolve(self, opd: str, unit_kerja: str) -> tuple | None:
        """('id', unit_id) or ('new', (opd_key, unit_key_or_None)); None when a bare UNIT_KERJA is ambiguous."""
        opd_key, unit_key = name_key(opd), name_key(unit_kerja)
        if opd_key and unit_key == opd_key:
            unit_key = ""
        if not opd_key:  # only UNIT_KERJA: any unit of that name, else a new OPD
            matches = self.by_name.get(unit_key, [])
            if len(matches) == 1:
                return ("id", matches[0])
            if len(matches) > 1:
                roots = [m for m in matches if self.units[m].parent_id is None]
                return ("id", roots[0]) if len(roots) == 1 else None
            self.new_units.setdefault((unit_key, None), (clean_text(unit_kerja), None))
            return (NEW, (unit_key, None))
        root_id = self.roots.get(opd_key)
        if root_id is not None:
            if not unit_key:
                return ("id", root_id)
            found = self._descendant(root_id, unit_key)
            if found is not None:
                return ("id", found)
        else:
            self.new_units.setdefault((opd_key, None), (clean_text(opd), None))
            if not unit_key:
                return (NEW, (opd_key, None))
        self.new_units.setdefault((opd_key, unit_key), (clean_text(opd), clean_text(unit_kerja)))
        return (NEW, (opd_key, unit_key))

    def opd_of(self, unit_key: tuple) -> tuple:
        """The OPD a resolved unit belongs to: ("id", root_id) or (NEW, opd_key)."""
        if unit_key[0] == "id":
            unit = self.units[unit_key[1]]
            return ("id", int(unit.path.strip("/").split("/")[0]) if unit.path.strip("/") else unit.id)
        opd_key = unit_key[1][0]
        root = self.roots.get(opd_key)
        return ("id", root) if root is not None else (NEW, (opd_key, None))

    def is_root(self, unit_key: tuple) -> bool:
        if unit_key[0] == "id":
            return self.units[unit_key[1]].parent_id is None
        return unit_key[1][1] is None

    def name_of(self, unit_key: tuple) -> str:
        if unit_key[0] == "id":
            return self.units[unit_key[1]].name
        opd_name, sub_name = self.new_units[unit_key[1]]
        return sub_name or opd_name

    def kind_of(self, unit_key: tuple) -> str:
        if unit_key[0] == "id":
            return self.units[unit_key[1]].kind
        return guess_unit_kind(self.name_of(unit_key), self.is_root(unit_key))


UNIT_KIND_PREFIXES = [
    ("sekretariat", "sekretariat"), ("subbagian", "subbagian"), ("sub bagian", "subbagian"),
    ("subbag", "subbagian"), ("bagian", "bagian"), ("bidang", "bidang"), ("seksi", "seksi"), ("upt", "upt"),
    ("uptd", "upt"), ("sd ", "sekolah"), ("smp", "sekolah"), ("sma", "sekolah"), ("tk ", "sekolah"),
    ("sekolah", "sekolah"), ("puskesmas", "puskesmas"), ("kecamatan", "kecamatan"), ("kelurahan", "kelurahan"),
]


def guess_unit_kind(name: str, is_root: bool) -> str:
    """The kind of a unit the import creates, from its name ('Bidang Mutasi' -> 'bidang'); OPD for a root."""
    if is_root:
        return "kecamatan" if name_key(name).startswith("kecamatan") else "opd"
    key = name_key(name) + " "
    return next((kind for prefix, kind in UNIT_KIND_PREFIXES if key.startswith(prefix)), "lainnya")


# "Kepala Sekolah" in an SD, "Kepala Puskesmas" in a puskesmas: the head's title names the kind, not the unit.
HEAD_TITLE_BY_KIND = {"sekolah": "kepalasekolah", "puskesmas": "kepalapuskesmas", "upt": "kepalaupt",
                      "kelurahan": "lurah", "kecamatan": "camat"}
# Titles whose unit has another word: Camat X leads Kecamatan X, Sekretaris Daerah leads Sekretariat Daerah.
HEAD_TITLE_PREFIXES = [("camat", "kecamatan"), ("lurah", "kelurahan"), ("sekretaris", "sekretariat"),
                       ("inspektur", "inspektorat")]
_ACTING = re.compile(r"^(plt|plh|pj)\.?\s+", re.IGNORECASE)


def _squash(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name_key(value))


# A functional position that leads its unit as a tugas tambahan, the way SIASN writes a school principal (a JF
# Guru) or a Puskesmas head (a JF Dokter): "Guru Ahli Madya (Kepala Sekolah)", "Guru Ahli Muda dengan tugas
# tambahan sebagai Kepala Sekolah", "Guru Ahli Madya / Kepala Sekolah".
_ADDITIONAL_DUTY = re.compile(r"\(([^()]+)\)\s*$|tugas\s+tambahan\s+(?:sebagai\s+)?(.+)$|\s/\s*([^/]+)$", re.IGNORECASE)


def looks_like_head(jabatan: str, unit_name: str, unit_kind: str) -> bool:
    """Whether a jabatan the import creates leads its unit (Position.is_head), read from the names alone:
    "Kepala Dinas Pendidikan" in "Dinas Pendidikan", "Kepala Sub Bagian Umum" in "Subbagian Umum", "Kepala
    Sekolah" in an SD, "Camat Kota" in "Kecamatan Kota", and a JF whose tugas tambahan is that title ("Guru Ahli
    Madya (Kepala Sekolah)" in an SD). Anything else (a Kepala Seksi placed in the Dinas itself, a Kasubag with no
    unit of its own) stays a staff position; the admin can mark heads by hand."""
    name = _ACTING.sub("", clean_text(jabatan))
    duty = _ADDITIONAL_DUTY.search(name)
    if duty and _names_the_head(next(part for part in duty.groups() if part), unit_name, unit_kind):
        return True
    return _names_the_head(name, unit_name, unit_kind)


def _names_the_head(jabatan: str, unit_name: str, unit_kind: str) -> bool:
    title = _squash(_ACTING.sub("", jabatan.strip()))
    unit = _squash(unit_name)
    if not title or not unit:
        return False
    if title == "kepala" + unit or title == HEAD_TITLE_BY_KIND.get(unit_kind):
        return True
    return any(title.startswith(head) and unit == place + title[len(head):] for head, place in HEAD_TITLE_PREFIXES)


def _differences(row: Row, current: EmployeeRef, mapped: set[str]) -> list[str]:
    changes = []
    pairs = [
        ("nama", row.nama, current.nama),
        ("gelar_depan", row.gelar_depan, current.gelar_depan or None),
        ("gelar_belakang", row.gelar_belakang, current.gelar_belakang or None),
        ("kind", row.kind, current.kind),
        ("birth_date", row.birth_date, current.birth_date),
        ("gender", row.gender, current.gender),
    ]
    for key, new, old in pairs:
        if new != old:
            changes.append(key)
    if "golongan" in mapped and row.golongan != current.golongan and (row.golongan or row.kind == PNS):
        changes.append("golongan")
    if row.unit_key != ("id", current.unit_id):
        changes.append("unit")
    if row.position_key != ("id", current.position_id):
        changes.append("position")
    if "nip_atasan" in mapped and (row.superior_id_nip != current.superior_nip
                                   or row.pending_superior_nip != current.pending_superior_nip):
        changes.append("superior")
    # Optional contact details: a blank cell never erases what is stored.
    if row.email and row.email != current.email:
        changes.append("email")
    if row.phone and row.phone != current.phone:
        changes.append("phone")
    if not current.active:
        changes.append("active")
    return changes


@dataclass
class Evaluation:
    rows: list[Row]
    new_units: dict[tuple[str, str | None], tuple[str, str | None]]
    new_positions: dict[tuple, str]  # (unit_key, position name_key) -> display name
    mapped: set[str]
    units: UnitIndex
    employees: dict[str, EmployeeRef]
    # Existing jabatan without a jenis jabatan that the file's rows tell (Position.id -> PositionType.id).
    positions_to_type: dict[int, int] = field(default_factory=dict)
    # The jenis jabatan of each new jabatan (its key in new_positions -> PositionType.id, None when not one).
    new_position_types: dict[tuple, int | None] = field(default_factory=dict)
    # Active employees the file does not hold (only for a full export, issue 13 item 7).
    missing: list[EmployeeRef] = field(default_factory=list)
    full_export: bool = False
    type_names: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "rejected": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def summary(self) -> dict:
        """Counts per outcome, rows with warnings (per kind), the units and positions a commit would create (for
        accepted rows only), and what a full export leaves out."""
        counts = self.counts()
        accepted = [r for r in self.rows if not r.rejected]
        unit_keys: set = set()
        for row in accepted:
            if row.unit_key and row.unit_key[0] == NEW:
                opd_key, sub_key = row.unit_key[1]
                unit_keys.add((opd_key, sub_key))
                if sub_key is not None and (opd_key, None) in self.new_units:
                    unit_keys.add((opd_key, None))
        position_keys = {r.position_key[1] for r in accepted if r.position_key and r.position_key[0] == NEW}
        kinds: dict[str, int] = {}
        for row in accepted:
            for kind in row_warning_kinds(row):
                kinds[kind] = kinds.get(kind, 0) + 1
        return {
            **counts,
            "total": len(self.rows),
            "warnings": sum(1 for r in accepted if r.warnings),
            "warning_kinds": {k: kinds[k] for k in (*WARNING_KINDS, OTHER_KIND) if k in kinds},
            "pending_superiors": sum(1 for r in accepted if r.superior_state == SUPERIOR_PENDING),
            "typed_positions": len(self.positions_to_type),
            "full_export": self.full_export,
            "missing": len(self.missing),
            "new_units": sorted(" / ".join(n for n in self.new_units[k] if n) for k in unit_keys),
            "new_positions": len(position_keys),
        }

    def units_to_create(self) -> list[tuple[str, str | None]]:
        """Keys of the new units that accepted rows need, OPDs first."""
        keys: set = set()
        for row in self.rows:
            if not row.rejected and row.unit_key and row.unit_key[0] == NEW:
                opd_key, sub_key = row.unit_key[1]
                keys.add((opd_key, sub_key))
                if sub_key is not None and (opd_key, None) in self.new_units:
                    keys.add((opd_key, None))
        return sorted(keys, key=lambda k: (k[1] is not None, k))


def row_warning_kinds(row: Row) -> list[str]:
    """The kinds of the row's warnings, each once, in WARNING_KINDS order (for filters and counts)."""
    kinds = {warning_kind(w) for w in row.warnings}
    return [k for k in (*WARNING_KINDS, OTHER_KIND) if k in kinds]


def evaluate(
    records: Iterable[tuple[int, Sequence[object]]],
    columns: dict[str, int],
    ctx: Context,
    *,
    full_export: bool = False,
) -> Evaluation:
    """Parse, validate and classify every row. ``records`` are (row_number, cells); blank rows are skipped.

    ``full_export``: the file is the regency's whole staff list, so active employees it does not hold are listed
    (``Evaluation.missing``) for the admin to decide on.
    """
    units = UnitIndex(ctx.units)
    type_keys = ctx.type_keys()
    derive = functools.lru_cache(maxsize=4096)(
        lambda jenis, name, eselon, gol: jabatan.derive(jenis, name, eselon, gol, type_keys))
    rows = [parse_row(number, cells, columns, ctx, derive=derive) for number, cells in records
            if any(not is_blank(c) for c in cells)]
    mapped = set(columns)

    by_nip = judge_twins(rows, ctx)

    # Units and positions, and the self-superior rule.
    new_positions: dict[tuple, str] = {}
    for row in rows:
        if row.nip_atasan and row.nip_atasan == row.nip:
            row.reasons.append(_("Atasan langsung tidak boleh dirinya sendiri."))
        if not (row.opd or row.unit_kerja):
            continue
        row.unit_key = units.resolve(row.opd, row.unit_kerja)
        if row.unit_key is None:
            row.reasons.append(_("Unit kerja \"%(name)s\" ada di beberapa OPD; isi kolom OPD.", name=row.unit_kerja))
            continue
        if row.jabatan:
            pkey = name_key(row.jabatan)
            existing = ctx.positions.get((row.unit_key[1], pkey)) if row.unit_key[0] == "id" else None
            if existing is not None:
                row.position_key = ("id", existing)
                info = ctx.position_info.get(existing)
                row.is_head = bool(info and info.is_head)
            else:
                new_positions.setdefault((row.unit_key, pkey), row.jabatan)
                row.position_key = (NEW, (row.unit_key, pkey))
                row.is_head = looks_like_head(row.jabatan, units.name_of(row.unit_key), units.kind_of(row.unit_key))

    positions_to_type, new_position_types = read_jenis_jabatan(rows, ctx)
    link_superiors(rows, by_nip, ctx, mapped)
    check_plausibility(rows, by_nip, ctx, units)

    # Classify.
    for row in rows:
        if row.rejected:
            row.outcome = "rejected"
            continue
        current = ctx.employees.get(row.nip)
        if current is None:
            row.outcome = "create"
        else:
            row.changes = _differences(row, current, mapped)
            row.outcome = "update" if row.changes else "unchanged"

    missing: list[EmployeeRef] = []
    if full_export:
        in_file = {row.nip for row in rows if row.nip}
        missing = [e for nip, e in ctx.employees.items() if e.active and nip not in in_file]
    return Evaluation(rows=rows, new_units=units.new_units, new_positions=new_positions, mapped=mapped, units=units,
                      employees=ctx.employees, positions_to_type=positions_to_type,
                      new_position_types=new_position_types, missing=missing,
                      full_export=full_export, type_names=ctx.type_names)


# ---------------------------------------------------------------------------------------------------------
# Twins: two rows with one NIP (issue 13, item 2)


def _signature(row: Row) -> tuple:
    return (row.kind, row.gelar_depan, row.nama, row.gelar_belakang, row.birth_date, row.gender, row.golongan,
            name_key(row.jabatan), name_key(row.opd), name_key(row.unit_kerja), row.nip_atasan, row.email,
            row.phone)


def _contradicts_nip(row: Row) -> bool:
    return any(reason["m"] in CONTRADICTIONS for reason in row.reasons)


def judge_twins(rows: list[Row], ctx: Context) -> dict[str, Row]:
    """Decide which row a NIP written in several rows belongs to; returns NIP -> the row that stands for it.

    The same person written twice (every value equal) is one person: the first row stands, the others are
    refused naming it. Otherwise a row whose birth date or gender contradicts the NIP does not own it: when exactly
    one row is consistent with the NIP it is imported (with a warning naming the others) and the others are
    refused with that reason. When the database already holds the NIP, a consistent row carrying the stored name
    wins over consistent rows with other names. When no row or several rows remain, every row is refused, each
    naming the others: a human must say whose NIP it is.
    """
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if row.nip:
            groups.setdefault(row.nip, []).append(row)
    by_nip: dict[str, Row] = {}
    for nip, group in groups.items():
        distinct: list[Row] = []
        seen: dict[tuple, Row] = {}
        for row in group:
            first = seen.setdefault(_signature(row), row)
            if first is row:
                distinct.append(row)
            else:
                row.reasons.append(_("NIP ganda: sudah ada di baris %(row)s.", row=first.row_number))
        by_nip[nip] = distinct[0]
        if len(distinct) == 1:
            continue
        consistent = [r for r in distinct if not _contradicts_nip(r)]
        current = ctx.employees.get(nip)
        owner = consistent[0] if len(consistent) == 1 else None
        if current is not None:
            stored = [r for r in consistent if name_key(r.nama) == name_key(current.nama)]
            if owner is None and len(stored) == 1:
                owner = stored[0]
            elif owner is not None and not stored and any(name_key(r.nama) == name_key(current.nama)
                                                         for r in distinct):
                owner = None  # the stored person's own row contradicts the NIP: do not rename them to another

        def others(row: Row, distinct: list[Row] = distinct) -> str:
            return ", ".join(str(r.row_number) for r in distinct if r is not row)

        if owner is not None:
            by_nip[nip] = owner
            owner.warnings.append(_w("nip_ganda", "NIP ini juga tertulis di baris %(rows)s; baris ini yang sesuai "
                                                  "dengan NIP, baris lain ditolak.", rows=others(owner)))
            for row in distinct:
                if row is owner:
                    continue
                if row in consistent:
                    row.reasons.append(_("NIP ganda dengan baris %(row)s: NIP ini terdaftar atas nama %(name)s, "
                                         "sesuai dengan baris %(row)s.", row=owner.row_number,
                                         name=current.full_name if current else owner.full_name))
                else:
                    row.reasons.append(_("NIP ganda dengan baris %(row)s, yang sesuai dengan NIP ini; baris ini "
                                         "tidak sesuai dengan NIP.", row=owner.row_number))
            continue
        for row in distinct:
            if not consistent:
                row.reasons.append(_("NIP ganda: NIP yang sama ada di baris %(rows)s, dan tidak ada yang sesuai "
                                     "dengan NIP (tanggal lahir atau jenis kelamin).", rows=others(row)))
            elif row in consistent:
                row.reasons.append(_("NIP ganda: NIP yang sama ada di baris %(rows)s, dan lebih dari satu baris "
                                     "sesuai dengan NIP; pemiliknya tidak dapat ditentukan. Perbaiki NIP yang salah "
                                     "lalu unggah ulang.", rows=others(row)))
            else:
                row.reasons.append(_("NIP ganda dengan baris %(rows)s; baris ini tidak sesuai dengan NIP.",
                                     rows=others(row)))
    return by_nip


# ---------------------------------------------------------------------------------------------------------
# Jenis jabatan (issue 13, item 1)


def read_jenis_jabatan(rows: list[Row], ctx: Context) -> tuple[dict[int, int], dict[tuple, int | None]]:
    """Set each accepted row's jenis jabatan: the existing jabatan's own, else the one read from the jenis column
    and the name (portal.imports.jabatan). Warns only when it cannot tell, or when the column and the name
    disagree.

    Returns the jenis jabatan of the jabatan the rows tell: existing jabatan without one (Position.id ->
    PositionType.id, filled in at the commit) and new jabatan (position key -> id or None). A jabatan held by
    people of different jenjang ("Guru Kelas" for an Ahli Pertama and an Ahli Madya, read from their golongan)
    gets none: a position has one jenis jabatan, and choosing one holder's would mislabel the others."""
    told: dict[tuple, set[int]] = {}
    for row in rows:
        derivation = row.derivation
        if row.rejected or derivation is None:
            continue
        existing = None
        if row.position_key and row.position_key[0] == "id":
            existing = ctx.position_info.get(row.position_key[1])
        if existing is not None and existing.type_code:
            row.type_code, row.type_source = existing.type_code, "jabatan"  # known already: nothing to guess
            continue
        code = derivation.code
        value, name = row.jenis_jabatan, row.jabatan
        if code and code not in ctx.type_ids:
            row.warnings.append(_w("jenis", "Jenis jabatan %(jenis)s tidak ada atau tidak aktif di data referensi; "
                                            "jenis jabatan dibiarkan kosong.", jenis=ctx.type_name(code)))
            code = None
        elif derivation.problem == "unknown_jenis":
            if code:
                row.warnings.append(_w("jenis", "Jenis jabatan \"%(value)s\" tidak dikenal; dari nama jabatan "
                                                "dipakai %(jenis)s.", value=value, jenis=ctx.type_name(code)))
            else:
                row.warnings.append(_w("jenis", "Jenis jabatan \"%(value)s\" tidak dikenal; jenis jabatan "
                                                "dibiarkan kosong.", value=value))
        elif derivation.problem == "conflict":
            row.warnings.append(_w("jenis_beda", "Kolom jenis jabatan menulis \"%(value)s\", tetapi nama jabatan "
                                                 "\"%(jabatan)s\" menunjukkan %(jenis)s; dipakai %(jenis)s.",
                                   value=value, jabatan=name, jenis=ctx.type_name(code)))
        elif derivation.problem == "no_level":
            row.warnings.append(_w("jenis", "Jabatan fungsional \"%(jabatan)s\" tanpa jenjang yang dapat dibaca "
                                            "(Ahli Pertama sampai Ahli Utama, Pemula sampai Penyelia); jenis jabatan "
                                            "dibiarkan kosong.", jabatan=name))
        elif derivation.problem == "unknown":
            row.warnings.append(_w("jenis", "Jenis jabatan untuk \"%(jabatan)s\" tidak dapat ditentukan dari kolom "
                                            "jenis jabatan maupun nama jabatan; jenis jabatan dibiarkan kosong.",
                                   jabatan=name))
        row.type_code = code
        row.type_source = derivation.source if code else ""
        row.position_type_id = ctx.type_ids.get(code) if code else None
        if row.position_key is not None:
            told.setdefault(row.position_key, set()).add(row.position_type_id)
    fill: dict[int, int] = {}
    new: dict[tuple, int | None] = {}
    for key, ids in told.items():
        known = ids - {None}
        single = next(iter(known)) if len(known) == 1 else None
        if key[0] == NEW:
            new[key[1]] = single
        elif single is not None:
            fill[key[1]] = single
    return fill, new


# ---------------------------------------------------------------------------------------------------------
# Superiors and reporting cycles (issue 13, item 6)


def link_superiors(rows: list[Row], by_nip: dict[str, Row], ctx: Context, mapped: set[str]) -> None:
    """Decide each accepted row's superior: another accepted row of the file, an employee of the database, or -
    when the superior's row is rejected and the database does not hold them - left open with the NIP kept
    (``SUPERIOR_PENDING``): one bad manager row must not sink the team. A superior that exists nowhere, and every
    row of a reporting cycle (through the file and the database, pending links included), is refused."""
    for row in rows:
        sup = row.nip_atasan
        if row.rejected or not sup or sup == row.nip:
            continue
        if sup not in by_nip and sup not in ctx.employees:
            row.reasons.append(_("Atasan dengan NIP %(nip)s tidak ditemukan di berkas maupun di basis data.",
                                 nip=sup))
    db_edges = {nip: e.superior_nip or e.pending_superior_nip for nip, e in ctx.employees.items()}
    cycle_flagged: set[int] = set()
    while True:  # a cycle rejects rows, whose subordinates then wait for them instead of linking
        for row in rows:
            row.superior_state = None
            sup = row.nip_atasan
            if row.rejected or not sup:
                continue
            rep = by_nip.get(sup)
            if rep is not None and not rep.rejected:
                row.superior_state = SUPERIOR_FILE
            elif sup in ctx.employees:
                row.superior_state = SUPERIOR_DB
            else:
                row.superior_state = SUPERIOR_PENDING
        edges = dict(db_edges)
        if "nip_atasan" in mapped:
            for nip, row in by_nip.items():
                if not row.rejected:
                    edges[nip] = row.superior_id_nip
        changed = False
        for cycle in find_cycles(edges):
            members = [nip for nip in cycle if nip in by_nip and not by_nip[nip].rejected]
            chain = " → ".join(format_nip(n) for n in [*cycle, cycle[0]])
            for nip in members:
                row = by_nip[nip]
                if row.row_number not in cycle_flagged:
                    cycle_flagged.add(row.row_number)
                    row.reasons.append(_("Atasan membentuk lingkaran pelaporan: %(chain)s.", chain=chain))
                    changed = True
        if not changed:
            break
    for row in rows:
        if row.superior_state == SUPERIOR_PENDING:
            rep = by_nip[row.nip_atasan]
            row.warnings.append(_w("atasan_ditolak", "Baris atasan (baris %(row)s, NIP %(nip)s) ditolak; atasan "
                                                     "langsung dibiarkan kosong dan ditautkan otomatis setelah baris "
                                                     "itu diperbaiki dan diimpor.",
                                   row=rep.row_number, nip=format_nip(row.nip_atasan)))


# ---------------------------------------------------------------------------------------------------------
# Plausibility (issue 13, item 5): warnings, never refusals


def check_plausibility(rows: list[Row], by_nip: dict[str, Row], ctx: Context, units: UnitIndex) -> None:
    """A golongan below the level's minimum (jabatan.MIN_GOLONGAN, policy), a superior in another OPD (except for
    the head of an OPD, whose superior is the Sekretaris Daerah or the Bupati), and a unit that would end up with
    two heads (the heads already in the database counted, unless the file moves them)."""
    accepted = [row for row in rows if not row.rejected and by_nip.get(row.nip) is row]
    for row in accepted:
        minimum = jabatan.below_minimum(row.type_code, row.golongan)
        if minimum:
            row.warnings.append(_w("golongan_rendah", "Golongan %(golongan)s di bawah golongan terendah yang wajar "
                                                      "untuk %(jenis)s (%(minimum)s).", golongan=row.golongan,
                                   jenis=ctx.type_name(row.type_code), minimum=minimum))

    for row in accepted:
        if row.superior_state not in (SUPERIOR_FILE, SUPERIOR_DB) or row.unit_key is None:
            continue
        if row.is_head and units.is_root(row.unit_key):
            continue
        if row.superior_state == SUPERIOR_FILE:
            boss = by_nip[row.nip_atasan]
            boss_unit, boss_name = boss.unit_key, boss.full_name
        else:
            stored = ctx.employees[row.nip_atasan]
            boss_unit = ("id", stored.unit_id) if stored.unit_id in units.units else None
            boss_name = stored.full_name
        if boss_unit is None:
            continue
        boss_opd = units.opd_of(boss_unit)
        if units.opd_of(row.unit_key) != boss_opd:
            row.warnings.append(_w("atasan_opd", "Atasan langsung %(name)s (NIP %(nip)s) berada di OPD lain: "
                                                 "%(opd)s.", name=boss_name, nip=format_nip(row.nip_atasan),
                                   opd=units.name_of(boss_opd)))

    holders: dict[tuple, list] = {}
    in_file = {row.nip for row in accepted}
    for nip, stored in ctx.employees.items():
        info = ctx.position_info.get(stored.position_id) if stored.position_id else None
        if stored.active and info is not None and info.is_head and nip not in in_file:
            holders.setdefault(("id", info.unit_id), []).append(stored)
    for row in accepted:
        if row.is_head and row.unit_key is not None:
            holders.setdefault(row.unit_key, []).append(row)
    for unit_key, people in holders.items():
        if len(people) < 2:
            continue
        for person in people:
            if not isinstance(person, Row):
                continue
            others = "; ".join(f"{o.full_name} ({format_nip(o.nip)})" for o in people if o is not person)
            person.warnings.append(_w("dua_kepala", "%(unit)s akan memiliki %(n)s kepala unit. Kepala lain: "
                                                    "%(others)s. Periksa jabatan kepala unit, atau nonaktifkan yang "
                                                    "sudah tidak menjabat.", unit=units.name_of(unit_key),
                                      n=len(people), others=others))
