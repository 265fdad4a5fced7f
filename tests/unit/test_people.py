"""Finding a person from typed text (portal/org/people.py) and the PersonField built on it (portal/org/fields.py):
one ranking for the live picker and for forms sent without JavaScript."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import DataRequired

from portal.extensions import db
from portal.org import people
from portal.org.fields import PersonField
from portal.org.rules import format_nip
from tests import factories

# ---------------------------------------------------------------------------------------------------------
# Pure: normalising what was typed, and whether a person matches it


@pytest.mark.parametrize(("raw", "text", "digits"), [
    ("19860926 201505 1 001", "19860926 201505 1 001", "198609262015051001"),
    ("198609262015051001", "198609262015051001", "198609262015051001"),
    ("1986.09.26", "1986.09.26", "19860926"),
    ("  Ahmad   FAUZI ", "ahmad fauzi", ""),
    ("Dinas 2", "dinas 2", ""),
    ("", "", ""),
    (None, "", ""),
])
def test_parse_query(raw, text, digits):
    query = people.parse_query(raw)
    assert (query.text, query.digits) == (text, digits)


def test_query_length_rules():
    assert people.parse_query("a").too_short and not people.parse_query("a").searchable
    assert people.parse_query("abc").searchable and people.parse_query("ab").too_short
    assert people.parse_query("1").searchable and not people.parse_query("1").too_short  # an NIP's first digit
    assert not people.parse_query("1" * 19).searchable  # longer than an NIP
    assert not people.parse_query("x" * 500).too_short and len(people.parse_query("x" * 500).text) == 100


@pytest.mark.parametrize(("raw", "expected"), [
    ("19860926", True), ("19860926 201505 1 001", True), ("19860927", False),
    ("fauzi", True), ("fauzi ahmad", True), ("dr. h. ahmad", True), ("ahmad budi", False),
    ("pendidikan", True), ("dinas pendidikan", True), ("puskesmas", False), ("", False),
])
def test_text_matches_mirrors_the_search(raw, expected):
    assert people.text_matches(people.parse_query(raw), nip="198609262015051001",
                               search_text="dr. h. ahmad fauzi, s.pd. 198609262015051001",
                               unit_name="Dinas Pendidikan") is expected


# ---------------------------------------------------------------------------------------------------------
# The search and the resolver, on a small org chart


@pytest.fixture
def folk():
    school = factories.make_unit("Dinas Pendidikan")
    clinic = factories.make_unit("Puskesmas Sukamaju")
    teacher = factories.make_position("Guru Ahli Muda", unit=school)
    return {
        "ahmad": factories.make_employee("Ahmad Fauzi", unit=school, position=teacher, gelar_depan="Dr. H.",
                                         gelar_belakang="S.Pd., M.Si.", nip="198609262015051001"),
        "budi_s": factories.make_employee("Budi Santoso", unit=clinic, nip="198609262015051002"),
        "budi_h": factories.make_employee("Budi Hartono", unit=school, nip="197001012000031001"),
        "siti": factories.make_employee("Siti Budiarti", unit=school, nip="198001012005012001"),
        "rahmat": factories.make_employee("Rahmat", unit=clinic, nip="199001012015011001"),
        "gone": factories.make_employee("Budi Pensiun", unit=school, nip="196001011985031001", active=False),
    }


def _names(found):
    return [p.nama for p in found.people]


def test_exact_nip_with_or_without_spaces(folk):
    for raw in ("198609262015051001", "19860926 201505 1 001", " 19860926.201505.1.001 "):
        resolution = people.resolve_person(raw)
        assert resolution.status == people.ONE and resolution.person.id == folk["ahmad"].id


def test_nip_prefix(folk):
    assert _names(people.search_people("19860926")) == ["Ahmad Fauzi", "Budi Santoso"]  # NIP order
    several = people.resolve_person("19860926 2015")
    assert several.status == people.SEVERAL and [p.id for p in several.matches] == [folk["ahmad"].id,
                                                                                 folk["budi_s"].id]
    assert people.resolve_person("1970").person.id == folk["budi_h"].id  # a unique prefix is one person


def test_name_with_gelar_ignored_and_words_in_any_order(folk):
    for raw in ("ahmad", "Ahmad Fauzi", "fauzi ahmad", "FAUZI", "Dr. H. Ahmad Fauzi, S.Pd., M.Si."):
        assert people.resolve_person(raw).person.id == folk["ahmad"].id, raw


def test_ranking_name_starts_before_name_contains_before_unit(folk):
    # "budi": two names start with it (by name), one contains it, the inactive one is not there
    assert _names(people.search_people("budi")) == ["Budi Hartono", "Budi Santoso", "Siti Budiarti"]
    # a unit's name: its people, after those whose own name matches ("sukamaju" is nobody's name)
    assert _names(people.search_people("Puskesmas Sukamaju")) == ["Budi Santoso", "Rahmat"]
    factories.make_employee("Sukamaju Wijaya", unit=factories.make_unit("Dinas Lain"))
    assert _names(people.search_people("sukamaju")) == ["Sukamaju Wijaya", "Budi Santoso", "Rahmat"]


def test_several_none_short_and_empty(folk):
    several = people.resolve_person("budi")
    assert several.status == people.SEVERAL and len(several.matches) == 3 and not several.more
    assert people.resolve_person("Zulkarnain").status == people.NONE
    assert people.resolve_person("b").status == people.SHORT
    assert people.resolve_person("   ").status == people.EMPTY


def test_inactive_employees_are_never_found(folk):
    assert people.resolve_person("196001011985031001").status == people.NONE
    assert people.resolve_person("pensiun").status == people.NONE


def test_at_most_ten_and_more(folk):
    unit = factories.make_unit("Bagian Umum")
    for i in range(12):
        factories.make_employee(f"Pegawai Uji {i:02d}", unit=unit)
    found = people.search_people("pegawai uji")
    assert len(found.people) == people.LIMIT == 10 and found.more
    assert _names(found)[0] == "Pegawai Uji 00"
    resolution = people.resolve_person("pegawai uji")
    assert resolution.status == people.SEVERAL and resolution.more and len(resolution.matches) == 10


def test_search_is_one_query(folk, queries):
    db.session.expunge_all()
    with queries() as q:
        found = people.search_people("budi")
        assert [(p.unit.name, p.position) for p in found.people]  # unit and position come with the people
    assert q.count == 1


def test_wildcards_are_text(folk):
    assert people.search_people("%%%").people == [] and people.search_people("b_di").people == []


# ---------------------------------------------------------------------------------------------------------
# PersonField: what the picker posts, with and without JavaScript


class PickForm(Form):
    rater = PersonField("Penilai", validators=[DataRequired("Pilih penilai.")])


class OptionalForm(Form):
    asked = PersonField("Pegawai")


def _form(cls=PickForm, **data):
    return cls(MultiDict(data))


def test_field_typed_text_without_js(folk):
    form = _form(rater="19860926 201505 1 001")
    assert form.validate() and form.rater.data.id == folk["ahmad"].id


def test_field_several_matches_for_radio_buttons(folk):
    form = _form(rater="budi")
    assert not form.validate()
    assert [p.nama for p in form.rater.matches] == ["Budi Hartono", "Budi Santoso", "Siti Budiarti"]
    assert form.rater.errors == ["3 pegawai cocok dengan \u201cbudi\u201d: pilih salah satu di bawah."]
    # a radio button comes after the (empty) hidden input of the same name: the choice wins, the text agrees
    chosen = MultiDict([("rater", "budi"), ("rater_id", ""), ("rater_id", str(folk["budi_s"].id))])
    form = PickForm(chosen)
    assert form.validate() and form.rater.data.id == folk["budi_s"].id and form.rater.text == "budi"


def test_field_nobody_and_required(folk):
    form = _form(rater="Zulkarnain")
    assert not form.validate() and "tidak ditemukan" in form.rater.errors[0] and form.rater.matches == []
    form = _form(rater="")
    assert not form.validate() and form.rater.errors == ["Pilih penilai."]
    form = _form(rater="b")
    assert not form.validate() and "paling sedikit 3 huruf" in form.rater.errors[0]


def test_field_chosen_id_counts_while_the_text_designates_that_person(folk):
    siti = folk["siti"]
    form = _form(rater=format_nip(siti.nip), rater_id=str(siti.id))  # what the live picker posts
    assert form.validate() and form.rater.data.id == siti.id
    form = _form(rater="Ahmad", rater_id=str(siti.id))  # typed someone else after choosing: the text wins
    assert form.validate() and form.rater.data.id == folk["ahmad"].id
    form = _form(rater="", rater_id=str(siti.id))  # emptied: nobody
    assert not form.validate() and form.rater.data is None
    form = _form(rater_id=str(siti.id))  # a button posting only the id (a suggestion)
    assert form.validate() and form.rater.data.id == siti.id


def test_field_leaves_who_may_be_chosen_to_the_service(folk):
    gone = folk["gone"]
    form = _form(rater=format_nip(gone.nip), rater_id=str(gone.id))
    assert form.validate() and form.rater.data.id == gone.id  # the task's service refuses an inactive person
    for junk in ("abc", "-1", str(2**63)):
        form = _form(rater_id=junk)
        assert not form.validate() and form.rater.data is None


def test_optional_field_and_object_data(folk):
    assert _form(OptionalForm).validate() and _form(OptionalForm).asked.data is None
    assert _form(OptionalForm, asked="").validate()
    form = OptionalForm(asked=folk["ahmad"])
    assert form.asked.data.id == folk["ahmad"].id and form.asked.text == "19860926 201505 1 001"
