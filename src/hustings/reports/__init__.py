"""Pure renderers of results and records."""
