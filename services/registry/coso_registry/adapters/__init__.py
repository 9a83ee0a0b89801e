"""The registry's adapters: SQL unit of work and lookup tables."""
