"""Reference data seeded on first use (DOMAIN.md section 2). Editable afterwards by the admin."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.org.models import Golongan, PositionType

PNS_GOLONGAN = [
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
]
PPPK_GOLONGAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
                 "XVI", "XVII"]

# (code, name, category, rank, can_assess)
POSITION_TYPES = [
    ("JPT_UTAMA", "JPT Utama", "JPT", 100, True),
    ("JPT_MADYA", "JPT Madya", "JPT", 95, True),
    ("JPT_PRATAMA", "JPT Pratama", "JPT", 90, True),
    ("ADMINISTRATOR", "Administrator", "Administrasi", 80, True),
    ("PENGAWAS", "Pengawas", "Administrasi", 70, True),
    ("PELAKSANA", "Pelaksana", "Administrasi", 10, False),
    ("AHLI_UTAMA", "Fungsional Ahli Utama", "Fungsional", 60, False),
    ("AHLI_MADYA", "Fungsional Ahli Madya", "Fungsional", 55, False),
    ("AHLI_MUDA", "Fungsional Ahli Muda", "Fungsional", 50, False),
    ("AHLI_PERTAMA", "Fungsional Ahli Pertama", "Fungsional", 45, False),
    ("PENYELIA", "Fungsional Penyelia", "Fungsional", 40, False),
    ("MAHIR", "Fungsional Mahir", "Fungsional", 35, False),
    ("TERAMPIL", "Fungsional Terampil", "Fungsional", 30, False),
    ("PEMULA", "Fungsional Pemula", "Fungsional", 25, False),
]


def seed_reference_data() -> int:
    """Insert missing golongan and jenis jabatan rows; never overwrite an admin's edits. Returns rows added."""
    added = 0
    existing_gol = set(db.session.scalars(select(Golongan.code)))
    for rank, (code, pangkat) in enumerate(PNS_GOLONGAN, start=1):
        if code not in existing_gol:
            db.session.add(Golongan(code=code, pangkat=pangkat, kind="PNS", rank=rank))
            added += 1
    for rank, code in enumerate(PPPK_GOLONGAN, start=1):
        if code not in existing_gol:
            db.session.add(Golongan(code=code, pangkat="", kind="PPPK", rank=rank))
            added += 1
    existing_types = set(db.session.scalars(select(PositionType.code)))
    for code, name, category, rank, can_assess in POSITION_TYPES:
        if code not in existing_types:
            db.session.add(
                PositionType(code=code, name=name, category=category, rank=rank, can_assess=can_assess)
            )
            added += 1
    db.session.flush()
    return added
