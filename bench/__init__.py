"""Benchmarks: `make bench` runs them all and prints figures (no pass/fail timing in tests)."""
