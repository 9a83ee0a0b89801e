"""The admissions application layer: commands, queries and the ports they need."""
