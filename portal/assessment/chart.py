"""Server-rendered SVG bar charts for the 360 results (no JavaScript, no chart library).

``bar_chart`` is a pure function: rows (one per behaviour guide) of horizontal bars, one bar per series (self,
each shown rater group, the assessor) on a 0–5 axis with ticks at 1–5. Accessibility:
- the root ``<svg>`` has ``role="img"`` and ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``;
- every bar carries its own ``<title>`` (series, guide, value) for pointer and screen-reader users;
- series differ by colour *and* by fill pattern, and every bar row is labelled with the series name and the value
  in text, so nothing depends on colour alone. The colours have at least 4.5:1 contrast on white.
No ``style`` attributes (the Content-Security-Policy forbids them): presentation attributes and CSS classes only.
The page shows the same numbers in a data table next to the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

# (fill colour, pattern path drawn in white on it); dark colours, all >= 7:1 against white except the last two
# (>= 4.5:1). The pattern tells the series apart without colour.
PALETTE: tuple[tuple[str, str], ...] = (
    ("#12305c", ""),  # solid navy
    ("#7a3e00", "M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6"),  # brown, diagonal lines
    ("#1b5e20", "M0,4 L8,4"),  # green, horizontal lines
    ("#5b1a8a", "M4,0 L4,8"),  # purple, vertical lines
    ("#a31515", "M0,0 L8,8 M8,0 L0,8"),  # red, cross-hatch
    ("#37474f", "M0,2 L8,2 M0,6 L8,6 M2,0 L2,8 M6,0 L6,8"),  # slate, grid
)

WIDTH = 720
LABEL_WIDTH = 210  # series names on the left
PLOT_WIDTH = 420
VALUE_GAP = 8
ROW_HEADING = 19
BAR_HEIGHT = 16
BAR_GAP = 5
ROW_GAP = 12
AXIS_HEIGHT = 26
SCALE_MAX = 5


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    label: str
    values: Mapping[str, float | None]


def default_format(value: float) -> str:
    """Two decimals with the Indonesian decimal comma."""
    return f"{value:.2f}".replace(".", ",")


def _truncate(text: str, limit: int = 95) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int = 88, lines: int = 2) -> list[str]:
    """Word-wrap a row heading into at most ``lines`` lines (the last one truncated); SVG text does not wrap."""
    result: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
            continue
        result.append(current)
        current = word
        if len(result) == lines - 1:
            current = " ".join(words[index:])
            break
    result.append(_truncate(current, width))
    return result


def _x(value: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(float(value), SCALE_MAX)) / SCALE_MAX


def bar_chart(chart_id: str, title: str, description: str, rows: Sequence[Row], series: Sequence[Series], *,
              fmt: Callable[[float], str] = default_format, empty_label: str = "tidak ada data") -> str:
    """An SVG document fragment (a string) with one group of horizontal bars per row."""
    cid = escape(chart_id, quote=True)
    headings = [_wrap(row.label) for row in rows]
    height = AXIS_HEIGHT + 4 + sum(ROW_HEADING * len(lines) + len(series) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
                                   for lines in headings)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{cid}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        "<defs>",
    ]
    for index, (colour, path) in enumerate(PALETTE):
        out.append(f'<pattern id="{cid}-p{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
                   f'<rect width="8" height="8" fill="{colour}"/>'
                   + (f'<path d="{path}" stroke="#ffffff" stroke-width="1.6"/>' if path else "")
                   + "</pattern>")
    out.append("</defs>")

    # Axis: ticks and grid lines at 1..5
    plot_bottom = height - 4
    out.append('<g class="chart-axis" aria-hidden="true">')
    for tick in range(0, SCALE_MAX + 1):
        x = _x(tick)
        out.append(f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{plot_bottom}" '
                   f'stroke="#8a8a8a" stroke-width="{1 if tick else 1.5}"'
                   + ("" if tick in (0, SCALE_MAX) else ' stroke-dasharray="3 3"') + "/>")
        if tick:
            out.append(f'<text x="{x:.1f}" y="{AXIS_HEIGHT - 10}" text-anchor="middle" font-size="12" '
                       f'fill="#1f1f1f">{tick}</text>')
    out.append("</g>")

    y = AXIS_HEIGHT
    for row_index, row in enumerate(rows):
        out.append(f'<g class="chart-row" id="{cid}-r{row_index}">')
        for line in headings[row_index]:
            out.append(f'<text class="chart-row-label" x="0" y="{y + 15}" font-size="13" font-weight="bold" '
                       f'fill="#1f1f1f">{escape(line)}</text>')
            y += ROW_HEADING
        for index, item in enumerate(series):
            value = row.values.get(item.key)
            colour_index = index % len(PALETTE)
            text_y = y + BAR_HEIGHT - 4
            out.append(f'<text class="chart-series-label" x="{LABEL_WIDTH - 6}" y="{text_y}" text-anchor="end" '
                       f'font-size="12" fill="#1f1f1f">{escape(_truncate(item.label, 34))}</text>')
            if value is None:
                out.append(f'<text class="chart-empty" x="{LABEL_WIDTH + VALUE_GAP}" y="{text_y}" font-size="12" '
                           f'fill="#4a4a4a"><title>{escape(item.label)}: {escape(empty_label)}</title>'
                           f"{escape(empty_label)}</text>")
            else:
                width = max(_x(value) - LABEL_WIDTH, 1.0)
                shown = escape(fmt(value))
                out.append(f'<rect class="chart-bar chart-s{colour_index}" x="{LABEL_WIDTH}" y="{y}" '
                           f'width="{width:.1f}" height="{BAR_HEIGHT}" fill="url(#{cid}-p{colour_index})" '
                           f'stroke="{PALETTE[colour_index][0]}">'
                           f"<title>{escape(item.label)} – {escape(_truncate(row.label, 60))}: {shown}</title></rect>")
                out.append(f'<text class="chart-value" x="{LABEL_WIDTH + width + VALUE_GAP:.1f}" y="{text_y}" '
                           f'font-size="12" fill="#1f1f1f">{shown}</text>')
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
