"""The demo generators on their own: valid NIPs, a well-formed demo structure, the logins table."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from portal.auth.rules import MIN_PASSWORD_LENGTH
from portal.demo import (
    DEMO_ACCOUNT_EMPLOYEE,
    DEMO_LOGINS,
    DEMO_ROLES,
    GOLONGAN_BY_TYPE,
    PPPK_GOLONGAN_BY_TYPE,
    NipFactory,
    PersonFactory,
    UnitSpec,
    demo_logins_markdown,
    demo_structure,
)
from portal.org.reference import PNS_GOLONGAN, POSITION_TYPES, PPPK_GOLONGAN
from portal.org.rules import PNS, PPPK, format_nip, parse_nip

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("kind", [PNS, PPPK])
def test_nip_factory_gives_valid_unique_numbers(kind):
    factory = NipFactory(random.Random(1), today=TODAY)
    numbers = set()
    for i in range(3000):
        gender = "LP"[i % 2]
        birth = factory.birth_date((1966, 1999))
        nip = factory.make(birth, gender, kind)
        info = parse_nip(nip, kind, today=TODAY)
        assert info.birth_date == birth and info.gender == gender
        numbers.add(nip)
    assert len(numbers) == 3000


def test_nip_factory_avoids_numbers_already_taken():
    first = NipFactory(random.Random(5), today=TODAY)
    birth = dt.date(1985, 3, 14)
    taken = {first.make(birth, "L") for _ in range(50)}
    second = NipFactory(random.Random(5), taken=set(taken), today=TODAY)
    again = {second.make(birth, "L") for _ in range(50)}
    assert not taken & again


def test_pppk_numbers_use_the_year_of_appointment():
    factory = NipFactory(random.Random(2), today=TODAY)
    nip = factory.make(dt.date(1990, 1, 1), "P", PPPK)
    assert 2021 <= int(nip[8:12]) <= 2024 and nip[12:14] == "01" and nip[14] == "2"
    assert format_nip(nip).count(" ") == 3


def test_person_names_are_unique_and_titled():
    people = PersonFactory(random.Random(3))
    nips = NipFactory(random.Random(3), today=TODAY)
    made = [people.make("perawat", (1980, 1995), nips) for _ in range(60)]
    assert len({p.nama for p in made}) == 60
    assert all(p.gelar_belakang in ("S.Kep.", "A.Md.Kep.") for p in made)
    assert all(p.gelar_depan in (None, "Ns.") for p in made)
    doctor = people.make("dokter", (1980, 1990), nips)
    assert doctor.full_name.startswith("dr. ")


def _walk(spec: UnitSpec, depth: int = 0):
    yield spec, depth
    for child in spec.children:
        yield from _walk(child, depth + 1)


def test_demo_structure_is_well_formed():
    type_codes = {code for code, *_ in POSITION_TYPES}
    golongan = {code for code, _ in PNS_GOLONGAN} | set(PPPK_GOLONGAN)
    roots = demo_structure()
    assert len({r.name for r in roots}) == len(roots)
    assert len({r.code for r in roots}) == len(roots)
    keys = []
    for root in roots:
        assert root.kind == "opd" and root.head and root.head.type_code == "JPT_PRATAMA"
        for spec, depth in _walk(root):
            assert len({c.name for c in spec.children}) == len(spec.children), spec.name
            names = [s.position for s in spec.staff] + ([spec.head.position] if spec.head else [])
            names += [spec.principal.position] if spec.principal else []
            assert len(set(names)) == len(names), spec.name  # positions are unique per unit
            for staff in spec.staff + ([spec.principal] if spec.principal else []):
                assert staff.type_code in type_codes
                keys += list(staff.keys)
            if spec.head:
                assert spec.head.type_code in type_codes
                keys += [spec.head.key] if spec.head.key else []
                if depth > 0:
                    assert spec.head.type_code in ("ADMINISTRATOR", "PENGAWAS")
    for codes in GOLONGAN_BY_TYPE.values():
        assert set(codes) <= golongan
    assert set(PPPK_GOLONGAN_BY_TYPE.values()) <= golongan
    # Every demo account with an employee points at a key of the structure.
    for username in DEMO_ACCOUNT_EMPLOYEE.values():
        assert username in keys
    assert len(keys) == len(set(keys))


def test_demo_logins_table():
    usernames = [username for _label, username, _password in DEMO_LOGINS]
    assert usernames == ["admin", "kadis.pendidikan", "kabid.dikdas", "pegawai", "auditor"]
    assert set(DEMO_ROLES) == set(usernames)
    assert all(len(password) >= MIN_PASSWORD_LENGTH for _label, _username, password in DEMO_LOGINS)
    table = demo_logins_markdown().splitlines()
    assert table[0] == "| Role | Login | Password |"
    assert len(table) == 2 + len(DEMO_LOGINS)
