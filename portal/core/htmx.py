"""One helper renders a page or its fragment, so that every control works with and without htmx."""

from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request
from flask_babel import gettext

from portal.extensions import htmx


def is_fragment_request() -> bool:
    """An htmx request that wants a fragment (not a boosted navigation, not a history restore)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, partial: str | None = None, status: int = 200, **context) -> Response:
    """The full page normally; only ``partial`` for an htmx request. Both get ``Vary: HX-Request``."""
    name = partial if (partial and is_fragment_request()) else template
    response = make_response(render_template(name, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response


def redirect_to(url: str) -> Response:
    """Post/Redirect/Get without htmx; HX-Redirect for htmx (a 302 would be followed and swapped in place)."""
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def invalid(template: str, partial: str | None = None, **context) -> Response:
    """The form again with its errors, status 422 (htmx is configured to swap 422 responses)."""
    if not is_fragment_request():
        flash(gettext("Periksa kembali isian yang ditandai."), "error")
    return render(template, partial, status=422, **context)


def wants_json_errors() -> bool:
    return request.accept_mimetypes.best == "application/json"
