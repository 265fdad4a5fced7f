"""The skp blueprint: its routes live in one module per part of the SKP."""

from portal.skp import cascade_views, editor_views, flow_views, navigation  # noqa: F401  (register routes)
from portal.skp.blueprint import bp  # noqa: F401

bp.record_once(navigation.register)  # the menu entries of this area
