"""SKP routes (flow_views)."""

from portal.skp.blueprint import bp  # noqa: F401
