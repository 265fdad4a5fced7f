"""The dashboards (Monitoring Pengisian, Monitoring Kurva, Pengembangan, Tren Predikat), the people behind every
number with "Kirim pengingat" and their CSV/XLSX, the annual result for the pay office and a unit's ZIP of PDFs.

Every number links to its list with the same scope and the same year or window; every dashboard is a plain GET
form (no JavaScript needed), its charts are SVG drawn on the server with a table of the same numbers beside them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, request, stream_with_context, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.htmx import redirect_to, render
from portal.core.pagination import page_number
from portal.core.timeutil import local_today, utcnow
from portal.evaluation import lists
from portal.evaluation import rules as evaluation_rules
from portal.evaluation import services as evaluation_services
from portal.extensions import db
from portal.monitoring import charts, exports, navigation, rules, services
from portal.monitoring.forms import EmptyForm
from portal.org import permissions as org_perms
from portal.org.models import Unit
from portal.periods import services as period_services
from portal.periods.models import Period, PeriodPhase

bp = Blueprint("monitoring", __name__)
bp.record_once(navigation.register)

PREDIKAT_SERIES = [(f"predikat_{code}", evaluation_services.PREDIKAT_LABELS[code])
                   for code in evaluation_rules.PREDIKATS]


# ---------------------------------------------------------------------------------------------------------
# Parsing the scope and the year or window


def _flag(name: str) -> bool:
    return request.args.get(name) in ("1", "ya", "true")


def _scope() -> services.Scope:
    """The scope of the URL: ``unit`` (with ``langsung``: its own staff only) or ``tim``; ``lingkup`` is the scope
    picker's single field (a unit id, "tim", or empty for the default)."""
    choice = request.args.get("lingkup")
    if choice is not None:
        if choice == "tim":
            return services.resolve_scope(current_user, None, team=True)
        return services.resolve_scope(current_user, int(choice) if choice.isdigit() and len(choice) < 10 else None)
    return services.resolve_scope(current_user, request.args.get("unit", type=int), team=_flag("tim"),
                                  direct=_flag("langsung"))


def _window_phase(windows: list[PeriodPhase], today: dt.date) -> PeriodPhase | None:
    wanted = request.args.get("jendela", type=int)
    if wanted is None:
        return lists.default_window(windows, today)
    phase = db.session.get(PeriodPhase, wanted) if 0 < wanted < 2**31 else None
    if phase is None or phase.kind not in lists.WINDOW_KINDS:
        abort(404)
    return phase


def _period(today: dt.date, phase: PeriodPhase | None) -> Period | None:
    year = request.args.get("tahun", type=int)
    if year is not None:
        period = period_services.period_for_year(year) if 1900 < year < 3000 else None
        if period is None:
            abort(404)
        return period
    return period_services.current_period(today) or (phase.period if phase is not None else None)


def _context(*, development: bool = False) -> tuple[services.Context, list[PeriodPhase]]:
    today = local_today()
    windows = lists.windows_around(today)
    phase = _window_phase(windows, today)
    if development:
        year = request.args.get("tahun", type=int) or today.year
        if not 1900 < year < 3000:
            abort(404)
        return services.Context(today, phase=phase, year=year), windows
    period = _period(today, phase)
    threshold = services.threshold_of(phase.period) if phase is not None else 3
    return services.Context(today, period=period, phase=phase, year=today.year, threshold=threshold), windows


def _scope_args(scope: services.Scope, line=None) -> dict:
    """The URL arguments of a scope, or of one row of its table."""
    if scope.kind == services.TEAM:
        unit_id = line.unit_id if line is not None else (scope.unit.id if scope.unit else None)
        return {"tim": 1, **({"unit": unit_id} if unit_id else {})}
    if line is not None:
        return {"unit": line.unit_id, **({"langsung": 1} if line.direct else {})}
    if scope.kind == services.UNIT:
        return {"unit": scope.unit.id, **({"langsung": 1} if scope.direct else {})}
    return {}


