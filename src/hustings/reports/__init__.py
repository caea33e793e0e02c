"""Pure renderers of results and records: HTML fragments and SVG charts (no I/O, no web)."""
