"""Forms that never lose work (issue 9): every text field carries its server limit as maxlength; an over-long
value is refused at its field with a message (422), never cut; autosave saves every valid field and marks the
invalid one without replacing what was typed; opening the self-assessment writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from flask_babel import format_number
from sqlalchemy import func, select

from portal.assessment import rater_services, results_services
from portal.assessment import self_services as self_services
from portal.assessment.models import (
    NOMINATION_INVITED,
    AssessorInput,
    RaterDraft,
    RaterNomination,
    SelfAssessment,
)
from portal.core.audit import AuditLog
from portal.extensions import db
from portal.progress import services as progress_services
from portal.progress.models import Feedback, FeedbackRequest, Realisation
from portal.skp import services as skp_services
from portal.skp.berakhlak import BERAKHLAK
from portal.skp.models import Indicator, ResultPlan, Skp
from tests import factories
from tests.unit.test_self_assessment import build_world as self_world
from tests.views import test_rater_views as rater_tests
from tests.views.test_results import OPEN
from tests.views.test_results import make_world as results_world

HX = {"HX-Request": "true"}
PROGRESS_TODAY = dt.date(2026, 4, 8)  # the Triwulan I window of the progress world is open


def too_long(limit: int) -> str:
    """A text 250 characters over the limit as the browser counts it, with line breaks sent as CR LF."""
    line = "Uraian panjang yang melampaui batas karakter.\n"
    return (line * (limit // len(line) + 10))[: limit + 250].replace("\n", "\r\n")


def limit_message(limit: int) -> str:
    return f"Paling banyak {format_number(limit)} karakter"


def body(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def the_sa(w) -> SelfAssessment | None:
    db.session.expire_all()
    return db.session.scalar(select(SelfAssessment).where(SelfAssessment.employee_id == w.owner.id,
                                                          SelfAssessment.phase_id == w.window.id))


def item_value(items) -> dict[int, str]:
    return {item.id: item.value_code for item in items}


# ---------------------------------------------------------------------------------------------------------
# The 23 answers: 2 RHK ratings and 21 behaviour scores, and one justification over its limit


def self_form(sa, *, justification: str, version="") -> dict:
    """The self-assessment form as a browser posts it: every answer filled, RHK 1's justification as given."""
    data = {"version_id": str(version), "achievements": "Semua laporan selesai", "obstacles": "Jaringan",
            "support_needed": "Pelatihan", "item": [str(r.item_id) for r in sa.behaviour_ratings]}
    for number, rating in enumerate(sa.result_ratings):
        prefix = f"rhk-{rating.result_plan_id}"
        data[f"{prefix}-summary"] = rating.summary
        data[f"{prefix}-rating"] = "di_atas" if number == 0 else "sesuai"
        data[f"{prefix}-justification"] = justification if number == 0 else "Sesuai target triwulan"
    for rating in sa.behaviour_ratings:
        data[f"item-{rating.item_id}-score"] = "4"
    data[self_services.example_field(BERAKHLAK[0].code)] = "Melayani tamu di luar jam kerja"
    return data


