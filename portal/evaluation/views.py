"""The evaluation blueprint: routes live in one module per part (scoring, the unit and calibration, appeals, the
document and its public verification)."""

from portal.evaluation.blueprint import bp  # noqa: F401
