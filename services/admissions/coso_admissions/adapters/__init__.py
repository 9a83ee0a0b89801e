"""The admissions adapters: SQL unit of work, queries, and the registry events' handlers."""
