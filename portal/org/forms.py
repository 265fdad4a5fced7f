"""Forms of the organisation area. Choices are filled by the view (they come from the database)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.core.forms import FlaskForm
from portal.core.ids import IdSelectField
from portal.org.fields import PersonField
from portal.org.models import UNIT_KINDS
from portal.org.services import ACTING_KINDS, POSITION_CATEGORIES


class EmptyForm(FlaskForm):
    """A lone button (deactivate, reactivate, end an assignment): CSRF only."""


class EmployeeForm(FlaskForm):
    nip = StringField(_l("NIP"), validators=[DataRequired(_l("NIP wajib diisi.")), Length(max=30)])
    kind = SelectField(_l("Jenis pegawai"), choices=[SelectChoice("PNS"), SelectChoice("PPPK")], default="PNS")
    gelar_depan = StringField(_l("Gelar depan"), validators=[Optional(), Length(max=60)])
    nama = StringField(_l("Nama"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=150)])
    gelar_belakang = StringField(_l("Gelar belakang"), validators=[Optional(), Length(max=100)])
    gender = SelectField(_l("Jenis kelamin"), default="", choices=[
        SelectChoice("", _l("(sesuai NIP)")), SelectChoice("L", _l("Laki-laki")), SelectChoice("P", _l("Perempuan"))])
    birth_date = DateField(_l("Tanggal lahir"), validators=[Optional()])
    golongan_id = IdSelectField(_l("Golongan"))
    unit_id = IdSelectField(_l("Unit kerja"), validators=[DataRequired(_l("Pilih unit kerja."))])
    position_id = IdSelectField(_l("Jabatan"))
    superior = PersonField(_l("Atasan langsung"))
    # Filled by the view from ``delegated_assessor``: ``Employee.assessor`` is the superior when nobody is delegated.
    assessor = PersonField(_l("Pejabat Penilai Kinerja (delegasi)"))
    email = StringField(_l("Email"), validators=[Optional(), Length(max=150)])
    phone = StringField(_l("Nomor telepon"), validators=[Optional(), Length(max=30)])
    # The date a change of unit, position or superior takes effect (EmployeeMove); empty = today.
    effective_on = DateField(_l("Berlaku mulai"), validators=[Optional()])
    version_id = HiddenField()


class ActingForm(FlaskForm):
    position_id = IdSelectField(_l("Jabatan"), validators=[DataRequired(_l("Pilih jabatan."))])
    kind = SelectField(_l("Jenis penugasan"), choices=[SelectChoice(k) for k in ACTING_KINDS])
    start_date = DateField(_l("Tanggal mulai"), validators=[DataRequired(_l("Tanggal mulai wajib diisi."))])
    end_date = DateField(_l("Tanggal selesai"), validators=[Optional()])
    note = StringField(_l("Keterangan"), validators=[Optional(), Length(max=255)])


class UnitForm(FlaskForm):
    name = StringField(_l("Nama unit"), validators=[DataRequired(_l("Nama unit wajib diisi.")), Length(max=200)])
    kind = SelectField(_l("Jenis unit"), choices=[SelectChoice(k, v) for k, v in UNIT_KINDS.items()])
    parent_id = IdSelectField(_l("Unit induk"))
    code = StringField(_l("Kode"), validators=[Optional(), Length(max=30)])
    version_id = HiddenField()


class PositionForm(FlaskForm):
    name = StringField(_l("Nama jabatan"), validators=[DataRequired(_l("Nama jabatan wajib diisi.")),
                                                       Length(max=200)])
    unit_id = IdSelectField(_l("Unit kerja"), validators=[DataRequired(_l("Pilih unit kerja."))])
    position_type_id = IdSelectField(_l("Jenis jabatan"))
    eselon = StringField(_l("Eselon"), validators=[Optional(), Length(max=10)])
    is_head = BooleanField(_l("Kepala unit"))


class GolonganForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(_l("Kode golongan wajib diisi.")), Length(max=10)])
    pangkat = StringField(_l("Pangkat"), validators=[Optional(), Length(max=60)])
    kind = SelectField(_l("Jenis pegawai"), choices=[SelectChoice("PNS"), SelectChoice("PPPK")])
    rank = IntegerField(_l("Urutan"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])
    active = BooleanField(_l("Aktif"), default=True)


class PositionTypeForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(_l("Kode jenis jabatan wajib diisi.")), Length(max=40)])
    name = StringField(_l("Nama"), validators=[DataRequired(_l("Nama jenis jabatan wajib diisi.")), Length(max=80)])
    category = SelectField(_l("Kategori"), choices=[SelectChoice(c) for c in POSITION_CATEGORIES])
    rank = IntegerField(_l("Urutan senioritas"), default=0, validators=[Optional(), NumberRange(min=0, max=999)])
    can_assess = BooleanField(_l("Dapat menjadi Pejabat Penilai Kinerja"))
    active = BooleanField(_l("Aktif"), default=True)
