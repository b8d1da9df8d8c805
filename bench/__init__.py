"""Benchmarks, drills and the synthetic data they run on: not part of the application (acsa_db may not import it)."""
