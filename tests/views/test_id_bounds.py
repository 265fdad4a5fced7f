"""Ids a database cannot hold (0, negatives, 2**31 and more) are 404s or field errors, never 500s.

Id columns are INTEGER: PostgreSQL refuses a value beyond 32 bits ("integer out of range") and SQLite cannot even
bind one beyond 64 bits (OverflowError); either used to end as a 500 wherever an id came from a URL, a form or a
query string. Run on both databases.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass

import pytest
from werkzeug.routing import IntegerConverter

from portal import create_app
from portal.auth.models import User
from portal.core import ids
from portal.extensions import db
from portal.org.models import Employee, Unit
from tests.factories import make_progress_skp

MAX_ID = ids.MAX_ID
HUGE = [str(2**31), str(2**63), "18446744073709551616", "99999999999999999999", "9" * 5000]
OUT_OF_RANGE = ["0", "-1", *HUGE]
TODAY = dt.date.today()


def _rules():
    """Every rule of the app with its methods, read from a throwaway app (parametrisation needs them at
    collection time)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="portal-rules-")})
    rules = []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        converters = {name: type(conv) for name, conv in rule._converters.items()}
        rules.append((rule.rule, rule.endpoint, methods, converters))
    return rules


RULES = _rules()
ID_RULES = [r for r in RULES if any(issubclass(c, IntegerConverter) for c in r[3].values())]
PLAIN_GET_RULES = [r for r in RULES if not r[3] and "GET" in r[2] and r[1] != "static"]


def _url(rule: str, int_value: str) -> str:
    """The rule with ``int_value`` in every int slot, a plausible value in the others."""
    def fill(match: re.Match) -> str:
        spec = match.group(1)
        if spec.startswith("int:"):
            return int_value
        if spec.startswith("any("):
            return spec[4:spec.index(")")].split(",")[0].strip()
        return "golongan"  # <table>, <code>: a word

    return re.sub(r"<([^>]+)>", fill, rule)


@dataclass
class World:
    admin: User
    pegawai: User
    unit: Unit
    employee: Employee
    skp: object


@pytest.fixture
def world(make_unit, make_position, make_employee, make_user, make_period) -> World:
    period = make_period(TODAY.year)
    unit = make_unit("Dinas Pendidikan")
    head = make_employee("Kepala Dinas", unit=unit,
                         position=make_position("Kepala Dinas Pendidikan", unit=unit, is_head=True,
                                                type_code="JPT_PRATAMA"))
    employee = make_employee("Siti Aminah", unit=unit, superior=head)
    skp = make_progress_skp(employee, period)
    return World(admin=make_user("admin", role="admin"), pegawai=make_user("siti", employee=employee),
                 unit=unit, employee=employee, skp=skp)


def test_every_int_route_uses_the_id_converter(app):
    assert app.url_map.converters["int"] is ids.IdConverter
    assert len(ID_RULES) > 50


ROLES = ("admin", "pegawai")


@pytest.mark.parametrize("rule, endpoint, methods, converters", ID_RULES, ids=[r[0] for r in ID_RULES])
def test_out_of_range_ids_in_urls_are_404(client, login, world, rule, endpoint, methods, converters):
    for role in ROLES:
        login(getattr(world, role))
        for value in OUT_OF_RANGE:
            url = _url(rule, value)
            for method in methods:
                response = client.open(url, method=method)
                assert response.status_code == 404, (role, method, url[:80], response.status_code)


@pytest.mark.parametrize("rule, endpoint, methods, converters", ID_RULES, ids=[r[0] for r in ID_RULES])
def test_the_largest_id_reaches_the_view_without_error(client, login, world, rule, endpoint, methods, converters):
    for role in ROLES:
        login(getattr(world, role))
        url = _url(rule, str(MAX_ID))
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code < 500, (role, method, url, response.status_code)


QUERY_IDS = ["unit", "opd", "parent", "employee_id", "period", "jendela", "version_id", "unit_id", "position_id",
             "golongan_id", "skp", "page", "gpage", "jpage", "hal_atasan", "selesai", "tahun"]


