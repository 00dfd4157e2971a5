"""Check-in tests use the shared world: the Fuzhou supplier, its contact, officer and group."""