def test_autosave_with_one_overlong_justification_keeps_the_other_22_answers(client, login):
    """The tester's case: a justification over 1,000 characters made every autosave fail and on reload 22 of 23
    answers were gone. Now the 22 are saved, the justification is marked at its field, and reload shows them."""
    w = self_world()
    login(w.u_owner)
    assert client.get(f"/penilaian-diri/{w.window.id}").status_code == 200
    preview = self_services.prefilled_self_assessment(w.u_owner, w.owner, w.window, w.today)
    long_text = too_long(self_services.JUSTIFICATION_MAX)
    data = self_form(preview, justification=long_text)

    response = client.post(f"/penilaian-diri/{w.window.id}", data=data, headers=HX)
    html = body(response)
    assert response.status_code == 422
    assert "<html" not in html  # the status line and out-of-band slots only: the typed text stays in the page
    sa = the_sa(w)
    rhk1, rhk2 = (r.result_plan_id for r in sa.result_ratings)
    assert len(sa.behaviour_ratings) == 21 and len(sa.result_ratings) == 2
    error = re.search(rf'<small class="error field-error" id="rhk-{rhk1}-justification-error" '
                      rf'data-error-for="rhk-{rhk1}-justification" hx-swap-oob="true">([^<]*)</small>', html)
    assert error and limit_message(self_services.JUSTIFICATION_MAX) in error.group(1)
    assert f'id="rhk-{rhk2}-justification-error" data-error-for="rhk-{rhk2}-justification" hx-swap-oob="true">' \
           '</small>' in html  # the valid fields' slots are emptied
    assert f'id="self-version" value="{sa.version_id}" hx-swap-oob="true"' in html  # the saved draft's version
    assert 'id="rhk-' not in html.split("<small")[0]  # no text area in the answer
    # Every other answer is saved; the refused text is neither saved nor cut.
    assert [r.rating for r in sa.result_ratings] == ["di_atas", "sesuai"]
    assert [r.justification for r in sa.result_ratings] == ["", "Sesuai target triwulan"]
    assert [r.score for r in sa.behaviour_ratings] == [4] * 21
    assert sa.achievements == "Semua laporan selesai" and sa.support_needed == "Pelatihan"

    # Reload: every other answer is there (23 chosen radios: 2 ratings + 21 scores).
    page = body(client.get(f"/penilaian-diri/{w.window.id}"))
    assert len(re.findall(r'type="radio"[^>]* checked', page)) == 23
    assert "Sesuai target triwulan" in page and "Melayani tamu di luar jam kerja" in page

    # "Simpan draf" without JS: the same, with the message at the field and the typed text kept in it.
    data = self_form(sa, justification=long_text, version=sa.version_id)
    data["achievements"] = "Diubah tanpa JavaScript"
    response = client.post(f"/penilaian-diri/{w.window.id}", data=data)
    page = body(response)
    assert response.status_code == 422
    textarea = re.search(rf'<textarea id="rhk-{rhk1}-justification"[^>]*>([^<]*)</textarea>', page)
    assert 'aria-invalid="true"' in textarea.group(0)
    assert f'aria-describedby="rhk-{rhk1}-justification-error"' in textarea.group(0)
    assert textarea.group(1).replace("\r\n", "\n") == long_text.replace("\r\n", "\n")  # kept whole
    assert re.search(rf'id="rhk-{rhk1}-justification-error" data-error-for="rhk-{rhk1}-justification">'
                     rf'{limit_message(self_services.JUSTIFICATION_MAX)}', page)
    assert "1 isian belum disimpan" in page
    sa = the_sa(w)
    assert sa.achievements == "Diubah tanpa JavaScript" and sa.result_ratings[0].justification == ""
    assert [r.score for r in sa.behaviour_ratings] == [4] * 21


def test_opening_the_self_assessment_creates_no_draft_and_no_audit_row(client, login):
    w = self_world()
    login(w.u_owner)
    before = count(AuditLog)
    for _ in range(3):
        response = client.get(f"/penilaian-diri/{w.window.id}")
        assert response.status_code == 200 and 'id="self-form"' in body(response)
    assert count(SelfAssessment) == 0
    assert count(AuditLog) == before
    client.post(f"/penilaian-diri/{w.window.id}", data={"version_id": "", "obstacles": "Mulai"}, headers=HX)
    assert count(SelfAssessment) == 1
    assert count(AuditLog, AuditLog.action == "self_assessment.create") == 1


def test_the_questionnaire_autosave_keeps_the_scores_and_marks_the_long_comment(client, login):
    world = rater_tests.make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    data = {f"item-{i}": "4" for i in world.item_ids}
    data.update(keep=too_long(rater_services.COMMENT_MAX), improve="Lebih sering berbagi", action="autosave")
    response = client.post(f"/permintaan-umpan-balik/{nomination.id}", data=data, headers=HX)
    html = body(response)
    assert response.status_code == 422 and "<html" not in html
    assert re.search(r'id="keep-error" data-error-for="keep" hx-swap-oob="true">'
                     + limit_message(rater_services.COMMENT_MAX), html)
    draft = db.session.get(RaterDraft, rater_services.draft_token("test-secret-key", nomination.id))
    assert len(draft.payload["scores"]) == len(world.item_ids)
    assert draft.payload["improve"] == "Lebih sering berbagi" and draft.payload["keep"] == ""


