"""One scale (issue 9): the self-assessment, the 360 questionnaire and the assessor's input render the same 1-5
labels, from portal/assessment/scale.py through templates/components/_rating_scale.html, with each point's meaning
in a legend next to the radios; the results page that compares them shows the same legend."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from portal.assessment import rules, scale
from tests.unit.test_self_assessment import build_world as self_world
from tests.views import test_rater_views as rater_tests
from tests.views.test_results import CLOSED, OPEN, get_results
from tests.views.test_results import make_world as results_world

OLD_LABELS = ("Sangat kurang", "Cukup", "Sangat baik", "sangat jarang", "selalu menunjukkan")


def test_the_scale_is_the_regulations_wording_with_a_meaning_per_point():
    assert scale.SCORES == rules.SCALE == (1, 2, 3, 4, 5)
    assert [str(p.label) for p in scale.SCALE] == ["Sangat Kurang", "Kurang Memadai", "Memadai", "Di Atas Memadai",
                                                   "Istimewa"]
    assert all(str(p.meaning).startswith("Perilaku ini") for p in scale.SCALE)
    assert len({str(p.meaning) for p in scale.SCALE}) == 5
    assert scale.label(4) == "4 · Di Atas Memadai" and scale.label(None) == "Tidak dapat menilai"


def test_the_component_is_a_labelled_radio_group_described_by_the_legend(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "components/_rating_scale.html" import scale_legend, rating_radios %}'
            '{{ scale_legend(scale, id="s", na=true) }}'
            '{{ rating_radios(scale, "item-7", "Ramah melayani", chosen=3, legend_id="s", na=true) }}', scale=scale)
    assert re.search(r'<fieldset class="rating-scale[^"]*">\s*<legend>Ramah melayani</legend>', html)
    for point in scale.SCALE:
        assert f'<label for="item-7-{point.score}">' in html
        assert re.search(rf'id="item-7-{point.score}" name="item-7" value="{point.score}"', html)
        assert f'aria-describedby="s-{point.score}"' in html
        assert f'<dd id="s-{point.score}">{point.meaning}</dd>' in html
    assert re.search(r'id="item-7-3" name="item-7" value="3" checked', html)
    assert 'value="na"' in html and 'aria-describedby="s-na"' in html and '<dd id="s-na">' in html


def radio_labels(html: str, name: str) -> list[str]:
    return [re.sub(r"\s+", " ", label).strip() for label in
            re.findall(rf'<label for="{re.escape(name)}-[^"]+"[^>]*><input [^>]*> <span>([^<]*)</span></label>', html)]


def expected(na: bool) -> list[str]:
    return [f"{p.score} · {p.label}" for p in scale.SCALE] + (["Tidak dapat menilai"] if na else [])


def legend(html: str) -> list[str]:
    return re.findall(r'<dd id="skala-(?:\d|na)">([^<]*)</dd>', html)


def self_form_html(client, login):
    w = self_world()
    login(w.u_owner)
    html = client.get(f"/penilaian-diri/{w.window.id}").get_data(as_text=True)
    return html, re.search(r'name="(item-\d+-score)"', html).group(1), False


def questionnaire_html(client, login):
    world = rater_tests.make_world()
    login(world.u_raters[0])
    html = client.get(f"/permintaan-umpan-balik/{world.nominations[0].id}").get_data(as_text=True)
    return html, f"item-{world.item_ids[0]}", True


def assessor_input_html(client, login):
    world = results_world(window=OPEN)
    login(world.users["assessor"])
    html = client.get(f"/360/{world.subject.id}/{world.phase.id}/masukan-penilai").get_data(as_text=True)
    return html, f"item_{world.items[0].id}", True


@pytest.mark.parametrize("form", [self_form_html, questionnaire_html, assessor_input_html],
                         ids=["self-assessment", "360-questionnaire", "assessor-input"])
def test_the_three_forms_render_the_same_labels_and_meanings_from_the_one_definition(client, login, form):
    html, name, na = form(client, login)
    assert radio_labels(html, name) == expected(na)
    assert legend(html) == [str(p.meaning) for p in scale.SCALE] + ([str(scale.NOT_APPLICABLE_MEANING)] if na else [])
    for old in OLD_LABELS:
        assert old not in html


def test_the_results_page_explains_the_same_scale(client, login):
    world = results_world(window=CLOSED)
    html = get_results(client, login, world, who="subject")
    assert legend(html) == [str(p.meaning) for p in scale.SCALE]
    for point in scale.SCALE:
        assert f"{point.score} · {point.label}" in html
