"""Server-rendered SVG charts of the dashboards (no JavaScript, no chart library), drawn for a phone first.

The drawing is 360 units wide - the width of a phone's page - so that at 390 px its text is drawn at its own size;
on a wider screen CSS lets it grow to a readable maximum. Each row's label sits on its own line above its bar.
Accessibility as in portal/assessment/chart.py: ``role="img"`` with a title and a description, a ``<title>`` on every
segment, series told apart by colour *and* fill pattern (the same palette), and every page shows the same numbers in
a table next to the chart. No ``style`` attributes (the Content-Security-Policy forbids them).

- ``stacked_bars``: one horizontal bar per row, split into the series' shares (a distribution: predikat per unit,
  JP reached / on track / behind), with the count of each segment written inside when it fits, and the row total.
- ``column_chart``: one column per point of a time series (a month's mean rating of Suara Masyarakat), with the value
  above each column and the count below the axis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from portal.assessment.chart import PALETTE

WIDTH = 360
PAD = 4
LABEL_HEIGHT = 17
BAR_HEIGHT = 22
ROW_GAP = 10
LEGEND_ROW = 18
FONT = 12


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    label: str
    values: Mapping[str, int]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _defs(cid: str) -> list[str]:
    out = ["<defs>"]
    for index, (colour, path) in enumerate(PALETTE):
        out.append(f'<pattern id="{cid}-p{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
                   f'<rect width="8" height="8" fill="{colour}"/>'
                   + (f'<path d="{path}" stroke="#ffffff" stroke-width="1.6"/>' if path else "")
                   + "</pattern>")
    out.append("</defs>")
    return out


def _legend(cid: str, series: Sequence[Series]) -> tuple[list[str], float]:
    """Swatches with their labels, wrapped over as many lines as the width needs; returns (svg, height)."""
    out = ['<g class="chart-legend">']
    x, y = PAD, PAD
    for index, item in enumerate(series):
        label = _truncate(item.label, 30)
        width = 18 + 7 * len(label) + 12
        if x + width > WIDTH and x > PAD:
            x, y = PAD, y + LEGEND_ROW
        colour = index % len(PALETTE)
        out.append(f'<rect x="{x}" y="{y + 2}" width="12" height="12" fill="url(#{cid}-p{colour})" '
                   f'stroke="{PALETTE[colour][0]}"/>')
        out.append(f'<text x="{x + 16}" y="{y + 12}" font-size="{FONT}" fill="#1f1f1f">{escape(label)}</text>')
        x += width
    out.append("</g>")
    return out, y + LEGEND_ROW + 4


def stacked_bars(chart_id: str, title: str, description: str, rows: Sequence[Row], series: Sequence[Series], *,
                 total_label: Callable[[int], str] = str, empty_label: str = "tidak ada data") -> str:
    """An SVG fragment: per row, a bar of width 100 % split into the series' shares."""
    cid = escape(chart_id, quote=True)
    legend, top = _legend(cid, series)
    height = top + len(rows) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) + PAD
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg dashboard-chart" id="{cid}" role="img" '
           f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
           f'height="{height:.0f}" preserveAspectRatio="xMinYMin meet">',
           f'<title id="{cid}-title">{escape(title)}</title>', f'<desc id="{cid}-desc">{escape(description)}</desc>',
           *_defs(cid), *legend]
    plot = WIDTH - 2 * PAD
    y = top
    for row_index, row in enumerate(rows):
        total = sum(int(row.values.get(s.key, 0) or 0) for s in series)
        out.append(f'<g class="chart-row" id="{cid}-r{row_index}" font-size="{FONT}" fill="#1f1f1f">')
        shown_total = total_label(total)
        room = WIDTH - 2 * PAD - (7 * len(shown_total) + 10 if shown_total else 0)
        out.append(f'<text x="{PAD}" y="{y + LABEL_HEIGHT - 4}" font-weight="bold">'
                   f'{escape(_truncate(row.label, max(int(room / 7.4), 8)))}</text>')
        if shown_total:
            out.append(f'<text x="{WIDTH - PAD}" y="{y + LABEL_HEIGHT - 4}" text-anchor="end">'
                       f'{escape(shown_total)}</text>')
        y += LABEL_HEIGHT
        if not total:
            out.append(f'<rect x="{PAD}" y="{y}" width="{plot}" height="{BAR_HEIGHT}" fill="#f5f5f5" '
                       f'stroke="#8a8a8a"/>')
            out.append(f'<text x="{PAD + 6}" y="{y + BAR_HEIGHT - 7}" fill="#4a4a4a">{escape(empty_label)}</text>')
        x = float(PAD)
        for index, item in enumerate(series):
            value = int(row.values.get(item.key, 0) or 0)
            if not total or not value:
                continue
            width = plot * value / total
            colour = index % len(PALETTE)
            share = round(100 * value / total)
            out.append(f'<rect class="chart-bar" x="{x:.1f}" y="{y}" width="{max(width, 1):.1f}" '
                       f'height="{BAR_HEIGHT}" fill="url(#{cid}-p{colour})" stroke="{PALETTE[colour][0]}">'
                       f"<title>{escape(row.label)} – {escape(item.label)}: {value} ({share}%)</title></rect>")
            text = str(value)
            if width >= 8 * len(text) + 6:  # the number inside its segment: white with a dark halo (app.css)
                out.append(f'<text class="chart-n" x="{x + width / 2:.1f}" y="{y + BAR_HEIGHT - 7}" '
                           f'aria-hidden="true">{text}</text>')
            x += width
        y += BAR_HEIGHT + ROW_GAP
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class Point:
    label: str  # "Jan"
    value: float | None  # None: no data
    note: str = ""  # under the axis (a count)


