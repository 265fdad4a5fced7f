"""A deadline afternoon: `make load` (python -m tests.load).

Starts the portal with waitress (the settings of `make serve`) on a temporary copy of the scale data (the demo
plus 20,000 employees, as `flask demo` and `flask seed-scale` make them, with the SKPs and 360 input of
`make bench`), drives N virtual users for T seconds through the real HTTP interface, then checks in the database
that every write the server acknowledged is there, and prints a table per request type.

Each virtual employee signs in by NIP and loops: dashboard, own realisation page, open a cell, save it; every
other round also the self-assessment (open, draft autosave) or a 360 questionnaire (draft autosave, then send).
One user in ten is a Pejabat Penilai Kinerja who opens SKP Tim, opens a submitted SKP and approves it. Every
request is followed by 1-3 s of think time. Sign-ins are spread over the first quarter of the run (people do not
all arrive in the same second).

The driver is plain threads and ``http.client`` (one keep-alive connection per user, like a browser tab): no
dependency, little CPU (it shares the machine with the server), and the verification of writes is ours anyway.

    python -m tests.load                          # 300 users, 120 s, 20,000 employees
    python -m tests.load --users 100 --seconds 60
    python -m tests.load --employees 2000 --fresh # a smaller data set, rebuilt

The seeded data set is cached in the system's temporary folder (per size, date and code version) and copied for
each run, so that only the first run waits for the seeding.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "beban-uji-2026"  # every virtual user's password (load data only)
SECRET_KEY = "load-test-secret-key"
THINK = (1.0, 3.0)
ASSESSOR_SHARE = 10  # one virtual user in ten is an assessor
SUBMITTED_PER_ASSESSOR = 25


# ---------------------------------------------------------------------------------------------------------
# Server settings: the defaults of the Makefile (`make serve`), so that the load test serves as production does


def serve_settings() -> dict[str, int]:
    """THREADS, CONNECTION_LIMIT, CHANNEL_TIMEOUT, BACKLOG as the Makefile sets them for `make serve`."""
    text = (PROJECT / "Makefile").read_text()
    names = {"THREADS": "threads", "CONNECTION_LIMIT": "connection_limit", "CHANNEL_TIMEOUT": "channel_timeout",
             "BACKLOG": "backlog"}
    found = {}
    for name, key in names.items():
        match = re.search(rf"^{name}\s*\?=\s*(\d+)\s*$", text, re.MULTILINE)
        if match:
            found[key] = int(match.group(1))
    return found


def waitress_args(settings: dict[str, int]) -> list[str]:
    args = [f"--{key.replace('_', '-')}={value}" for key, value in sorted(settings.items())]
    return [*args, "--asyncore-use-poll"]


# ---------------------------------------------------------------------------------------------------------
# The data: demo + scale data (cached), then the plan of who does what


def _app(database_url: str, instance: Path):
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY,
                       "UPLOAD_FOLDER": str(instance / "uploads")})


def _code_version() -> str:
    """Changes when the schema or the seeding code changes: the cached data set is then rebuilt."""
    digest = hashlib.sha256()
    for path in sorted([*PROJECT.glob("portal/**/models.py"), PROJECT / "portal/demo.py",
                        PROJECT / "portal/demo_cycle.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def seed_dataset(employees: int, today: dt.date) -> None:
    """The demo regency and ``employees`` more, with SKPs, realisation and 360 input (inside an app context)."""
    from portal.demo import load_demo, seed_scale
    from portal.demo_cycle import load_demo_cycle, seed_scale_360, seed_scale_cycle
    from portal.extensions import db

    result = load_demo()
    load_demo_cycle(result, today)
    db.session.commit()
    seed_scale(employees=employees, opd=40, seed=11, today=today)
    cycle = seed_scale_cycle(today)
    seed_scale_360(cycle["period_id"])
    db.session.commit()


def cached_dataset(employees: int, fresh: bool = False) -> Path:
    """The path of a seeded SQLite file for today (built when missing)."""
    today = dt.date.today()
    folder = Path(tempfile.gettempdir()) / "portal-load-data"
    folder.mkdir(exist_ok=True)
    path = folder / f"scale-{employees}-{today.isoformat()}-{_code_version()}.db"
    if path.exists() and not fresh:
        return path
    for old in folder.glob(f"scale-{employees}-*.db"):
        old.unlink()
    work = Path(tempfile.mkdtemp(prefix="portal-load-seed-"))
    try:
        started = time.perf_counter()
        target = work / "seed.db"
        app = _app(f"sqlite:///{target}", work / "instance")
        from portal.extensions import db

        with app.app_context():
            db.create_all()
            from portal.org.reference import seed_reference_data

            seed_reference_data()
            seed_dataset(employees, today)
            db.session.remove()
            db.engine.dispose()
        import sqlite3

        with sqlite3.connect(target) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        shutil.move(target, path)
        print(f"# data set: demo + {employees:,} employees seeded in {time.perf_counter() - started:.0f} s "
              f"({path})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


@dataclass
class EmployeeRole:
    nip: str
    employee_id: int
    skp_id: int
    cell: tuple[int, int]  # (indicator id, sub-period) of a cell open for recording
    nominations: list[int]  # invited 360 requests to answer
    window_id: int | None  # the evaluation window for the self-assessment


@dataclass
class AssessorRole:
    nip: str
    employee_id: int
    submitted: list[int]  # SKP ids waiting for this assessor's decision


@dataclass
class Plan:
    employees: list[EmployeeRole]
    assessors: list[AssessorRole]
    window_id: int | None
    responses: dict[int, int]  # 360 responses per rated employee before the run (window_id)


def prepare_plan(users: int, today: dt.date | None = None) -> Plan:
    """Pick the virtual users in the seeded data (inside an app context) and set the scene: accounts with one
    password, the evaluation window of the scale 360 input open today, and SKPs submitted to each assessor.
    Commits."""
    from sqlalchemy import func, select, update

    from portal.assessment import common
    from portal.assessment.models import NOMINATION_INVITED, FeedbackBucket, RaterNomination
    from portal.auth.models import ROLE_PEGAWAI, User
    from portal.core.timeutil import utcnow
    from portal.extensions import db
    from portal.org.models import Employee, Position
    from portal.periods import services as period_services
    from portal.progress import services as progress_services
    from portal.skp.models import STATUS_APPROVED, STATUS_SUBMITTED, Indicator, ResultPlan, Skp

    today = today or dt.date.today()
    period = period_services.current_period(today) or period_services.period_for_year(today.year)
    if period is None:
        raise SystemExit("No performance period for this year in the data set.")
    # The window holding the scale 360 input: open it today (a deadline afternoon inside the window).
    window = None
    window_id = db.session.scalar(select(RaterNomination.phase_id).join(
        Employee, Employee.id == RaterNomination.subject_id).limit(1))
    if window_id is not None:
        window = next((w for w in common.windows(period) if w.id == window_id), None)
    if window is not None:
        window.opens_on = min(window.opens_on, today)
        window.closes_on = max(window.closes_on, today + dt.timedelta(days=14))

    n_assessors = max(1, users // ASSESSOR_SHARE) if users > 1 else 0
    n_employees = users - n_assessors
    approved = (select(Skp.id).where(Skp.employee_id == Employee.id, Skp.period_id == period.id,
                                     Skp.is_current.is_(True), Skp.status == STATUS_APPROVED).exists())
    special = select(User.employee_id).where(User.role != ROLE_PEGAWAI, User.employee_id.is_not(None))
    staff = db.session.execute(
        select(Employee.id, Employee.nip, Employee.superior_id)
        .join(Position, Position.id == Employee.position_id)
        .where(Employee.active.is_(True), Employee.superior_id.is_not(None), Position.is_head.is_(False), approved,
               Employee.id.not_in(special))  # demo accounts of admins and auditors are no virtual employees
        .order_by(Employee.id)
    ).all()
    teams: dict[int, list] = defaultdict(list)
    for row in staff:
        teams[row.superior_id].append(row)
    # Assessors: the largest teams; their reports' SKPs are submitted and wait for them.
    assessor_ids = sorted(teams, key=lambda s: (-len(teams[s]), s))[:n_assessors]
    assessor_set = set(assessor_ids)
    now = utcnow()
    assessors = []
    nip_of = dict(db.session.execute(select(Employee.id, Employee.nip).where(Employee.id.in_(assessor_ids))).all())
    for assessor_id in assessor_ids:
        report_ids = [r.id for r in teams[assessor_id][:SUBMITTED_PER_ASSESSOR]]
        skp_ids = list(db.session.scalars(select(Skp.id).where(
            Skp.employee_id.in_(report_ids), Skp.period_id == period.id, Skp.is_current.is_(True))))
        db.session.execute(update(Skp).where(Skp.id.in_(skp_ids)).values(
            status=STATUS_SUBMITTED, submitted_at=now, decided_at=None, decided_by_id=None,
            assessor_id=assessor_id))
        assessors.append(AssessorRole(nip=nip_of[assessor_id], employee_id=assessor_id, submitted=skp_ids))
    # Employees: spread over the other teams, round robin, so that many units and assessors are involved.
    pools = [teams[s][SUBMITTED_PER_ASSESSOR if s in assessor_set else 0:] for s in sorted(teams)]
    chosen = []
    while len(chosen) < n_employees and any(pools):
        for pool in pools:
            if pool and len(chosen) < n_employees:
                candidate = pool.pop(0)
                if candidate.id not in assessor_set:
                    chosen.append(candidate)
    skps = {skp.employee_id: skp for skp in db.session.scalars(select(Skp).where(
        Skp.employee_id.in_([c.id for c in chosen]), Skp.period_id == period.id, Skp.is_current.is_(True)))}
    first_indicator = dict(db.session.execute(
        select(ResultPlan.skp_id, func.min(Indicator.id)).join(Indicator, Indicator.result_plan_id == ResultPlan.id)
        .where(ResultPlan.skp_id.in_([s.id for s in skps.values()])).group_by(ResultPlan.skp_id)).all())
    invited: dict[int, list[int]] = defaultdict(list)
    for nomination_id, rater_id in db.session.execute(
            select(RaterNomination.id, RaterNomination.rater_id).where(
                RaterNomination.rater_id.in_([c.id for c in chosen]), RaterNomination.status == NOMINATION_INVITED,
                RaterNomination.phase_id == (window.id if window else -1)).order_by(RaterNomination.id)):
        invited[rater_id].append(nomination_id)
    open_seq = None
    employees = []
    for candidate in chosen:
        skp = skps.get(candidate.id)
        indicator_id = first_indicator.get(skp.id) if skp else None
        if skp is None or indicator_id is None:
            continue
        if open_seq is None:
            editable = [s.seq for s in progress_services.sub_periods(skp, today) if s.editable]
            open_seq = editable[-1] if editable else 0
        if not open_seq:
            raise SystemExit("No sub-period is open for recording today in the data set.")
        employees.append(EmployeeRole(nip=candidate.nip, employee_id=candidate.id, skp_id=skp.id,
                                      cell=(indicator_id, open_seq), nominations=invited[candidate.id][:2],
                                      window_id=window.id if window else None))
    # Accounts (login: NIP), one password hashed once.
    people = [e.employee_id for e in employees] + [a.employee_id for a in assessors]
    have = set(db.session.scalars(select(User.employee_id).where(User.employee_id.in_(people))))
    template = User(username="_")
    template.set_password(PASSWORD)
    nips = {e.employee_id: e.nip for e in employees} | {a.employee_id: a.nip for a in assessors}
    for emp_id in people:
        if emp_id not in have:
            db.session.add(User(username=nips[emp_id], employee_id=emp_id, password_hash=template.password_hash,
                                must_change_password=False))
    db.session.execute(update(User).where(User.employee_id.in_(people)).values(
        password_hash=template.password_hash, must_change_password=False, is_enabled=True))
    subjects = {s for s, in db.session.execute(select(RaterNomination.subject_id).where(
        RaterNomination.id.in_([n for e in employees for n in e.nominations])))}
    responses = defaultdict(int)
    if subjects and window is not None:
        for subject_id, count in db.session.execute(
                select(FeedbackBucket.subject_id, func.sum(FeedbackBucket.responses))
                .where(FeedbackBucket.subject_id.in_(subjects), FeedbackBucket.phase_id == window.id)
                .group_by(FeedbackBucket.subject_id)):
            responses[subject_id] = int(count or 0)
    db.session.commit()
    return Plan(employees=employees, assessors=assessors, window_id=window.id if window else None,
                responses=dict(responses))


# ---------------------------------------------------------------------------------------------------------
# The driver


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int  # 0: no answer (connection error or timeout)
    at: float = 0.0  # time.monotonic() when the answer came


@dataclass
class Acked:
    """Writes the server acknowledged, to be found in the database afterwards."""

    realisations: dict[tuple[int, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    self_drafts: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # by employee id
    answer_drafts: dict[int, str] = field(default_factory=dict)  # by nomination id: last "keep" text
    answers_sent: dict[int, int] = field(default_factory=dict)  # nomination id -> subject id (filled later)
    approvals: list[int] = field(default_factory=list)  # SKP ids


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.acked = Acked()
        self.unexpected: list[str] = []
        self.lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def problem(self, text: str) -> None:
        with self.lock:
            if len(self.unexpected) < 50:
                self.unexpected.append(text)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _input_value(html: str, name: str) -> str | None:
    """The value of the first <input name="name">."""
    match = re.search(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


class Browser:
    """One virtual user: a keep-alive connection, the session cookie and the CSRF token."""

    def __init__(self, base_url: str, recorder: Recorder, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.recorder = recorder
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, kind: str, method: str, path: str, form: dict | None = None, htmx: bool = False,
                expect: tuple[int, ...] = (200,)) -> tuple[int, str, dict]:
        headers = {"Accept": "text/html", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if self.csrf:
                headers["X-CSRFToken"] = self.csrf
            body = urllib.parse.urlencode(form or {})
        started = time.perf_counter()
        status, text, response_headers = 0, "", {}
        for attempt in (1, 2):
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = response.status
                response_headers = {k.lower(): v for k, v in response.getheaders()}
                for name, value in response.getheaders():
                    if name.lower() == "set-cookie":
                        key, _, rest = value.partition("=")
                        self.cookies[key.strip()] = rest.split(";", 1)[0]
                if response_headers.get("connection", "").lower() == "close":
                    self.close()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                # The server closed an idle keep-alive connection (channel timeout): a browser reconnects.
                self.close()
                if attempt == 2:
                    self.recorder.problem(f"{kind} {path}: {type(exc).__name__}")
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                self.recorder.problem(f"{kind} {path}: {type(exc).__name__}: {exc}")
                break
        self.recorder.add(Sample(kind, time.perf_counter() - started, status, time.monotonic()))
        if status and status not in expect and status != 409:
            self.recorder.problem(f"{kind} {method} {path}: HTTP {status}")
        match = CSRF_RE.search(text)
        if match:
            self.csrf = match.group(1) or match.group(2)
        return status, text, response_headers

    def sign_in(self, nip: str, password: str) -> bool:
        self.request("sign-in page", "GET", "/masuk")
        status, _, headers = self.request("sign in (POST, scrypt)", "POST", "/masuk",
                                          {"identifier": nip, "password": password, "csrf_token": self.csrf},
                                          expect=(302, 303))
        return status in (302, 303)


class VirtualUser(threading.Thread):
    def __init__(self, number: int, base_url: str, recorder: Recorder, stop_at: float, start_at: float,
                 think: tuple[float, float], seed: int, rounds: int | None = None) -> None:
        super().__init__(daemon=True, name=f"vu-{number}")
        self.number = number
        self.browser = Browser(base_url, recorder)
        self.recorder = recorder
        self.stop_at = stop_at
        self.start_at = start_at
        self.think_range = think
        self.rng = random.Random(seed)
        self.saves = 0
        self.rounds = rounds  # stop after this many rounds (the smoke test), else when the time is up

    def more(self, done: int) -> bool:
        return self.rounds is None or done < self.rounds

    def think(self) -> bool:
        """Wait like a person reading the page; False when the run is over."""
        pause = self.rng.uniform(*self.think_range)
        if time.monotonic() + pause >= self.stop_at:
            return False
        time.sleep(pause)
        return True

    def text(self, what: str) -> str:
        self.saves += 1
        return f"Beban uji {what} {self.number}-{self.saves} {self.rng.randrange(10**6)}"

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        try:
            self.journey()
        finally:
            self.browser.close()

    def journey(self) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError


class Employee(VirtualUser):
    """Sign in by NIP, then dashboard, own realisation page, open a cell, save it; in turns the self-assessment
    draft (autosave) or a 360 questionnaire (autosave, then send)."""

    def __init__(self, role: EmployeeRole, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.self_version: str | None = None

    def journey(self) -> None:
        b, role = self.browser, self.role
        if not b.sign_in(role.nip, PASSWORD) or not self.think():
            return
        indicator_id, seq = role.cell
        cell_url = f"/skp/{role.skp_id}/indikator/{indicator_id}/realisasi/{seq}"
        prefix = f"r{indicator_id}-{seq}"
        nominations = list(role.nominations)
        round_ = 0
        while self.more(round_):
            round_ += 1
            b.request("dashboard", "GET", "/")
            if not self.think():
                return
            b.request("realisation page", "GET", f"/skp/{role.skp_id}/realisasi")
            if not self.think():
                return
            status, html, _ = b.request("open a cell (htmx)", "GET", cell_url, htmx=True)
            if not self.think():
                return
            version = _input_value(html, f"{prefix}-version_id") if status == 200 else None
            if version is not None:
                text = self.text("realisasi")
                status, _, _ = b.request("save realisation (htmx)", "POST", cell_url,
                                         {f"{prefix}-text": text, f"{prefix}-number": str(round_),
                                          f"{prefix}-version_id": version}, htmx=True)
                if status == 200:
                    self.recorder.acked.realisations[role.cell].append(text)
                if not self.think():
                    return
            if round_ % 2 == 1 and role.window_id is not None:
                if not self.self_assessment():
                    return
            elif round_ % 2 == 0 and nominations and not self.answer_360(nominations):
                return

    def self_assessment(self) -> bool:
        b, role = self.browser, self.role
        url = f"/penilaian-diri/{role.window_id}"
        if self.self_version is None:
            status, html, _ = b.request("self-assessment page", "GET", url)
            if not self.think():
                return False
            self.self_version = _input_value(html, "version_id") if status == 200 else None
            if self.self_version is None:
                return True
        text = self.text("capaian")
        status, html, _ = b.request("self-assessment autosave (htmx)", "POST", url,
                                    {"version_id": self.self_version, "achievements": text}, htmx=True)
        if status == 200:
            self.recorder.acked.self_drafts[role.employee_id].append(text)
            self.self_version = _input_value(html, "version_id") or None
        else:
            self.self_version = None  # open the page again next time
        return self.think()

    def answer_360(self, nominations: list[int]) -> bool:
        b = self.browser
        nomination_id = nominations[0]
        url = f"/permintaan-umpan-balik/{nomination_id}"
        status, html, _ = b.request("360 questionnaire", "GET", url)
        if not self.think():
            return False
        items = sorted(set(re.findall(r'name="item-(\d+)"', html))) if status == 200 else []
        if not items:
            nominations.pop(0)
            return True
        keep = self.text("360")
        draft = nomination_id not in self.recorder.acked.answer_drafts
        form = {f"item-{i}": str(self.rng.choice((3, 4, 5))) for i in items}
        form.update({"keep": keep, "improve": "", "action": "autosave" if draft else "submit"})
        if draft:
            status, _, _ = b.request("360 answer autosave (htmx)", "POST", url, form, htmx=True)
            if status == 200:
                self.recorder.acked.answer_drafts[nomination_id] = keep
        else:
            status, _, _ = b.request("360 answer send", "POST", url, form, expect=(302, 303))
            with self.recorder.lock:
                if status in (302, 303):
                    self.recorder.acked.answers_sent[nomination_id] = 0
                elif status == 409:  # the rater's group is below the anonymity threshold: kept as a draft
                    self.recorder.acked.answer_drafts[nomination_id] = keep
            nominations.pop(0)
        return self.think()


class Assessor(VirtualUser):
    """Sign in by NIP, then SKP Tim, open a submitted SKP, approve it (the plain form), and the dashboard."""

    def __init__(self, role: AssessorRole, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role = role

    def journey(self) -> None:
        b = self.browser
        if not b.sign_in(self.role.nip, PASSWORD) or not self.think():
            return
        waiting = list(self.role.submitted)
        done = 0
        while self.more(done):
            done += 1
            b.request("SKP Tim (team board)", "GET", "/skp/tim?status=diajukan")
            if not self.think():
                return
            if waiting:
                skp_id = waiting.pop(0)
                status, html, _ = b.request("SKP page", "GET", f"/skp/{skp_id}")
                if not self.think():
                    return
                form = re.search(r'<form[^>]*action="/skp/' + str(skp_id) + r'/setujui"[^>]*>(.*?)</form>', html,
                                 re.DOTALL)
                if status == 200 and form:
                    version = _input_value(form.group(1), "version_id") or ""
                    status, _, _ = b.request("approve SKP", "POST", f"/skp/{skp_id}/setujui",
                                             {"version_id": version, "note": ""}, expect=(302, 303))
                    if status in (302, 303):
                        with self.recorder.lock:
                            self.recorder.acked.approvals.append(skp_id)
                    if not self.think():
                        return
            b.request("dashboard", "GET", "/")
            if not self.think():
                return


def drive(base_url: str, plan: Plan, users: int, seconds: float, *, think: tuple[float, float] = THINK,
          ramp: float | None = None, seed: int = 1, rounds: int | None = None) -> Recorder:
    """Run ``users`` virtual users for ``seconds`` (or ``rounds`` rounds each, within ``seconds``) against
    ``base_url``; returns what was measured and acknowledged."""
    recorder = Recorder()
    now = time.monotonic()
    stop_at = now + seconds
    ramp = seconds / 4 if ramp is None else ramp
    n_assessors = min(len(plan.assessors), max(1, users // ASSESSOR_SHARE) if users > 1 else 0)
    roles: list = plan.assessors[:n_assessors] + plan.employees[:users - n_assessors]
    rng = random.Random(seed)
    threads = []
    for number, role in enumerate(roles):
        start_at = now + (ramp * number / max(1, len(roles)))
        cls = Assessor if isinstance(role, AssessorRole) else Employee
        threads.append(cls(role, number, base_url, recorder, stop_at, start_at, think, rng.randrange(2**32),
                           rounds))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, stop_at - time.monotonic() + 90))
    return recorder


# ---------------------------------------------------------------------------------------------------------
# Verification: every acknowledged write is in the database (inside an app context)


def verify(plan: Plan, acked: Acked) -> tuple[int, int, list[str]]:
    """(writes checked, lost writes, problems). A write is lost when the last acknowledged value or the audit
    row of an acknowledged write is missing."""
    from flask import current_app
    from sqlalchemy import func, select

    from portal.assessment import rater_services
    from portal.assessment.models import FeedbackBucket, RaterCompletion, RaterDraft, RaterNomination, SelfAssessment
    from portal.core.audit import AuditLog
    from portal.extensions import db
    from portal.progress.models import Realisation
    from portal.skp.models import STATUS_APPROVED, Skp

    secret = current_app.config["SECRET_KEY"]
    problems: list[str] = []
    checked = lost = 0

    def audit_values(action: str, object_type: str, ids, key: str) -> set[tuple[str, str]]:
        ids = [str(i) for i in ids]
        found = set()
        for start in range(0, len(ids), 500):
            for object_id, changes in db.session.execute(select(AuditLog.object_id, AuditLog.changes).where(
                    AuditLog.action == action, AuditLog.object_type == object_type,
                    AuditLog.object_id.in_(ids[start:start + 500]))):
                value = (changes or {}).get(key)
                if isinstance(value, list) and len(value) == 2:
                    found.add((object_id, str(value[1])))
        return found

    # Realisation saves: the last text in the row, an audit row per acknowledged save.
    rows = {}
    for indicator_id, seq in acked.realisations:
        rows[(indicator_id, seq)] = db.session.scalar(select(Realisation).where(
            Realisation.indicator_id == indicator_id, Realisation.sub_period == seq))
    audited = audit_values("realisation.save", "realisation", [r.id for r in rows.values() if r], "text")
    for key, texts in acked.realisations.items():
        row = rows[key]
        checked += len(texts)
        if row is None or row.text != texts[-1]:
            lost += 1
            problems.append(f"realisation {key}: last acknowledged text missing")
        missing = [t for t in texts if row is None or (str(row.id), t) not in audited]
        lost += len(missing)
        if missing:
            problems.append(f"realisation {key}: {len(missing)} acknowledged saves without their audit row")

    # Self-assessment drafts: the last text, an audit row per acknowledged save.
    if acked.self_drafts:
        sas = {sa.employee_id: sa for sa in db.session.scalars(select(SelfAssessment).where(
            SelfAssessment.employee_id.in_(list(acked.self_drafts)), SelfAssessment.phase_id == plan.window_id))}
        audited = audit_values("self_assessment.save", "self_assessment", [sa.id for sa in sas.values()],
                               "achievements")
        for employee_id, texts in acked.self_drafts.items():
            sa = sas.get(employee_id)
            checked += len(texts)
            if sa is None or sa.achievements != texts[-1]:
                lost += 1
                problems.append(f"self-assessment of employee {employee_id}: last acknowledged draft missing")
            missing = [t for t in texts if sa is None or (str(sa.id), t) not in audited]
            lost += len(missing)
            if missing:
                problems.append(f"self-assessment of employee {employee_id}: {len(missing)} saves without audit row")

    # 360: a sent questionnaire has its completion token and counts in its bucket; a draft keeps its last text.
    sent = set(acked.answers_sent)
    for nomination_id, keep in acked.answer_drafts.items():
        if nomination_id in sent:
            continue
        checked += 1
        draft = db.session.get(RaterDraft, rater_services.draft_token(secret, nomination_id))
        if draft is None or (draft.payload or {}).get("keep") != keep:
            lost += 1
            problems.append(f"360 draft of nomination {nomination_id} missing")
    if sent:
        checked += len(sent)
        tokens = {rater_services.completion_token(secret, n): n for n in sent}
        found = set(db.session.scalars(select(RaterCompletion.token).where(RaterCompletion.token.in_(list(tokens)))))
        for token, nomination_id in tokens.items():
            if token not in found:
                lost += 1
                problems.append(f"360 answer of nomination {nomination_id}: no completion")
        per_subject: dict[int, int] = defaultdict(int)
        for subject_id, in db.session.execute(select(RaterNomination.subject_id).where(
                RaterNomination.id.in_(list(sent)))):
            per_subject[subject_id] += 1
        now_counts = dict(db.session.execute(
            select(FeedbackBucket.subject_id, func.sum(FeedbackBucket.responses))
            .where(FeedbackBucket.subject_id.in_(list(per_subject)), FeedbackBucket.phase_id == plan.window_id)
            .group_by(FeedbackBucket.subject_id)).all())
        for subject_id, n in per_subject.items():
            expected = plan.responses.get(subject_id, 0) + n
            if int(now_counts.get(subject_id) or 0) != expected:
                lost += 1
                problems.append(f"360 answers for employee {subject_id}: {now_counts.get(subject_id)} responses, "
                                f"expected {expected}")

    # Approvals: the SKP approved, with its audit row.
    if acked.approvals:
        checked += len(acked.approvals)
        statuses = dict(db.session.execute(select(Skp.id, Skp.status).where(Skp.id.in_(acked.approvals))).all())
        audited_ids = set(db.session.scalars(select(AuditLog.object_id).where(
            AuditLog.action == "skp.approve", AuditLog.object_id.in_([str(i) for i in acked.approvals]))))
        for skp_id in acked.approvals:
            if statuses.get(skp_id) != STATUS_APPROVED or str(skp_id) not in audited_ids:
                lost += 1
                problems.append(f"approval of SKP {skp_id} missing")

    if db.engine.dialect.name == "sqlite":
        result = db.session.execute(db.text("PRAGMA integrity_check")).scalar()
        if result != "ok":
            problems.append(f"PRAGMA integrity_check: {result}")
    return checked, lost, problems


# ---------------------------------------------------------------------------------------------------------
# The report


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def report(recorder: Recorder, seconds: float) -> tuple[str, dict]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in recorder.samples:
        by_kind[sample.kind].append(sample)
    lines = ["| request | count | p50 ms | p95 ms | p99 ms | max ms | errors | 409 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    totals = {}

    def row(label: str, samples: list[Sample]) -> tuple[str, dict]:
        ordered = sorted(s.seconds * 1000 for s in samples)
        errors = sum(1 for s in samples if s.status == 0 or s.status >= 500
                     or (400 <= s.status < 500 and s.status != 409))
        conflicts = sum(1 for s in samples if s.status == 409)
        figures = {"count": len(samples), "p50": statistics.median(ordered) if ordered else 0,
                   "p95": _percentile(ordered, 0.95), "p99": _percentile(ordered, 0.99),
                   "max": ordered[-1] if ordered else 0, "errors": errors, "conflicts": conflicts}
        text = (f"| {label} | {figures['count']} | {figures['p50']:.0f} | {figures['p95']:.0f} | "
                f"{figures['p99']:.0f} | {figures['max']:.0f} | {errors} | {conflicts} |")
        return text, figures

    for kind in sorted(by_kind):
        text, _ = row(kind, by_kind[kind])
        lines.append(text)
    text, totals = row("**all requests**", recorder.samples)
    lines.append(text)
    totals["rate"] = len(recorder.samples) / seconds if seconds else 0
    return "\n".join(lines), totals


# ---------------------------------------------------------------------------------------------------------
# Running it: data copy, waitress in its own process, driver, verification


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The server did not start; see its log above.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("The server did not answer within a minute.")


@dataclasses.dataclass
class RunResult:
    table: str
    totals: dict
    checked: int
    lost: int
    problems: list[str]
    unexpected: list[str]
    tracebacks: int
    first_traceback: str = ""
    load: tuple[float, float] = (0.0, 0.0)
    server_cpu: float = 0.0  # CPU seconds the server process used during the run
    steady: tuple[float, int] = (0.0, 0)  # CPU seconds and requests after the sign-ins (the ramp)


def run(users: int, seconds: float, employees: int, settings: dict[str, int], *, fresh: bool = False,
        ramp: float | None = None) -> RunResult:
    source = cached_dataset(employees, fresh=fresh)
    folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
    try:
        database = folder / "load.db"
        shutil.copyfile(source, database)
        url = f"sqlite:///{database}"
        app = _app(url, folder / "instance")
        with app.app_context():
            plan = prepare_plan(users)
            from portal.extensions import db

            db.session.remove()
            db.engine.dispose()
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
               "PORTAL_INSTANCE_PATH": str(folder / "instance")}
        log = (folder / "server.log").open("w")
        command = [sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={port}", *waitress_args(settings),
                   "wsgi:app"]
        print(f"# serving: {' '.join(command[2:])}", file=sys.stderr)
        server = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(port, server)
            print(f"# {users} users for {seconds:.0f} s ({len(plan.assessors)} assessors available) ...",
                  file=sys.stderr)
            started, load_before, cpu_before = time.monotonic(), os.getloadavg()[0], cpu_seconds(server.pid)
            ramp_seconds = seconds / 4 if ramp is None else ramp
            ramp_end = started + ramp_seconds + 5  # the last sign-ins have been answered
            at_ramp_end: list[float] = []
            timer = threading.Timer(ramp_end - started, lambda: at_ramp_end.append(cpu_seconds(server.pid)))
            timer.start()
            recorder = drive(f"http://127.0.0.1:{port}", plan, users, seconds, ramp=ramp)
            elapsed, load_after = time.monotonic() - started, os.getloadavg()[0]
            server_cpu = cpu_seconds(server.pid) - cpu_before
            timer.cancel()
            steady = (cpu_seconds(server.pid) - at_ramp_end[0] if at_ramp_end else 0.0,
                      sum(1 for sample in recorder.samples if sample.at >= ramp_end))
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        server_log = (folder / "server.log").read_text(errors="replace")
        with app.app_context():
            checked, lost, problems = verify(plan, recorder.acked)
            db.session.remove()
            db.engine.dispose()
        table, totals = report(recorder, elapsed)
        first = server_log.find("Traceback (most recent call last)")
        return RunResult(table, totals, checked, lost, problems, recorder.unexpected,
                         server_log.count("Traceback (most recent call last)"),
                         server_log[first:first + 3000] if first >= 0 else "", (load_before, load_after), server_cpu,
                         steady)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    defaults = serve_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--employees", type=int, default=20000, help="scale employees added to the demo")
    parser.add_argument("--ramp", type=float, default=None, help="seconds over which users sign in (T/4)")
    parser.add_argument("--fresh", action="store_true", help="seed the data set again")
    for key in ("threads", "connection_limit", "channel_timeout", "backlog"):
        parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=defaults.get(key))
    args = parser.parse_args(argv)
    settings = {key: getattr(args, key) for key in ("threads", "connection_limit", "channel_timeout", "backlog")
                if getattr(args, key) is not None}
    result = run(args.users, args.seconds, args.employees, settings, fresh=args.fresh, ramp=args.ramp)
    print()
    print(f"{args.users} users, {args.seconds:.0f} s, think time {THINK[0]:.0f}-{THINK[1]:.0f} s, demo + "
          f"{args.employees:,} employees, waitress {' '.join(waitress_args(settings))}")
    print()
    print(result.table)
    print()
    totals = result.totals
    print(f"throughput: {totals['rate']:.0f} requests/s; all requests p50 {totals['p50']:.0f} ms, "
          f"p95 {totals['p95']:.0f} ms, p99 {totals['p99']:.0f} ms; errors: {totals['errors']}")
    if result.server_cpu and totals["count"]:
        per_request = result.server_cpu * 1000 / totals["count"]
        print(f"server CPU: {result.server_cpu:.1f} s for {totals['count']} requests = {per_request:.1f} ms per "
              f"request (sign-ins with scrypt included)")
    cpu, requests = result.steady
    if cpu and requests:
        per_request = cpu * 1000 / requests
        print(f"server CPU after the sign-ins: {per_request:.1f} ms per request ({requests} requests): one process "
              f"(one core) answers at most ~{1000 / per_request:.0f} requests/s of this mix, about "
              f"{1000 / per_request * (sum(THINK) / 2 + 0.2):.0f} users at {THINK[0]:.0f}-{THINK[1]:.0f} s think time")
    print(f"acknowledged writes checked: {result.checked}")
    print(f"lost writes: {result.lost}")
    print(f"server tracebacks: {result.tracebacks}")
    print(f"load average of the machine (1 min) before/after the run: {result.load[0]:.1f} / {result.load[1]:.1f} "
          f"on {os.cpu_count()} cores (other processes slow the server down)")
    if result.first_traceback:
        print("first traceback in the server log:")
        print(result.first_traceback)
    for line in result.problems[:20]:
        print(f"PROBLEM: {line}")
    for line in result.unexpected[:20]:
        print(f"unexpected answer: {line}")
    target = totals["p95"] < 1000 and totals["errors"] == 0 and result.lost == 0
    print("TARGET MET (p95 < 1 s, 0 errors, 0 lost writes)" if target else
          "TARGET MISSED (p95 < 1 s, 0 errors, 0 lost writes)")
    return 0 if result.lost == 0 and not result.problems else 1


if __name__ == "__main__":
    sys.exit(main())
