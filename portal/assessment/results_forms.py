"""Forms of the results part: the assessor's own behaviour input (scores are parsed from the radio groups)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import TextAreaField
from wtforms.validators import Optional

from portal.assessment import rules
from portal.assessment.results_services import COMMENT_MAX
from portal.assessment.scale import NOT_APPLICABLE
from portal.core.forms import FlaskForm
from portal.core.textlimits import MaxLength


class AssessorInputForm(FlaskForm):
    comment_keep = TextAreaField(lazy_gettext("Yang perlu dipertahankan"),
                                 validators=[Optional(), MaxLength(COMMENT_MAX)])
    comment_improve = TextAreaField(lazy_gettext("Yang perlu ditingkatkan"),
                                    validators=[Optional(), MaxLength(COMMENT_MAX)])


def item_field_name(item_id: int) -> str:
    return f"item_{item_id}"


def parse_scores(items, formdata) -> tuple[dict[int, int | None], dict[int, str]]:
    """The answered items as {item id: 1..5 or None}, and the raw radio values to show the form again.
    Unknown values are ignored (treated as unanswered)."""
    scores: dict[int, int | None] = {}
    raw: dict[int, str] = {}
    for item in items:
        value = (formdata.get(item_field_name(item.id)) or "").strip()
        if value == NOT_APPLICABLE:
            scores[item.id] = None
            raw[item.id] = value
        elif value.isdigit() and int(value) in rules.SCALE:
            scores[item.id] = int(value)
            raw[item.id] = value
    return scores, raw


def raw_from_stored(stored: dict | None) -> dict[int, str]:
    return {int(k): (NOT_APPLICABLE if v is None else str(v)) for k, v in (stored or {}).items()}