def test_the_lampiran_autosave_saves_the_valid_texts_and_marks_the_long_one(client, login):
    skp = _skp_world(client, login)
    assert "Simpan lampiran" in body(client.get(f"/skp/{skp.id}"))
    response = client.post(f"/skp/{skp.id}/lampiran", headers=HX, data={
        "version_id": skp.version_id, "resources": too_long(skp_services.LAMPIRAN_MAX),
        "reporting_scheme": "Laporan bulanan", "consequences": "Teguran"})
    html = body(response)
    assert response.status_code == 422 and "<html" not in html
    assert re.search(r'id="resources-error" data-error-for="resources" hx-swap-oob="true">'
                     + limit_message(skp_services.LAMPIRAN_MAX), html)
    db.session.expire_all()
    skp = db.session.get(Skp, skp.id)
    assert (skp.resources, skp.reporting_scheme, skp.consequences) == ("", "Laporan bulanan", "Teguran")
    assert f'value="{skp.version_id}" class="skp-version"' in html


def test_the_dialog_notes_autosave_marks_the_long_text_at_the_field(client, login):
    from portal.dialog import services as dialog_services
    from portal.dialog.models import DialogSession
    from tests.views import test_dialog

    w = test_dialog.build()
    session = test_dialog._session(w, client, login)
    assessor = test_dialog._c(login, client, w.users[w.assessor.id])
    url = f"/dialog/{session.id}/catatan"
    response = assessor.post(url, headers=HX, data={"notes": too_long(dialog_services.NOTES_MAX),
                                                    "version": session.version_id, "action": "autosave"})
    html = body(response)
    assert response.status_code == 422 and "<html" not in html
    assert re.search(r'id="notes-error" data-error-for="notes" hx-swap-oob="true">Paling banyak '
                     + str(dialog_services.NOTES_MAX), html)
    db.session.expire_all()
    assert db.session.get(DialogSession, session.id).notes in ("", None)
    response = assessor.post(url, headers=HX, data={"notes": "Dibahas", "version": session.version_id,
                                                    "action": "autosave"})
    assert response.status_code == 200
    assert 'id="notes-error" data-error-for="notes" hx-swap-oob="true"></small>' in body(response)  # cleared


# ---------------------------------------------------------------------------------------------------------
# An over-long value in each text field of the main forms: 422, the message at the field, nothing stored


def _skp_world(client, login):
    today = dt.date.today()
    period = factories.make_period(today.year, planning=(today - dt.timedelta(days=5), today + dt.timedelta(days=5)))
    unit = factories.make_unit("Dinas Batas")
    boss = factories.make_employee("Atasan", unit=unit)
    owner = factories.make_employee("Pemilik", unit=unit, superior=boss)
    skp = factories.make_skp(owner, period, rhk=1)
    login(factories.make_user(employee=owner))
    return skp


def _progress_world(client, login, monkeypatch, who="u_owner"):
    monkeypatch.setattr("portal.progress.views.local_today", lambda: PROGRESS_TODAY)
    world = factories.make_progress_world(rhk=1, indicators=1)
    login(getattr(world, who))
    return world


def case_rhk(client, login, monkeypatch):
    skp = _skp_world(client, login)
    limit = skp_services.RHK_TEXT_MAX
    response = client.post(f"/skp/{skp.id}/rhk", data={"rhk-baru-kind": "utama", "rhk-baru-text": too_long(limit),
                                                       "version_id": skp.version_id})
    return response, limit, "rhk-baru-text", lambda: count(ResultPlan, ResultPlan.skp_id == skp.id) == 1


def _indicator_case(field, limit, client, login):
    skp = _skp_world(client, login)
    rhk = skp.result_plans[0]
    prefix = f"ind-baru-{rhk.id}"
    data = {f"{prefix}-text": "Laporan tersusun", f"{prefix}-aspect": "kuantitas", f"{prefix}-target_text": "12",
            f"{prefix}-target_unit": "", "version_id": skp.version_id}
    data[f"{prefix}-{field}"] = too_long(limit)
    before = count(Indicator)
    response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}/indikator", data=data)
    return response, limit, f"{prefix}-{field}", lambda: count(Indicator) == before


