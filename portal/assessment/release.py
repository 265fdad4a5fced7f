"""Releasing 360 results (issue 8): results are released, not live.

A results page that follows the live buckets lets its reader difference two visits: n·mean₂ − (n−1)·mean₁ is one
rater's score, and the only new comment is theirs. So every page reads a frozen *release* instead:

- nothing is released while the window is open for the employee (its own dates, or a reopening for them or their
  unit); the first release freezes every bucket as it is when the window has closed for them;
- answers that arrive later (during a later reopening) are held. A bucket is released again only once at least
  the anonymity threshold of new answers arrived in it since its last release (rules.buckets_to_release), so that
  the difference of two releases is itself an aggregate of at least that many raters - or never.

Releases are made lazily, by the first page that needs one after the window closed (a request in the past is
indistinguishable from one now: the rule depends only on dates and counts). The caller commits.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.assessment import common, rules
from portal.assessment.models import FeedbackBucket, ReleasedBucket, ResultRelease
from portal.extensions import db
from portal.org.models import Employee
from portal.periods.models import PeriodPhase


def window_closed_for(phase: PeriodPhase, subject: Employee, today: dt.date) -> bool:
    """Has the window closed for this employee: past its close date and not reopened for them today?"""
    return today > phase.closes_on and not common.window_open_for(phase, subject, today)


def current_release(subject: Employee, phase: PeriodPhase) -> ResultRelease | None:
    return db.session.scalar(
        select(ResultRelease).where(ResultRelease.subject_id == subject.id, ResultRelease.phase_id == phase.id)
        .options(selectinload(ResultRelease.buckets)))


def _copy(target: ReleasedBucket, source: FeedbackBucket) -> None:
    target.responses = source.responses
    target.histogram = dict(source.histogram or {})
    target.comments_keep = list(source.comments_keep or [])
    target.comments_improve = list(source.comments_improve or [])


def release_results(subject: Employee, phase: PeriodPhase, today: dt.date) -> ResultRelease | None:
    """The release to show for the employee and window, made or brought up to date first when the window has
    closed for them (see the module docstring). None while nothing has been released."""
    release = current_release(subject, phase)
    if not window_closed_for(phase, subject, today):
        return release
    threshold = common.settings_for(phase.period).anonymity_threshold
    live = {b.bucket: b for b in db.session.scalars(select(FeedbackBucket).where(
        FeedbackBucket.subject_id == subject.id, FeedbackBucket.phase_id == phase.id))}
    released = {b.bucket: b for b in release.buckets} if release is not None else None
    keys = rules.buckets_to_release({k: b.responses for k, b in live.items()},
                                    {k: b.responses for k, b in released.items()} if released is not None else None,
                                    threshold)
    if release is not None and not keys:
        return release
    try:
        with db.session.begin_nested():
            if release is None:
                release = ResultRelease(subject_id=subject.id, phase_id=phase.id, released_on=today,
                                        updated_on=today)
                db.session.add(release)
                released = {}
            else:
                release.updated_on = today
            for key in sorted(keys):
                row = released.get(key)
                if row is None:
                    row = ReleasedBucket(id=secrets.token_hex(16), bucket=key)
                    release.buckets.append(row)
                _copy(row, live[key])
    except IntegrityError:  # another request released it at the same moment: use theirs
        db.session.expire_all()
        return current_release(subject, phase)
    db.session.flush()
    return release