@pytest.mark.parametrize("rule, endpoint, methods, converters", PLAIN_GET_RULES,
                         ids=[r[0] for r in PLAIN_GET_RULES])
def test_out_of_range_ids_in_query_strings_are_ignored_or_404(client, login, world, rule, endpoint, methods,
                                                              converters):
    for role in ROLES:
        login(getattr(world, role))
        for value in [*OUT_OF_RANGE, str(MAX_ID)]:
            query = {name: value for name in QUERY_IDS}
            query.update(cabang=f"rhk-{value}", field="position_id")
            response = client.get(rule, query_string=query)
            assert response.status_code < 500, (role, rule, value[:30], response.status_code)
        # One at a time too (an earlier argument may end the request before a later one is read), with a value
        # that neither database can take.
        failing = [name for name in QUERY_IDS if client.get(rule, query_string={name: str(2**63)}).status_code >= 500]
        assert failing == [], (role, rule)


@pytest.mark.parametrize("value", OUT_OF_RANGE + ["abc", "1.5", " 7x"])
def test_parse_id_refuses_what_is_not_an_id(value):
    with pytest.raises(ValueError):
        ids.parse_id(value)
    assert ids.id_or_none(value) is None


@pytest.mark.parametrize("value, expected", [("1", 1), ("007", 7), (" 42 ", 42), (str(MAX_ID), MAX_ID), (5, 5)])
def test_parse_id_accepts_ids(value, expected):
    assert ids.parse_id(value) == expected


def test_get_or_404_of_an_id_no_row_can_have_is_404(world):
    from werkzeug.exceptions import NotFound

    for value in (2**31, 2**63, 10**30, 0, -1):
        with pytest.raises(NotFound):
            db.get_or_404(Unit, value)
    assert db.get_or_404(Unit, world.unit.id) is world.unit


def test_the_id_converter_pattern_is_exact(app):
    converter = app.url_map.converters["int"](app.url_map)
    pattern = re.compile(converter.regex)
    assert MAX_ID == 2**31 - 1
    for good in ("1", "9", "10", "42", str(2**30), str(MAX_ID - 1), str(MAX_ID)):
        assert pattern.fullmatch(good), good
    for bad in ("0", "00", "007", "-1", "+1", str(MAX_ID + 1), str(2**63), "1" * 20, "١"):
        assert not pattern.fullmatch(bad), bad


# --- posted ids: a field error (422) or a 404, never a 500


INVALID = "Pilihan tidak valid."
POSTED = [str(2**31), str(2**63), "99999999999999999999", "0", "-5", "abc"]


@pytest.fixture
def org_admin(client, login, make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Pendidikan")
    position = make_position("Kepala Dinas Pendidikan", unit=unit, is_head=True, type_code="JPT_PRATAMA")
    employee = make_employee("Siti Aminah", unit=unit)
    login(make_user("admin", role="admin"))
    return {"unit": unit, "position": position, "employee": employee}


def _refused(response, status: int = 422) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:300]
    return body


@pytest.mark.parametrize("value", POSTED)
def test_posted_ids_in_org_forms_are_field_errors(client, org_admin, value):
    unit, employee = org_admin["unit"], org_admin["employee"]
    employee_data = {"nip": "198503142010012099", "nama": "Baru", "kind": "PNS", "unit_id": str(unit.id)}
    # A required choice says so (DataRequired replaces the error), an optional one that the value is invalid.
    for field, message in (("unit_id", "Pilih unit kerja."), ("position_id", INVALID), ("golongan_id", INVALID)):
        for url in ("/pegawai/baru", f"/pegawai/{employee.id}/ubah"):
            data = {**employee_data, field: value, "version_id": str(employee.version_id)}
            assert message in _refused(client.post(url, data=data)), (url, field)
    assert "Pilih jabatan." in _refused(client.post(f"/pegawai/{employee.id}/plt", data={
        "position_id": value, "kind": "Plt", "start_date": "2026-01-05"}))
    assert INVALID in _refused(client.post("/unit/baru", data={"name": "Seksi", "kind": "seksi", "parent_id": value}))
    for field, message in (("unit_id", "Pilih unit kerja."), ("position_type_id", INVALID)):
        data = {"name": "Analis", "unit_id": str(unit.id), field: value}
        assert message in _refused(client.post("/jabatan/baru", data=data)), field
    # The employee form's htmx refresh reads the form from the query string.
    assert client.get("/pegawai/pilihan", query_string={"field": "position_id", "unit_id": value}).status_code == 200
    assert client.post("/pegawai/validasi/nip", query_string={"employee_id": value},
                       data={"nip": employee.nip}).status_code == 200
    assert client.get("/pegawai/baru", query_string={"unit": value}).status_code == 200
    assert client.post("/admin/akun/terbitkan", data={"scope": value}).status_code == 422


