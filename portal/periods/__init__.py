"""Performance years (periode kinerja), their phases and deadlines, and the working-day calendar."""
