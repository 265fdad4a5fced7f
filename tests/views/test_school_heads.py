"""Schools are led by their principal: a teacher (JF Guru) with the tugas tambahan of Kepala Sekolah. The demo's
SD and SMP show that person as the head in the org chart (not "lowong"), and the principal leads the school in
the rest of the portal too (portal.org.permissions.headed_units)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sqlalchemy import select

from portal.demo import load_demo
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Position, Unit


def _schools():
    return list(db.session.scalars(select(Unit).where(Unit.kind == "sekolah").order_by(Unit.name)))


def _principal(school: Unit) -> Employee:
    return db.session.scalar(select(Employee).join(Position, Position.id == Employee.position_id)
                             .where(Employee.unit_id == school.id, Position.name.contains("Kepala Sekolah")))


def test_the_demo_schools_show_their_principal_as_head(app, client, login):
    result = load_demo(today=dt.date(2026, 3, 2))
    db.session.commit()
    schools = _schools()
    assert {s.name for s in schools} >= {"SD Negeri 1 Contoh", "SD Negeri 2 Contoh", "SMP Negeri 1 Contoh"}
    login(result.users["admin"])
    html = client.get(f"/bagan?unit={schools[0].parent_id}").get_data(as_text=True)
    for school in schools:
        principal = _principal(school)
        assert principal is not None, school.name
        start = html.index(f'href="/bagan?unit={school.id}"')
        item = html[start:html.index("</li>", start)]
        assert principal.full_name in item, school.name
        assert "lowong" not in item, school.name


def test_the_principal_leads_the_school(app):
    result = load_demo(today=dt.date(2026, 3, 2))
    db.session.commit()
    principal = result.employees["kepsek.sd1"]
    user = SimpleNamespace(employee_id=principal.id)  # the principal's account
    assert [u.name for u in org_perms.headed_units(user)] == ["SD Negeri 1 Contoh"]
    teachers = list(db.session.scalars(select(Employee).where(
        Employee.unit_id == principal.unit_id, Employee.id != principal.id, Employee.active.is_(True))))
    assert teachers and all(e.assessor_id == principal.id for e in teachers)  # the delegation stays
