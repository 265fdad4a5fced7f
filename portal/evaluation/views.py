"""The evaluation blueprint: routes live in one module per part (scoring, the unit and calibration, appeals, the
document and its public verification)."""

from portal.evaluation import appeal_views, document_views, navigation, scoring_views, unit_views  # noqa: F401
from portal.evaluation.blueprint import bp  # noqa: F401

bp.record_once(navigation.register)  # the menu entries of this area
