"""Use cases. Each owns its transaction and appends its audit event in it."""
