"""Forms of the rater's side of the 360 input. The per-item radio groups are read by the view from the posted
data (``item-<id>`` = 1..5 or "na"): their number follows the period's questionnaire."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Optional

from portal.assessment.rater_services import COMMENT_MAX, DECLINE_REASON_MAX
from portal.core.forms import FlaskForm
from portal.core.textlimits import MaxLength


class QuestionnaireForm(FlaskForm):
    keep = TextAreaField(_l("Apa yang perlu dipertahankan"), validators=[Optional(), MaxLength(COMMENT_MAX)])
    improve = TextAreaField(_l("Apa yang perlu ditingkatkan"), validators=[Optional(), MaxLength(COMMENT_MAX)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Alasan menolak"), validators=[DataRequired(_l("Alasan menolak wajib diisi.")),
                                                            MaxLength(DECLINE_REASON_MAX)])


def posted_scores(formdata, item_ids) -> dict[str, str]:
    """{item id (str): raw value} from the radio groups named ``item-<id>``."""
    return {str(i): formdata.get(f"item-{i}") for i in item_ids if formdata.get(f"item-{i}")}
