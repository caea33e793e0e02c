"""hustings: an organisation's leadership elections, from the roll to the certified result."""

__version__ = "0.1.0"
