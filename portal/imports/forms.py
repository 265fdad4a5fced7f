"""Forms of the staff import: upload, column mapping, confirm."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from portal.core.forms import FlaskForm

# The mapping screen's labels (the same fields as portal.imports.rules.FIELDS, written out for translation).
FIELD_LABELS = {
    "nip": _l("NIP"),
    "nama": _l("Nama"),
    "gelar_depan": _l("Gelar depan"),
    "gelar_belakang": _l("Gelar belakang"),
    "tgl_lahir": _l("Tanggal lahir"),
    "jenis_kelamin": _l("Jenis kelamin"),
    "status_pegawai": _l("Status pegawai (PNS/PPPK)"),
    "golongan": _l("Golongan"),
    "jabatan": _l("Jabatan"),
    "jenis_jabatan": _l("Jenis jabatan"),
    "eselon": _l("Eselon"),
    "opd": _l("OPD"),
    "unit_kerja": _l("Unit kerja"),
    "nip_atasan": _l("NIP atasan langsung"),
    "email": _l("Email"),
    "no_hp": _l("No. HP"),
}
REQUIRED_FIELDS = {"nip", "nama", "jabatan"}


class EmptyForm(FlaskForm):
    """A lone button: only the CSRF token."""


class UploadForm(FlaskForm):
    file = FileField(
        _l("Berkas daftar pegawai (.xlsx atau .csv)"),
        validators=[FileRequired(message=_l("Pilih berkas yang akan diunggah."))],
        render_kw={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"},
    )
    full_export = BooleanField(_l("Berkas ini ekspor lengkap (semua pegawai aktif kabupaten)"))


# Why a person missing from a full export leaves (portal.org.models.INACTIVE_REASONS); "" keeps them active.
INACTIVE_REASON_LABELS = {
    "pensiun": _l("Pensiun"),
    "mutasi_keluar": _l("Mutasi keluar"),
    "meninggal": _l("Meninggal dunia"),
    "berhenti": _l("Berhenti"),
}


class MissingChoiceForm(FlaskForm):
    """The admin's choice for one person (or everyone) missing from a full export."""

    reason = SelectField(
        _l("Tindakan"),
        choices=[("", _l("Tetap aktif"))] + [(k, _l("Nonaktifkan: %(reason)s", reason=v))
                                             for k, v in INACTIVE_REASON_LABELS.items()],
        validate_choice=True,
    )


class MappingForm(FlaskForm):
    """One <select> per field; the fields are added per batch by ``mapping_form``."""


def mapping_form(headers: list[str], initial: dict[str, str], formdata=None) -> MappingForm:
    choices = [("", _l("— tidak ada —"))] + [(h, h) for h in headers]

    class _Form(MappingForm):
        pass

    for key, label in FIELD_LABELS.items():
        setattr(_Form, f"map_{key}", SelectField(label, choices=choices, default=initial.get(key, ""),
                                                 validate_choice=True))
    form = _Form(formdata=formdata) if formdata is not None else _Form()
    return form


def mapping_from_form(form: MappingForm) -> dict[str, str]:
    return {key: getattr(form, f"map_{key}").data for key in FIELD_LABELS if getattr(form, f"map_{key}").data}
