"""The assessment blueprint: routes live in one module per part."""

from portal.assessment import admin_views, navigation, nomination_views, rater_views, results_views, self_views  # noqa: F401
from portal.assessment.blueprint import bp  # noqa: F401

bp.record_once(navigation.register)  # the menu entries of this area