def case_indicator_text(client, login, monkeypatch):
    return _indicator_case("text", skp_services.INDICATOR_TEXT_MAX, client, login)


def case_indicator_target(client, login, monkeypatch):
    return _indicator_case("target_text", skp_services.TARGET_TEXT_MAX, client, login)


def case_lampiran(client, login, monkeypatch):
    skp = _skp_world(client, login)
    limit = skp_services.LAMPIRAN_MAX
    response = client.post(f"/skp/{skp.id}/lampiran", data={"version_id": skp.version_id,
                                                            "consequences": too_long(limit)})
    return response, limit, "consequences", lambda: db.session.get(Skp, skp.id).consequences == ""


def case_realisation(client, login, monkeypatch):
    world = _progress_world(client, login, monkeypatch)
    indicator = world.skp.result_plans[0].indicators[0]
    limit = progress_services.TEXT_MAX
    prefix = f"r{indicator.id}-1-"
    response = client.post(f"/skp/{world.skp.id}/indikator/{indicator.id}/realisasi/1",
                           data={prefix + "text": too_long(limit), prefix + "number": "", prefix + "version_id": ""})
    return response, limit, prefix + "text", lambda: count(Realisation) == 0


def case_feedback(client, login, monkeypatch):
    world = _progress_world(client, login, monkeypatch, who="u_assessor")
    limit = progress_services.FEEDBACK_MAX
    response = client.post(f"/skp/{world.skp.id}/umpan-balik", data={"text": too_long(limit)})
    return response, limit, "text", lambda: count(Feedback) == 0


def case_feedback_request(client, login, monkeypatch):
    world = _progress_world(client, login, monkeypatch)
    limit = progress_services.TEXT_MAX
    response = client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"message": too_long(limit)})
    return response, limit, "message", lambda: count(FeedbackRequest) == 0


def _self_case(field_of, limit, client, login, store_of):
    w = self_world()
    login(w.u_owner)
    client.get(f"/penilaian-diri/{w.window.id}")
    preview = self_services.prefilled_self_assessment(w.u_owner, w.owner, w.window, w.today)
    data = self_form(preview, justification="Sesuai target")
    name = field_of(preview)
    data[name] = too_long(limit)
    response = client.post(f"/penilaian-diri/{w.window.id}", data=data)
    return response, limit, name, lambda: store_of(the_sa(w)) == ""


def case_self_justification(client, login, monkeypatch):
    return _self_case(lambda sa: f"rhk-{sa.result_ratings[1].result_plan_id}-justification",
                      self_services.JUSTIFICATION_MAX, client, login, lambda sa: sa.result_ratings[1].justification)


def case_self_summary(client, login, monkeypatch):
    return _self_case(lambda sa: f"rhk-{sa.result_ratings[0].result_plan_id}-summary", self_services.SUMMARY_MAX,
                      client, login, lambda sa: "" if sa.result_ratings[0].summary.startswith("Indikator") else "x")


def case_self_example(client, login, monkeypatch):
    code = BERAKHLAK[1].code
    return _self_case(lambda sa: self_services.example_field(code), self_services.EXAMPLE_MAX, client, login,
                      lambda sa: next(g for g in self_services.build_sheet(sa).values if g.code == code).example)


def case_self_reflection(client, login, monkeypatch):
    return _self_case(lambda sa: "obstacles", self_services.REFLECTION_MAX, client, login, lambda sa: sa.obstacles)


def _questionnaire_case(field, client, login):
    world = rater_tests.make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    limit = rater_services.COMMENT_MAX
    data = {f"item-{i}": "3" for i in world.item_ids}
    data.update({field: too_long(limit), "action": "draft"})
    response = client.post(f"/permintaan-umpan-balik/{nomination.id}", data=data)

    def nothing_stored():
        draft = db.session.get(RaterDraft, rater_services.draft_token("test-secret-key", nomination.id))
        return draft.payload[field] == "" and len(draft.payload["scores"]) == len(world.item_ids)
    return response, limit, field, nothing_stored


