"""Public verification of a Dokumen Evaluasi Kinerja Pegawai by its code (the QR code or the code printed on the
paper): anyone, without signing in, learns only whether the code belongs to a genuine document, its version,
whether that version is still the current one (or, reopened by BKPSDM, being corrected), its signing date and the
start of its fingerprint - nothing about the person, the ratings or the reason of a correction.

Lookups are rate-limited per client address, counted in the database (``verification_lookup``) so that the limit
holds across server threads, processes and restarts. A code has 60 bits (services.new_code): guessing one at 30
lookups per 10 minutes is hopeless; the limit mainly keeps the page from being used as an oracle at scale.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.evaluation.models import RELEASED, Evaluation, EvaluationDocument
from portal.evaluation.services import CODE_ALPHABET, fingerprint
from portal.extensions import db

CODE_INPUT_MAX = 64  # longer input is not a code (and is never echoed back)
FINGERPRINT_SHOWN = 16  # hex digits of the SHA-256 printed on the paper and shown on the page

_SEPARATORS = re.compile(r"[\s\-_.]+")
_CODE_CHARS = frozenset(CODE_ALPHABET)


class VerificationLookup(db.Model):
    """One lookup on the public verification page from a client address (rate limiting only; rows older than the
    window are deleted on the next lookup)."""

    __tablename__ = "verification_lookup"
    __table_args__ = (Index("ix_verification_lookup_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(index=True)


# ---------------------------------------------------------------------------------------------------------
# Codes


def normalise_code(raw: str | None) -> str | None:
    """``abcd efgh jklm``, ``ABCDEFGHJKLM``, ``abcd-efgh-jklm`` → ``ABCD-EFGH-JKLM``; None when it cannot be a
    code (wrong length or a character outside the code alphabet)."""
    if not raw or len(raw) > CODE_INPUT_MAX:
        return None
    compact = _SEPARATORS.sub("", raw).upper()
    if len(compact) != 12 or not set(compact) <= _CODE_CHARS:
        return None
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


@dataclass(frozen=True)
class Verification:
    """What the public page may say about a code. Deliberately no person, unit, rating or predikat."""

    code: str
    version: int
    signed_on: dt.date
    current: bool  # no later version supersedes it
    in_correction: bool  # the newest version, but BKPSDM has reopened the evaluation: a new version will follow
    newest_version: int  # equals ``version`` when current
    superseded_on: dt.datetime | None
    fingerprint_prefix: str
    intact: bool  # the stored snapshot still hashes to the stored fingerprint


def verify(raw: str | None) -> Verification | None:
    """The verification of a typed or scanned code; None for an unknown or malformed one (the page answers both
    the same way)."""
    code = normalise_code(raw)
    if code is None:
        return None
    found = db.session.execute(
        select(EvaluationDocument, Evaluation.status)
        .join(Evaluation, Evaluation.id == EvaluationDocument.evaluation_id)
        .where(EvaluationDocument.code == code)).first()
    if found is None:
        return None
    document, status = found
    newest = db.session.scalar(select(func.max(EvaluationDocument.version)).where(
        EvaluationDocument.evaluation_id == document.evaluation_id)) or document.version
    return Verification(
        code=document.code,
        version=document.version,
        signed_on=document.signed_on,
        current=document.superseded_at is None,
        in_correction=document.superseded_at is None and status != RELEASED,
        newest_version=newest,
        superseded_on=document.superseded_at,
        fingerprint_prefix=document.fingerprint[:FINGERPRINT_SHOWN],
        intact=fingerprint(document.snapshot) == document.fingerprint,
    )


# ---------------------------------------------------------------------------------------------------------
# Rate limiting per client address


@dataclass(frozen=True)
class Limits:
    max_lookups: int
    window: dt.timedelta

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(max_lookups=int(config.get("VERIFY_MAX_LOOKUPS", 30)),
                   window=dt.timedelta(minutes=int(config.get("VERIFY_WINDOW_MINUTES", 10))))


def client_key(address: str | None) -> str:
    """The counted address: IPv4 as is; IPv6 by its /64 network (one subscriber usually holds a whole /64, so
    counting single IPv6 addresses would let one client rotate through billions of them)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "-")[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def take_lookup(address: str | None, limits: Limits, now: dt.datetime) -> dt.timedelta | None:
    """Count one lookup for ``address``. Returns None when it is allowed (and recorded), else how long until the
    next lookup is allowed (nothing recorded: a blocked client does not extend its own block). Flushes."""
    key = client_key(address)
    since = now - limits.window
    db.session.execute(delete(VerificationLookup).where(VerificationLookup.at <= since))
    times = list(db.session.scalars(
        select(VerificationLookup.at).where(VerificationLookup.address == key, VerificationLookup.at > since)
        .order_by(VerificationLookup.at.desc()).limit(limits.max_lookups)))
    if len(times) >= limits.max_lookups:
        # The oldest counted lookup leaves the window first.
        return max(times[-1] + limits.window - now, dt.timedelta(seconds=1))
    db.session.add(VerificationLookup(address=key, at=now))
    db.session.flush()
    return None
