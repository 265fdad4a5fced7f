"""Pure rules of the progress area: sub-periods, realisation numbers, and what an uploaded Bukti Dukung may be.

No Flask here. File types are decided by CONTENT (magic bytes, and for office documents the part names inside the
ZIP container), never by the name or the browser's Content-Type; the name's extension must then agree.
Refusals carry a ``code`` (and parameters); the service turns it into a translated message.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import BinaryIO
from urllib.parse import urlsplit

# ---------------------------------------------------------------------------------------------------------
# Sub-periods (DOMAIN.md section 10: Januari … Desember, Triwulan I–IV)

MONTH_LABELS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                "Oktober", "November", "Desember")
QUARTER_LABELS = ("Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV")
MONTHLY = "bulanan"


def sub_period_count(frequency: str) -> int:
    return 12 if frequency == MONTHLY else 4


def sub_period_labels(frequency: str) -> tuple[str, ...]:
    """The Indonesian labels (msgids) of the sub-periods of a year evaluated with this frequency."""
    return MONTH_LABELS if frequency == MONTHLY else QUARTER_LABELS


def sub_period_label(frequency: str, seq: int) -> str:
    labels = sub_period_labels(frequency)
    return labels[seq - 1] if 1 <= seq <= len(labels) else "Tahunan"


def sub_period_bounds(year: int, frequency: str, seq: int) -> tuple[dt.date, dt.date]:
    """First and last day of sub-period ``seq`` (1-based)."""
    if not 1 <= seq <= sub_period_count(frequency):
        raise ValueError(f"sub-period {seq} out of range for {frequency}")
    first_month, months = (seq, 1) if frequency == MONTHLY else (3 * seq - 2, 3)
    last_month = first_month + months - 1
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def current_sub_period(year: int, frequency: str, today: dt.date) -> int:
    """The sub-period containing ``today``: 0 before the year, the count + 1 after it."""
    if today.year < year:
        return 0
    if today.year > year:
        return sub_period_count(frequency) + 1
    return today.month if frequency == MONTHLY else (today.month - 1) // 3 + 1


def is_future_sub_period(year: int, frequency: str, seq: int, today: dt.date) -> bool:
    return seq > current_sub_period(year, frequency, today)


def sub_period_editable(*, started: bool, window_open: bool) -> bool:
    """Realisation of a sub-period may be recorded once it has started and until its evaluation window closes
    (or while an admin has reopened it); the caller decides ``window_open`` from the phases."""
    return started and window_open


# ---------------------------------------------------------------------------------------------------------
# Realisation values


def parse_number(raw: str | None) -> Decimal | None:
    """'12', '12,5', '1.250,75' (Indonesian) or '1250.75' -> Decimal; '' -> None. ValueError otherwise."""
    text = (raw or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ValueError("out of range")
    return value.quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------------------
# Bukti Dukung: files


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    inline: bool = False  # safe to show in the browser (images); everything else downloads


FILE_KINDS: dict[str, FileKind] = {k.key: k for k in (
    FileKind("pdf", "PDF", "application/pdf", ("pdf",)),
    FileKind("png", "PNG", "image/png", ("png",), inline=True),
    FileKind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg"), inline=True),
    FileKind("docx", "Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ("docx",)),
    FileKind("xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ("xlsx",)),
    FileKind("pptx", "PowerPoint (PPTX)",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    FileKind("odt", "OpenDocument Teks (ODT)", "application/vnd.oasis.opendocument.text", ("odt",)),
    FileKind("ods", "OpenDocument Spreadsheet (ODS)", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
)}
ALLOWED_EXTENSIONS = tuple(ext for kind in FILE_KINDS.values() for ext in kind.extensions)
DEFAULT_MAX_MB = 10

# The part that identifies each OOXML document inside its ZIP container.
_OOXML_MAIN_PART = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
_ODF_MIMETYPES = {"application/vnd.oasis.opendocument.text": "odt",
                  "application/vnd.oasis.opendocument.spreadsheet": "ods"}
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
_MARKUP = re.compile(rb"^\s*<(?:!doctype|html|svg|\?xml|script|head|body|!--|[a-z]+[\s>])", re.I)


class UploadRejected(ValueError):
    """The file may not be stored. ``code`` is one of: empty, too_large, executable, markup, macro, unknown,
    extension, bad_zip, name."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def _sniff_zip(stream: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype in _ODF_MIMETYPES:
                        return _ODF_MIMETYPES[mimetype]
            if "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    raise UploadRejected("macro")
                for part, key in _OOXML_MAIN_PART.items():
                    if part in names:
                        return key
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, RuntimeError) as exc:
        raise UploadRejected("bad_zip") from exc
    return None


def sniff_file_kind(stream: BinaryIO) -> str:
    """The FILE_KINDS key of the content of a seekable binary stream, or UploadRejected."""
    stream.seek(0)
    head = stream.read(1024)
    stream.seek(0)
    if not head:
        raise UploadRejected("empty")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        kind = _sniff_zip(stream)
        stream.seek(0)
        if kind is None:
            raise UploadRejected("unknown")
        return kind
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UploadRejected("executable")
    if _MARKUP.match(head.lstrip(b"\xef\xbb\xbf")):
        raise UploadRejected("markup")
    raise UploadRejected("unknown")


def file_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def sanitise_filename(raw: str | None, max_length: int = 150) -> str:
    """A display name for an uploaded file: no directories, control or reserved characters; extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return ""
    if len(name) > max_length:
        ext = file_extension(name)
        stem = name[: max_length - len(ext) - 1].rstrip(" ._") if ext else name[:max_length]
        name = f"{stem}.{ext}" if ext else stem
    return name


def check_upload(filename: str | None, stream: BinaryIO, size: int, max_bytes: int) -> FileKind:
    """Validate an uploaded Bukti Dukung: size, content type by magic bytes, and the name's extension agreeing
    with the content. Returns the FileKind; raises UploadRejected."""
    name = sanitise_filename(filename)
    if not name:
        raise UploadRejected("name")
    if size <= 0:
        raise UploadRejected("empty")
    if size > max_bytes:
        raise UploadRejected("too_large", max_mb=max_bytes // (1024 * 1024))
    kind = FILE_KINDS[sniff_file_kind(stream)]
    if file_extension(name) not in kind.extensions:
        raise UploadRejected("extension", kind=kind.label, extensions=", ".join(kind.extensions))
    return kind


# ---------------------------------------------------------------------------------------------------------
# Bukti Dukung: links


def validate_link(raw: str | None, max_length: int = 1000) -> str:
    """An absolute http(s) URL with a host, no spaces or control characters. ValueError otherwise."""
    url = (raw or "").strip()
    if not url or len(url) > max_length or re.search(r"[\s\x00-\x1f\x7f]", url):
        raise ValueError("invalid link")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("invalid link")
    if parts.username or parts.password:
        raise ValueError("credentials in link")
    return url