def case_questionnaire_keep(client, login, monkeypatch):
    return _questionnaire_case("keep", client, login)


def case_questionnaire_improve(client, login, monkeypatch):
    return _questionnaire_case("improve", client, login)


def case_questionnaire_submit(client, login, monkeypatch):
    world = rater_tests.make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    limit = rater_services.COMMENT_MAX
    data = {f"item-{i}": "3" for i in world.item_ids}
    data.update(keep=too_long(limit), action="submit")
    response = client.post(f"/permintaan-umpan-balik/{nomination.id}", data=data)
    return response, limit, "keep", lambda: not rater_services.is_completed("test-secret-key", nomination)


def case_decline_reason(client, login, monkeypatch):
    world = rater_tests.make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    limit = rater_services.DECLINE_REASON_MAX
    response = client.post(f"/permintaan-umpan-balik/{nomination.id}/tolak", data={"reason": too_long(limit)})
    return response, limit, "reason", lambda: db.session.get(RaterNomination, nomination.id).status \
        == NOMINATION_INVITED


def _assessor_case(field, client, login):
    world = results_world(window=OPEN)
    login(world.users["assessor"])
    limit = results_services.COMMENT_MAX
    data = {f"item_{item.id}": "4" for item in world.items}
    data.update({field: too_long(limit), "action": "simpan"})
    response = client.post(f"/360/{world.subject.id}/{world.phase.id}/masukan-penilai", data=data)
    return response, limit, field, lambda: count(AssessorInput) == 0


def case_assessor_keep(client, login, monkeypatch):
    return _assessor_case("comment_keep", client, login)


def case_assessor_improve(client, login, monkeypatch):
    return _assessor_case("comment_improve", client, login)


CASES = [case_rhk, case_indicator_text, case_indicator_target, case_lampiran, case_realisation, case_feedback,
         case_feedback_request, case_self_justification, case_self_summary, case_self_example, case_self_reflection,
         case_questionnaire_keep, case_questionnaire_improve, case_questionnaire_submit, case_decline_reason,
         case_assessor_keep, case_assessor_improve]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__[5:] for c in CASES])
