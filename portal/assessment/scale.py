"""The one 1-5 behaviour scale of the portal, with one meaning per point.

The self-assessment, the 360 questionnaire and the assessor's input rate the same BerAKHLAK behaviour guides, and
the results page puts their means side by side: they must mean the same. The words are the regulation's 1-5
wording (PermenPANRB 6/2022, DOMAIN.md section 3: Sangat Kurang, Kurang Memadai, Memadai, Di Atas Memadai,
Istimewa); each point says what the rater has observed, so that a 4 from a peer and a 4 from oneself agree.
Rendered by templates/components/_rating_scale.html (the radio group and the legend) and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

NOT_APPLICABLE = "na"  # the radio value (and the stored draft value) of "Tidak dapat menilai"


@dataclass(frozen=True)
class ScalePoint:
    score: int
    label: str
    meaning: str


SCALE: tuple[ScalePoint, ...] = (
    ScalePoint(1, _l("Sangat Kurang"),
               _l("Perilaku ini jarang atau tidak pernah terlihat; yang terlihat justru sebaliknya.")),
    ScalePoint(2, _l("Kurang Memadai"), _l("Perilaku ini kadang terlihat, tetapi belum konsisten.")),
    ScalePoint(3, _l("Memadai"),
               _l("Perilaku ini terlihat secara konsisten dalam pekerjaan sehari-hari, sesuai harapan.")),
    ScalePoint(4, _l("Di Atas Memadai"),
               _l("Perilaku ini selalu terlihat, juga dalam situasi sulit atau di bawah tekanan.")),
    ScalePoint(5, _l("Istimewa"),
               _l("Perilaku ini selalu terlihat, menjadi teladan, dan mendorong orang lain berperilaku sama.")),
)
SCORES: tuple[int, ...] = tuple(point.score for point in SCALE)
LABELS: dict[int, str] = {point.score: point.label for point in SCALE}
NOT_APPLICABLE_LABEL = _l("Tidak dapat menilai")
NOT_APPLICABLE_MEANING = _l("Anda tidak cukup mengamati perilaku ini untuk menilainya.")


def label(score: int | None) -> str:
    """"4 · Di Atas Memadai" for a stored score; "Tidak dapat menilai" for None."""
    if score is None:
        return str(NOT_APPLICABLE_LABEL)
    return f"{score} · {LABELS[score]}"
