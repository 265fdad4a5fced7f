"""Browsing the audit trail."""
