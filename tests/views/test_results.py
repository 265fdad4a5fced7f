"""The 360 results page: aggregation per rater group, threshold folding, comments, gaps, chart, access, queries.

These tests write FeedbackBucket rows directly (histograms built with rules.add_answer), as the questionnaire
would, into a window that has closed: the page releases them on the first visit (portal.assessment.release).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.assessment import common, rules
from portal.assessment import results_services as services
from portal.assessment.models import (
    BUCKET_COMBINED,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    SELF_DRAFT,
    SELF_SUBMITTED,
    AssessorInput,
    FeedbackBucket,
    QuestionnaireItem,
    SelfAssessment,
    SelfBehaviourRating,
    SelfResultRating,
)
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from tests import factories

TODAY = local_today()
OPEN = (TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=5))
CLOSED = (TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=10))


@dataclass
class World:
    period: object
    phase: object
    assessor: object
    subject: object
    colleague: object
    head: object
    users: dict
    items: list


def make_world(window=CLOSED, items: int | None = None) -> World:
    """A unit head above an assessor with two reports (subject, colleague); a window with the given dates."""
    top = factories.make_unit("Dinas Uji")
    unit = factories.make_unit("Bidang Uji", parent=top)
    head = factories.make_employee("Kepala Dinas", unit=top,
                                   position=factories.make_position("Kepala Dinas", unit=top, is_head=True))
    assessor = factories.make_employee("Budi Penilai", unit=unit, superior=head,
                                       position=factories.make_position("Kepala Bidang", unit=unit, is_head=True))
    subject = factories.make_employee("Sari Dinilai", unit=unit, superior=assessor)
    colleague = factories.make_employee("Rekan Sebelah", unit=unit, superior=assessor)
    period = factories.make_period(TODAY.year, evaluasi_periodik_1=window)
    phase = next(p for p in period.phases if p.kind == "evaluasi_periodik" and p.seq == 1)
    if items is not None:
        from portal.skp.berakhlak import BERAKHLAK

        rows = []
        for n in range(items):
            value = BERAKHLAK[n % 7]
            rows.append(QuestionnaireItem(period_id=period.id, value_code=value.code, guide_index=n // 7,
                                          text=f"Pedoman {n + 1}", position=n))
        db.session.add_all(rows)
        db.session.commit()
    all_items = common.ensure_items(period)
    db.session.commit()
    users = {
        "assessor": factories.make_user(employee=assessor),
        "subject": factories.make_user(employee=subject),
        "colleague": factories.make_user(employee=colleague),
        "head": factories.make_user(employee=head),
        "admin": factories.make_user(role="admin"),
        "auditor": factories.make_user(role="auditor"),
    }
    return World(period, phase, assessor, subject, colleague, head, users, all_items)


def histogram_of(answers: list[dict]) -> dict:
    histogram: dict = {}
    for scores in answers:
        histogram = rules.add_answer(histogram, scores)
    return histogram


def add_bucket(world: World, bucket: str, answers: list[dict], keep=(), improve=()) -> FeedbackBucket:
    row = FeedbackBucket(id=secrets.token_hex(16), subject_id=world.subject.id, phase_id=world.phase.id,
                         bucket=bucket, responses=len(answers), histogram=histogram_of(answers),
                         comments_keep=list(keep), comments_improve=list(improve))
    db.session.add(row)
    db.session.commit()
    return row


def uniform(world: World, score) -> dict:
    return {item.id: score for item in world.items}


def add_self(world: World, scores: dict, status: str = SELF_SUBMITTED, ratings=()) -> SelfAssessment:
    skp = factories.make_skp(world.subject, world.period, status="disetujui")
    sa = SelfAssessment(employee_id=world.subject.id, phase_id=world.phase.id, skp_id=skp.id, status=status)
    sa.behaviour_ratings = [SelfBehaviourRating(item_id=item_id, score=score) for item_id, score in scores.items()]
    for rating in ratings:
        rhk = factories.make_rhk(skp)
        sa.result_ratings.append(SelfResultRating(result_plan_id=rhk.id, rating=rating))
    db.session.add(sa)
    db.session.commit()
    return sa


def add_assessor_input(world: World, scores: dict, keep="Teliti dalam laporan", improve="Lebih cepat membalas",
                       submitted=True) -> AssessorInput:
    row = AssessorInput(subject_id=world.subject.id, phase_id=world.phase.id, assessor_id=world.assessor.id,
                        scores={str(k): v for k, v in scores.items()}, comment_keep=keep, comment_improve=improve,
                        submitted_at=utcnow() if submitted else None)
    db.session.add(row)
    db.session.commit()
    return row


def results_url(world: World) -> str:
    return f"/360/{world.subject.id}/{world.phase.id}/hasil"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def world():
    return make_world()


def get_results(client, login, world, who="assessor"):
    login(world.users[who])
    response = client.get(results_url(world))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table_cell(html: str, item_text: str) -> list[str]:
    """The cells of the data-table row of one guide (the first table that has it)."""
    match = re.search(r"<tr>\s*<th scope=\"row\">\d+\. " + re.escape(item_text) + r"</th>(.*?)</tr>", html, re.S)
    assert match, item_text
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


# ---------------------------------------------------------------------------------------------------------
# Thresholds and folding, through the page


@pytest.mark.parametrize("answers", [0, 1, 2, 3, 4])
def test_peer_group_shown_only_from_the_threshold(client, login, world, answers):
    if answers:
        add_bucket(world, GROUP_PEER, [uniform(world, 4)] * answers, keep=[f"Tetap ramah {n}" for n in range(answers)])
    html = get_results(client, login, world)
    page = text_of(html)
    if answers >= 3:
        assert f"Rekan kerja setingkat: {answers} jawaban" in page
        assert f"(n = {answers})" in page
        assert table_cell(html, world.items[0].text) == ["–", "4,00"]
        assert "Tetap ramah 0" in page
        assert "kurang dari" not in page
    else:
        assert "Rekan kerja setingkat</th>" not in html  # no column for the group
        assert table_cell(html, world.items[0].text) == ["–"]  # only "Diri sendiri"
        assert "Tetap ramah" not in page  # comments of a hidden group are not shown
        assert f"{answers} jawaban" not in page and "n = " not in page  # never the exact small count
        if answers:
            assert ("Kelompok rekan kerja setingkat: jawaban kurang dari 3, tidak ditampilkan agar tetap anonim."
                    in page)
        else:
            assert "Belum ada jawaban umpan balik 360" in page


@pytest.mark.parametrize("peers, subordinates, combined_shown", [(1, 1, False), (2, 1, True), (2, 2, True),
                                                                   (0, 2, False)])
def test_small_groups_fold_into_lainnya_gabungan(client, login, world, peers, subordinates, combined_shown):
    if peers:
        add_bucket(world, GROUP_PEER, [uniform(world, 5)] * peers, improve=["Dari rekan"])
    if subordinates:
        add_bucket(world, GROUP_SUBORDINATE, [uniform(world, 2)] * subordinates, improve=["Dari bawahan"])
    html = get_results(client, login, world)
    page = text_of(html)
    total = peers + subordinates
    if combined_shown:
        assert f"Lainnya (gabungan): {total} jawaban" in page
        expected = (5 * peers + 2 * subordinates) / total
        assert table_cell(html, world.items[0].text)[1] == f"{expected:.2f}".replace(".", ",")
        assert "digabung ke kelompok Lainnya (gabungan)" in page
        assert "Dari rekan" in page and "Dari bawahan" in page
    else:
        assert "Lainnya (gabungan): " not in page.replace("Kelompok Lainnya (gabungan): jawaban", "")
        assert table_cell(html, world.items[0].text) == ["–"]
        assert "Dari rekan" not in page and "Dari bawahan" not in page
        assert "kurang dari 3, tidak ditampilkan agar tetap anonim" in page


def test_stored_combined_bucket_and_a_large_group(client, login, world):
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 4, keep=["Rekan A"])
    add_bucket(world, BUCKET_COMBINED, [uniform(world, 2)] * 2, keep=["Campuran B"])
    html = get_results(client, login, world)
    page = text_of(html)
    assert "Rekan kerja setingkat: 4 jawaban" in page
    assert "Lainnya (gabungan): 2 jawaban" not in page and "n = 2" not in page
    assert "Kelompok Lainnya (gabungan): jawaban kurang dari 3" in page
    assert "Rekan A" in page and "Campuran B" not in page


def test_tidak_dapat_menilai_is_excluded_from_the_mean(client, login, world):
    item = world.items[0]
    # 3, 5, 5 and three "tidak dapat menilai": (3 + 5 + 5) / 3 = 4.33, not 13 / 6
    answers = [{item.id: 3}, {item.id: 5}, {item.id: 5}, {item.id: None}, {item.id: None}, {item.id: None}]
    add_bucket(world, GROUP_PEER, answers)
    html = get_results(client, login, world)
    assert table_cell(html, item.text) == ["–", "4,33"]
    assert table_cell(html, world.items[1].text) == ["–", "–"]  # nobody rated it


def test_each_group_has_its_own_mean_and_the_assessor_is_named(client, login, world):
    add_bucket(world, GROUP_PEER, [uniform(world, 4), uniform(world, 5), uniform(world, 5)])
    add_bucket(world, GROUP_SUBORDINATE, [uniform(world, 2)] * 3)
    add_self(world, uniform(world, 3))
    add_assessor_input(world, uniform(world, 1))
    html = get_results(client, login, world)
    page = text_of(html)
    assert table_cell(html, world.items[0].text) == ["3,00", "4,67", "2,00", "1,00"]
    assert "Pejabat Penilai Kinerja: Budi Penilai" in page
    assert "Masukan Pejabat Penilai Kinerja: Budi Penilai (tidak anonim)" in page
    assert "Teliti dalam laporan" in page and "Lebih cepat membalas" in page


def test_draft_self_assessment_and_draft_assessor_input_are_not_shown(client, login, world):
    add_self(world, uniform(world, 5), status=SELF_DRAFT)
    add_assessor_input(world, uniform(world, 1), submitted=False)
    html = get_results(client, login, world)
    page = text_of(html)
    assert "Penilaian diri belum diajukan." in page
    assert "Pejabat Penilai Kinerja belum mengirim masukan." in page
    assert table_cell(html, world.items[0].text) == ["–"]


def test_self_summary_counts_result_ratings(client, login, world):
    add_self(world, uniform(world, 4), ratings=["di_atas", "sesuai", "sesuai"])
    page = text_of(get_results(client, login, world))
    assert "Di Atas Ekspektasi: 1" in page
    assert "Sesuai Ekspektasi: 2" in page
    assert "Di Bawah Ekspektasi: 0" in page


# ---------------------------------------------------------------------------------------------------------
# Comments


class Reverser:
    calls = 0

    def shuffle(self, items):
        Reverser.calls += 1
        items.reverse()


def test_comments_without_author_in_shuffled_order(client, login, world, monkeypatch):
    monkeypatch.setattr(services, "_rng", Reverser())
    Reverser.calls = 0
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3, keep=["Pertama", "Kedua", "Ketiga"],
               improve=["Satu", "Dua", "Tiga"])
    html = get_results(client, login, world)
    keep = re.search(r'<ul class="results-comments" id="comments-keep">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", keep) == ["Ketiga", "Kedua", "Pertama"]
    improve = re.search(r'<ul class="results-comments" id="comments-improve">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", improve) == ["Tiga", "Dua", "Satu"]
    assert Reverser.calls == 2
    get_results(client, login, world)
    assert Reverser.calls == 4  # shuffled again on every view
    # no rater is named anywhere near the comments (only the assessor's own, separate section)
    section = re.search(r'id="results-comments".*?</section>', html, re.S).group(0)
    assert "Rekan Sebelah" not in section and "Budi Penilai" not in section


def test_comment_order_really_varies(client, login, world):
    comments = [f"Komentar {n:02d}" for n in range(12)]
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3, keep=comments)
    orders = set()
    for _ in range(4):
        html = get_results(client, login, world)
        block = re.search(r'id="comments-keep">(.*?)</ul>', html, re.S).group(1)
        orders.add(tuple(re.findall(r"<li>(.*?)</li>", block)))
    assert all(sorted(order) == comments for order in orders)
    assert len(orders) > 1  # 12! orders: four equal draws are practically impossible


# ---------------------------------------------------------------------------------------------------------
# Gaps and chart


def test_largest_gaps_highlighted_at_the_top(client, login, world):
    first, second = world.items[0], world.items[1]
    self_scores = uniform(world, 4)
    self_scores[first.id] = 5
    add_self(world, self_scores)
    peer = uniform(world, 4)
    peer[first.id] = 2
    add_bucket(world, GROUP_PEER, [peer] * 3)
    assessor = uniform(world, 4)
    assessor[second.id] = 2  # self 4 vs assessor 2
    add_assessor_input(world, assessor)
    html = get_results(client, login, world)
    gaps = text_of(re.search(r'id="results-gaps".*?</section>', html, re.S).group(0))
    assert gaps.index("Perbedaan persepsi terbesar") < gaps.index(first.text)
    assert f"{first.text}: diri sendiri 5,00, Rekan kerja setingkat 2,00 (selisih 3,00)" in gaps
    assert f"{second.text}: diri sendiri 4,00, Pejabat Penilai Kinerja: Budi Penilai 2,00 (selisih 2,00)" in gaps
    assert world.items[2].text not in gaps  # no gap of 1 point or more
    assert html.index('id="results-gaps"') < html.index('class="results-value"')


def test_no_gaps_message(client, login, world):
    add_self(world, uniform(world, 4))
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3)
    assert "Tidak ada perbedaan antara penilaian diri" in text_of(get_results(client, login, world))


def test_page_has_an_accessible_chart_and_table_per_value(client, login, world):
    import xml.etree.ElementTree as ET

    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3)
    html = get_results(client, login, world)
    results = html.split('id="results"', 1)[1]  # the header's icons (the bell) are decoration, not charts
    svgs = re.findall(r"<svg.*?</svg>", results, re.S)
    assert len(svgs) == 7
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        assert "style=" not in svg
    assert html.count("<caption>") == 7
    assert 'th scope="col"' in html and 'th scope="row"' in html
    assert "style=" not in html.split('id="results"', 1)[1]


# ---------------------------------------------------------------------------------------------------------
# Access


@pytest.mark.parametrize("who, window, status, shown", [
    ("assessor", OPEN, 200, False), ("assessor", CLOSED, 200, True),
    ("subject", OPEN, 200, False), ("subject", CLOSED, 200, True),
    ("colleague", OPEN, 403, False), ("colleague", CLOSED, 403, False),
    ("head", CLOSED, 403, False),
    ("admin", OPEN, 200, False), ("admin", CLOSED, 200, True),
    ("auditor", OPEN, 200, False), ("auditor", CLOSED, 200, True),
])
def test_who_may_see_the_results(client, login, who, window, status, shown):
    """The same rule for everyone: nothing of the groups while the window is open, the release once closed."""
    world = make_world(window=window)
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3, keep=["Rahasia kelompok"])
    login(world.users[who])
    response = client.get(results_url(world))
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert ("Rahasia kelompok" in body) is shown
    if status == 200 and not shown:
        assert "Hasil belum dirilis" in body and ": 3 jawaban" not in body


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(results_url(world))
    assert response.status_code in (302, 401)


def test_unknown_subject_or_non_window_phase_is_404(client, login, world):
    login(world.users["admin"])
    assert client.get(f"/360/999999/{world.phase.id}/hasil").status_code == 404
    planning = next(p for p in world.period.phases if p.kind == "perencanaan")
    assert client.get(f"/360/{world.subject.id}/{planning.id}/hasil").status_code == 404


def test_htmx_request_gets_the_fragment(client, login, world):
    login(world.users["assessor"])
    response = client.get(results_url(world), headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith("{#") is False and 'id="results"' in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_assessor_sees_a_link_to_their_input_while_the_window_is_open(client, login):
    world = make_world(window=OPEN)
    html = get_results(client, login, world)
    assert f"/360/{world.subject.id}/{world.phase.id}/masukan-penilai" in html
    html = get_results(client, login, world, who="admin")
    assert "masukan-penilai" not in html


# ---------------------------------------------------------------------------------------------------------
# Queries


def test_query_count_does_not_grow_with_buckets_or_items(client, login, queries):
    world = make_world(items=7)
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3, keep=["x"], improve=["y"])
    add_self(world, uniform(world, 3), ratings=["sesuai"])
    add_assessor_input(world, uniform(world, 2))
    login(world.users["assessor"])

    def measure() -> int:
        client.get(results_url(world))  # warm up (settings created on first use)
        with queries() as q:
            assert client.get(results_url(world)).status_code == 200
        return q.count

    one_bucket_7_items = measure()
    for key in (GROUP_SUBORDINATE, "atasan", BUCKET_COMBINED):
        add_bucket(world, key, [uniform(world, 3)] * 3, keep=["x"], improve=["y"])
    four_buckets_7_items = measure()
    from portal.skp.berakhlak import BERAKHLAK

    db.session.add_all(QuestionnaireItem(period_id=world.period.id, value_code=BERAKHLAK[n % 7].code,
                                         guide_index=n // 7, text=f"Pedoman {n + 1}", position=n)
                       for n in range(7, 21))
    db.session.commit()
    world.items = common.ensure_items(world.period)
    assert len(world.items) == 21
    add_bucket_more = [uniform(world, 5)] * 3
    db.session.delete(db.session.scalar(select(FeedbackBucket).where(FeedbackBucket.bucket == GROUP_PEER)))
    db.session.commit()
    add_bucket(world, GROUP_PEER, add_bucket_more)
    four_buckets_21_items = measure()
    assert one_bucket_7_items == four_buckets_7_items == four_buckets_21_items
