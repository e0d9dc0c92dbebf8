"""Brand kit: the pure checker, notation and limits."""
