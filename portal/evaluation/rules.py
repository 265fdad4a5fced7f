"""Pure rules of the evaluation (DOMAIN.md sections 4 and 7): rating levels, the predikat matrix, the expected
distribution of predikat per unit rating, the suggested ratings from a self-assessment, who rates when the assessor
is late, and the working-day clocks of delivery and appeals. No Flask, no database: data tables and small
functions, tested cell by cell (tests/unit/test_evaluation_rules.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from portal.periods.rules import add_working_days

# ---------------------------------------------------------------------------------------------------------
# Rating levels (Rating Hasil Kerja, Rating Perilaku Kerja) and the predikat

ABOVE = "di_atas"  # Di Atas Ekspektasi
AS_EXPECTED = "sesuai"  # Sesuai Ekspektasi
BELOW = "di_bawah"  # Di Bawah Ekspektasi
RATINGS = (ABOVE, AS_EXPECTED, BELOW)

SANGAT_BAIK = "sangat_baik"
BAIK = "baik"
BUTUH_PERBAIKAN = "butuh_perbaikan"
KURANG = "kurang"  # Kurang/Misconduct
SANGAT_KURANG = "sangat_kurang"
PREDIKATS = (SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)

# PermenPANRB 6/2022, Lampiran p. 99-103. Rows: Rating Hasil Kerja; columns: Rating Perilaku Kerja.
PREDIKAT_MATRIX: dict[tuple[str, str], str] = {
    (ABOVE, ABOVE): SANGAT_BAIK,
    (ABOVE, AS_EXPECTED): BAIK,
    (ABOVE, BELOW): KURANG,
    (AS_EXPECTED, ABOVE): BAIK,
    (AS_EXPECTED, AS_EXPECTED): BAIK,
    (AS_EXPECTED, BELOW): KURANG,
    (BELOW, ABOVE): BUTUH_PERBAIKAN,
    (BELOW, AS_EXPECTED): BUTUH_PERBAIKAN,
    (BELOW, BELOW): SANGAT_KURANG,
}


def derive_predikat(result_rating: str, behaviour_rating: str) -> str:
    """The Predikat Kinerja Pegawai from the two ratings (the matrix above); never typed by anyone."""
    try:
        return PREDIKAT_MATRIX[(result_rating, behaviour_rating)]
    except KeyError:
        raise ValueError(f"unknown ratings {result_rating!r}, {behaviour_rating!r}") from None


# ---------------------------------------------------------------------------------------------------------
# Capaian Kinerja Organisasi and the expected distribution (Pola Distribusi) - policy, editable by the admin

UNIT_ISTIMEWA = "istimewa"
UNIT_BAIK = "baik"
UNIT_BUTUH_PERBAIKAN = "butuh_perbaikan"
UNIT_KURANG = "kurang"
UNIT_SANGAT_KURANG = "sangat_kurang"
UNIT_RATINGS = (UNIT_ISTIMEWA, UNIT_BAIK, UNIT_BUTUH_PERBAIKAN, UNIT_KURANG, UNIT_SANGAT_KURANG)

# Kinds of a distribution constraint over a set of predikat:
MOST = "terbanyak"  # the set holds more evaluations than any single other predikat (a plurality)
AT_MOST = "paling_banyak"  # the set's share is at most ``percent``
AT_LEAST = "paling_sedikit"  # the set's share is at least ``percent``
SOME = "ada"  # the set holds at least one evaluation
CONSTRAINT_KINDS = (MOST, AT_MOST, AT_LEAST, SOME)


@dataclass(frozen=True)
class Constraint:
    kind: str
    predikats: tuple[str, ...]
    percent: int = 0


# The policy default of DOMAIN.md section 4 (reported from later ministry guidance; advisory: warn, never block).
DEFAULT_PATTERNS: dict[str, tuple[Constraint, ...]] = {
    UNIT_ISTIMEWA: (Constraint(MOST, (SANGAT_BAIK,)), Constraint(AT_MOST, (SANGAT_BAIK,), 70)),
    UNIT_BAIK: (Constraint(MOST, (BAIK,)), Constraint(AT_MOST, (BAIK,), 70),
                Constraint(SOME, (BUTUH_PERBAIKAN, KURANG))),
    UNIT_BUTUH_PERBAIKAN: (Constraint(AT_LEAST, (BUTUH_PERBAIKAN,), 60), Constraint(AT_MOST, (SANGAT_BAIK,), 10)),
    UNIT_KURANG: (Constraint(AT_LEAST, (KURANG,), 60), Constraint(AT_LEAST, (BUTUH_PERBAIKAN,), 10),
                  Constraint(AT_MOST, (SANGAT_BAIK,), 10)),
    UNIT_SANGAT_KURANG: (Constraint(AT_LEAST, (SANGAT_KURANG,), 60),
                         Constraint(AT_LEAST, (KURANG, BUTUH_PERBAIKAN), 10),
                         Constraint(AT_MOST, (SANGAT_BAIK,), 0)),
}


@dataclass(frozen=True)
class Deviation:
    constraint: Constraint
    count: int  # evaluations in the constraint's predikat set
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.count / self.total if self.total else 0.0


def share(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def meets(constraint: Constraint, counts: Mapping[str, int]) -> bool:
    """Does a distribution (predikat -> number of evaluations) meet one constraint? Shares are compared exactly
    (7 of 10 is 70 %: "at most 70 %" holds, "at least 70 %" holds)."""
    total = sum(counts.get(p, 0) for p in PREDIKATS)
    inside = sum(counts.get(p, 0) for p in constraint.predikats)
    if constraint.kind == SOME:
        return inside > 0
    if total == 0:
        return True  # nothing rated yet: nothing deviates
    if constraint.kind == AT_MOST:
        return inside * 100 <= constraint.percent * total
    if constraint.kind == AT_LEAST:
        return inside * 100 >= constraint.percent * total
    if constraint.kind == MOST:
        others = [counts.get(p, 0) for p in PREDIKATS if p not in constraint.predikats]
        return inside > max(others, default=0)
    raise ValueError(f"unknown constraint kind {constraint.kind!r}")


def check_distribution(counts: Mapping[str, int], pattern: Iterable[Constraint]) -> list[Deviation]:
    """The constraints of the unit's expected pattern that the current distribution does not meet (warnings,
    never a block). An empty distribution deviates from nothing; "ada" constraints are only checked once at least
    one evaluation exists."""
    total = sum(counts.get(p, 0) for p in PREDIKATS)
    if total == 0:
        return []
    return [Deviation(c, sum(counts.get(p, 0) for p in c.predikats), total)
            for c in pattern if not meets(c, counts)]


def distribution(predikats: Iterable[str | None]) -> dict[str, int]:
    counts = dict.fromkeys(PREDIKATS, 0)
    for predikat in predikats:
        if predikat in counts:
            counts[predikat] += 1
    return counts


# ---------------------------------------------------------------------------------------------------------
# What the self-assessment suggests (shown beside the assessor's choice; a justification is asked when the
# assessor's rating differs from it)


def suggested_result_rating(rhk_ratings: Iterable[tuple[str, str | None]]) -> str | None:
    """Rating Hasil Kerja from per-RHK ratings [(kind "utama"/"tambahan", rating)], by the guidance of
    PermenPANRB 6/2022 p. 97: *above* when most RHK are above and no RHK Utama is below; *below* when most are
    below, or when an RHK Utama is below and fewer than half are above (policy reading of the guidance); else *as
    expected*. None when no RHK was rated."""
    rated = [(kind, rating) for kind, rating in rhk_ratings if rating in RATINGS]
    if not rated:
        return None
    above = sum(1 for _k, r in rated if r == ABOVE)
    below = sum(1 for _k, r in rated if r == BELOW)
    utama_below = any(k == "utama" and r == BELOW for k, r in rated)
    if above * 2 > len(rated) and not utama_below:
        return ABOVE
    if below * 2 > len(rated) or (utama_below and above * 2 < len(rated)):
        return BELOW
    return AS_EXPECTED


def suggested_behaviour_rating(scores: Iterable[int | None]) -> str | None:
    """Rating Perilaku Kerja from the 1-5 self-ratings of the behaviour guides (policy: the scale's 3 is
    "Memadai", i.e. as expected): mean of at least 3.5 is above, below 2.5 is below, else as expected."""
    given = [s for s in scores if s is not None]
    if not given:
        return None
    mean = sum(given) / len(given)
    if mean >= 3.5:
        return ABOVE
    if mean < 2.5:
        return BELOW
    return AS_EXPECTED


def needs_justification(rating: str, suggested: str | None) -> bool:
    """A written justification is required when the assessor's rating is Di Bawah Ekspektasi, or differs from what
    the employee's own self-assessment suggests."""
    return rating == BELOW or (suggested is not None and rating != suggested)


