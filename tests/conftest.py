"""Test harness: the app on SQLite or a real PostgreSQL server, factories, CSRF-aware client, query counter,
and a live server with headless Chromium for browser tests.

    pytest                    # SQLite (a temporary file)
    pytest --db=postgresql    # a PostgreSQL server started in a temporary directory for this session

Under CI=true, PostgreSQL and browser tests fail instead of skipping when their tools are missing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

from portal import create_app
from portal.core.querycount import count_queries
from portal.extensions import db
from tests import factories
from tests.pg import PostgresServer, free_port

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("PORTAL_TEST_DB", "sqlite"),
                     choices=["sqlite", "postgresql"], help="database backend for the whole suite")


PG_SERVER = pytest.StashKey[PostgresServer]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that failed on PostgreSQL's statement timeout reports what the server and its other connections
    were doing (a lock wait or a runaway plan; see tests/pg.py)."""
    report = yield
    server = item.config.stash.get(PG_SERVER, None)
    if server is not None and report.failed and "statement timeout" in str(report.longrepr):
        report.sections.append(("PostgreSQL at the statement timeout", server.diagnose()))
    return report


def pytest_report_header(config):
    return f"portal test database: {config.getoption('--db')}"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url(request):
    backend = request.config.getoption("--db")
    if backend == "postgresql":
        try:
            server = PostgresServer()
            url = server.start()
        except (RuntimeError, KeyError, OSError) as exc:
            _unavailable(f"PostgreSQL not available: {exc}")
        request.addfinalizer(server.stop)
        request.config.stash[PG_SERVER] = server
        return url
    folder = tempfile.mkdtemp(prefix="portal-sqlite-")
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    return f"sqlite:///{folder}/test.db"


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token header with every POST, as the real pages do.

    Use ``client.post(..., csrf=False)`` to send a request without one.
    """

    def _token(self) -> str:
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                import hashlib

                raw = hashlib.sha1(os.urandom(64)).hexdigest()
                session["csrf_token"] = raw
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        # Every request reuses the test's app context: empty `g` so that per-request caches (Flask-Login's
        # current user, permission caches) do not leak from one request into the next, as on a real server.
        if has_app_context():
            vars(g).clear()
        method = kwargs.get("method", "GET").upper()
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self._token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    instance = tempfile.mkdtemp(prefix="portal-instance-")
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "UPLOAD_FOLDER": str(Path(instance) / "uploads"),
        "SERVER_NAME": None,
    })
    Path(application.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    application.test_client_class = CsrfClient
    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)


def _wipe_tables() -> None:
    db.session.remove()
    tables = [t.name for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # TRUNCATE only the tables a test filled (one query finds them), and put back to 1 the sequences of
            # tables it filled and emptied again. A TRUNCATE of all 71 tables gave each one new files and cost
            # about 200 ms a test; DELETE instead left the planner statistics of emptied tables that made a
            # later test's plan take minutes on a few thousand rows. TRUNCATE resets them as a new table's.
            filled = [row[0] for row in conn.exec_driver_sql(" UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables))]
            if filled:
                conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in filled) + " RESTART IDENTITY CASCADE")
            conn.exec_driver_sql("SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, "
                                 "false) FROM pg_sequences WHERE last_value IS NOT NULL")
        else:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs in an app context with the reference data seeded, and leaves empty tables behind."""
    from portal.org.reference import seed_reference_data

    with app.app_context():
        seed_reference_data()
        db.session.commit()
        yield
        _wipe_tables()


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def login(client):
    """login(user) signs the test client in as ``user`` (through the session, no password hashing)."""

    def _login(user, test_client=None):
        target = test_client or client
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return target

    return _login


@pytest.fixture
def queries(app):
    """with queries() as q: client.get(...); assert q.count == N"""
    return lambda: count_queries(db.engine)


# Factories as fixtures (STYLE.md): make_employee(unit=..., superior=...) etc.
@pytest.fixture
def make_unit():
    return factories.make_unit


@pytest.fixture
def make_position():
    return factories.make_position


@pytest.fixture
def make_employee():
    return factories.make_employee


@pytest.fixture
def make_user():
    return factories.make_user


# ---------------------------------------------------------------------------------------------------------
# Browser tests: the real app served by waitress on a free port, driven by Playwright in headless Chromium.


@pytest.fixture(scope="session")
def live_server(app):
    from waitress.server import create_server

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        _unavailable("playwright is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    # A CSP violation or a JavaScript error is a bug, even when the journey still worked.
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def browser_login(page):
    """browser_login(username, password): sign in through the real login form."""

    def _login(username: str, password: str = factories.TEST_PASSWORD):
        # Sign in as a new visitor: first let the current page's requests (an autosave, the bell) finish and leave
        # it, then drop the cookies. A request still in flight would otherwise set the previous user's session
        # again after the new sign-in, or be refused for its missing session (400) after the cookies are gone.
        if page.url not in ("", "about:blank"):
            page.wait_for_load_state("networkidle")
            page.goto("about:blank")
        page.context.clear_cookies()
        page.goto("/masuk")
        page.get_by_label(re.compile("NIP atau nama pengguna", re.I)).fill(username)
        page.get_by_label(re.compile("Kata sandi", re.I)).fill(password)
        page.get_by_role("button", name=re.compile("Masuk", re.I)).click()
        page.wait_for_load_state("networkidle")
        return page

    return _login


# Periods and the holiday calendar (periods helper)
@pytest.fixture
def make_period():
    return factories.make_period


@pytest.fixture
def make_holiday():
    return factories.make_holiday


# SKP plans, RHK and indicators (SKP editor helper)
@pytest.fixture
def make_skp():
    return factories.make_skp


@pytest.fixture
def make_rhk():
    return factories.make_rhk


@pytest.fixture
def make_indicator():
    return factories.make_indicator


# Realisation and feedback (progress helper)
@pytest.fixture
def make_realisation():
    return factories.make_realisation


@pytest.fixture
def make_feedback():
    return factories.make_feedback
