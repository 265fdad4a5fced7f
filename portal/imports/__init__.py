"""Staff import from Excel/CSV with a dry run."""
