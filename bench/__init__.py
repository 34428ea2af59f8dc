"""Benchmarks: each module builds its data in a fresh test database, measures, and records the
figures in bench/RESULTS.md (see bench/README.md)."""
