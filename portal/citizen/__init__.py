"""Suara Masyarakat (DOMAIN.md section 9): a unit's public feedback page for its service counter, moderated by the
unit head, counted as the unit's service satisfaction."""