def _context_args(ctx: services.Context, metric: services.Metric | None = None, *, development: bool = False) -> dict:
    """The year and window of the URL: what ``metric`` needs, or (a dashboard) everything it shows."""
    needs = metric.needs if metric is not None else ("year" if development else "all")
    args = {}
    if ctx.phase is not None and needs in ("phase", "all"):
        args["jendela"] = ctx.phase.id
    if needs == "year":
        args["tahun"] = ctx.year
    elif ctx.period is not None and needs in ("period", "all"):
        args["tahun"] = ctx.period.year
    return args


def _scope_choices(scope: services.Scope) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the scope picker: the regency and its OPDs, the units one leads, one's team."""
    choices = []
    if current_user.can_read_all:
        choices.append(("", gettext("Seluruh kabupaten"), scope.kind == services.REGENCY))
        for uid, name in db.session.execute(select(Unit.id, Unit.name).where(Unit.parent_id.is_(None))
                                            .order_by(Unit.name)):
            choices.append((str(uid), name, scope.kind == services.UNIT and scope.unit.id == uid))
    else:
        for unit in org_perms.headed_units(current_user):
            choices.append((str(unit.id), unit.name, scope.kind == services.UNIT and scope.unit.id == unit.id))
    if scope.kind == services.UNIT and not any(selected for _v, _l, selected in choices):
        choices.append((str(scope.unit.id), scope.unit.name, True))
    if org_perms.is_assessor(current_user):
        choices.append(("tim", gettext("Tim saya (yang saya nilai)"), scope.kind == services.TEAM))
    return choices


def _up(scope: services.Scope) -> tuple[str, dict] | None:
    """The scope one level up, when the user may open it (a link "back to ...")."""
    if scope.kind != services.UNIT:
        return None
    if scope.direct:
        return scope.unit.name, {"unit": scope.unit.id}
    parent = scope.unit.parent
    if parent is not None and org_perms.unit_in_scope(current_user, parent):
        return parent.name, {"unit": parent.id}
    if parent is None and current_user.can_read_all:
        return gettext("Seluruh kabupaten"), {}
    return None


def _common(scope: services.Scope, ctx: services.Context, windows, *, development: bool = False) -> dict:
    bases: dict[str, str] = {}

    def link(key: str, line=None) -> str:
        """The list behind a number: url_for once per metric, the row's scope appended (hundreds of cells)."""
        if key not in bases:
            bases[key] = url_for("monitoring.people", metric_key=key,
                                 **_context_args(ctx, services.METRICS[key], development=development))
        args = urlencode(_scope_args(scope, line))
        return f"{bases[key]}{'&' if '?' in bases[key] else '?'}{args}" if args else bases[key]

    def open_line(endpoint: str, line) -> str:
        return url_for(endpoint, **_scope_args(scope, line), **_context_args(ctx, development=development))

    periods = list(db.session.scalars(select(Period).where(Period.active.is_(True)).order_by(Period.year.desc())))
    up = _up(scope)
    up_url = url_for(request.endpoint, **up[1], **_context_args(ctx, development=development)) if up else None
    return {"scope": scope, "ctx": ctx, "windows": windows, "periods": periods, "link": link,
            "open_line": open_line, "scope_choices": _scope_choices(scope), "up": up, "up_url": up_url,
            "scope_args": _scope_args(scope), "context_args": _context_args(ctx, development=development),
            "metrics": services.METRICS}


def _rows(lines, keys) -> list[charts.Row]:
    return [charts.Row(line.label, {k: line.values.get(k, 0) for k in keys}) for line in lines]


def _series(pairs) -> list[charts.Series]:
    return [charts.Series(key, str(label)) for key, label in pairs]


# ---------------------------------------------------------------------------------------------------------
# Dashboards


