"""The development blueprint: the plan and its items (plan_views), competency levels, the dictionary, standards and
activity types (competency_views), and the team, unit and regency pages with their exports (report_views)."""

from portal.development import common, competency_views, navigation, plan_views, report_views  # noqa: F401
from portal.development.blueprint import bp  # noqa: F401

bp.record_once(navigation.register)  # the menu entries of this area
