"""hustings-verify: checks hustings records without hustings (stdlib and libsodium only)."""
