"""The counting engine: profiles, methods behind one registry, exact round-by-round outcomes."""
