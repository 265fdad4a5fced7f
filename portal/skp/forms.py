"""Forms of the SKP editor. Every edit form carries the SKP's version (optimistic locking) as a plain hidden
``version_id`` input outside the field prefix, so that one out-of-band swap can refresh it in every form of the page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from portal.core.forms import FlaskForm
from portal.core.ids import IdSelectField
from portal.core.textlimits import MaxLength
from portal.skp.berakhlak import BERAKHLAK
from portal.skp.models import ASPECTS, RHK_TAMBAHAN, RHK_UTAMA
from portal.skp.services import (
    EXPECTATION_MAX,
    INDICATOR_TEXT_MAX,
    LAMPIRAN_MAX,
    RHK_TEXT_MAX,
    TARGET_TEXT_MAX,
    TARGET_UNIT_MAX,
)

RHK_KIND_LABELS = {RHK_UTAMA: _l("Utama"), RHK_TAMBAHAN: _l("Tambahan")}
ASPECT_LABELS = {
    "kuantitas": _l("Kuantitas"),
    "kualitas": _l("Kualitas"),
    "waktu": _l("Waktu"),
    "biaya": _l("Biaya"),
}


class LocalDecimalField(DecimalField):
    """A decimal typed the Indonesian way: "1.250,5" or "12,5" (a comma is the decimal separator)."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) and "," in valuelist[0]:
            valuelist = [valuelist[0].replace(".", "").replace(",", ".")]
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Target angka tidak valid."))) from error


class EmptyForm(FlaskForm):
    """A lone button (delete, move): CSRF only."""


class CreateSkpForm(FlaskForm):
    copy_previous = BooleanField(_l("Salin dari SKP tahun lalu"))


class RhkForm(FlaskForm):
    kind = SelectField(_l("Jenis RHK"), choices=[SelectChoice(k, v) for k, v in RHK_KIND_LABELS.items()],
                       default=RHK_UTAMA, validate_choice=False)
    text = TextAreaField(_l("Rencana Hasil Kerja"), validators=[
        DataRequired(_l("Rencana Hasil Kerja wajib diisi.")),
        MaxLength(RHK_TEXT_MAX),
    ])
    parent_id = IdSelectField(_l("RHK Pimpinan yang Diintervensi"))
    unit_goal_id = IdSelectField(_l("Sasaran unit yang diintervensi"))


class IndicatorForm(FlaskForm):
    text = TextAreaField(_l("Indikator Kinerja Individu"), validators=[
        DataRequired(_l("Indikator wajib diisi.")),
        MaxLength(INDICATOR_TEXT_MAX),
    ])
    aspect = SelectField(_l("Aspek"), choices=[SelectChoice(k, v) for k, v in ASPECT_LABELS.items()],
                         default=ASPECTS[0], validate_choice=False)
    target_text = StringField(_l("Target (teks)"), validators=[
        Optional(), MaxLength(TARGET_TEXT_MAX)])
    target_number = LocalDecimalField(_l("Target (angka)"), places=None, validators=[
        Optional(), NumberRange(min=0, message=_l("Target tidak boleh negatif."))],
        render_kw={"inputmode": "decimal"})
    target_unit = StringField(_l("Satuan"), validators=[
        Optional(), MaxLength(TARGET_UNIT_MAX)])

    def validate_target_text(self, field):
        if not (field.data or "").strip() and self.target_number.data is None \
                and not self.target_number.process_errors:
            raise ValidationError(_l("Isi Target sebagai teks, atau sebagai angka dengan satuannya."))

    def validate_target_unit(self, field):
        if self.target_number.data is not None and not (field.data or "").strip():
            raise ValidationError(_l("Satuan wajib diisi bila Target berupa angka."))


class LampiranForm(FlaskForm):
    resources = TextAreaField(_l("Dukungan sumber daya"), validators=[Optional(), MaxLength(LAMPIRAN_MAX)])
    reporting_scheme = TextAreaField(_l("Skema pertanggungjawaban"), validators=[Optional(), MaxLength(LAMPIRAN_MAX)])
    consequences = TextAreaField(_l("Konsekuensi"), validators=[Optional(), MaxLength(LAMPIRAN_MAX)])


class ExpectationsForm(FlaskForm):
    """The Ekspektasi Khusus Pimpinan of the seven BerAKHLAK values, one field per value code, saved together."""


for _value in BERAKHLAK:  # seven fields on one page: each label names its value
    setattr(ExpectationsForm, _value.code, TextAreaField(
        _l("Ekspektasi Khusus Pimpinan: %(value)s", value=_value.name),
        validators=[Optional(), MaxLength(EXPECTATION_MAX)]))
