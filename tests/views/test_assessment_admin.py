"""Admin screens of the 360 input: settings per period and the wording of the questionnaire items."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.assessment import common
from portal.assessment.models import AssessmentSetting, QuestionnaireItem
from portal.core.audit import AuditLog
from portal.core.timeutil import local_today
from portal.extensions import db

SETTINGS = {"anonymity_threshold": 3, "peer_min": 3, "peer_max": 8, "subordinate_max": 8, "superior_max": 2,
            "other_max": 5, "rater_working_days": 7}


@pytest.fixture
def users(make_user, make_employee):
    return {"admin": make_user(role="admin"), "auditor": make_user(role="auditor"),
            "pegawai": make_user(employee=make_employee())}


@pytest.fixture
def future(make_period):
    """A period whose evaluation windows all lie ahead: the wording may still change."""
    return make_period(local_today().year + 1)


@pytest.fixture
def running(make_period):
    today = local_today()
    return make_period(today.year, evaluasi_tahunan=(today - dt.timedelta(days=1), today + dt.timedelta(days=30)))


@pytest.mark.parametrize(("who", "get", "post"), [("admin", 200, 302), ("auditor", 200, 403), ("pegawai", 403, 403)])
@pytest.mark.parametrize("page", ["pengaturan-360", "kuesioner"])
def test_access(client, login, users, future, who, get, post, page):
    login(users[who])
    url = f"/periode/{future.id}/{page}"
    assert client.get(url).status_code == get
    assert client.post(url, data=SETTINGS).status_code == post


def test_anonymous_redirected_to_login(client, future):
    assert client.get(f"/periode/{future.id}/pengaturan-360").status_code == 302


def test_settings_saved_and_audited(client, login, users, future):
    login(users["admin"])
    data = dict(SETTINGS, anonymity_threshold=4, peer_min=4, peer_max=6, rater_working_days=5)
    response = client.post(f"/periode/{future.id}/pengaturan-360", data=data, follow_redirects=True)
    assert "Pengaturan 360 disimpan" in response.get_data(as_text=True)
    setting = db.session.scalar(select(AssessmentSetting).where(AssessmentSetting.period_id == future.id))
    assert (setting.anonymity_threshold, setting.peer_min, setting.peer_max, setting.rater_working_days) == (4, 4, 6, 5)
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "assessment.settings"))


@pytest.mark.parametrize(("changes", "message"), [
    ({"anonymity_threshold": 1}, "paling sedikit 2"),
    ({"peer_min": 9, "peer_max": 5}, "tidak boleh melebihi"),
    ({"peer_max": ""}, "Wajib diisi"),
    ({"other_max": -1}, "Nilai tidak valid"),
])
def test_settings_validation(client, login, users, future, changes, message):
    login(users["admin"])
    response = client.post(f"/periode/{future.id}/pengaturan-360", data=dict(SETTINGS, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    setting = common.settings_for(future)
    assert (setting.anonymity_threshold, setting.peer_min, setting.peer_max) == (3, 3, 8)


def test_auditor_sees_settings_without_form(client, login, users, future):
    login(users["auditor"])
    page = client.get(f"/periode/{future.id}/pengaturan-360").get_data(as_text=True)
    assert "Ambang anonimitas" in page and "Simpan pengaturan" not in page and "pengaturan-360\" novalidate" not in page


def test_items_edit_before_first_window(client, login, users, future):
    login(users["admin"])
    page = client.get(f"/periode/{future.id}/kuesioner").get_data(as_text=True)
    items = common.ensure_items(future)
    assert len(items) == 21 and "Simpan kuesioner" in page and items[0].text in page
    response = client.post(f"/periode/{future.id}/kuesioner", data={f"item-{items[0].id}": "Memahami kebutuhan warga"},
                           follow_redirects=True)
    assert "1 butir kuesioner diperbarui" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionnaireItem, items[0].id).text == "Memahami kebutuhan warga"
    assert db.session.get(QuestionnaireItem, items[1].id).text == items[1].text  # untouched


def test_items_empty_text_refused(client, login, users, future):
    login(users["admin"])
    items = common.ensure_items(future)
    db.session.commit()
    response = client.post(f"/periode/{future.id}/kuesioner", data={f"item-{items[2].id}": "  "})
    assert response.status_code == 422
    assert "tidak boleh kosong" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionnaireItem, items[2].id).text.strip()


def test_items_locked_once_a_window_opened(client, login, users, running):
    login(users["admin"])
    page = client.get(f"/periode/{running.id}/kuesioner").get_data(as_text=True)
    assert "tidak dapat diubah lagi" in page and "Simpan kuesioner" not in page
    item = common.ensure_items(running)[0]
    original = item.text
    response = client.post(f"/periode/{running.id}/kuesioner", data={f"item-{item.id}": "Teks lain"})
    assert response.status_code == 422 and "tidak dapat diubah lagi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuestionnaireItem, item.id).text == original


def test_auditor_reads_items(client, login, users, future):
    login(users["auditor"])
    page = client.get(f"/periode/{future.id}/kuesioner").get_data(as_text=True)
    assert "Berorientasi Pelayanan" in page and "<textarea" not in page
