"""Rules of the staff import (SIASN/SIMPEG exports, DOMAIN.md section 2). Pure functions, no Flask, no database.

The services load the reference data and the current employees into a ``Context`` (plain data), read the file
into rows of cells, and call ``evaluate`` which parses, validates and classifies every row as create / update /
unchanged / rejected with reasons. Reasons are stored as ``{"m": msgid, "a": {args}}`` and translated when shown
(the msgids are the Indonesian text, marked with ``_`` so that Babel extracts them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from portal.org.rules import PNS, PPPK, NipError, format_nip, full_name, parse_nip

# ---------------------------------------------------------------------------------------------------------
# Messages


def _(message: str, **args) -> dict:
    """A reason to show later: the msgid and its arguments (translated at display time)."""
    return {"m": message, "a": args}


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
_GOLONGAN_RE = re.compile(r"^([ivx]+)\s*(?:[/\-.]\s*)?([a-e])?$", re.I)


def parse_golongan(value: object) -> str:
    """Canonical golongan code: 'III/a' from III/a, III-a, IIIa, III / A, 'Penata Muda (III/a)'; PPPK 'IX'.

    The code is checked against the Golongan table by the caller (a well-formed but unknown code is possible).
    """
    text = str(value).strip()
    inner = re.search(r"\(([^)]*)\)", text)
    if inner:
        text = inner.group(1).strip()
    text = re.sub(r"^(gol(ongan)?\.?|ruang)\s*", "", text, flags=re.I).strip()
    m = _GOLONGAN_RE.match(text)
    if not m or m[1].upper() not in ROMAN:
        raise ValueError(value)
    roman = m[1].upper()
    return f"{roman}/{m[2].lower()}" if m[2] else roman


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


_NAME_ABBREVIATIONS = {"moh.", "muh.", "moch.", "much.", "mhd.", "muhd.", "mch.", "abd.", "st.", "nur.", "sri.",
                       "m.", "a.", "i.", "y."}
_FRONT_TITLES = {"h.", "hj.", "dr.", "drg.", "drh.", "ir.", "prof.", "drs.", "dra.", "ns.", "apt.", "kh.", "r.",
                 "rr.", "ust.", "bd.", "dr", "drg", "ir", "prof", "drs", "dra", "hj", "h"}


def split_name(value: object) -> tuple[str | None, str, str | None]:
    """'Dr. H. Ahmad Fauzi, S.Pd., M.Si.' -> ('Dr. H.', 'Ahmad Fauzi', 'S.Pd., M.Si.').

    Conservative: everything after the first comma is gelar belakang; leading tokens that are known titles or
    end with '.' (but are not common name abbreviations such as 'Moh.' or 'M.') are gelar depan.
    """
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    belakang = None
    if "," in text:
        text, rest = text.split(",", 1)
        belakang = rest.strip().strip(",").strip() or None
        text = text.strip()
    tokens = text.split(" ")
    depan: list[str] = []
    while len(tokens) > 1:
        token = tokens[0]
        low = token.lower()
        is_title = low in _FRONT_TITLES or (low.endswith(".") and len(low) >= 3 and low not in _NAME_ABBREVIATIONS)
        if not is_title:
            break
        depan.append(token)
        tokens.pop(0)
    return (" ".join(depan) or None), " ".join(tokens), belakang


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


@dataclass
class Context:
    golongan: dict[str, str]  # code -> kind (PNS/PPPK), active codes only
    pangkat: dict[str, str]  # name_key(pangkat) -> code, to read "Penata Muda" alone
    position_types: dict[str, int]  # name_key of code / name / short name -> PositionType.id
    units: list[UnitRef]
    positions: dict[tuple[int, str], int]  # (unit_id, name_key) -> Position.id
    employees: dict[str, EmployeeRef]  # nip -> current data
    today: dt.date = field(default_factory=dt.date.today)


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


@dataclass
class Row:
    row_number: int
    raw: list[str]
    nip: str = ""
    kind: str = PNS
    gelar_depan: str | None = None
    nama: str = ""
    gelar_belakang: str | None = None
    birth_date: dt.date | None = None
    gender: str | None = None
    golongan: str | None = None
    jabatan: str = ""
    jenis_jabatan: str = ""
    position_type_id: int | None = None
    eselon: str | None = None
    opd: str = ""
    unit_kerja: str = ""
    nip_atasan: str | None = None
    email: str | None = None
    phone: str | None = None
    # Resolved against the database: ("id", 5) for an existing unit, ("new", (opd_name, unit_name|None)).
    unit_key: tuple | None = None
    position_key: tuple | None = None
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


def parse_row(row_number: int, cells: Sequence[object], columns: dict[str, int], ctx: Context) -> Row:
    """Read one row through the mapping (field -> column index) and check each value on its own."""

    def get(key: str) -> object:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    row = Row(row_number=row_number, raw=[cell_text(c) for c in cells])
    reasons, warnings = row.reasons, row.warnings

    # Status pegawai first: the NIP rules and the golongan depend on it.
    status, raw_gol = get("status_pegawai"), get("golongan")
    if not is_blank(status):
        try:
            row.kind = parse_kind(status)
        except ValueError:
            reasons.append(_("Status pegawai \"%(value)s\" tidak dikenal (PNS atau PPPK).", value=clean_text(status)))
    elif not is_blank(raw_gol):
        try:
            if "/" not in parse_golongan(raw_gol) and ctx.golongan.get(parse_golongan(raw_gol)) == PPPK:
                row.kind = PPPK  # a bare roman numeral is a PPPK golongan
        except ValueError:
            pass

    nip, lost = clean_nip(get("nip"))
    row.nip = nip
    info = None
    if not nip:
        reasons.append(_("NIP wajib diisi."))
    else:
        try:
            info = parse_nip(nip, row.kind, today=ctx.today)
            row.nip = info.digits
        except NipError as exc:
            reasons.append(_("NIP tidak sah: %(reason)s", reason=str(exc)))
        if lost:  # Excel keeps 15 significant digits: the sequence number is gone, the NIP cannot be trusted
            reasons.append(_("NIP tersimpan sebagai angka di Excel sehingga angka terakhirnya hilang. Format kolom "
                             "NIP sebagai teks lalu unggah ulang."))

    # Name and titles.
    raw_name = clean_text(get("nama"))
    if "gelar_depan" in columns or "gelar_belakang" in columns:
        row.nama = raw_name
        row.gelar_depan = clean_text(get("gelar_depan")) or None
        row.gelar_belakang = clean_text(get("gelar_belakang")) or None
    else:
        row.gelar_depan, row.nama, row.gelar_belakang = split_name(raw_name)
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
            reasons.append(_("Tanggal lahir %(date)s tidak sesuai dengan NIP (%(nip_date)s).",
                             date=row.birth_date.isoformat(), nip_date=info.birth_date.isoformat()))
    elif info:
        row.birth_date = info.birth_date
    raw_gender = get("jenis_kelamin")
    if not is_blank(raw_gender):
        try:
            row.gender = parse_gender(raw_gender)
        except ValueError:
            reasons.append(_("Jenis kelamin \"%(value)s\" tidak dikenal (L atau P).", value=clean_text(raw_gender)))
        if info and row.gender and row.gender != info.gender:
            reasons.append(_("Jenis kelamin %(value)s tidak sesuai dengan NIP (%(nip_gender)s).",
                             value=row.gender, nip_gender=info.gender))
    elif info:
        row.gender = info.gender

    # Golongan: required for PNS, checked against the table and the kind.
    if is_blank(raw_gol):
        if row.kind == PNS:
            reasons.append(_("Golongan wajib diisi untuk PNS."))
    else:
        code = None
        try:
            code = parse_golongan(raw_gol)
        except ValueError:
            code = ctx.pangkat.get(name_key(raw_gol))
        if code is None or code not in ctx.golongan:
            reasons.append(_("Golongan \"%(value)s\" tidak dikenal.", value=clean_text(raw_gol)))
        elif ctx.golongan[code] != row.kind:
            reasons.append(_("Golongan %(code)s bukan golongan %(kind)s.", code=code, kind=row.kind))
        else:
            row.golongan = code

    row.jabatan = clean_text(get("jabatan"))
    if not row.jabatan:
        reasons.append(_("Jabatan wajib diisi."))
    row.jenis_jabatan = clean_text(get("jenis_jabatan"))
    if row.jenis_jabatan:
        row.position_type_id = ctx.position_types.get(name_key(row.jenis_jabatan))
        if row.position_type_id is None:
            warnings.append(_("Jenis jabatan \"%(value)s\" tidak dikenal; jenis jabatan dibiarkan kosong.",
                              value=row.jenis_jabatan))
    row.eselon = clean_text(get("eselon")) or None

    row.opd, row.unit_kerja = clean_text(get("opd")), clean_text(get("unit_kerja"))
    if not row.opd and not row.unit_kerja:
        reasons.append(_("Unit kerja atau OPD wajib diisi."))

    raw_superior = get("nip_atasan")
    if not is_blank(raw_superior):
        row.nip_atasan = clean_nip(raw_superior)[0] or None
    row.email = clean_text(get("email")) or None
    if row.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", row.email):
        warnings.append(_("Email \"%(value)s\" tidak sah; email dibiarkan.", value=row.email))
        row.email = None
    row.phone = clean_text(get("no_hp")) or None
    if row.phone:
        row.phone = row.phone.lstrip("'")[:30]
    if row.email:
        row.email = row.email[:150]
    return row


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
    if "nip_atasan" in mapped and row.nip_atasan != current.superior_nip:
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

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "rejected": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def summary(self) -> dict:
        """Counts per outcome, and the units and positions a commit would create (for accepted rows only)."""
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
        return {
            **counts,
            "total": len(self.rows),
            "warnings": sum(1 for r in accepted if r.warnings),
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


def evaluate(
    records: Iterable[tuple[int, Sequence[object]]],
    columns: dict[str, int],
    ctx: Context,
) -> Evaluation:
    """Parse, validate and classify every row. ``records`` are (row_number, cells); blank rows are skipped."""
    units = UnitIndex(ctx.units)
    rows = [parse_row(number, cells, columns, ctx) for number, cells in records
            if any(not is_blank(c) for c in cells)]
    mapped = set(columns)

    # Duplicate NIPs: every occurrence after the first is rejected, naming the first.
    first_seen: dict[str, int] = {}
    for row in rows:
        if not row.nip:
            continue
        if row.nip in first_seen:
            row.reasons.append(_("NIP ganda: sudah ada di baris %(row)s.", row=first_seen[row.nip]))
        else:
            first_seen[row.nip] = row.row_number
    by_nip = {row.nip: row for row in rows if row.nip and first_seen.get(row.nip) == row.row_number}

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
            else:
                new_positions.setdefault((row.unit_key, pkey), row.jabatan)
                row.position_key = (NEW, (row.unit_key, pkey))

    # Superiors and cycles, repeated until nothing more is rejected (a rejection can strand a subordinate).
    db_edges = {nip: e.superior_nip for nip, e in ctx.employees.items()}
    cycle_flagged: set[int] = set()
    while True:
        changed = False
        valid = {nip for nip, row in by_nip.items() if not row.rejected}
        for row in rows:
            if row.rejected or not row.nip_atasan:
                continue
            sup = row.nip_atasan
            if sup in valid:
                continue
            if sup in by_nip:
                row.reasons.append(_("Atasan ditolak: baris atasan (%(row)s, NIP %(nip)s) juga ditolak.",
                                     row=by_nip[sup].row_number, nip=sup))
                changed = True
            elif sup not in ctx.employees:
                row.reasons.append(_("Atasan dengan NIP %(nip)s tidak ditemukan di berkas maupun di basis data.",
                                     nip=sup))
                changed = True
        edges = dict(db_edges)
        for nip in valid:
            row = by_nip[nip]
            if not row.rejected:
                edges[nip] = row.nip_atasan if ("nip_atasan" in mapped) else db_edges.get(nip)
        for cycle in find_cycles(edges):
            members = [nip for nip in cycle if nip in by_nip and not by_nip[nip].rejected]
            if not members:
                continue
            chain = " → ".join(format_nip(n) for n in [*cycle, cycle[0]])
            for nip in members:
                row = by_nip[nip]
                if row.row_number not in cycle_flagged:
                    cycle_flagged.add(row.row_number)
                    row.reasons.append(_("Atasan membentuk lingkaran pelaporan: %(chain)s.", chain=chain))
                    changed = True
        if not changed:
            break

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
    return Evaluation(rows=rows, new_units=units.new_units, new_positions=new_positions, mapped=mapped, units=units,
                      employees=ctx.employees)
