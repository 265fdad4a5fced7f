"""The server-rendered SVG chart: valid XML, accessible names, no inline styles, escaping, not colour alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from portal.assessment.chart import PALETTE, Row, Series, bar_chart

SVG = "{http://www.w3.org/2000/svg}"
SERIES = [Series("diri", "Diri sendiri"), Series("rekan", "Rekan kerja setingkat"), Series("penilai", "Penilai: Budi")]
ROWS = [Row("1. Ramah & <cekatan>", {"diri": 5.0, "rekan": 3.25, "penilai": None}),
        Row("2. Jujur", {"diri": 1.0, "rekan": 4.0, "penilai": 2.0})]


def chart() -> str:
    return bar_chart("grafik-uji", "Grafik Akuntabel", "Nilai per pedoman", ROWS, SERIES,
                     empty_label="tidak ada data")


def test_is_valid_xml_with_role_img_and_labelled_by_its_title():
    root = ET.fromstring(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert labelled == ["grafik-uji-title", "grafik-uji-desc"] and set(labelled) <= ids
    assert root.find(f"{SVG}title").text == "Grafik Akuntabel"
    assert root.find(f"{SVG}desc").text == "Nilai per pedoman"


def test_no_style_attributes_or_elements():
    svg = chart()
    assert "style=" not in svg and "<style" not in svg
    assert all("style" not in el.attrib for el in ET.fromstring(svg).iter())


def test_every_bar_has_a_title_and_a_text_value():
    root = ET.fromstring(chart())
    bars = [el for el in root.iter(f"{SVG}rect") if "chart-bar" in (el.get("class") or "")]
    assert len(bars) == 5  # 2 rows x 3 series, one value missing
    titles = [bar.find(f"{SVG}title").text for bar in bars]
    assert "Rekan kerja setingkat – 1. Ramah & <cekatan>: 3,25" in titles
    values = [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "chart-value"]
    assert values == ["5,00", "3,25", "1,00", "4,00", "2,00"]
    empties = [el for el in root.iter(f"{SVG}text") if el.get("class") == "chart-empty"]
    assert len(empties) == 1 and "tidak ada data" in "".join(empties[0].itertext())


def test_bar_length_follows_the_score():
    root = ET.fromstring(chart())
    widths = [float(el.get("width")) for el in root.iter(f"{SVG}rect") if "chart-bar" in (el.get("class") or "")]
    assert widths[0] == 420.0  # 5 of 5 fills the plot
    assert widths[2] == 84.0  # 1 of 5
    assert widths[1] == 273.0  # 3.25 of 5


def test_series_differ_by_pattern_and_label_not_colour_alone():
    svg = chart()
    root = ET.fromstring(svg)
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == len(PALETTE)
    assert sum(1 for p in patterns if p.find(f"{SVG}path") is not None) == len(PALETTE) - 1
    fills = {el.get("fill") for el in root.iter(f"{SVG}rect") if "chart-bar" in (el.get("class") or "")}
    assert fills == {"url(#grafik-uji-p0)", "url(#grafik-uji-p1)", "url(#grafik-uji-p2)"}
    labels = [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "chart-series-label"]
    assert labels == ["Diri sendiri", "Rekan kerja setingkat", "Penilai: Budi"] * 2


def test_text_is_escaped_and_axis_has_ticks_1_to_5():
    svg = bar_chart("x", "A <b>", "B & C", [Row("<script>", {"s": 2.0})], [Series("s", '"quoted"')])
    root = ET.fromstring(svg)
    assert "<script>" not in svg and "<b>" not in svg
    assert root.find(f"{SVG}title").text == "A <b>"
    ticks = [el.text for el in root.iter(f"{SVG}text") if el.get("text-anchor") == "middle"]
    assert ticks == ["1", "2", "3", "4", "5"]


def test_palette_contrast_against_white_is_at_least_4_5():
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour, _pattern in PALETTE:
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour
