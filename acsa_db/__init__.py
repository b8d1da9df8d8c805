"""ACSA DB: a curated, cited database of defense cooperation."""