@pytest.mark.parametrize("value", POSTED)
def test_posted_unit_of_a_reopening_is_a_field_error(client, login, make_user, make_period, value):
    from portal.periods import services

    period = make_period(2026)
    phase = services.find_phase(period, "perencanaan", 0)
    login(make_user("admin", role="admin"))
    response = client.post(f"/periode/fase/{phase.id}/buka-ulang", data={
        "target": "unit", "unit_id": value, "until": "2026-02-20", "reason": "Bencana banjir"})
    assert INVALID in _refused(response)


@pytest.mark.parametrize("value", POSTED)
def test_posted_ids_in_the_skp_editor_are_refused(client, login, make_unit, make_employee, make_user, make_period,
                                                  make_skp, value):
    period = make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)))
    unit = make_unit("Dinas Uji")
    boss = make_employee("Atasan", unit=unit)
    owner = make_employee("Pemilik", unit=unit, superior=boss)
    make_skp(boss, period, status="disetujui", rhk=1)  # the RHK select is shown when there is one to link
    skp = make_skp(owner, period, rhk=1)
    rhk = skp.result_plans[0]
    login(make_user("pemilik", employee=owner))
    data = {"rhk-baru-kind": "utama", "rhk-baru-text": "Layanan prima", "rhk-baru-parent_id": value,
            "version_id": str(skp.version_id)}
    assert INVALID in _refused(client.post(f"/skp/{skp.id}/rhk", data=data))
    for field in ("parent_id", "unit_goal_id"):
        response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}/tautkan", data={field: value,
                                                                            "version_id": str(skp.version_id)})
        assert response.status_code == 302
        assert INVALID in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(type(skp), skp.id).result_plans) == 1
    assert client.post("/skp/sasaran-unit/baru", query_string={"unit": value, "period": value},
                       data={"goal-baru-text": "Sasaran"}).status_code == 404


@pytest.mark.parametrize("value", POSTED)
def test_posted_ids_in_feedback_forms_are_refused(client, login, monkeypatch, value):
    from portal.progress.services import seed_feedback_phrases
    from tests import factories

    monkeypatch.setattr("portal.progress.views.local_today", lambda: dt.date(2026, 4, 8))
    world = factories.make_progress_world(rhk=1, indicators=1)
    seed_feedback_phrases()
    db.session.commit()
    login(world.u_assessor)
    url = f"/skp/{world.skp.id}/umpan-balik"
    assert client.post(url, data={"text": "Bagus", "request_id": value}).status_code == 404
    for field in ("phrase_id", "realisation_id"):
        assert INVALID in _refused(client.post(url, data={"text": "Bagus", field: value})), field
    login(world.u_owner)
    response = client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"message": "Mohon",
                                                                           "realisation_id": value})
    assert INVALID in _refused(response)


@pytest.mark.parametrize("value", [str(2**31), str(2**63)])
def test_posted_rater_id_of_a_nomination_is_refused(client, login, value):
    from tests.unit.test_nomination_services import build_world

    w = build_world()
    login(w.u_assessor)
    response = client.post(f"/360/{w.subject.id}/{w.phase.id}/undang", data={"rater_id": value, "group": "rekan"})
    assert response.status_code in (404, 422)
