"""Benchmark of the main pages at 200 and 20,000 employees: `make bench` (python -m tests.bench).

For each size: a fresh temporary SQLite database, the scale data of ``flask seed-scale``, an admin, a unit
head and an assessor signed in through the session, then each page requested after a few warm-ups. Prints a
Markdown table (server time per request, SQL statements per request, page size) and a warning for every page
whose query count grows with the data (an N+1 query). Pages that do not exist yet are reported as "n/a".

At the largest size the pages are then also served by waitress (the settings of `make serve`, in its own
process) and driven by 16 keep-alive connections for a few seconds each, next to a bare Flask page (one
template, no database: tests/bare_app.py) served the same way: requests per second and the share of the bare
page's throughput. A line starting with FLAG names every page over a budget of issue 9: a median over 5 ms at
20,000 employees (of CPU time, which other processes on a shared machine do not inflate; elapsed time is shown
too), under 5 % of the bare page's throughput, or over 150 KB.

    python -m tests.bench                     # 200 and 20000 employees
    python -m tests.bench --sizes 200 5000 --runs 10 --throughput-seconds 0   # no waitress run
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

PROJECT = Path(__file__).resolve().parent.parent
RUNS = 30
WARMUPS = 3
PAGE_BUDGET_SECONDS = 8.0  # stop measuring a slow page after this long (at least 5 runs)
# The budgets of issue 9 (a FLAG line for every page over one)
MEDIAN_BUDGET_MS = 5.0  # at the largest size
THROUGHPUT_SHARE = 0.05  # of the bare Flask page, both served by waitress
SIZE_BUDGET = 150 * 1024  # bytes
CONNECTIONS = 16


@dataclass
class Result:
    page: str
    size: int
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # CPU time of this process: what other processes do not inflate
    queries: int | None = None
    status: str = ""  # "" when measured, else why not ("404", "error: …")
    size_bytes: int = 0
    url: str = ""
    who: str = ""
    rate: float | None = None  # requests/s served by waitress (largest size only)

    @property
    def ok(self) -> bool:
        return not self.status

    def row(self) -> str:
        if not self.ok:
            return f"| {self.page} | {self.size:,} | n/a ({self.status}) | n/a | n/a | n/a | n/a |"
        ordered = sorted(self.times_ms)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return (f"| {self.page} | {self.size:,} | {self.median:.1f} | {p95:.1f} | {self.cpu:.1f} | "
                f"{self.queries} | {self.size_bytes / 1024:.0f} |")

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else 0.0


def build_app(folder: Path, size: int):
    """A new app on a new SQLite file holding ``size`` employees; returns (app, context dict)."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    from portal import create_app
    from portal.auth.models import User
    from portal.demo import seed_scale
    from portal.extensions import db
    from portal.org.models import Employee, Unit
    from portal.org.reference import seed_reference_data

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
        "SECRET_KEY": "bench-secret-key",
        "UPLOAD_FOLDER": str(folder / "uploads"),
    })
    with app.app_context():
        db.create_all()
        seed_reference_data()
        started = time.perf_counter()
        seed_scale(employees=size, opd=40, seed=11)
        from portal.core.timeutil import local_today
        from portal.demo_cycle import seed_scale_cycle
        from portal.skp.models import Skp

        cycle = seed_scale_cycle(local_today())
        from portal.demo_cycle import seed_scale_360

        feedback = seed_scale_360(cycle["period_id"])
        from portal.demo_dialog import seed_scale_dialog
        from portal.demo_evaluation import seed_scale_evaluations

        seed_scale_evaluations(feedback["window_id"])
        seed_scale_dialog(local_today())
        from portal.demo_development import seed_scale_development

        seed_scale_development(local_today())
        from portal.demo_monitoring import seed_scale_monitoring

        seed_scale_monitoring(local_today())
        db.session.commit()
        seeded = time.perf_counter() - started

        # The biggest OPD, its head, and the assessor with the most direct reports.
        biggest_opd = db.session.execute(
            select(Unit.id, func.count(Employee.id).label("n"))
            .join(Employee, Employee.unit_id == Unit.id, isouter=True)
            .where(Unit.parent_id.is_(None))
            .group_by(Unit.id).order_by(func.count(Employee.id).desc(), Unit.id)
        ).first()
        opd_id = biggest_opd[0]
        opd_head = db.session.scalars(
            select(Employee).where(Employee.unit_id == opd_id, Employee.superior_id.is_(None)).order_by(Employee.id)
        ).first()
        assessor_id = db.session.execute(
            select(Employee.superior_id, func.count(Employee.id))
            .where(Employee.superior_id.is_not(None))
            .group_by(Employee.superior_id).order_by(func.count(Employee.id).desc(), Employee.superior_id)
        ).first()[0]
        # The unit with the most people, for the org chart.
        big_unit = db.session.execute(
            select(Employee.unit_id, func.count(Employee.id))
            .group_by(Employee.unit_id).order_by(func.count(Employee.id).desc(), Employee.unit_id)
        ).first()[0]
        surname = db.session.scalar(select(Employee.nama).order_by(Employee.id).offset(size // 2).limit(1))
        term = surname.split()[-1][:5].lower()

        admin = User(username="bench.admin", role="admin", must_change_password=False)
        head = User(username="bench.head", role="pegawai", employee_id=opd_head.id, must_change_password=False)
        assessor = User(username="bench.assessor", role="pegawai", employee_id=assessor_id,
                        must_change_password=False)
        admin.set_password("bench-password-1")
        head.password_hash = assessor.password_hash = admin.password_hash
        db.session.add_all([admin, head, assessor])
        db.session.flush()
        add_audit_rows(admin, size)
        db.session.commit()
        report_skp = db.session.scalar(
            select(Skp.id).join(Employee, Employee.id == Skp.employee_id)
            .where(Employee.superior_id == assessor_id).order_by(Skp.id).limit(1))
        context = {
            "users": {"admin": admin.get_id(), "head": head.get_id(), "assessor": assessor.get_id()},
            "opd_id": opd_id, "big_unit": big_unit, "term": term, "seed_seconds": seeded,
            "report_skp": report_skp, "window": feedback["window_id"],
            "report": db.session.scalar(select(Employee.id).where(Employee.superior_id == assessor_id)
                                        .order_by(Employee.id).limit(1)),
        }
    return app, context


def add_audit_rows(actor, count: int) -> None:
    """As many audit rows as employees, so that the audit trail is measured at scale too."""
    import datetime as dt

    from sqlalchemy import insert

    from portal.core.audit import AuditLog
    from portal.core.timeutil import utcnow
    from portal.extensions import db

    now = utcnow()
    actions = ["employee.update", "employee.create", "unit.update", "user.login", "position.create"]
    rows = [{"at": now - dt.timedelta(minutes=i), "actor_id": actor.id, "actor_name": actor.username,
             "action": actions[i % len(actions)], "object_type": "employee", "object_id": str(i + 1),
             "summary": f"Perubahan data uji {i}"} for i in range(count)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(AuditLog), rows[start:start + 5000])


def pages(ctx: dict) -> list[tuple[str, str, str]]:
    """(label, who, url) for each measured page."""
    return [
        ("employee list /pegawai", "admin", "/pegawai"),
        (f"search /pegawai?q={ctx['term']}", "admin", f"/pegawai?q={ctx['term']}"),
        (f"people picker /orang/cari?q={ctx['term']}", "assessor", f"/orang/cari?q={ctx['term']}"),
        ("people picker by NIP /orang/cari?q=198", "assessor", "/orang/cari?q=198"),
        ("org chart /bagan?unit=<big unit>", "admin", f"/bagan?unit={ctx['big_unit']}"),
        ("dashboard / (admin)", "admin", "/"),
        ("dashboard / (head of OPD)", "head", "/"),
        ("my team /tim (assessor)", "assessor", "/tim"),
        ("units /unit", "admin", "/unit"),
        ("audit /admin/audit", "admin", "/admin/audit"),
        ("SKP team board /skp/tim (assessor)", "assessor", "/skp/tim"),
        ("SKP of a report /skp/<id> (assessor)", "assessor", f"/skp/{ctx['report_skp']}"),
        ("realisation /skp/<id>/realisasi (assessor)", "assessor", f"/skp/{ctx['report_skp']}/realisasi"),
        ("cascade /skp/kaskade (head of OPD)", "head", f"/skp/kaskade?unit={ctx['opd_id']}"),
        ("feedback inbox /umpan-balik (assessor)", "assessor", "/umpan-balik"),
        ("self-assessment list /penilaian-diri (assessor)", "assessor", "/penilaian-diri"),
        ("360 tasks /permintaan-umpan-balik (assessor)", "assessor", "/permintaan-umpan-balik"),
        ("360 team /360 (assessor)", "assessor", "/360"),
        ("360 progress /360/progres (admin)", "admin", f"/360/progres?jendela={ctx['window']}"),
        ("360 results /360/<id>/<window>/hasil (assessor)", "assessor",
         f"/360/{ctx['report']}/{ctx['window']}/hasil"),
        # A page that is little more than the menu with its counts (portal/core/navigation.py)
        ("menu with counts /akun/kata-sandi (assessor)", "assessor", "/akun/kata-sandi"),
        ("competency heat map /pengembangan/unit (head of OPD)", "head", f"/pengembangan/unit?unit={ctx['opd_id']}"),
        ("training needs /pengembangan/kebutuhan (admin)", "admin", "/pengembangan/kebutuhan"),
        ("evaluation team /evaluasi (assessor)", "assessor", f"/evaluasi?jendela={ctx['window']}"),
        ("scoring /evaluasi/<id>/<window> (assessor)", "assessor", f"/evaluasi/{ctx['report']}/{ctx['window']}"),
        ("unit distribution /evaluasi/unit (head of OPD)", "head",
         f"/evaluasi/unit?unit={ctx['opd_id']}&jendela={ctx['window']}"),
        ("dialog team /dialog (assessor)", "assessor", "/dialog"),
        # Monitoring (issue 14): every dashboard counts per unit in SQL; the people behind a number are a page
        ("Monitoring Pengisian /monitoring (admin)", "admin", f"/monitoring?jendela={ctx['window']}"),
        ("Monitoring Pengisian /monitoring (head of OPD)", "head", f"/monitoring?jendela={ctx['window']}"),
        ("Monitoring Pengisian /monitoring (assessor)", "assessor", f"/monitoring?jendela={ctx['window']}"),
        ("Monitoring Kurva /monitoring/kurva (admin)", "admin", f"/monitoring/kurva?jendela={ctx['window']}"),
        ("Monitoring Pengembangan /monitoring/pengembangan (admin)", "admin", "/monitoring/pengembangan"),
        ("Tren Predikat /monitoring/tren (admin)", "admin", "/monitoring/tren"),
        ("people behind a number /monitoring/daftar/evaluasi_final (admin)", "admin",
         f"/monitoring/daftar/evaluasi_final?jendela={ctx['window']}"),
        ("notifications /notifikasi (assessor)", "assessor", "/notifikasi"),
        ("Suara Masyarakat /suara-masyarakat (admin)", "admin", "/suara-masyarakat"),
    ]


def measure(app, user_id: str, url: str, label: str, size: int, runs: int) -> Result:
    from portal.core.querycount import count_queries
    from portal.extensions import db

    result = Result(page=label, size=size, url=url)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    with app.app_context():
        engine = db.engine
    try:
        for _ in range(WARMUPS):
            response = client.get(url)
            if response.status_code != 200:
                result.status = str(response.status_code)
                return result
        started = time.perf_counter()
        for i in range(runs):
            with count_queries(engine) as counter:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                result.times_ms.append((time.perf_counter() - t0) * 1000)
                result.cpu_ms.append((time.process_time() - c0) * 1000)
            if response.status_code != 200:
                result.status = str(response.status_code)
                return result
            result.queries = counter.count
            result.size_bytes = len(response.data)
            if i >= 4 and time.perf_counter() - started > PAGE_BUDGET_SECONDS:
                break
    except Exception as exc:  # noqa: BLE001 - a page under construction must not stop the benchmark
        result.status = f"error: {type(exc).__name__}: {str(exc)[:80]}"
    return result


# ---------------------------------------------------------------------------------------------------------
# Throughput: the pages served by waitress, next to a bare Flask page


def _serve(module: str, env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    from tests.load import serve_settings, waitress_args
    from tests.pg import free_port

    port = free_port()
    command = [sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={port}",
               *waitress_args(serve_settings()), module]
    process = subprocess.Popen(command, cwd=PROJECT, env={**os.environ, **env}, stdout=log.open("w"),
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{module} did not start: {log.read_text()[-2000:]}")


def requests_per_second(port: int, url: str, cookie: str, seconds: float, connections: int = CONNECTIONS) -> float:
    """Closed loop: ``connections`` keep-alive connections request ``url`` again and again for ``seconds``."""
    done = [0] * connections
    stop_at = time.monotonic() + seconds

    def loop(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        try:
            while time.monotonic() < stop_at:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[slot] += 1
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def session_cookie(app, user_id: str) -> str:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return f"{cookie.key}={cookie.value}"


def measure_throughput(app, ctx: dict, folder: Path, results: list[Result], seconds: float) -> float:
    """Requests/s of each measured page served by waitress, into ``results``; returns the bare page's."""
    bare, bare_port = _serve("tests.bare_app:app", {}, folder / "bare.log")
    try:
        requests_per_second(bare_port, "/", "", 1.0)  # warm up
        bare_rate = requests_per_second(bare_port, "/", "", seconds)
    finally:
        bare.terminate()
        bare.wait(timeout=30)
    env = {"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": app.config["SECRET_KEY"],
           "PORTAL_INSTANCE_PATH": str(folder / "instance")}
    server, port = _serve("wsgi:app", env, folder / "portal.log")
    try:
        cookies = {who: session_cookie(app, user_id) for who, user_id in ctx["users"].items()}
        for result in results:
            if result.ok:
                requests_per_second(port, result.url, cookies[result.who], 0.5)  # warm up
                result.rate = requests_per_second(port, result.url, cookies[result.who], seconds)
                print(f"  {result.page}: {result.rate:.0f} requests/s", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return bare_rate


def run(sizes: list[int], runs: int, throughput_seconds: float = 3.0) -> int:
    results: list[Result] = []
    labels: list[str] = []
    bare_rate = None
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"portal-bench-{size}-"))
        try:
            t0 = time.perf_counter()
            app, ctx = build_app(folder, size)
            print(f"# {size:,} employees: seeded in {ctx['seed_seconds']:.1f} s "
                  f"(setup {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
            for label, who, url in pages(ctx):
                # Labels differ only by the search term; compare pages by their position in the list.
                base = label.split("?q=")[0] + ("?q=…" if "?q=" in label else "")
                if base not in labels:
                    labels.append(base)
                result = measure(app, ctx["users"][who], url, base, size, runs)
                result.who = who
                results.append(result)
                print(f"  {base}: {result.status or f'{statistics.median(result.times_ms):.1f} ms'}",
                      file=sys.stderr)
            if size == max(sizes) and throughput_seconds > 0:
                print(f"# {size:,} employees served by waitress, {CONNECTIONS} connections, "
                      f"{throughput_seconds:.0f} s per page", file=sys.stderr)
                bare_rate = measure_throughput(app, ctx, folder, [r for r in results if r.size == size],
                                               throughput_seconds)
            with app.app_context():
                from portal.extensions import db

                db.session.remove()
                db.engine.dispose()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    print()
    print("| page | employees | median ms | p95 ms | CPU ms (median) | queries | KB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in labels:
        for result in results:
            if result.page == label:
                print(result.row())
    print()
    largest = max(sizes)
    if bare_rate:
        print(f"Served by waitress ({CONNECTIONS} connections) at {largest:,} employees; the bare Flask page "
              f"(one template, no database): {bare_rate:.0f} requests/s")
        print()
        print("| page | requests/s | share of the bare page |")
        print("|---|---:|---:|")
        for result in results:
            if result.size == largest and result.rate is not None:
                print(f"| {result.page} | {result.rate:.0f} | {result.rate / bare_rate:.1%} |")
        print()
    flags = 0
    for result in results:
        if not result.ok:
            continue
        reasons = []
        # The budget is on server time; CPU time is what other processes on a shared machine do not inflate.
        if result.size == largest and result.cpu > MEDIAN_BUDGET_MS:
            reasons.append(f"median {result.cpu:.1f} ms CPU ({result.median:.1f} ms elapsed) at {largest:,} employees "
                           f"(budget {MEDIAN_BUDGET_MS:.0f} ms)")
        if result.size_bytes > SIZE_BUDGET:
            reasons.append(f"{result.size_bytes / 1024:.0f} KB at {result.size:,} employees "
                           f"(budget {SIZE_BUDGET // 1024} KB)")
        if bare_rate and result.rate is not None and result.rate < THROUGHPUT_SHARE * bare_rate:
            reasons.append(f"{result.rate:.0f} requests/s, {result.rate / bare_rate:.1%} of the bare page "
                           f"(budget {THROUGHPUT_SHARE:.0%})")
        for reason in reasons:
            flags += 1
            print(f"FLAG: {result.page}: {reason}")
    if not flags:
        print("No page over a budget (median, throughput share, size).")
    print()
    warnings = 0
    for label in labels:
        counts = {r.size: r.queries for r in results if r.page == label and r.ok}
        if len(counts) > 1 and len(set(counts.values())) > 1:
            warnings += 1
            detail = ", ".join(f"{q} at {s:,}" for s, q in sorted(counts.items()))
            print(f"WARNING: query count of {label} grows with the data ({detail}): N+1 query?")
    missing = sorted({r.page for r in results if not r.ok})
    if missing:
        print(f"Not measured (not implemented or failing): {', '.join(missing)}")
    if not warnings:
        print("Query counts are the same at every size.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 20000])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--throughput-seconds", type=float, default=3.0,
                        help="seconds per page served by waitress at the largest size (0: skip)")
    args = parser.parse_args(argv)
    return run(args.sizes, args.runs, args.throughput_seconds)


if __name__ == "__main__":
    sys.exit(main())
