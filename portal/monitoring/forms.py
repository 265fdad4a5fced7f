"""Forms of the dashboards: the reminder button (CSRF only)."""

from __future__ import annotations

from portal.core.forms import FlaskForm


class EmptyForm(FlaskForm):
    """A lone button: CSRF only."""
