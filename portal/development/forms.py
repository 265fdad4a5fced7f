"""Forms of competency development: plan items and their transitions, certificates, the dictionary and the activity
types. The competency levels (one radio group or select per competency) are read by portal.development.views_common
from the posted ``level-<id>`` fields, as their number depends on the data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from portal.core.forms import FlaskForm
from portal.core.ids import IdSelectField
from portal.core.textlimits import MaxLength
from portal.development import competencies, rules
from portal.development import services as services
from portal.development.labels import ADDRESSES_LABELS, MODE_LABELS


class EmptyForm(FlaskForm):
    """A lone button (CSRF), with the version of the record it acts on."""

    version = HiddenField()


def _addresses():
    return [SelectChoice(a, ADDRESSES_LABELS[a]) for a in rules.ADDRESSES]


class ItemForm(FlaskForm):
    version = HiddenField()
    addresses = SelectField(_l("Yang dikembangkan"), choices=_addresses,
                            validators=[DataRequired(_l("Pilih hal yang ingin dikembangkan."))])
    competency_id = IdSelectField(_l("Kompetensi (untuk kesenjangan kompetensi)"), validators=[Optional()])
    gap_note = StringField(_l("Kesenjangan yang dijawab"), validators=[Optional(), MaxLength(services.GAP_NOTE_MAX)])
    activity_type_id = IdSelectField(_l("Jenis kegiatan"), validators=[DataRequired(_l("Pilih jenis kegiatan."))])
    title = StringField(_l("Nama kegiatan"), validators=[DataRequired(_l("Isi nama kegiatan.")),
                                                         MaxLength(services.TITLE_MAX)])
    provider = StringField(_l("Penyelenggara"), validators=[Optional(), MaxLength(services.PROVIDER_MAX)])
    starts_on = DateField(_l("Tanggal mulai"), validators=[Optional()])
    ends_on = DateField(_l("Tanggal selesai"), validators=[Optional()])
    cost = IntegerField(_l("Biaya (rupiah, bila ada)"), validators=[
        Optional(), NumberRange(min=0, max=rules.MAX_COST, message=_l("Biaya antara 0 dan 1.000.000.000 rupiah."))])
    planned_jp = IntegerField(_l("JP direncanakan"), validators=[
        Optional(), NumberRange(min=0, max=rules.MAX_JP, message=_l("JP antara 0 dan %(max)s."))])

    def fill_choices(self) -> None:
        self.competency_id.choices = [SelectChoice("", _l("— tidak ada —"))] + [
            SelectChoice(str(c.id), c.name) for c in competencies.dictionary()]
        self.activity_type_id.choices = [SelectChoice("", _l("— pilih —"))] + [
            SelectChoice(str(t.id), f"{t.name} ({MODE_LABELS[t.mode]})" + (
                f" · {t.jp_per_day} JP/hari" if t.jp_per_day else "")) for t in competencies.activity_types()]

    def data_for_service(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "addresses", "competency_id", "gap_note", "activity_type_id", "title", "provider", "starts_on", "ends_on",
            "cost", "planned_jp")}


class CompleteForm(FlaskForm):
    version = HiddenField()
    actual_jp = IntegerField(_l("JP yang diperoleh"), validators=[
        DataRequired(_l("Isi JP yang diperoleh.")),
        NumberRange(min=1, max=rules.MAX_JP, message=_l("JP antara 1 dan %(max)s."))])
    completed_on = DateField(_l("Tanggal selesai"), validators=[DataRequired(_l("Isi tanggal selesai."))])
    certificate = FileField(_l("Sertifikat (PDF atau gambar)"))


class CertificateForm(FlaskForm):
    certificate = FileField(_l("Sertifikat (PDF atau gambar)"))


class CancelForm(FlaskForm):
    version = HiddenField()
    note = StringField(_l("Alasan pembatalan"), validators=[DataRequired(_l("Tulis alasan pembatalan.")),
                                                            MaxLength(services.NOTE_MAX)])


class ReturnForm(FlaskForm):
    version = HiddenField()
    note = TextAreaField(_l("Catatan untuk pegawai"), validators=[
        DataRequired(_l("Tulis catatan untuk pegawai: apa yang perlu diperbaiki.")), MaxLength(services.NOTE_MAX)])


def _levels_fields(cls):
    for level in rules.LEVELS:
        setattr(cls, f"level_{level}", TextAreaField(
            _l("Deskripsi level %(n)s", n=level),
            validators=[DataRequired(_l("Isi deskripsi level ini.")), MaxLength(competencies.DESCRIPTOR_MAX)]))
    return cls


@_levels_fields
class CompetencyForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Nama kompetensi"), validators=[DataRequired(_l("Isi nama kompetensi.")),
                                                          MaxLength(competencies.NAME_MAX)])
    description = TextAreaField(_l("Definisi"), validators=[Optional(), MaxLength(competencies.DESCRIPTION_MAX)])
    active = BooleanField(_l("Aktif (dipakai dalam standar dan penilaian)"), default=True)

    def descriptors(self) -> list[str]:
        return [getattr(self, f"level_{level}").data for level in rules.LEVELS]

    def level_fields(self) -> list:
        return [getattr(self, f"level_{level}") for level in rules.LEVELS]


def _modes():
    return [SelectChoice(m, MODE_LABELS[m]) for m in rules.MODES]


class ActivityTypeForm(FlaskForm):
    name = StringField(_l("Nama jenis kegiatan"), validators=[DataRequired(_l("Isi nama jenis kegiatan.")),
                                                              MaxLength(competencies.TYPE_NAME_MAX)])
    mode = SelectField(_l("Klasikal atau non-klasikal"), choices=_modes)
    jp_per_day = IntegerField(_l("JP per hari (usulan, boleh kosong)"), validators=[
        Optional(), NumberRange(min=1, max=competencies.MAX_JP_PER_DAY, message=_l("JP per hari antara 1 dan 24."))])
    active = BooleanField(_l("Aktif"), default=True)
