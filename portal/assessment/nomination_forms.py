"""Forms of the 360 nominations and the admin's 360 settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.assessment.models import GROUP_PEER, GROUPS
from portal.assessment.nomination_services import GROUP_LABELS
from portal.core.forms import FlaskForm
from portal.org.fields import PersonField


class EmptyForm(FlaskForm):
    """A lone button (approve, reject, remove, remind): CSRF only."""


def _group_choices():
    return [SelectChoice(g, GROUP_LABELS[g]) for g in GROUPS]


class AddRaterForm(FlaskForm):
    """Any employee (also from another OPD), chosen with the people picker, into a chosen group; a suggestion's
    button posts only ``rater_id``."""

    rater = PersonField(_l("Penilai"), validators=[DataRequired(_l("Pilih penilai: ketik nama, NIP atau unit kerja."))])
    group = SelectField(_l("Kelompok penilai"), choices=_group_choices, default=GROUP_PEER,
                        validators=[DataRequired(_l("Pilih kelompok penilai."))])


class ReplaceForm(FlaskForm):
    replacement = PersonField(_l("Penilai pengganti"), validators=[
        DataRequired(_l("Pilih penilai pengganti: ketik nama, NIP atau unit kerja."))])


class CancelForm(FlaskForm):
    """Admin BKPSDM withdraws a sent invitation, with a reason."""

    reason = StringField(_l("Alasan pembatalan"),
                         validators=[DataRequired(_l("Alasan pembatalan wajib diisi.")), Length(max=500)])


def _count(label, minimum: int = 0):
    return IntegerField(label, validators=[InputRequired(_l("Wajib diisi.")),
                                           NumberRange(min=minimum, max=99, message=_l("Nilai tidak valid."))])


class SettingsForm(FlaskForm):
    anonymity_threshold = _count(_l("Ambang anonimitas (jawaban minimum per kelompok)"))
    peer_min = _count(_l("Rekan kerja setingkat: minimum"))
    peer_max = _count(_l("Rekan kerja setingkat: maksimum"))
    subordinate_max = _count(_l("Bawahan: maksimum"))
    superior_max = _count(_l("Atasan: maksimum"))
    other_max = _count(_l("Pihak lain: maksimum"))
    rater_working_days = _count(_l("Batas waktu penilai (hari kerja sejak diundang)"))
