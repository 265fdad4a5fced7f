"""The portal's form base class: Flask-WTF's FlaskForm whose built-in messages follow the user's language.

WTForms and Flask-WTF word their own messages ("This field is required.", "Not a valid integer value.", "Field
cannot be longer than 100 characters.") in English and translate them from WTForms' catalogues, which have no
Indonesian. Every form of the portal derives from this class (tests/unit/test_form_messages.py checks it), so
those messages come from ``INDONESIAN`` below when the page is Indonesian, and stay WTForms' own (with its
catalogues for other languages) otherwise. Messages written by the portal itself (``DataRequired(_l("..."))``)
are untouched: they are our own msgids.

``INDONESIAN`` is a catalogue of WTForms' msgids, like a ``wtforms.po`` for ``id``, not UI text of the portal:
its keys are the libraries' English strings and the English page shows those, so it is kept out of the
portal's own translation catalogue.
"""

from __future__ import annotations

import re

from flask_babel import get_locale
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.i18n import translations as _wtforms_translations

# WTForms 3 (wtforms/locale/wtforms.pot) and Flask-WTF's file validators. Indonesian has no plural forms: the
# singular msgid of a plural message is the key. The placeholders are the msgid's (tests check both).
INDONESIAN: dict[str, str] = {
    "Invalid field name '%s'.": "Nama isian '%s' tidak dikenal.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be at least %(min)d character long.": "Isian paling sedikit %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Isian paling banyak %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Isian harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.":
        "Panjang isian harus antara %(min)d dan %(max)d karakter.",
    "Number must be at least %(min)s.": "Angka paling kecil %(min)s.",
    "Number must be at most %(max)s.": "Angka paling besar %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "This field is required.": "Isian ini wajib diisi.",
    "Invalid input.": "Isian tidak sah.",
    "Invalid email address.": "Alamat email tidak sah.",
    "Invalid IP address.": "Alamat IP tidak sah.",
    "Invalid Mac address.": "Alamat MAC tidak sah.",
    "Invalid URL.": "Alamat URL tidak sah.",
    "Invalid UUID.": "UUID tidak sah.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak sah; harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Nilai tidak sah; tidak boleh salah satu dari: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini nonaktif dan tidak boleh berisi nilai.",
    "Invalid CSRF Token.": "Token keamanan formulir tidak sah.",
    "CSRF token missing.": "Token keamanan formulir tidak ada.",
    "CSRF failed.": "Pemeriksaan token keamanan formulir gagal.",
    "CSRF token expired.": "Token keamanan formulir sudah kedaluwarsa.",
    "Invalid Choice: could not coerce.": "Pilihan tidak sah.",
    "Choices cannot be None.": "Daftar pilihan belum diisi.",
    "Not a valid choice.": "Pilihan tidak sah.",
    "Invalid choice(s): one or more data inputs could not be coerced.":
        "Pilihan tidak sah: satu atau beberapa nilai tidak dapat dibaca.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang sah untuk isian ini.",
    "Not a valid datetime value.": "Tanggal dan waktu tidak sah.",
    "Not a valid date value.": "Tanggal tidak sah.",
    "Not a valid time value.": "Waktu tidak sah.",
    "Not a valid week value.": "Minggu tidak sah.",
    "Not a valid integer value.": "Isian harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Isian harus berupa angka.",
    "Not a valid float value.": "Isian harus berupa angka.",
    # Flask-WTF (flask_wtf/file.py)
    "File does not have an approved extension: {extensions}": "Jenis berkas tidak diizinkan; yang diizinkan: "
                                                               "{extensions}",
    "File does not have an approved extension.": "Jenis berkas tidak diizinkan.",
}

# Flask-WTF's FileSize formats its numbers before asking for the translation.
_FILE_SIZE = re.compile(r"File must be between (\d+) and (\d+) bytes\.")


def _indonesian_page() -> bool:
    locale = get_locale()  # None outside a request or app context: the portal's default language
    return locale is None or locale.language == "id"


class Translations:
    """gettext/ngettext for WTForms: Indonesian from ``INDONESIAN``, else WTForms' catalogues (Flask-WTF's)."""

    def gettext(self, string: str) -> str:
        if _indonesian_page():
            if string in INDONESIAN:
                return INDONESIAN[string]
            size = _FILE_SIZE.fullmatch(string)
            if size:
                return f"Ukuran berkas harus antara {size[1]} dan {size[2]} bita."
            return string
        return _wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if _indonesian_page():
            return INDONESIAN.get(singular) or (singular if n == 1 else plural)
        return _wtforms_translations.ngettext(singular, plural, n)


translations = Translations()


class FlaskForm(_FlaskForm):
    """Flask-WTF's form with WTForms' messages in the user's language. Derive every form from this one."""

    class Meta(_FlaskForm.Meta):
        def get_translations(self, form):
            return translations
