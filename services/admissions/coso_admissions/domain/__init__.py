"""The admissions domain: plain Python, no I/O, no framework, no clock."""