# ---------------------------------------------------------------------------------------------------------
# Deadlines (DOMAIN.md sections 3 and 7)

DELIVERY_WORKING_DAYS = 14  # document handed to the employee within 14 working days of signing
APPEAL_WORKING_DAYS = 14  # appeal filed within 14 working days of receiving the document
DECISION_WORKING_DAYS = 7  # appeal decided within 7 working days


def superior_may_rate(window_closes_on: dt.date, finalised: bool, today: dt.date) -> bool:
    """If the assessor has not finalised by the window's close, the assessor's superior rates instead; that
    result is final (DOMAIN.md section 3, step 4)."""
    return not finalised and today > window_closes_on


def delivery_due(signed_on: dt.date, holidays: Collection[dt.date]) -> dt.date:
    return add_working_days(signed_on, DELIVERY_WORKING_DAYS, holidays)


def appeal_due(received_on: dt.date, holidays: Collection[dt.date]) -> dt.date:
    """The last day to file a keberatan: 14 working days after the employee received the document."""
    return add_working_days(received_on, APPEAL_WORKING_DAYS, holidays)


def decision_due(filed_on: dt.date, holidays: Collection[dt.date]) -> dt.date:
    """The last day for the assessor's superior to decide: 7 working days after the appeal was filed."""
    return add_working_days(filed_on, DECISION_WORKING_DAYS, holidays)


def may_appeal(received_on: dt.date | None, today: dt.date, holidays: Collection[dt.date]) -> bool:
    return received_on is not None and today <= appeal_due(received_on, holidays)
