"""Accounts, sign-in, roles."""
