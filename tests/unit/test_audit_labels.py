"""Every action the code records and every kind of object it records has an Indonesian name in the audit log."""

from __future__ import annotations

import ast
from pathlib import Path

from portal.audit import labels
from portal.extensions import db

ROOT = Path(__file__).resolve().parents[2]
# Actions whose code is computed (a conditional or an f-string): written out here.
COMPUTED_ACTIONS = {
    "assessment.assessor_input_save", "assessment.assessor_input_submit", "user.enable", "user.disable",
    "golongan.deactivate", "golongan.reactivate", "position_type.deactivate", "position_type.reactivate",
    "feedback_phrase.activate", "feedback_phrase.deactivate", "skp.approve", "skp.return",
    "competency_assessment.final", "competency_assessment.save",
}
# Tables never passed to audit.record: the log itself, sign-in counters, anonymous 360 storage (never audited by
# design), rows that belong to an audited parent, verification counters.
NOT_AUDITED = {"audit_log", "login_attempt", "rater_completion", "rater_draft", "feedback_bucket", "released_bucket",
               "result_release", "self_behaviour_rating", "self_result_rating", "skp_event", "import_row",
               "verification_lookup"}


def recorded_actions() -> tuple[set[str], list[str]]:
    """(constant action codes passed to record(...), places where the code is computed)."""
    constants, computed = set(), []
    for path in (ROOT / "portal").rglob("*.py"):
        if "translations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name != "record":
                continue
            action = node.args[1]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                constants.add(action.value)
            else:
                computed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return constants, computed


def test_every_recorded_action_has_a_name():
    constants, computed = recorded_actions()
    assert len(constants) > 100 and computed  # the scan found the calls
    missing = sorted((constants | COMPUTED_ACTIONS) - set(labels.ACTION_LABELS))
    assert not missing, f"name these audit actions in portal/audit/labels.py: {missing}"


def test_every_audited_table_has_a_name():
    import portal.models  # noqa: F401  (every model registered)

    tables = {table.name for table in db.metadata.sorted_tables}
    missing = sorted(tables - NOT_AUDITED - set(labels.OBJECT_LABELS))
    assert not missing, f"name these kinds of object in portal/audit/labels.py: {missing}"


def test_labels_and_fallbacks(app):
    with app.test_request_context("/"):
        assert labels.action_label("skp.approve") == "SKP disetujui"
        assert labels.action_label("something.old") == "something.old"
        assert labels.object_label("result_plan") == "Rencana Hasil Kerja"
        assert [labels.change_value(v) for v in (True, False, None, 3)] == ["ya", "tidak", "—", "3"]
