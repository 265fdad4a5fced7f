"""Gelar depan / nama / gelar belakang out of a NAMA cell that holds all three (DOMAIN.md section 2).

SIASN exports often write "Dr. H. Ahmad Fauzi, S.Pd., M.Si." in one column. When the file has no gelar columns the
import splits it with the tables below; a name it cannot split with confidence is kept whole, with a warning.
No Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Titles before the name, written without their dots and in lower case: academic (Dr. = doctorate, dr. =
# medical doctor, drg., drh., Ir., Drs./Dra., Prof.), professional (Ns., apt., Bd.) and religious or customary
# (H./Hj. after the hajj, KH., Ust.); R./Rr. (Raden) as SIASN keeps them in the gelar depan.
FRONT_TITLES = {"dr", "drg", "drh", "dra", "drs", "ir", "prof", "h", "hj", "ns", "apt", "bd", "kh", "hc", "ust",
                "ustadz", "ustadzah", "r", "rr", "ak", "psikolog"}
# Common abbreviations that belong to the name itself ("Moh. Rizal", "M. Yusuf", "Abd. Rahman").
NAME_ABBREVIATIONS = {"moh", "muh", "moch", "much", "mhd", "muhd", "mch", "abd", "st", "nur", "sri", "m", "a", "i",
                      "y", "ahm", "mochd", "md"}
# Titles after the name, written without dots, spaces or commas and in lower case. Dotted degrees of the usual
# shape ("S.Pd.", "M.Si.", "Sp.A", "A.Md.Kep.") are recognised without being listed (``_DOTTED``).
BACK_TITLES = {
    "se", "sh", "st", "mm", "mh", "mt", "msi", "mpd", "spd", "skom", "ssos", "sip", "sap", "sag", "mag", "spsi",
    "skm", "skep", "sfarm", "ssi", "stp", "spt", "shut", "ssit", "str", "sked", "skg", "amd", "ak", "ca", "cpa",
    "ners", "ns", "apt", "mkes", "mkep", "mkom", "mak", "map", "mba", "mpa", "msc", "bsc", "ba", "ma", "phd",
    "dipl", "mhum", "shum", "spdi", "spdsd", "sds", "sgz", "smb", "meng", "mcs", "mp", "mkn", "sikom", "spa",
    "spog", "sppd", "spb", "sprad", "spm", "spkj", "sptht", "spkk", "spn", "spjp", "span", "sppk", "mars", "mph",
    "sakun", "smat", "sstp", "ssttrp", "strkeb", "strkep", "amdkep", "amdkeb", "amdfarm", "amdkom", "amdak",
    "amdt", "amdgz", "amdkl", "amdrad", "amdpk", "sptrans", "sthi", "sst", "mtr", "msm", "mstat", "mkeb",
    "ssn", "sps", "stk", "sth", "mth", "mpdi", "slp", "ssy", "shi", "mhi", "sei", "mei", "qwp", "cht",
}
# "S.Pd", "M.Si.", "Sp.A", "A.Md.Kep.", "S.Pd.SD": letters with at least one dot inside.
_DOTTED = re.compile(r"^(?:[A-Za-z]{1,5}\.)+[A-Za-z]{0,6}\.?$")


def _key(token: str) -> str:
    return re.sub(r"[.\s,]", "", token).lower()


def is_front_title(token: str) -> bool:
    key = _key(token)
    if key in NAME_ABBREVIATIONS:
        return False
    # An unknown word ending with a dot ("Kol.", "Drs.") is taken as a title too, as SIASN writes titles so.
    return key in FRONT_TITLES or (token.endswith(".") and len(key) >= 2 and key.isalpha())


def is_back_title(token: str, after_comma: bool = False) -> bool:
    """A degree or professional title written after the name. Outside the comma part a lone initial ("Budi S.")
    is part of the name, so a dotted title there needs two parts ("S.Pd")."""
    token = token.strip(",")
    key = _key(token)
    if not key:
        return False
    if key in BACK_TITLES:
        # Without a comma before it, a dotless word is a title only when written as one ("SE", "MM", "Ners"),
        # never a name's own word that happens to spell one ("Ma", "Sh").
        return after_comma or "." in token or token.isupper() or key == "ners"
    if _DOTTED.match(token):
        return after_comma or token.rstrip(".").count(".") >= 1
    return False


@dataclass(frozen=True)
class NameParts:
    gelar_depan: str | None
    nama: str
    gelar_belakang: str | None
    doubtful: bool = False  # a comma followed by words that are not titles: kept whole for a human to look at


def split_titles(value: object) -> NameParts:
    """'Dr. H. Ahmad Fauzi, S.Pd., M.Si.' -> ('Dr. H.', 'Ahmad Fauzi', 'S.Pd., M.Si.'); 'dr. Rina Sp.A' ->
    ('dr.', 'Rina', 'Sp.A'); 'Moh. Rizal, S.E.' -> (None, 'Moh. Rizal', 'S.E.').

    Everything after the first comma is gelar belakang when every word of it is a title; trailing title words
    without a comma are gelar belakang too; leading title words are gelar depan. At least one word stays the name.
    """
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    head, belakang, doubtful = text, [], False
    if "," in text:
        head, tail = (part.strip() for part in text.split(",", 1))
        words = [w for w in re.split(r"[,\s]+", tail) if w]
        if words and all(is_back_title(w, after_comma=True) for w in words):
            belakang = [tail.strip(", ")]
        elif words:
            head, doubtful = text, True
    tokens = head.split(" ") if head else []
    trailing: list[str] = []
    while len(tokens) > 1 and not doubtful and is_back_title(tokens[-1]):
        trailing.insert(0, tokens.pop())
    if trailing:
        belakang.insert(0, " ".join(trailing))
    depan: list[str] = []
    while len(tokens) > 1 and is_front_title(tokens[0]):
        depan.append(tokens.pop(0))
    return NameParts(" ".join(depan) or None, " ".join(tokens), ", ".join(belakang) or None, doubtful)


def split_name(value: object) -> tuple[str | None, str, str | None]:
    parts = split_titles(value)
    return parts.gelar_depan, parts.nama, parts.gelar_belakang
