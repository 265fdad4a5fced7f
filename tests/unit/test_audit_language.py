"""Audit summaries are written in the portal's language, whatever language the person acting reads the pages in:
the audit log is read by everyone, in one language (an admin who switched to English used to leave English
summaries in the Indonesian log).

Services pass their summary as a lazy string (lazy_gettext), and portal.core.audit.record renders it in the
portal's default language. A summary made with gettext() would be fixed in the actor's language: the scan below
refuses it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from flask import session
from flask_babel import lazy_gettext

from portal.core import audit
from portal.extensions import db

ROOT = Path(__file__).resolve().parents[2]
EAGER = {"gettext", "ngettext"}


def _name(func) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _eager_calls(node) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and _name(n.func) in EAGER]


def eager_summaries(root: Path = ROOT) -> list[str]:
    """Places where record(summary=...) gets a gettext() text: directly, through a variable assigned in the same
    function, or from a helper of the same module that returns one."""
    found = []
    for path in sorted((root / "portal").rglob("*.py")):
        if "translations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {fn.name: fn for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)}
        for fn in helpers.values():
            for call in ast.walk(fn):
                if not (isinstance(call, ast.Call) and _name(call.func) == "record"):
                    continue
                for keyword in (k for k in call.keywords if k.arg == "summary"):
                    sources = [keyword.value]
                    if isinstance(keyword.value, ast.Name):
                        sources += [a.value for a in ast.walk(fn) if isinstance(a, ast.Assign)
                                    and any(getattr(t, "id", None) == keyword.value.id for t in a.targets)]
                    for call_node in [n for s in sources for n in ast.walk(s) if isinstance(n, ast.Call)]:
                        helper = helpers.get(_name(call_node.func) or "")
                        if helper is not None:
                            sources += [r.value for r in ast.walk(helper) if isinstance(r, ast.Return) and r.value]
                    for source in sources:
                        found += [f"{path.relative_to(root)}:{c.lineno}" for c in _eager_calls(source)]
    return sorted(set(found))


def test_no_audit_summary_is_fixed_in_the_actors_language():
    found = eager_summaries()
    assert not found, ("audit summaries made with gettext() are written in the actor's language; use "
                       "lazy_gettext (flask_babel) so that audit.record writes them in the portal's:\n  "
                       + "\n  ".join(found))


def test_the_scan_finds_an_eager_summary(tmp_path):
    source = ('def save(actor):\n    text = gettext("Disimpan")\n    record(actor, "x.save", summary=text)\n'
              'def _s():\n    return gettext("Dari helper")\ndef other(actor):\n'
              '    record(actor, "x.other", summary=_s())\n'
              'def fine(actor):\n    record(actor, "x.fine", summary=lazy_gettext("Baik"))\n')
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "sample.py").write_text(source)
    assert eager_summaries(tmp_path) == ["portal/sample.py:2", "portal/sample.py:5"]


def test_a_lazy_summary_is_written_in_the_portals_language(app, make_user):
    actor = make_user("pembaca.inggris", role="admin")
    with app.test_request_context("/"):
        session["lang"] = "en"  # the actor reads the pages in English
        entry = audit.record(actor, "period.create", summary=lazy_gettext("Periode kinerja %(year)s dibuat",
                                                                          year=2027), now=dt.datetime(2027, 1, 2))
        db.session.commit()
        assert entry.summary == "Periode kinerja 2027 dibuat"
        assert str(lazy_gettext("Beranda")) == "Home"  # the page itself stays English


def test_a_service_writes_its_summary_in_the_portals_language_for_an_english_reader(app, make_user):
    from portal.periods import services as period_services

    actor = make_user("admin.inggris", role="admin")
    with app.test_request_context("/"):
        session["lang"] = "en"
        period = period_services.create_period(actor, 2031, None, "triwulanan")
        db.session.commit()
        summary = db.session.scalar(db.select(audit.AuditLog.summary).where(
            audit.AuditLog.action == "period.create", audit.AuditLog.object_id == str(period.id)))
    assert "2031" in summary and "Performance period" not in summary
    assert summary.startswith("Periode")


def test_translated_values_inside_a_summary_follow_it(app, make_user):
    """A date or a window name inside the summary is rendered with it, in the portal's language."""
    from portal.periods import services as period_services

    actor = make_user("admin.kalender", role="admin")
    with app.test_request_context("/"):
        session["lang"] = "en"
        holiday = period_services.add_holiday(actor, {"date": dt.date(2031, 8, 18), "name": "Cuti tambahan",
                                                      "kind": "cuti_bersama"})
        db.session.commit()
        summary = db.session.scalar(db.select(audit.AuditLog.summary).where(
            audit.AuditLog.action == "holiday.create", audit.AuditLog.object_id == str(holiday.id)))
    assert "18 Agustus 2031" in summary and "August" not in summary
