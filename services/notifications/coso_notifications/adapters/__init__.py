"""The notifications adapters: SQL tables and stores, the HTTP webhook sender, the clock, metrics."""
