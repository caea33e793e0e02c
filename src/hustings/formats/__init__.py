"""Readers and writers for the outside world: pure functions over text, with precise error
locations."""
