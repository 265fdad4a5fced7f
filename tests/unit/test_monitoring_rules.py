"""Pure rules and charts of the dashboards (portal/monitoring/rules.py, charts.py)."""

from __future__ import annotations

import re

from portal.monitoring import charts, rules

# /1/ OPD A with /1/2/ and /1/2/3/; /4/ OPD B
UNITS = {1: rules.UnitRef(1, "/1/", "A"), 2: rules.UnitRef(2, "/1/2/", "A.2", 1),
         3: rules.UnitRef(3, "/1/2/3/", "A.2.3", 2), 4: rules.UnitRef(4, "/4/", "B"),
         5: rules.UnitRef(5, "/1/5/", "A.5", 1)}


def test_lineage_nearest_first():
    assert UNITS[3].lineage == [3, 2, 1]


def test_roll_up_sums_every_unit_into_the_row_that_holds_it():
    counts = {1: {"pegawai": 2, "x": 1}, 2: {"pegawai": 3}, 3: {"pegawai": 4, "x": 2}, 4: {"pegawai": 5}, 99: {"x": 9}}
    assert rules.roll_up(counts, UNITS, [1, 4]) == {1: {"pegawai": 9, "x": 3}, 4: {"pegawai": 5}}
    # The units below OPD A: 2 holds 3; 5 holds nothing; the OPD's own staff belong to no row.
    assert rules.roll_up(counts, UNITS, [2, 5]) == {2: {"pegawai": 7, "x": 2}, 5: {}}


def test_lines_put_the_units_own_staff_first_when_there_are_any():
    own = (UNITS[1], {"pegawai": 2}, "Pegawai langsung A")
    lines = rules.lines([UNITS[2], UNITS[5]], {2: {"pegawai": 7}}, direct=own, has_children=[2])
    assert [(line.label, line.direct, line.opens, line.values) for line in lines] == [
        ("Pegawai langsung A", True, False, {"pegawai": 2}), ("A.2", False, True, {"pegawai": 7}),
        ("A.5", False, False, {})]
    empty = rules.lines([UNITS[2]], {}, direct=(UNITS[1], {"pegawai": 0}, "x"))
    assert [line.label for line in empty] == ["A.2"]


def test_total_and_share():
    assert rules.total([{"a": 1, "b": 2}, {"a": 3}]) == {"a": 4, "b": 2}
    assert rules.share(1, 4) == 25.0 and rules.share(3, 0) == 0.0


SERIES = [charts.Series("ok", "Disetujui"), charts.Series("no", "Belum <dibuat>")]


def test_stacked_bars_are_accessible_svg_without_style_attributes():
    svg = charts.stacked_bars("c1", "Judul & grafik", "Keterangan", [charts.Row("Dinas <A>", {"ok": 3, "no": 1}),
                                                                   charts.Row("Dinas B", {})], SERIES)
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert "<title id=\"c1-title\">Judul &amp; grafik</title>" in svg
    assert "style=" not in svg and "<script" not in svg
    assert "Dinas &lt;A&gt;" in svg and "Belum &lt;dibuat&gt;" in svg
    assert "Dinas &lt;A&gt; – Disetujui: 3 (75%)" in svg and "Dinas &lt;A&gt; – Belum &lt;dibuat&gt;: 1 (25%)" in svg
    assert "tidak ada data" in svg  # the empty row says so instead of drawing nothing
    widths = [float(w) for w in re.findall(r'class="chart-bar" x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]
    assert round(sum(widths)) == charts.WIDTH - 2 * charts.PAD  # the row's segments fill the bar


def test_a_long_label_is_shortened_before_the_total():
    svg = charts.stacked_bars("c2", "t", "d", [charts.Row("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
                                                          {"ok": 1})], SERIES, total_label=lambda n: f"{n} SKP")
    label = re.search(r'font-weight="bold">([^<]*)</text>', svg).group(1)
    assert label.endswith("…") and len(label) * 7.4 + 7 * len("1 SKP") + 10 <= charts.WIDTH


def test_column_chart_draws_values_and_gaps():
    points = [charts.Point("Jan", 4.2, "12"), charts.Point("Feb", None)]
    svg = charts.column_chart("c3", "Kepuasan", "per bulan", points, maximum=5)
    assert 'role="img"' in svg and "style=" not in svg
    assert "Jan: 4,2 (12)" in svg and "Feb: –" in svg
