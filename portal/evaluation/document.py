"""The Dokumen Evaluasi Kinerja Pegawai (PermenPANRB 6/2022, Lampiran: the form handed to the employee after the
evaluation) as one plain data structure, and its PDF.

``build_document`` reads only the signed record: the frozen ``snapshot`` (people as they were at finalisation, the
unit's Capaian Kinerja Organisasi, the ratings, the predikat, the justifications and the note) and the record's own
signing facts (version, code, fingerprint, signing and receipt dates, whether it was superseded). Nothing comes
from the live employee, unit or evaluation rows: people are promoted and move, a signed document must not change.
Both renderers - the printable HTML page (templates/evaluation/document.html) and ``render_pdf`` - draw the same
``Document``, so the paper and the screen say the same thing.

The PDF is drawn with fpdf2 (pure Python, no system libraries). It embeds DejaVu Sans (Debian's fonts-dejavu-core,
installed by .ci/run) when present, which covers every character a name or a note can hold; without it the PDF
falls back to the core Helvetica font, which only knows Latin-1, and the text is transliterated (``latin1``).
Long texts (justifications, the note, the basis of the unit's rating: up to 4,000 characters each) are set as
paragraphs that flow across pages; only short facts (names, positions, ratings) are set in table rows, which fpdf2
keeps on one page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import segno
from flask_babel import force_locale, gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from portal.core.i18n import long_date
from portal.evaluation.services import PREDIKAT_LABELS, RATING_LABELS, UNIT_RATING_LABELS
from portal.org.rules import format_nip

DEJAVU_REGULAR = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FINGERPRINT_SHOWN = 16  # hex digits printed (the verification page shows the same)
EMPTY = "\u2014"  # em dash for a missing value


# ---------------------------------------------------------------------------------------------------------
# The document as data


@dataclass(frozen=True)
class Person:
    nama: str
    nip: str  # written 19860926 201505 1 001
    pangkat: str  # "Penata Muda Tingkat I (III/b)"
    jabatan: str
    unit: str

    def rows(self) -> list[tuple[str, str]]:
        return [(gettext("Nama"), self.nama), (gettext("NIP"), self.nip),
                (gettext("Pangkat/Gol. Ruang"), self.pangkat), (gettext("Jabatan"), self.jabatan),
                (gettext("Unit Kerja"), self.unit)]


@dataclass(frozen=True)
class PeopleSection:
    title: str  # PEGAWAI YANG DINILAI …
    person: Person | None

    def rows(self) -> list[tuple[str, str]]:
        if self.person is None:
            return [(label, EMPTY) for label in (gettext("Nama"), gettext("NIP"), gettext("Pangkat/Gol. Ruang"),
                                                 gettext("Jabatan"), gettext("Unit Kerja"))]
        return [(label, value or EMPTY) for label, value in self.person.rows()]


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class TextBlock:
    title: str
    text: str  # may be long and hold line breaks


@dataclass(frozen=True)
class Signature:
    role: str  # Pegawai yang Dinilai / Pejabat Penilai Kinerja / Atasan Pejabat Penilai Kinerja
    person: Person | None
    dated: str  # "Kabupaten Contoh, 10 November 2026"; empty for a blank line
    note: str  # "Diterima pada …", "Ditetapkan secara elektronik …"


@dataclass(frozen=True)
class Document:
    record_id: int
    regency: str
    title: str
    period_line: str  # "Periode: Triwulan III 2026"
    period_range: str  # "Periode kinerja: 1 Januari 2026 s.d. 31 Desember 2026"
    version: int
    people: tuple[PeopleSection, ...]
    evaluation_rows: tuple[Row, ...]  # Capaian Kinerja Organisasi, both ratings, the predikat
    texts: tuple[TextBlock, ...]  # basis, justifications, note
    signatures: tuple[Signature, Signature]  # (employee, signer)
    superseded: bool
    superseded_text: str  # empty when current
    code: str
    fingerprint_prefix: str
    verify_url: str  # absolute: the QR code points here
    verify_page_url: str  # absolute: where to type the code
    filename: str  # evaluasi-<nip>-<year>-<window>-v<version>.pdf
    signed_on: dt.date
    subject: str  # the PDF's metadata title


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _person(data) -> Person | None:
    if not isinstance(data, dict) or not data:
        return None
    rank, code = _text(data.get("pangkat")), _text(data.get("golongan"))
    pangkat = f"{rank} ({code})" if rank and code else (rank or code)
    return Person(nama=_text(data.get("nama")), nip=format_nip(_text(data.get("nip"))), pangkat=pangkat,
                  jabatan=_text(data.get("jabatan")), unit=_text(data.get("unit")))


def _label(labels, code) -> str:
    if not code:
        return EMPTY
    return str(labels.get(code, code))


def window_label(jendela: str) -> str:
    """The window of the snapshot without the phase name: "Evaluasi Periodik Triwulan III" → "Triwulan III",
    "Evaluasi Tahunan" → "Tahunan" (in whichever portal language the snapshot was taken)."""
    from flask import current_app

    from portal.periods.models import PHASE_ANNUAL, PHASE_PERIODIC
    from portal.periods.services import PHASE_NAMES

    jendela = _text(jendela)
    for language in current_app.config.get("LANGUAGES", ["id"]):
        with force_locale(language):
            periodic, annual = str(PHASE_NAMES[PHASE_PERIODIC]), str(PHASE_NAMES[PHASE_ANNUAL])
        if jendela == annual:
            return gettext("Tahunan")
        if jendela.startswith(periodic + " "):
            return jendela[len(periodic) + 1:]
    return jendela


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def pdf_filename(snapshot: dict, version: int) -> str:
    """evaluasi-<nip>-<year>-<window>-v<version>.pdf with only [a-z0-9-] between the dots."""
    pegawai = snapshot.get("pegawai") if isinstance(snapshot.get("pegawai"), dict) else {}
    nip = re.sub(r"\D", "", _text(pegawai.get("nip")))[:18] or "pegawai"
    periode = snapshot.get("periode") if isinstance(snapshot.get("periode"), dict) else {}
    year = re.sub(r"\D", "", str(periode.get("tahun") or ""))[:4] or "tahun"
    window = _slug(window_label(_text(periode.get("jendela"))))[:40] or "evaluasi"
    return f"evaluasi-{nip}-{year}-{window}-v{int(version)}.pdf"


def _iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def build_document(record, *, newest_version: int, verify_url: str, verify_page_url: str, place: str,
                   regency: str) -> Document:
    """The document of one signed version (an EvaluationDocument row), from its snapshot only.

    ``newest_version`` is the highest version of the same evaluation (for the superseded mark); the URLs are
    absolute (the QR code is read by a phone outside the portal)."""
    snap = record.snapshot if isinstance(record.snapshot, dict) else {}
    pegawai, penilai, atasan = (_person(snap.get(k)) for k in ("pegawai", "penilai", "atasan_penilai"))
    by_superior = snap.get("dinilai_oleh") == "atasan_penilai"

    periode = snap.get("periode") if isinstance(snap.get("periode"), dict) else {}
    window = window_label(_text(periode.get("jendela")))
    year = periode.get("tahun") or ""
    start, end = _iso_date(periode.get("mulai")), _iso_date(periode.get("selesai"))
    period_range = (gettext("Periode kinerja: %(start)s s.d. %(end)s", start=long_date(start), end=long_date(end))
                    if start and end else "")

    capaian = snap.get("capaian_organisasi") if isinstance(snap.get("capaian_organisasi"), dict) else None
    if capaian:
        unit_rating = _label(UNIT_RATING_LABELS, capaian.get("rating"))
        if _text(capaian.get("unit")):
            unit_rating = gettext("%(rating)s (%(unit)s)", rating=unit_rating, unit=_text(capaian.get("unit")))
    else:
        unit_rating = gettext("Belum ditetapkan")

    evaluation_rows = (
        Row(gettext("Capaian Kinerja Organisasi"), unit_rating),
        Row(gettext("Rating Hasil Kerja"), _label(RATING_LABELS, snap.get("rating_hasil_kerja"))),
        Row(gettext("Rating Perilaku Kerja"), _label(RATING_LABELS, snap.get("rating_perilaku_kerja"))),
        Row(gettext("Predikat Kinerja Pegawai"), _label(PREDIKAT_LABELS, snap.get("predikat")), strong=True),
    )
    texts = tuple(TextBlock(title, _text(value) or EMPTY) for title, value in (
        (gettext("Dasar Capaian Kinerja Organisasi"), capaian.get("dasar") if capaian else ""),
        (gettext("Alasan Rating Hasil Kerja"), snap.get("alasan_hasil_kerja")),
        (gettext("Alasan Rating Perilaku Kerja"), snap.get("alasan_perilaku_kerja")),
        (gettext("Catatan/Rekomendasi"), snap.get("catatan")),
    ))

    signer_role = gettext("Atasan Pejabat Penilai Kinerja") if by_superior else gettext("Pejabat Penilai Kinerja")
    signatures = (
        Signature(gettext("Pegawai yang Dinilai"), pegawai, "",
                  gettext("Diterima pada %(date)s", date=long_date(record.received_on)) if record.received_on
                  else gettext("Penerimaan belum dikonfirmasi")),
        Signature(signer_role, atasan if by_superior else penilai,
                  f"{place}, {long_date(record.signed_on)}",
                  gettext("Ditetapkan secara elektronik melalui Portal Kinerja ASN")),
    )

    superseded = record.superseded_at is not None
    superseded_text = ""
    if superseded:
        superseded_text = gettext(
            "DIGANTI: versi %(version)s ini sudah diganti dengan versi yang lebih baru (versi %(newest)s, "
            "diganti pada %(date)s). Gunakan versi terbaru.",
            version=record.version, newest=max(newest_version, record.version + 1),
            date=long_date(record.superseded_at))

    return Document(
        record_id=record.id,
        regency=regency,
        title=gettext("DOKUMEN EVALUASI KINERJA PEGAWAI"),
        period_line=gettext("Periode: %(window)s %(year)s", window=window, year=year).strip(),
        period_range=period_range,
        version=record.version,
        people=(PeopleSection(gettext("PEGAWAI YANG DINILAI"), pegawai),
                PeopleSection(gettext("PEJABAT PENILAI KINERJA"), penilai),
                PeopleSection(gettext("ATASAN PEJABAT PENILAI KINERJA"), atasan)),
        evaluation_rows=evaluation_rows,
        texts=texts,
        signatures=signatures,
        superseded=superseded,
        superseded_text=superseded_text,
        code=record.code,
        fingerprint_prefix=record.fingerprint[:FINGERPRINT_SHOWN],
        verify_url=verify_url,
        verify_page_url=verify_page_url,
        filename=pdf_filename(snap, record.version),
        signed_on=record.signed_on,
        subject=" · ".join(part for part in (gettext("Dokumen Evaluasi Kinerja Pegawai"),
                                              pegawai.nama if pegawai else "", f"{window} {year}".strip()) if part),
    )


def qr_svg_data_uri(url: str) -> str:
    """The verification QR code as an SVG data URI (allowed by the CSP's ``img-src data:``)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


# ---------------------------------------------------------------------------------------------------------
# The PDF

_TRANSLITERATE = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    "\u20ac": "EUR", "\u2122": "TM", "\u0131": "i", "\u0141": "L", "\u0142": "l", "\u0152": "OE", "\u0153": "oe",
})


