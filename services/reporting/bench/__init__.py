"""Reporting's benchmarks (run from the repository root with `.venv/bin/python -m`)."""
