"""Forms of the self-assessment. The per-RHK and per-behaviour rows are named ``rhk-<id>-...``, ``item-<id>-...``
and ``value-<code>-example`` and read by the view (their number depends on the SKP and the questionnaire)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Optional

from portal.assessment.self_services import NOTE_MAX, REFLECTION_MAX
from portal.core.forms import FlaskForm
from portal.core.textlimits import MaxLength


class SelfAssessmentForm(FlaskForm):
    version_id = HiddenField()
    achievements = TextAreaField(_l("Capaian"), validators=[Optional(), MaxLength(REFLECTION_MAX)])
    obstacles = TextAreaField(_l("Kendala"), validators=[Optional(), MaxLength(REFLECTION_MAX)])
    support_needed = TextAreaField(_l("Dukungan yang dibutuhkan"), validators=[Optional(), MaxLength(REFLECTION_MAX)])


class ReturnForm(FlaskForm):
    version_id = HiddenField()
    note = TextAreaField(_l("Apa yang perlu dilengkapi"),
                         validators=[DataRequired(_l("Tuliskan apa yang perlu dilengkapi.")), MaxLength(NOTE_MAX)])
