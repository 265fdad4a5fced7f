"""The skp blueprint: its routes live in one module per part of the SKP."""

from portal.skp import cascade_views, editor_views, flow_views  # noqa: F401  (register routes)
from portal.skp.blueprint import bp  # noqa: F401
