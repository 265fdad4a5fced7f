"""Assessment routes (results_views)."""

from portal.assessment.blueprint import bp  # noqa: F401
