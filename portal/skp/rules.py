"""The SKP flow as data (DOMAIN.md section 3, step 1) and who may act in it. Pure functions, no Flask.

    draft ──submit──▶ diajukan ──approve──▶ disetujui ──revise──▶ (new version: draft) … the old one: digantikan
      ▲                  │  └──return (note)──▶ dikembalikan ──submit──▶ diajukan
      └────withdraw──────┘
    a revision (version > 1) in draft or dikembalikan ──cancel──▶ dibatalkan (the approved version is current again)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from portal.periods.rules import working_days_between
from portal.skp.models import (
    STATUS_APPROVED,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    STATUS_SUPERSEDED,
)

OWNER = "pegawai"  # the Pegawai yang Dinilai
ASSESSOR = "penilai"  # the Pejabat Penilai Kinerja (or the superior acting for a late/absent assessor)

SUBMIT = "submit"
WITHDRAW = "withdraw"
APPROVE = "approve"
RETURN = "return"
REVISE = "revise"
SUPERSEDE = "supersede"
CANCEL = "cancel"


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    actor: str  # OWNER or ASSESSOR ("system" for supersede)
    needs_note: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(SUBMIT, STATUS_DRAFT, STATUS_SUBMITTED, OWNER),
    Transition(SUBMIT, STATUS_RETURNED, STATUS_SUBMITTED, OWNER),
    Transition(WITHDRAW, STATUS_SUBMITTED, STATUS_DRAFT, OWNER),
    Transition(APPROVE, STATUS_SUBMITTED, STATUS_APPROVED, ASSESSOR),
    Transition(RETURN, STATUS_SUBMITTED, STATUS_RETURNED, ASSESSOR, needs_note=True),
    # A revision during the year: the approved version stays readable, a new draft version is opened from it.
    Transition(REVISE, STATUS_APPROVED, STATUS_APPROVED, OWNER, needs_note=True),
    Transition(REVISE, STATUS_APPROVED, STATUS_APPROVED, ASSESSOR, needs_note=True),
    Transition(SUPERSEDE, STATUS_APPROVED, STATUS_SUPERSEDED, "system"),
    # Giving up a revision that is not approved (withdraw a submitted one first): only versions after the first.
    Transition(CANCEL, STATUS_DRAFT, STATUS_CANCELLED, OWNER),
    Transition(CANCEL, STATUS_RETURNED, STATUS_CANCELLED, OWNER),
    Transition(CANCEL, STATUS_DRAFT, STATUS_CANCELLED, ASSESSOR),
    Transition(CANCEL, STATUS_RETURNED, STATUS_CANCELLED, ASSESSOR),
)

EDITABLE_STATUSES = frozenset({STATUS_DRAFT, STATUS_RETURNED})


class TransitionError(ValueError):
    """The transition is not allowed; the message is Indonesian, for the user."""


def find_transition(action: str, status: str, role: str) -> Transition:
    for transition in TRANSITIONS:
        if transition.action == action and transition.source == status and transition.actor == role:
            return transition
    raise TransitionError(f"Tindakan '{action}' tidak dapat dilakukan pada SKP berstatus '{status}'.")


def allowed_actions(status: str, role: str) -> list[str]:
    return [t.action for t in TRANSITIONS if t.source == status and t.actor == role]


def is_cancellable_revision(number: int, previous_status: str | None) -> bool:
    """Only a revision can be cancelled: a later version whose previous one is the approved SKP in force."""
    return number > 1 and previous_status == STATUS_APPROVED


def is_editable(status: str) -> bool:
    """Only a draft or a returned SKP is edited by its owner; an approved one changes by revision only."""
    return status in EDITABLE_STATUSES


# Policy (DOMAIN.md section 7: "when the assessor is absent or late, the assessor's superior can act"): the
# superior may decide once the SKP has waited this many working days, or the planning phase has closed.
SUPERIOR_GRACE_WORKING_DAYS = 5


def superior_may_act(
    *,
    assessor_present: bool,
    submitted_on: dt.date | None,
    today: dt.date,
    planning_closes_on: dt.date | None,
    holidays: Collection[dt.date],
    grace_working_days: int = SUPERIOR_GRACE_WORKING_DAYS,
) -> bool:
    """May the Atasan Pejabat Penilai Kinerja approve/return instead of the assessor?"""
    if not assessor_present:
        return True
    if submitted_on is None:
        return False
    if planning_closes_on is not None and today > planning_closes_on:
        return True
    return working_days_between(submitted_on, today, holidays) > grace_working_days
