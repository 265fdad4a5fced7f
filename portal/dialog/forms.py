"""Forms of the dialog kinerja, coaching and counselling."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.core.forms import FlaskForm
from portal.core.textlimits import MaxLength
from portal.dialog import rules
from portal.dialog.services import ACTION_LABELS, COACHING_LABELS, KIND_LABELS, LINK_MAX, NOTES_MAX, PLACE_MAX, TEXT_MAX
from portal.org.fields import PersonField

_MAX = _l("Paling banyak %(max)d karakter.")


class EmptyForm(FlaskForm):
    version = HiddenField()


class ProposeForm(FlaskForm):
    evaluation_id = HiddenField()
    kind = SelectField(_l("Jenis sesi"), choices=lambda: [SelectChoice(k, KIND_LABELS[k]) for k in rules.KINDS],
                       default=rules.KIND_CHECKIN)
    date = DateField(_l("Tanggal"), validators=[DataRequired(_l("Isi tanggal."))])
    time = TimeField(_l("Jam"), validators=[DataRequired(_l("Isi jam."))])
    duration = IntegerField(_l("Durasi (menit)"), default=60,
                            validators=[DataRequired(_l("Isi durasi.")),
                                        NumberRange(min=15, max=480, message=_l("Durasi antara 15 dan 480 menit."))])
    place = StringField(_l("Tempat"), validators=[Optional(), Length(max=PLACE_MAX, message=_MAX)])
    link = StringField(_l("Tautan rapat daring (opsional)"),
                       validators=[Optional(), Length(max=LINK_MAX, message=_MAX)])
    message = TextAreaField(_l("Pesan (opsional)"), validators=[Optional(), Length(max=TEXT_MAX, message=_MAX)])


class RescheduleForm(FlaskForm):
    version = HiddenField()
    date = DateField(_l("Tanggal baru"), validators=[DataRequired(_l("Isi tanggal."))])
    time = TimeField(_l("Jam baru"), validators=[DataRequired(_l("Isi jam."))])
    place = StringField(_l("Tempat"), validators=[Optional(), Length(max=PLACE_MAX, message=_MAX)])
    link = StringField(_l("Tautan rapat daring"), validators=[Optional(), Length(max=LINK_MAX, message=_MAX)])
    message = TextAreaField(_l("Pesan"), validators=[Optional(), Length(max=TEXT_MAX, message=_MAX)])


class CancelForm(FlaskForm):
    version = HiddenField()
    reason = StringField(_l("Alasan pembatalan"), validators=[DataRequired(_l("Alasan pembatalan wajib diisi.")),
                                                              Length(max=TEXT_MAX, message=_MAX)])


class PointForm(FlaskForm):
    text = StringField(_l("Pokok bahasan baru"), validators=[DataRequired(_l("Tulis pokok bahasan.")),
                                                             Length(max=TEXT_MAX, message=_MAX)])


class NotesForm(FlaskForm):
    version = HiddenField()
    notes = TextAreaField(_l("Catatan sesi (dilihat kedua pihak)"),
                          validators=[Optional(), MaxLength(NOTES_MAX, message=_MAX)])


class PrivateNoteForm(FlaskForm):
    private_note = TextAreaField(_l("Catatan pribadi penilai (tidak pernah dilihat pegawai)"),
                                 validators=[Optional(), MaxLength(NOTES_MAX, message=_MAX)])


class ActionForm(FlaskForm):
    action_text = StringField(_l("Tindak lanjut yang disepakati"),
                              validators=[DataRequired(_l("Tulis tindak lanjut.")), Length(max=TEXT_MAX, message=_MAX)])
    owner = SelectField(_l("Penanggung jawab"), choices=lambda: [
        SelectChoice(rules.EMPLOYEE, _l("Pegawai")), SelectChoice(rules.ASSESSOR, _l("Pejabat Penilai Kinerja"))])
    due_on = DateField(_l("Tenggat (opsional)"), validators=[Optional()])


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=lambda: [SelectChoice(s, ACTION_LABELS[s]) for s in rules.ACTION_STATES])


class ConfirmForm(FlaskForm):
    version = HiddenField()
    comment = TextAreaField(_l("Komentar Anda (opsional)"), validators=[Optional(), Length(max=TEXT_MAX, message=_MAX)])


class CoachingForm(FlaskForm):
    coach = PersonField(_l("Coach atau mentor"), validators=[DataRequired(_l(
        "Pilih coach atau mentor: ketik nama, NIP atau unit kerjanya."))])
    kind = SelectField(_l("Jenis"), choices=lambda: [SelectChoice(k, COACHING_LABELS[k]) for k in rules.COACHING_KINDS])
    goal = TextAreaField(_l("Tujuan pembinaan"), validators=[DataRequired(_l("Tulis tujuan pembinaan.")),
                                                              Length(max=TEXT_MAX, message=_MAX)])
    value_code = SelectField(_l("Terkait nilai BerAKHLAK (opsional)"), coerce=str, validators=[Optional()])


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Tanggal pertemuan"), validators=[DataRequired(_l("Isi tanggal."))])
    journal = TextAreaField(_l("Jurnal singkat"), validators=[DataRequired(_l("Tulis jurnal pertemuan.")),
                                                               Length(max=TEXT_MAX, message=_MAX)])


class OutcomeForm(FlaskForm):
    version = HiddenField()
    outcome = TextAreaField(_l("Hasil pembinaan"), validators=[DataRequired(_l("Tulis hasil pembinaan.")),
                                                               Length(max=TEXT_MAX, message=_MAX)])


class ReferralForm(FlaskForm):
    counsellor_id = SelectField(_l("Konselor"), coerce=str, validators=[DataRequired(_l("Pilih konselor."))])
    reason = TextAreaField(_l("Alasan rujukan (rahasia: hanya konselor dan pegawai yang membaca)"),
                           validators=[DataRequired(_l("Tulis alasan rujukan.")), Length(max=TEXT_MAX, message=_MAX)])


class CounsellingNoteForm(FlaskForm):
    text = TextAreaField(_l("Catatan"), validators=[DataRequired(_l("Tulis catatan.")),
                                                    Length(max=TEXT_MAX, message=_MAX)])


class CounsellorForm(FlaskForm):
    """Admin BKPSDM grants the counsellor role to a person chosen with the people picker; a row's button posts
    only ``employee_id`` (and ``active``) to withdraw or restore it."""

    employee = PersonField(_l("Pegawai"), validators=[DataRequired(_l("Pilih pegawai: ketik nama, NIP atau unit "
                                                                        "kerjanya."))])
    active = HiddenField(default="1")
