"""Pure rules of the dialog kinerja (feedback sessions), coaching and counselling: the session's states and who moves
them, what carries over to the next session, and when an action is overdue. No Flask, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# Session kinds (DOMAIN.md section 3: dialog during planning, periodic check-ins, the year-end talk, ad hoc)
KIND_PLANNING = "perencanaan"
KIND_CHECKIN = "periodik"
KIND_YEAR_END = "akhir_tahun"
KIND_ADHOC = "lainnya"
KINDS = (KIND_PLANNING, KIND_CHECKIN, KIND_YEAR_END, KIND_ADHOC)

# Session states
PROPOSED = "diusulkan"  # one side proposed a time; the other accepts or proposes another
SCHEDULED = "dijadwalkan"  # accepted by the other side
CLOSED = "ditutup"  # held; the assessor closed it; waits for the employee's confirmation
CONFIRMED = "dikonfirmasi"  # the employee confirmed (or added a comment)
CANCELLED = "dibatalkan"
STATES = (PROPOSED, SCHEDULED, CLOSED, CONFIRMED, CANCELLED)

# Sides
ASSESSOR = "penilai"
EMPLOYEE = "pegawai"

# (action, from state) -> (to state, who may: "other" = the side that did not propose last, "either", a side)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("accept", PROPOSED): (SCHEDULED, "other"),
    ("reschedule", PROPOSED): (PROPOSED, "either"),  # a counter-proposal: the other side answers next
    ("reschedule", SCHEDULED): (PROPOSED, "either"),
    ("cancel", PROPOSED): (CANCELLED, "either"),
    ("cancel", SCHEDULED): (CANCELLED, "either"),
    ("close", SCHEDULED): (CLOSED, ASSESSOR),
    ("confirm", CLOSED): (CONFIRMED, EMPLOYEE),
}


class TransitionRefused(ValueError):
    pass


def transition(action: str, state: str, side: str, proposed_by: str | None) -> str:
    """The state after ``action`` by ``side``; raises TransitionRefused when the table does not allow it."""
    try:
        to_state, who = TRANSITIONS[(action, state)]
    except KeyError:
        raise TransitionRefused(f"{action} not allowed in {state}") from None
    if who == "other" and side == proposed_by:
        raise TransitionRefused("the side that proposed cannot accept its own proposal")
    if who in (ASSESSOR, EMPLOYEE) and side != who:
        raise TransitionRefused(f"only the {who} may {action}")
    return to_state


def editable_notes(state: str) -> bool:
    """Talking points, live notes and agreed actions may change until the session is closed."""
    return state in (PROPOSED, SCHEDULED)


# Agreed actions
ACTION_OPEN = "terbuka"
ACTION_DONE = "selesai"
ACTION_DROPPED = "dibatalkan"
ACTION_STATES = (ACTION_OPEN, ACTION_DONE, ACTION_DROPPED)


def action_overdue(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    return status == ACTION_OPEN and due_on is not None and due_on < today


@dataclass(frozen=True)
class Point:
    id: int
    discussed: bool


def carry_over(points: Iterable[Point]) -> list[int]:
    """The talking points of a closed session that were not discussed: they move to the next session (in order)."""
    return [p.id for p in points if not p.discussed]


@dataclass(frozen=True)
class ActionState:
    id: int
    status: str


def open_actions(actions: Iterable[ActionState]) -> list[int]:
    """Actions still open: shown on the next session's agenda (they stay owned by their session)."""
    return [a.id for a in actions if a.status == ACTION_OPEN]


# Coaching and counselling
COACHING = "coaching"
MENTORING = "mentoring"
COACHING_KINDS = (COACHING, MENTORING)
COACHING_ACTIVE = "berjalan"
COACHING_DONE = "selesai"
COACHING_STATES = (COACHING_ACTIVE, COACHING_DONE)

REFERRAL_OPEN = "dirujuk"  # referred, the counsellor has not started
REFERRAL_ACTIVE = "berlangsung"
REFERRAL_DONE = "selesai"
REFERRAL_STATES = (REFERRAL_OPEN, REFERRAL_ACTIVE, REFERRAL_DONE)


def offers_coaching(predikat: str | None) -> bool:
    """An employee rated Butuh Perbaikan or worse is offered coaching (issue 11; DOMAIN.md section 3)."""
    return predikat in ("butuh_perbaikan", "kurang", "sangat_kurang")