def column_chart(chart_id: str, title: str, description: str, points: Sequence[Point], *, maximum: float,
                 fmt: Callable[[float], str] = lambda v: f"{v:.1f}".replace(".", ","),
                 empty_label: str = "–") -> str:
    """An SVG fragment: one column per point on a 0..``maximum`` axis (gridlines at whole numbers up to 5)."""
    cid = escape(chart_id, quote=True)
    top, axis_bottom = 22, 150
    height = axis_bottom + 36
    count = max(len(points), 1)
    left = 22
    slot = (WIDTH - left - PAD) / count
    bar = max(min(slot - 6, 40), 6)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg dashboard-chart" id="{cid}" role="img" '
           f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
           f'height="{height}" preserveAspectRatio="xMinYMin meet">',
           f'<title id="{cid}-title">{escape(title)}</title>', f'<desc id="{cid}-desc">{escape(description)}</desc>',
           *_defs(cid), '<g class="chart-axis" aria-hidden="true">']
    steps = int(maximum) if maximum <= 5 else 5
    for step in range(steps + 1):
        value = maximum * step / steps if steps else 0
        y = axis_bottom - (axis_bottom - top) * (value / maximum if maximum else 0)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" stroke="#8a8a8a" '
                   f'stroke-width="{1.5 if step == 0 else 1}"' + ("" if step == 0 else ' stroke-dasharray="3 3"')
                   + "/>")
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#1f1f1f">'
                   f"{escape(fmt(value) if maximum > 5 else str(int(value)))}</text>")
    out.append("</g>")
    for index, point in enumerate(points):
        cx = left + slot * index + slot / 2
        out.append(f'<g class="chart-column" id="{cid}-c{index}">')
        if point.value is None:
            out.append(f'<text x="{cx:.1f}" y="{axis_bottom - 4}" font-size="11" text-anchor="middle" '
                       f'fill="#4a4a4a"><title>{escape(point.label)}: {escape(empty_label)}</title>'
                       f"{escape(empty_label)}</text>")
        else:
            value = max(0.0, min(float(point.value), maximum))
            h = (axis_bottom - top) * (value / maximum if maximum else 0)
            out.append(f'<rect class="chart-bar" x="{cx - bar / 2:.1f}" y="{axis_bottom - h:.1f}" width="{bar:.1f}" '
                       f'height="{max(h, 1):.1f}" fill="url(#{cid}-p0)" stroke="{PALETTE[0][0]}">'
                       f"<title>{escape(point.label)}: {escape(fmt(point.value))}"
                       + (f" ({escape(point.note)})" if point.note else "") + "</title></rect>")
            out.append(f'<text x="{cx:.1f}" y="{axis_bottom - h - 4:.1f}" font-size="11" text-anchor="middle" '
                       f'fill="#1f1f1f">{escape(fmt(point.value))}</text>')
        out.append(f'<text x="{cx:.1f}" y="{axis_bottom + 15}" font-size="11" text-anchor="middle" '
                   f'fill="#1f1f1f">{escape(point.label)}</text>')
        if point.note:
            out.append(f'<text x="{cx:.1f}" y="{axis_bottom + 29}" font-size="10" text-anchor="middle" '
                       f'fill="#4a4a4a">{escape(point.note)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