def test_an_overlong_value_is_refused_at_its_field_and_nothing_is_cut(client, login, monkeypatch, case):
    response, limit, field_id, nothing_stored = case(client, login, monkeypatch)
    html = body(response)
    assert response.status_code == 422
    control = re.search(rf'<(textarea|input)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert control, f"the field {field_id} is shown again"
    assert 'aria-invalid="true"' in control.group(0)
    assert f'aria-describedby="{field_id}-error"' in control.group(0)
    message = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    assert message and limit_message(limit) in message.group(1), message and message.group(1)
    # what was typed is in the page again, whole
    typed = "Uraian panjang yang melampaui batas karakter."
    assert html.count(typed) >= too_long(limit).count(typed) - 1
    db.session.expire_all()
    assert nothing_stored()


# ---------------------------------------------------------------------------------------------------------
# maxlength in the browser equals the server limit, for every text field of these forms


class FormControls(HTMLParser):
    """The text areas and text inputs inside POST forms: [(name, attributes)]."""

    def __init__(self):
        super().__init__()
        self.in_post_form = 0
        self.controls: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form += (attrs.get("method") or "get").lower() == "post"
        elif self.in_post_form and (tag == "textarea" or (tag == "input" and attrs.get("type", "text") == "text")):
            self.controls.append((attrs.get("name") or "", attrs))

    def handle_endtag(self, tag):
        if tag == "form" and self.in_post_form:
            self.in_post_form -= 1


def controls(html: str) -> list[tuple[str, dict]]:
    parser = FormControls()
    parser.feed(html)
    return parser.controls


def assert_limits(html: str, expected: dict[str, int]) -> None:
    found = controls(html)
    assert found
    for name, attrs in found:
        assert attrs.get("maxlength"), f"{name} has no maxlength"
    by_name = {name: int(attrs["maxlength"]) for name, attrs in found}
    for pattern, limit in expected.items():
        matching = [name for name in by_name if re.fullmatch(pattern, name)]
        assert matching, f"no field matches {pattern}"
        for name in matching:
            assert by_name[name] == limit, (name, by_name[name], limit)


def page_skp_editor(client, login, monkeypatch):
    skp = _skp_world(client, login)
    return body(client.get(f"/skp/{skp.id}")), {
        r"rhk-baru-text": skp_services.RHK_TEXT_MAX, r"ind-baru-\d+-text": skp_services.INDICATOR_TEXT_MAX,
        r"ind-baru-\d+-target_text": skp_services.TARGET_TEXT_MAX,
        r"ind-baru-\d+-target_unit": skp_services.TARGET_UNIT_MAX,
        r"resources|reporting_scheme|consequences": skp_services.LAMPIRAN_MAX}


def page_realisation(client, login, monkeypatch):
    world = _progress_world(client, login, monkeypatch)
    indicator = world.skp.result_plans[0].indicators[0]
    return body(client.get(f"/skp/{world.skp.id}/indikator/{indicator.id}/realisasi/1")), {
        rf"r{indicator.id}-1-text": progress_services.TEXT_MAX,
        rf"r{indicator.id}-1-number": progress_services.NUMBER_MAX,
        r"title": progress_services.EVIDENCE_TITLE_MAX, r"url": progress_services.LINK_MAX}


def page_feedback_request(client, login, monkeypatch):
    world = _progress_world(client, login, monkeypatch)
    return body(client.get(f"/skp/{world.skp.id}/realisasi")), {r"message": progress_services.TEXT_MAX}


def page_feedback(client, login, monkeypatch):
    world = _progress_world(client, login, monkeypatch, who="u_assessor")
    return body(client.get(f"/skp/{world.skp.id}/realisasi")), {r"text": progress_services.FEEDBACK_MAX}


def page_self_assessment(client, login, monkeypatch):
    w = self_world()
    login(w.u_owner)
    return body(client.get(f"/penilaian-diri/{w.window.id}")), {
        r"rhk-\d+-summary": self_services.SUMMARY_MAX, r"rhk-\d+-justification": self_services.JUSTIFICATION_MAX,
        r"value-[a-z_]+-example": self_services.EXAMPLE_MAX,
        r"achievements|obstacles|support_needed": self_services.REFLECTION_MAX}


def page_questionnaire(client, login, monkeypatch):
    world = rater_tests.make_world()
    login(world.u_raters[0])
    return body(client.get(f"/permintaan-umpan-balik/{world.nominations[0].id}")), {
        r"keep|improve": rater_services.COMMENT_MAX, r"reason": rater_services.DECLINE_REASON_MAX}


def page_assessor_input(client, login, monkeypatch):
    world = results_world(window=OPEN)
    login(world.users["assessor"])
    return body(client.get(f"/360/{world.subject.id}/{world.phase.id}/masukan-penilai")), {
        r"comment_keep|comment_improve": results_services.COMMENT_MAX}


PAGES = [page_skp_editor, page_realisation, page_feedback_request, page_feedback, page_self_assessment,
         page_questionnaire, page_assessor_input]


@pytest.mark.parametrize("page", PAGES, ids=[p.__name__[5:] for p in PAGES])
def test_every_text_field_carries_the_server_limit_as_maxlength(client, login, monkeypatch, page):
    html, expected = page(client, login, monkeypatch)
    assert_limits(html, expected)


def test_the_browser_count_of_a_line_break_is_the_server_count():
    """maxlength counts a line break once; browsers post it as CR LF. A text at the limit must pass."""
    from portal.core.textlimits import MaxLength, clean_text
    from portal.progress.forms import RealisationForm

    text = "baris\r\n" * (progress_services.TEXT_MAX // 6)  # 6 characters per line in the browser
    assert len(text.replace("\r\n", "\n")) <= progress_services.TEXT_MAX < len(text)
    form = RealisationForm(formdata=None, meta={"csrf": False}, data={"text": text})
    form.text.raw_data = [text]
    assert MaxLength(progress_services.TEXT_MAX)(form, form.text) is None
    assert clean_text(text, progress_services.TEXT_MAX, field="text") == text.replace("\r\n", "\n").strip()

