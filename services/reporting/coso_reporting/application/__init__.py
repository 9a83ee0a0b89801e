"""Reporting's application layer: the indicator queries and the ports they need."""
