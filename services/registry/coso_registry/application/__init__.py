"""The registry's application layer: commands, queries and the ports they need."""
