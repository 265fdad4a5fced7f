"""SKP routes (editor_views)."""

from portal.skp.blueprint import bp  # noqa: F401