@bp.get("/monitoring")
@login_required
def index():
    """Monitoring Pengisian: SKP of the year and the evaluation window, per unit."""
    scope = _scope()
    ctx, windows = _context()
    keys = services.PLANNING + services.EVALUATION
    counts = services.employee_counts(scope, ctx, keys)
    lines = services.table(scope, counts)
    total = rules.total(line.values for line in lines)
    metric = services.METRICS
    plan_series = _series([(k, metric[k].label) for k in ("skp_disetujui", "skp_diajukan", "skp_draf", "skp_belum")])
    eval_series = _series([(k, metric[k].label) for k in ("evaluasi_final", "evaluasi_belum")])
    year = ctx.period.year if ctx.period else ""
    skp_chart = charts.stacked_bars(
        "chart-skp", gettext("Progres SKP %(year)s per unit", year=year),
        gettext("Pegawai per unit menurut keadaan SKP: disetujui, menunggu persetujuan, draf, belum dibuat."),
        _rows(lines, [s.key for s in plan_series]), plan_series, total_label=lambda n: gettext("%(n)s SKP", n=n)
        if n else "") if ctx.period is not None else ""
    window = (f"{period_services.phase_label(ctx.phase)} {ctx.phase.period.year}" if ctx.phase else "")
    eval_chart = charts.stacked_bars(
        "chart-evaluasi", gettext("Evaluasi %(window)s per unit", window=window),
        gettext("Pegawai dengan SKP disetujui per unit: evaluasi final dan belum final."),
        _rows(lines, [s.key for s in eval_series]), eval_series) if ctx.phase is not None else ""
    from portal.citizen import services as citizen_services

    points = [p for p in citizen_services.points_for(current_user)
              if scope.kind == services.REGENCY or (scope.unit is not None and scope.kind == services.UNIT
                                                    and p.unit.path.startswith(scope.unit.path))]
    satisfaction = citizen_services.stats_for(points, utcnow() - dt.timedelta(days=90)) if points else {}
    return render("monitoring/index.html", None, lines=lines, total=total, skp_chart=skp_chart, eval_chart=eval_chart,
                  points=points, satisfaction=satisfaction, window=window,
                  **_common(scope, ctx, windows))


def _curve_lines(scope, ctx):
    counts = services.predikat_counts(scope, ctx.phase)
    lines = services.table(scope, counts)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(
        Unit.id.in_([line.unit_id for line in lines if line.unit_id] or [-1])))}
    achievements = evaluation_services.achievements_for(units.values(), ctx.phase)
    patterns = evaluation_services.patterns()
    checked = []
    for line in lines:
        achievement = achievements.get(line.unit_id)
        pattern = patterns.get(achievement.rating, ()) if achievement else ()
        distribution = {code: line.values.get(f"predikat_{code}", 0) for code in evaluation_rules.PREDIKATS}
        checked.append((line, {
            "achievement": achievement,
            "pattern": [evaluation_services.constraint_text(c) for c in pattern],
            "deviations": [(evaluation_services.constraint_text(d.constraint), d.percent)
                           for d in evaluation_rules.check_distribution(distribution, pattern)],
        }))
    return lines, checked


@bp.get("/monitoring/kurva")
@login_required
def curve():
    """Monitoring Kurva: the predikat per unit against the pattern its Capaian Kinerja Organisasi expects."""
    scope = _scope()
    ctx, windows = _context()
    lines, checked, chart, total = [], [], "", {}
    if ctx.phase is not None:
        lines, checked = _curve_lines(scope, ctx)
        total = rules.total(line.values for line in lines)
        series = _series(PREDIKAT_SERIES)
        chart = charts.stacked_bars(
            "chart-kurva", gettext("Distribusi predikat per unit"),
            gettext("Evaluasi final per unit menurut predikat: Sangat Baik, Baik, Butuh Perbaikan, Kurang/Misconduct, "
                    "Sangat Kurang."), _rows(lines, [s.key for s in series]), series,
            total_label=lambda n: gettext("%(n)s dinilai", n=n) if n else "")
    return render("monitoring/curve.html", None, lines=lines, checked=checked, chart=chart, total=total,
                  predikat_series=PREDIKAT_SERIES, **_common(scope, ctx, windows))


