"""Reporting's domain: indicators, their roll-up over the hierarchy, the tally of events."""
