"""Shared pieces: database setup, models mixins, permissions, htmx rendering, audit log, errors."""
