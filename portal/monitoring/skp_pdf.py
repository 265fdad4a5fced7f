"""The SKP as a PDF, for the archive of a unit (a ZIP of every SKP and evaluation document of the year).

It draws what the printable SKP page (templates/skp/print.html) shows - the two people as recorded on the SKP
(its snapshot, else the live records: portal.skp.cascade_views.print_people), the RHK Utama and Tambahan with
their indicators and targets and the RHK Pimpinan yang Diintervensi, the seven BerAKHLAK values with the Ekspektasi
Khusus Pimpinan, the lampiran and the signatures - with fpdf2 and the fonts of the evaluation document
(portal.evaluation.document: DejaVu Sans when installed, else Helvetica with the text transliterated).
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import format_date, format_decimal, gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from portal.evaluation.document import EMPTY, font_files, latin1
from portal.org.rules import format_nip
from portal.skp import berakhlak
from portal.skp.cascade_views import ASPECT_LABELS, print_people
from portal.skp.labels import status_label
from portal.skp.models import RHK_TAMBAHAN, RHK_UTAMA, STATUS_APPROVED, STATUS_SUPERSEDED, Skp


class _Sheet(FPDF):
    MARGIN = 14

    def __init__(self, title: str, footer: str, fonts: tuple[Path, Path] | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        if fonts is not None:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
            self.sheet_font, self.unicode = "DejaVu", True
        else:
            self.sheet_font, self.unicode = "Helvetica", False
        self.footer_text = footer
        self.set_margins(self.MARGIN, self.MARGIN, self.MARGIN)
        self.set_auto_page_break(True, margin=self.MARGIN + 5)
        self.set_title(self.t(title))
        self.set_creator("Portal Kinerja ASN")
        self.set_lang("id")

    def t(self, text) -> str:
        text = "" if text is None else str(text)
        return text if self.unicode else latin1(text)

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.sheet_font, "B" if bold else "", size)

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self):
        self.set_y(-self.MARGIN)
        self.font(7)
        self.set_text_color(60, 60, 60)
        self.cell(0, 4, self.t(f"{self.footer_text} · " + gettext("halaman %(page)s dari %(pages)s",
                                                                  page=self.page_no(), pages="{nb}")), align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        if self.get_y() + 14 > self.page_break_trigger:
            self.add_page()
        self.font(9, bold=True)
        self.set_fill_color(225, 225, 225)
        self.cell(0, 6, self.t(text), border=1, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _person_rows(person) -> list[tuple[str, str]]:
    if person is None:
        return [(gettext("Nama"), EMPTY)]
    return [(gettext("Nama"), person.nama or EMPTY), (gettext("NIP"), format_nip(person.nip) if person.nip else EMPTY),
            (gettext("Pangkat/Gol. Ruang"), person.pangkat or EMPTY), (gettext("Jabatan"), person.jabatan or EMPTY),
            (gettext("Unit Kerja"), person.unit or EMPTY)]


def _target(indicator) -> str:
    if indicator.target_number is not None:
        return f"{format_decimal(indicator.target_number)} {indicator.target_unit}".strip()
    return indicator.target_text or EMPTY


def render_skp_pdf(skp: Skp, *, fonts=True) -> bytes:
    """The SKP version as an A4 PDF. ``skp`` with its period, people, RHK, indicators and expectations loaded."""
    chosen = font_files() if fonts is True else (fonts or None)
    regency = current_app.config["REGENCY_NAME"]
    employee, assessor, _from_snapshot = print_people(skp)
    label = status_label(skp.status)[0]
    pdf = _Sheet(gettext("SKP %(year)s %(name)s", year=skp.period.year, name=employee.nama if employee else ""),
                 gettext("Sasaran Kinerja Pegawai %(year)s · versi %(n)s · %(status)s", year=skp.period.year,
                         n=skp.number, status=label), chosen)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.font(9, bold=True)
    pdf.cell(0, 5, pdf.t(gettext("PEMERINTAH %(name)s", name=regency.upper())), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 7, pdf.t(gettext("SASARAN KINERJA PEGAWAI")), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(9)
    period = skp.period
    pdf.multi_cell(0, 5, pdf.t(gettext("Periode penilaian: %(start)s s.d. %(end)s",
                                       start=format_date(period.starts_on, "d MMMM yyyy"),
                                       end=format_date(period.ends_on, "d MMMM yyyy"))),
                   align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 5, pdf.t(gettext("Versi %(n)s · %(status)s", n=skp.number, status=label)), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    heading = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
    pdf.font(8.5)
    with pdf.table(col_widths=(30, 60, 30, 60), width=pdf.width, first_row_as_headings=False, line_height=4.2,
                   padding=(0.9, 1.5), v_align="TOP") as table:
        head = table.row()
        head.cell(pdf.t(gettext("PEGAWAI YANG DINILAI")), style=heading, colspan=2)
        head.cell(pdf.t(gettext("PEJABAT PENILAI KINERJA")), style=heading, colspan=2)
        for (left_label, left), (right_label, right) in zip(_person_rows(employee), _person_rows(assessor),
                                                            strict=False):
            row = table.row()
            row.cell(pdf.t(left_label))
            row.cell(pdf.t(left))
            row.cell(pdf.t(right_label))
            row.cell(pdf.t(right))
    pdf.ln(3)

    pdf.heading(gettext("HASIL KERJA"))
    number = 0
    for kind, title in ((RHK_UTAMA, gettext("Utama")), (RHK_TAMBAHAN, gettext("Tambahan"))):
        plans = [r for r in skp.result_plans if r.kind == kind]
        if not plans:
            continue
        pdf.font(8.5, bold=True)
        pdf.cell(0, 5.5, pdf.t(title), border="LR", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for rhk in plans:
            number += 1
            pdf.font(8.5, bold=True)
            pdf.multi_cell(0, 4.4, pdf.t(f"{number}. {rhk.text}"), border="LRT", padding=(1, 1.5),
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.font(7.5)
            parent = rhk.parent.text if rhk.parent is not None else (rhk.unit_goal.text if rhk.unit_goal else "")
            pdf.multi_cell(0, 3.8, pdf.t(gettext("RHK Pimpinan yang Diintervensi: %(text)s", text=parent or EMPTY)),
                           border="LR", padding=(0.5, 1.5), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.font(8)
            for indicator in rhk.indicators:
                aspect = ASPECT_LABELS.get(indicator.aspect, indicator.aspect)
                pdf.multi_cell(0, 4, pdf.t(f"• {indicator.text} ({aspect}; {gettext('Target')}: {_target(indicator)})"),
                               border="LR", padding=(0.5, 1.5, 0.5, 5), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 0, "", border="T", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    pdf.heading(gettext("PERILAKU KERJA"))
    expectations = {e.value_code: e.text for e in skp.expectations}
    for index, value in enumerate(berakhlak.BERAKHLAK, start=1):
        pdf.font(8.5, bold=True)
        pdf.multi_cell(0, 4.4, pdf.t(f"{index}. {value.name}"), border="LRT", padding=(1, 1.5), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.font(7.5)
        pdf.multi_cell(0, 3.8, pdf.t("; ".join(value.guides)), border="LR", padding=(0.5, 1.5), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.font(8)
        pdf.multi_cell(0, 4, pdf.t(gettext("Ekspektasi Khusus Pimpinan: %(text)s",
                                           text=expectations.get(value.code) or EMPTY)),
                       border="LRB", padding=(0.5, 1.5), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    pdf.heading(gettext("LAMPIRAN"))
    for title, text in ((gettext("Dukungan sumber daya"), skp.resources),
                        (gettext("Skema pertanggungjawaban"), skp.reporting_scheme),
                        (gettext("Konsekuensi"), skp.consequences)):
        pdf.font(8.5, bold=True)
        pdf.cell(0, 5, pdf.t(title), border="LR", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.font(8.5)
        pdf.multi_cell(0, 4.2, pdf.t(text or EMPTY), border="LRB", padding=(0.5, 1.5), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    pdf.ln(4)

    if pdf.get_y() + 40 > pdf.page_break_trigger:
        pdf.add_page()
    signed = skp.decided_at if skp.status in (STATUS_APPROVED, STATUS_SUPERSEDED) else None
    place = current_app.config.get("REGENCY_PLACE") or regency
    column = (pdf.width - 10) / 2
    top = pdf.get_y()
    for index, (role, person) in enumerate(((gettext("Pegawai yang Dinilai"), employee),
                                            (gettext("Pejabat Penilai Kinerja"), assessor))):
        x = pdf.l_margin + index * (column + 10)
        pdf.set_xy(x, top)
        pdf.font(9)
        dated = f"{place}, {format_date(signed, 'd MMMM yyyy')}" if signed and index == 1 else " "
        pdf.multi_cell(column, 4.8, pdf.t(dated), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.font(9, bold=True)
        pdf.multi_cell(column, 4.8, pdf.t(role), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(x, top + 26)
        pdf.multi_cell(column, 4.8, pdf.t(person.nama if person and person.nama else EMPTY), align="C",
                       new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.font(9)
        pdf.multi_cell(column, 4.8, pdf.t(gettext("NIP. %(nip)s", nip=format_nip(person.nip) if person and person.nip
                                                 else EMPTY)), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    return bytes(pdf.output())