@bp.get("/monitoring/pengembangan")
@login_required
def development():
    """Development: JP towards 20 per unit, plans waiting, activities overdue, the most requested competencies."""
    from portal.development import reports as development_reports

    scope = _scope()
    ctx, windows = _context(development=True)
    counts = services.employee_counts(scope, ctx, services.DEVELOPMENT)
    lines = services.table(scope, counts)
    total = rules.total(line.values for line in lines)
    series = _series([(k, services.METRICS[k].label) for k in ("jp_tercapai", "jp_on_track", "jp_kurang")])
    chart = charts.stacked_bars(
        "chart-jp", gettext("Pengembangan kompetensi %(year)s: 20 JP per unit", year=ctx.year),
        gettext("Pegawai per unit: 20 JP tercapai, menuju 20 JP dengan kegiatan yang disetujui, belum menuju 20 JP."),
        _rows(lines, [s.key for s in series]), series)
    top = []
    if scope.kind in (services.REGENCY, services.UNIT) and not scope.direct:
        top = development_reports.unit_summary(scope.unit, ctx.year).top
    return render("monitoring/development.html", None, lines=lines, total=total, chart=chart, top=top,
                  **_common(scope, ctx, windows, development=True))


@bp.get("/monitoring/tren")
@login_required
def trends():
    """Tren Predikat: the predikat of each window (and year) in the scope."""
    scope = _scope()
    ctx, windows = _context()
    recent = services.recent_windows(ctx.today)
    rows = services.trends(scope, recent)
    series = _series(PREDIKAT_SERIES)
    chart = charts.stacked_bars(
        "chart-tren", gettext("Predikat per masa evaluasi"),
        gettext("Evaluasi final per masa evaluasi, dari yang terlama: Sangat Baik, Baik, Butuh Perbaikan, "
                "Kurang/Misconduct, Sangat Kurang."),
        [charts.Row(f"{period_services.phase_label(r.phase)} {r.phase.period.year}", r.values) for r in rows],
        series, total_label=lambda n: gettext("%(n)s dinilai", n=n) if n else "")
    return render("monitoring/trends.html", None, rows=rows, chart=chart, predikat_series=PREDIKAT_SERIES,
                  **_common(scope, ctx, windows))


# ---------------------------------------------------------------------------------------------------------
# The people behind a number


def _metric_context(metric: services.Metric) -> services.Context:
    ctx, _windows = _context(development=metric.needs == "year")
    if not services.ready(metric, ctx):
        abort(404)
    return ctx


@bp.get("/monitoring/daftar/<metric_key>")
@login_required
def people(metric_key: str):
    metric = services.metric_or_404(metric_key)
    scope = _scope()
    ctx = _metric_context(metric)
    page = services.people_page(scope, ctx, metric, page_number())
    notes = services.details(metric, ctx, [e.id for e in page.items])
    args = {**_scope_args(scope), **_context_args(ctx, metric)}
    up = _up(scope)
    up_url = url_for("monitoring.people", metric_key=metric.key, **up[1], **_context_args(ctx, metric)) if up else None
    return render("monitoring/people.html", "monitoring/_people.html", metric=metric, scope=scope, ctx=ctx,
                  page=page, notes=notes, args=args, form=EmptyForm(), can_remind=services.can_remind(current_user),
                  up=up, up_url=up_url)


