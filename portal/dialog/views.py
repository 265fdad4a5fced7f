"""The dialog blueprint: feedback sessions (session_views), coaching and counselling (care_views)."""

from portal.dialog import care_views, navigation, session_views  # noqa: F401
from portal.dialog.blueprint import bp  # noqa: F401

bp.record_once(navigation.register)  # the menu entries of this area
