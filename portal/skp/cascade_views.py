"""SKP routes (cascade_views)."""

from portal.skp.blueprint import bp  # noqa: F401
