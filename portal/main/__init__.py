"""Dashboard and language choice."""
