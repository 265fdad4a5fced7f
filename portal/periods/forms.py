"""Forms of the periods area: performance years, phase dates, reopenings and the holiday calendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.core.forms import FlaskForm
from portal.core.ids import IdSelectField
from portal.org.fields import PersonField
from portal.periods.models import FREQUENCY_MONTHLY, FREQUENCY_QUARTERLY, HOLIDAY_CUTI_BERSAMA, HOLIDAY_NATIONAL


class EmptyForm(FlaskForm):
    """A lone button (end a reopening, delete a holiday): CSRF only."""


class PeriodForm(FlaskForm):
    year = IntegerField(_l("Tahun"), validators=[DataRequired(_l("Tahun wajib diisi.")),
                                                 NumberRange(min=2000, max=2100, message=_l("Tahun tidak valid."))])
    name = StringField(_l("Nama periode"), validators=[Optional(), Length(max=100)])
    frequency = SelectField(_l("Evaluasi periodik"), default=FREQUENCY_QUARTERLY, choices=[
        SelectChoice(FREQUENCY_QUARTERLY, _l("Triwulanan")), SelectChoice(FREQUENCY_MONTHLY, _l("Bulanan"))])


class PhaseForm(FlaskForm):
    opens_on = DateField(_l("Dibuka"), validators=[DataRequired(_l("Tanggal dibuka wajib diisi."))])
    closes_on = DateField(_l("Ditutup"), validators=[DataRequired(_l("Tanggal ditutup wajib diisi."))])
    version_id = HiddenField()


class ReopenForm(FlaskForm):
    target = RadioField(_l("Dibuka untuk"), default="pegawai", choices=[
        SelectChoice("pegawai", _l("Satu pegawai")), SelectChoice("unit", _l("Satu unit kerja dan sub-unitnya"))])
    employee = PersonField(_l("Pegawai"))
    unit_id = IdSelectField(_l("Unit kerja"))
    until = DateField(_l("Dibuka sampai"), validators=[DataRequired(_l("Tanggal batas wajib diisi."))])
    reason = TextAreaField(_l("Alasan"), validators=[DataRequired(_l("Alasan wajib diisi.")), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        if self.target.data == "unit":
            self.employee.ignore()  # reopened for a unit: whatever is typed in the employee field is not used
        return super().validate(extra_validators)


class HolidayForm(FlaskForm):
    date = DateField(_l("Tanggal"), validators=[DataRequired(_l("Tanggal wajib diisi."))])
    name = StringField(_l("Keterangan"), validators=[DataRequired(_l("Nama hari libur wajib diisi.")),
                                                     Length(max=150)])
    kind = SelectField(_l("Jenis"), default=HOLIDAY_NATIONAL, choices=[
        SelectChoice(HOLIDAY_NATIONAL, _l("Libur nasional")), SelectChoice(HOLIDAY_CUTI_BERSAMA, _l("Cuti bersama"))])
