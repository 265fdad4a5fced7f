"""Forms of the evaluation: ratings, calibration note, the unit's achievement, reopening, appeals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import FlaskForm
from portal.evaluation import rules
from portal.evaluation.appeals import REASONS_MAX, STATEMENT_MAX
from portal.evaluation.services import BASIS_MAX, RATING_LABELS, TEXT_MAX, UNIT_RATING_LABELS


def _ratings():
    return [SelectChoice(r, RATING_LABELS[r]) for r in rules.RATINGS]


def _text(label, maximum=TEXT_MAX, required_message=None):
    validators = [DataRequired(required_message)] if required_message else [Optional()]
    return TextAreaField(label, validators=[*validators, Length(max=maximum, message=_l(
        "Paling banyak %(max)d karakter."))])


class EmptyForm(FlaskForm):
    """A lone button: CSRF only."""


class RatingForm(FlaskForm):
    version = HiddenField()
    result_rating = RadioField(_l("Rating Hasil Kerja"), choices=_ratings, validators=[Optional()])
    result_justification = _text(_l("Alasan rating hasil kerja"))
    behaviour_rating = RadioField(_l("Rating Perilaku Kerja"), choices=_ratings, validators=[Optional()])
    behaviour_justification = _text(_l("Alasan rating perilaku kerja"))
    note = _text(_l("Catatan dan rekomendasi"))
    distribution_note = _text(_l("Alasan bila distribusi tim menyimpang dari pola unit"))


class SendBackForm(FlaskForm):
    version = HiddenField()
    note = _text(_l("Catatan untuk Pejabat Penilai Kinerja"), required_message=_l("Tulis catatan."))


class ReopenForm(FlaskForm):
    version = HiddenField()
    reason = StringField(_l("Alasan membuka kembali"), validators=[DataRequired(_l("Alasan wajib diisi.")),
                                                                   Length(max=500)])


def _unit_ratings():
    return [SelectChoice("", _l("— pilih —"))] + [SelectChoice(r, UNIT_RATING_LABELS[r]) for r in rules.UNIT_RATINGS]


class AchievementForm(FlaskForm):
    version = HiddenField()
    rating = SelectField(_l("Capaian Kinerja Organisasi"), choices=_unit_ratings,
                         validators=[DataRequired(_l("Pilih capaian kinerja organisasi."))])
    basis = _text(_l("Dasar penetapan"), BASIS_MAX, _l("Dasar penetapan wajib diisi."))


class AppealForm(FlaskForm):
    reasons = _text(_l("Alasan keberatan"), REASONS_MAX, _l("Tuliskan alasan keberatan Anda."))
    files = MultipleFileField(_l("Lampiran (opsional, paling banyak 5 berkas)"))


class StatementRequestForm(FlaskForm):
    party = SelectField(_l("Minta penjelasan dari"), choices=lambda: [
        SelectChoice("penilai", _l("Pejabat Penilai Kinerja")), SelectChoice("pegawai", _l("Pegawai yang Dinilai"))])
    question = _text(_l("Hal yang perlu dijelaskan"), STATEMENT_MAX, _l("Tuliskan hal yang perlu dijelaskan."))


class StatementAnswerForm(FlaskForm):
    answer = _text(_l("Penjelasan Anda"), STATEMENT_MAX, _l("Tuliskan penjelasan Anda."))


class DecisionForm(FlaskForm):
    version = HiddenField()
    outcome = RadioField(_l("Keputusan"), choices=lambda: [
        SelectChoice("ditetapkan", _l("Keputusan tetap: penilaian tidak berubah")),
        SelectChoice("diubah", _l("Penilaian diubah"))], validators=[DataRequired(_l("Pilih keputusan."))])
    result_rating = RadioField(_l("Rating Hasil Kerja baru"), choices=_ratings, validators=[Optional()])
    behaviour_rating = RadioField(_l("Rating Perilaku Kerja baru"), choices=_ratings, validators=[Optional()])
    decision_note = _text(_l("Pertimbangan keputusan"), STATEMENT_MAX, _l("Tuliskan pertimbangan keputusan."))
