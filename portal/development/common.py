"""What the development views share: the year asked for, the levels posted per competency, template globals."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, request
from flask_babel import gettext

from portal.core.errors import DomainError
from portal.core.timeutil import local_today
from portal.development import labels, rules
from portal.development.blueprint import bp

MIN_YEAR, MAX_YEAR = 2000, 2100  # a year any page may ask for; anything else is not a year of this portal


def seed_lists() -> None:
    """The dictionary and the activity types are seeded on first use: committed before a page loads what it shows
    (a commit afterwards would expire the loaded rows and reload them one by one)."""
    from portal.development import competencies
    from portal.extensions import db

    seeded = competencies.ensure_dictionary()
    seeded = competencies.ensure_activity_types() or seeded
    if seeded:
        db.session.commit()


def valid_year(year: int | None) -> bool:
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


def year_arg(default: int | None = None) -> int:
    """``?tahun=`` when it is a plausible year, else this year (or ``default``)."""
    raw = request.args.get("tahun", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else None
    return year if valid_year(year) else (default or local_today().year)


def year_or_404(year: int) -> int:
    if not valid_year(year):
        abort(404)
    return year


def year_choices(selected: int, extra: Iterable[int] = ()) -> list[int]:
    today = local_today().year
    return sorted({today - 1, today, today + 1, selected, *extra}, reverse=True)


def parse_levels(form, competency_ids: Iterable[int], *, prefix: str = "level-") -> dict[int, int | None]:
    """The level posted for each competency (``level-<id>``): 1-5, or None when left empty; anything else is a
    DomainError at that field."""
    levels: dict[int, int | None] = {}
    for competency_id in competency_ids:
        raw = (form.get(f"{prefix}{competency_id}") or "").strip()
        if not raw:
            levels[competency_id] = None
            continue
        if not raw.isdigit() or not rules.valid_level(int(raw)):
            raise DomainError(gettext("Pilih level 1 sampai 5."), field=f"{prefix}{competency_id}")
        levels[competency_id] = int(raw)
    return levels


@bp.app_template_global("development_level")
def development_level(level: int | None) -> str:
    return labels.level_label(level)


@bp.app_template_global("development_plan_state")
def development_plan_state(status: str | None) -> tuple[str, str]:
    return labels.plan_state(status)


@bp.app_template_global("development_item_state")
def development_item_state(status: str) -> tuple[str, str]:
    return labels.item_state(status)


@bp.app_template_global("development_addresses")
def development_addresses(code: str) -> str:
    return str(labels.ADDRESSES_LABELS.get(code, code))


@bp.app_template_global("development_kind")
def development_kind(code: str | None) -> str:
    return str(labels.KIND_LABELS.get(code, code or ""))


@bp.app_template_global("development_mode")
def development_mode(code: str | None) -> str:
    return str(labels.MODE_LABELS.get(code, code or ""))


@bp.app_template_global("development_gap_label")
def development_gap_label(bucket: int) -> str:
    return str(labels.GAP_LABELS.get(bucket, bucket))


def rupiah(value: int | None) -> str:
    """"Rp 1.500.000" (Indonesian grouping); an en dash when there is none."""
    if value is None:
        return "–"
    return "Rp " + f"{value:,}".replace(",", ".")


bp.add_app_template_filter(rupiah, "rupiah")
