"""Domain errors and friendly error pages (403/404/500 …) in the user's language."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db


class DomainError(Exception):
    """A rule refused the change. ``message`` is shown to the user as is (Indonesian via gettext)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else acted first: the record is no longer in the state this action needs (an SKP already decided, a
    proposal already approved, a questionnaire already sent). Views answer 409 with the record as it is now, never
    403: the user was allowed to act, only too late."""


class StaleVersionError(ConflictError):
    """Someone else saved the record after this form was opened (optimistic locking)."""


def check_version_if_sent(obj, submitted_version) -> None:
    """check_version when the form sent a version; services called without one (the demo, tests, the CLI) skip
    the optimistic lock."""
    if submitted_version not in (None, ""):
        check_version(obj, submitted_version)


def check_version(obj, submitted_version) -> None:
    """Raise StaleVersionError when the form's version is not the record's current one."""
    try:
        submitted = int(submitted_version)
    except (TypeError, ValueError):
        submitted = -1
    if submitted != obj.version_id:
        raise StaleVersionError(
            gettext(
                "Data ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda tidak disimpan; "
                "berikut data terbaru."
            )
        )


def _page(status: int, title: str, message: str):
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
    fragment = request.headers.get("HX-Request") == "true"
    if fragment:
        template = "errors/_error.html"
    return render_template(template, status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _page(
            400,
            gettext("Formulir kedaluwarsa"),
            gettext("Token keamanan formulir tidak ada atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        return _page(403, gettext("Akses ditolak"), gettext("Anda tidak berwenang membuka halaman ini."))

    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, gettext("Halaman tidak ditemukan"), gettext("Alamat yang Anda buka tidak ada."))

    @app.errorhandler(413)
    def too_large(_error):
        return _page(
            413,
            gettext("Berkas terlalu besar"),
            gettext("Ukuran berkas melebihi batas %(mb)s MB.", mb=app.config["MAX_CONTENT_LENGTH"] // 2**20),
        )

    @app.errorhandler(HTTPException)
    def other_http(error: HTTPException):
        return _page(error.code or 500, gettext("Permintaan tidak dapat diproses"), error.description or "")

    @app.errorhandler(500)
    def internal(_error):
        db.session.rollback()
        return _page(
            500,
            gettext("Terjadi kesalahan"),
            gettext("Maaf, terjadi kesalahan pada server. Tidak ada data yang berubah. Silakan coba lagi."),
        )