def latin1(text: str) -> str:
    """Text the core PDF fonts can show: Latin-1 kept as is, accented letters outside it reduced to their base
    letter (ā → a, ş → s), typographic punctuation to ASCII, anything else to "?"."""
    out = []
    for char in text.translate(_TRANSLITERATE):
        try:
            char.encode("latin-1")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            out.append(base.encode("latin-1").decode("latin-1") if base else "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def font_files() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) when installed, else None (core Helvetica with transliteration)."""
    if DEJAVU_REGULAR.is_file() and DEJAVU_BOLD.is_file():
        return DEJAVU_REGULAR, DEJAVU_BOLD
    return None


class _Sheet(FPDF):
    """A4 portrait; a footer with the code, version and page numbers on every page, and a diagonal DIGANTI mark
    on every page of a superseded version."""

    MARGIN = 15

    def __init__(self, document: Document, fonts: tuple[Path, Path] | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.sheet = document
        if fonts is not None:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
            self.sheet_font, self.sheet_unicode = "DejaVu", True
        else:
            self.sheet_font, self.sheet_unicode = "Helvetica", False
        self.set_margins(self.MARGIN, self.MARGIN, self.MARGIN)
        self.set_auto_page_break(True, margin=self.MARGIN + 5)
        self.set_title(self.t(document.subject))
        self.set_subject(self.t(document.title))
        self.set_creator("Portal Kinerja ASN")
        self.set_lang("id")

    def t(self, text: str) -> str:
        return text if self.sheet_unicode else latin1(text)

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.sheet_font, "B" if bold else "", size)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self):
        # Drawn last on every page, so the mark lies over the content, translucent: it cannot be hidden by a
        # shaded table heading, and the text below stays readable.
        if self.sheet.superseded:
            with self.local_context(fill_opacity=0.16):
                self.font(90, bold=True)
                self.set_text_color(183, 28, 28)
                with self.rotation(35, x=self.w / 2, y=self.h / 2):
                    mark = self.t(gettext("DIGANTI"))
                    self.text(self.w / 2 - self.get_string_width(mark) / 2, self.h / 2 + 10, mark)
        self.set_y(-self.MARGIN)
        self.font(7)
        self.set_text_color(60, 60, 60)
        doc = self.sheet
        self.cell(0, 4, self.t(gettext(
            "Dokumen Evaluasi Kinerja Pegawai · kode verifikasi %(code)s · versi %(version)s · halaman %(page)s "
            "dari %(pages)s", code=doc.code, version=doc.version, page=self.page_no(), pages="{nb}")), align="C")
        self.set_text_color(0, 0, 0)

    # -- building blocks

    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def section_table(self, title: str, rows: list[tuple[str, str, bool]]) -> None:
        """A numbered table of short facts under a grey section heading (the official form's layout)."""
        self.font(8.5)
        heading = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
        strong = FontFace(emphasis="BOLD")
        with self.table(col_widths=(10, 50, 120), width=self.content_width, first_row_as_headings=False,
                        text_align=("CENTER", "LEFT", "LEFT"), line_height=4.2, padding=(0.9, 1.5),
                        v_align="TOP") as table:
            head = table.row()
            head.cell(self.t(gettext("No")), style=heading, align="CENTER")
            head.cell(self.t(title), style=heading, colspan=2, align="LEFT")
            for number, (label, value, is_strong) in enumerate(rows, start=1):
                row = table.row()
                row.cell(str(number))
                row.cell(self.t(label))
                row.cell(self.t(value), style=strong if is_strong else None)
        self.ln(2.5)

    def text_block(self, number: int, block: TextBlock) -> None:
        """A heading and a paragraph in a frame that flows across pages (no text is cut)."""
        self.ensure_space(14)
        self.font(8.5, bold=True)
        self.set_fill_color(225, 225, 225)
        self.cell(0, 5.5, self.t(f"{number}. {block.title}"), border=1, fill=True, new_x=XPos.LMARGIN,
                  new_y=YPos.NEXT)
        self.font(8.5)
        self.multi_cell(0, 4.2, self.t(block.text), border="LRB", align="L", padding=(1.2, 1.5),
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2.5)

    def signatures(self, signatures: tuple[Signature, Signature]) -> None:
        self.ensure_space(44)
        top = self.get_y() + 1
        column = (self.content_width - 10) / 2
        for index, sign in enumerate(signatures):
            x = self.l_margin + index * (column + 10)
            self.set_xy(x, top)
            self.font(9)
            self.multi_cell(column, 4.8, self.t(sign.dated) or " ", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.font(9, bold=True)
            self.multi_cell(column, 4.8, self.t(sign.role), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.font(7.5)
            self.set_text_color(80, 80, 80)
            self.multi_cell(column, 4, self.t(sign.note), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
            self.set_y(top + 26)
            self.set_x(x)
            self.font(9, bold=True)
            name = sign.person.nama if sign.person and sign.person.nama else EMPTY
            self.multi_cell(column, 4.8, self.t(name), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.font(9)
            nip = sign.person.nip if sign.person and sign.person.nip else EMPTY
            self.multi_cell(column, 4.8, self.t(gettext("NIP. %(nip)s", nip=nip)), align="C", new_x=XPos.LEFT,
                            new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + 39)

    def verification(self, doc: Document) -> None:
        """The QR code (to the public verification page of this code), the code in large letters and the start of
        the fingerprint, framed."""
        height = 34
        self.ensure_space(height + 2)
        top = self.get_y()
        self.set_draw_color(0, 0, 0)
        self.rect(self.l_margin, top, self.content_width, height)
        qr = io.BytesIO()
        segno.make(doc.verify_url, error="m").save(qr, kind="png", scale=8, border=2)
        qr.seek(0)
        self.image(qr, x=self.l_margin + 2, y=top + 2, w=height - 4, h=height - 4)
        x = self.l_margin + height + 2
        width = self.content_width - height - 4
        self.set_xy(x, top + 2)
        self.font(9, bold=True)
        self.cell(width, 5, self.t(gettext("Verifikasi keaslian dokumen")), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.font(7.5)
        self.cell(width, 4, self.t(gettext("Kode verifikasi")), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.font(18, bold=True)
        self.cell(width, 9, self.t(doc.code), new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.font(8)
        self.cell(width, 4.5, self.t(gettext("Sidik jari (SHA-256, 16 digit awal): %(fp)s", fp=doc.fingerprint_prefix)),
                  new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.font(7.5)
        self.multi_cell(width, 3.8, self.t(gettext(
            "Pindai kode QR atau buka %(url)s dan ketik kode di atas. Halaman itu hanya menyatakan apakah dokumen "
            "ini asli, versinya, dan sidik jarinya.", url=doc.verify_page_url)), align="L", new_x=XPos.LEFT,
            new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + height + 2)


def render_pdf(document: Document, *, fonts: tuple[Path, Path] | None | bool = True) -> bytes:
    """The document as an A4 PDF. ``fonts``: True picks DejaVu Sans when installed (``font_files``); None forces
    the core Helvetica fallback (tests); a (regular, bold) pair of TTF paths uses those."""
    chosen = font_files() if fonts is True else (fonts or None)
    pdf = _Sheet(document, chosen)
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.font(9, bold=True)
    pdf.cell(pdf.content_width / 2, 5, pdf.t(gettext("PEMERINTAH %(name)s", name=document.regency.upper())))
    pdf.cell(pdf.content_width / 2, 5, pdf.t(gettext("Versi %(n)s", n=document.version)), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 7, pdf.t(document.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(10, bold=True)
    pdf.multi_cell(0, 5.5, pdf.t(document.period_line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.period_range:
        pdf.font(9)
        pdf.multi_cell(0, 5, pdf.t(document.period_range), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    if document.superseded:
        pdf.set_draw_color(183, 28, 28)
        pdf.set_text_color(183, 28, 28)
        pdf.set_line_width(0.6)
        pdf.font(9.5, bold=True)
        pdf.multi_cell(0, 5, pdf.t(document.superseded_text), border=1, align="L", padding=2,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(3)

    for section in document.people:
        pdf.section_table(section.title, [(label, value, False) for label, value in section.rows()])
    pdf.section_table(gettext("EVALUASI KINERJA"), [(r.label, r.value, r.strong) for r in document.evaluation_rows])
    for number, block in enumerate(document.texts, start=1):
        pdf.text_block(number, block)
    pdf.signatures(document.signatures)
    pdf.verification(document)
    return bytes(pdf.output())