@bp.post("/monitoring/daftar/<metric_key>/ingatkan")
@login_required
def remind(metric_key: str):
    metric = services.metric_or_404(metric_key)
    scope = _scope()
    ctx = _metric_context(metric)
    result = services.remind(current_user, scope, ctx, metric, today=local_today(), now=utcnow())
    db.session.commit()
    if metric.reminder == "360":
        message = gettext("Pengingat 360 dikirim untuk %(n)s pegawai: setiap penilai yang diundang dan belum "
                          "mengisi melihatnya pada tugasnya.", n=result.written)
    else:
        message = gettext("Pengingat dikirim: %(n)s notifikasi.", n=result.written)
    if result.already:
        message += " " + gettext("%(n)s sudah diingatkan hari ini.", n=result.already)
    if result.skipped:
        message += " " + gettext("%(n)s tidak dapat diingatkan (tanpa penerima atau masa sudah ditutup).",
                                 n=result.skipped)
    flash(message, "success")
    return redirect_to(url_for("monitoring.people", metric_key=metric.key, **_scope_args(scope),
                               **_context_args(ctx, metric)))


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _file_name(parts: list) -> str:
    return "-".join(exports.slug(str(p)) for p in parts if p)


@bp.get("/monitoring/daftar/<metric_key>/unduh.<fmt>")
@login_required
def people_file(metric_key: str, fmt: str):
    metric = services.metric_or_404(metric_key)
    scope = _scope()
    ctx = _metric_context(metric)
    name = _file_name([metric.key, scope.label, ctx.phase.id if ctx.phase and metric.needs == "phase" else "",
                       ctx.year if metric.needs == "year" else (ctx.period.year if ctx.period else "")])
    if fmt == "csv":
        rows = exports.people_rows(scope, ctx, metric)
        return _download(stream_with_context(exports.csv_lines(exports.people_header(), rows)), exports.CSV_TYPE,
                         f"{name}.csv")
    if fmt == "xlsx":
        file = exports.xlsx_file([(str(metric.label), exports.people_header(),
                                   exports.people_rows(scope, ctx, metric), exports.PEOPLE_WIDTHS)])
        return _download(file, exports.XLSX_TYPE, f"{name}.xlsx")
    abort(404)


# ---------------------------------------------------------------------------------------------------------
# The annual result (pay office) and a unit's archive of PDFs


def _can_export_unit(scope: services.Scope) -> None:
    if scope.kind == services.TEAM or not (current_user.can_read_all or org_perms.headed_units(current_user)):
        abort(403)


@bp.get("/monitoring/hasil-tahunan/<int:year>.<fmt>")
@login_required
def annual(year: int, fmt: str):
    """Every employee of the scope with the year's annual ratings and predikat, for the pay office."""
    scope = _scope()
    _can_export_unit(scope)
    phase = exports.annual_phase(year)
    if phase is None:
        abort(404)
    name = _file_name(["hasil-kinerja", year, scope.label])
    rows = exports.annual_rows(scope, phase)
    if fmt == "csv":
        return _download(stream_with_context(exports.csv_lines(exports.annual_header(), rows)), exports.CSV_TYPE,
                         f"{name}.csv")
    if fmt == "xlsx":
        notes = exports.annual_notes(scope, phase, utcnow())
        file = exports.xlsx_file([(gettext("Hasil Kinerja %(year)s", year=year), exports.annual_header(), rows,
                                   exports.ANNUAL_WIDTHS),
                                  (gettext("Keterangan"), notes[0], notes[1:], (24, 80))])
        return _download(file, exports.XLSX_TYPE, f"{name}.xlsx")
    abort(404)


@bp.get("/monitoring/arsip/<int:unit_id>/<int:year>.zip")
@login_required
def archive(unit_id: int, year: int):
    """All SKP and evaluation documents of a unit (and the units below) for a year, as a ZIP of PDFs, streamed."""
    from portal.evaluation.document_views import document_of

    unit = db.get_or_404(Unit, unit_id)
    if not (current_user.can_read_all or any(unit.path.startswith(h.path)
                                             for h in org_perms.headed_units(current_user))):
        abort(403)
    period = period_services.period_for_year(year)
    if period is None:
        abort(404)
    entries = exports.archive_entries(unit, period, document_of)
    return _download(stream_with_context(exports.zip_stream(entries)), exports.ZIP_TYPE,
                     f"arsip-{exports.slug(unit.name)}-{year}.zip")
