"""The words the development pages show for the codes of portal.development.rules (Indonesian msgids). The level
labels are the portal's one 1-5 scale (portal.assessment.scale: Sangat Kurang ... Istimewa, DOMAIN.md section 3)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.assessment.scale import LABELS as SCALE_LABELS
from portal.development import rules

LEVEL_LABELS = dict(SCALE_LABELS)

KIND_LABELS = {
    rules.MANAJERIAL: _l("Manajerial"),
    rules.SOSIAL_KULTURAL: _l("Sosial Kultural"),
    rules.TEKNIS: _l("Teknis"),
}
ADDRESSES_LABELS = {
    rules.ADDRESSES_COMPETENCY: _l("Kesenjangan kompetensi"),
    rules.ADDRESSES_PERFORMANCE: _l("Kesenjangan kinerja (hasil evaluasi)"),
    rules.ADDRESSES_BEHAVIOUR: _l("Kesenjangan perilaku (evaluasi atau umpan balik 360)"),
    rules.ADDRESSES_CAREER_SHORT: _l("Aspirasi karier 1-2 tahun"),
    rules.ADDRESSES_CAREER_LONG: _l("Aspirasi karier 3-5 tahun"),
}
MODE_LABELS = {rules.KLASIKAL: _l("Klasikal"), rules.NON_KLASIKAL: _l("Non-klasikal")}
PLAN_LABELS = {
    rules.PLAN_DRAFT: (_l("Draf"), "badge"),
    rules.PLAN_SUBMITTED: (_l("Diajukan"), "badge badge-warn"),
    rules.PLAN_APPROVED: (_l("Disetujui"), "badge badge-ok"),
    rules.PLAN_RETURNED: (_l("Dikembalikan"), "badge badge-bad"),
}
ITEM_LABELS = {
    rules.PLANNED: (_l("Direncanakan"), "badge"),
    rules.APPROVED: (_l("Disetujui"), "badge badge-ok"),
    rules.RUNNING: (_l("Berjalan"), "badge badge-warn"),
    rules.DONE: (_l("Selesai"), "badge badge-ok"),
    rules.CANCELLED: (_l("Dibatalkan"), "badge"),
}
ASSESSMENT_LABELS = {
    None: (_l("Belum dinilai"), "badge"),
    "diri": (_l("Penilaian diri dikirim"), "badge badge-warn"),
    rules.ASSESSMENT_DRAFT: (_l("Draf penilai"), "badge"),
    rules.ASSESSMENT_FINAL: (_l("Final"), "badge badge-ok"),
}
GAP_LABELS = {
    0: _l("Memenuhi standar"),
    1: _l("Kurang 1 level"),
    2: _l("Kurang 2 level"),
    3: _l("Kurang 3 level atau lebih"),
}


def level_label(level: int | None) -> str:
    """"3 · Memadai"; an en dash when not rated."""
    if level is None:
        return "–"
    return f"{level} · {LEVEL_LABELS.get(level, level)}"


def plan_state(status: str | None) -> tuple[str, str]:
    if status is None:
        return str(_l("Belum disusun")), "badge"
    label, css = PLAN_LABELS.get(status, (status, "badge"))
    return str(label), css


def item_state(status: str) -> tuple[str, str]:
    label, css = ITEM_LABELS.get(status, (status, "badge"))
    return str(label), css
