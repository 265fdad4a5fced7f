"""PersonField: a WTForms field for choosing one employee (templates/components/_people_picker.html).

What the picker posts, under the field's name ``<name>``:

* ``<name>``: the text typed in the visible field - a name, an NIP (with or without spaces, or its first digits)
  or a unit name. Without JavaScript it is all there is;
* ``<name>_id``: the id of the person chosen in the live list (or with a radio button after an ambiguous text).

``field.data`` becomes that Employee, or stays None with a field error in Indonesian (several people match: they
are listed in ``field.matches`` for the radio buttons; nobody matches; too short). A chosen id counts while the
typed text still designates that person (``people.text_matches``): typing something else means another person.
An id alone, without the text field (a one-click "Undang" button), counts too. An empty text is "nobody"; add
``DataRequired`` when a person is required. The view passes ``field.data`` to its service, which decides whether
that person may be chosen.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from portal.core.ids import id_or_none
from portal.org import people
from portal.org.rules import format_nip

MESSAGES = {
    people.SHORT: _l("Ketik paling sedikit %(n)s huruf nama, atau angka NIP."),
    people.NONE: _l("Pegawai aktif dengan nama, NIP atau unit kerja \u201c%(text)s\u201d tidak ditemukan. Periksa "
                    "ejaan, atau ketik NIP (18 angka)."),
    people.SEVERAL: _l("%(n)s pegawai cocok dengan \u201c%(text)s\u201d: pilih salah satu di bawah."),
    "more": _l("Lebih dari %(n)s pegawai cocok dengan \u201c%(text)s\u201d: pilih di bawah, atau ketik lebih "
               "spesifik (nama lengkap atau NIP)."),
}


class PersonField(Field):
    """One employee, chosen with the people picker (see the module docstring)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.text = ""
        self.matches: list = []
        self.more = False

    @property
    def id_name(self) -> str:
        """The name of the hidden input (and of the radio buttons) that carries the chosen person's id."""
        return f"{self.name}_id"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self._ids = formdata.getlist(self.id_name) if formdata is not None else []
        self._has_text = formdata is not None and self.name in formdata
        super().process(formdata, data, extra_filters)

    def process_data(self, value):
        self.data = value
        self.text = format_nip(value.nip) if value is not None else ""

    def process_formdata(self, valuelist):
        # The last id posted wins: a radio button comes after the hidden input of the same name.
        chosen_id = next((i for i in map(id_or_none, reversed(self._ids)) if i is not None), None)
        if not self._has_text:  # a button that posts only the id; or neither (the data given stays)
            if chosen_id is not None:
                self.process_data(people.load_person(chosen_id))
            return
        self.text = valuelist[0][:people.MAX_QUERY].strip()
        self.data, self.matches, self.more = None, [], False
        if not self.text:
            return
        if chosen_id is not None:
            person = people.load_person(chosen_id)
            if person is not None and people.text_matches(people.parse_query(self.text), nip=person.nip,
                                                          search_text=person.search_text, unit_name=person.unit.name):
                self.data = person
                return
        found = people.resolve_person(self.text)
        if found.status == people.ONE:
            self.data = found.person
            return
        self.matches, self.more = found.matches, found.more
        if found.status == people.SEVERAL:
            key = "more" if found.more else people.SEVERAL
            raise ValueError(MESSAGES[key] % {"n": people.LIMIT if found.more else len(found.matches),
                                              "text": self.text})
        raise ValueError(MESSAGES[found.status] % {"n": people.MIN_LETTERS, "text": self.text})

    def pre_validate(self, form):
        if self.process_errors:  # the text designates nobody, or several: that message, not "required"
            raise StopValidation()

    def ignore(self) -> None:
        """Not used this time (e.g. a reopening for a unit, not for one employee): no person, no error."""
        self.data, self.matches, self.more, self.process_errors = None, [], False, []

    def _value(self) -> str:
        return self.text
