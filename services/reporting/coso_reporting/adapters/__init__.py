"""Reporting's adapters: projection tables and handlers, queries, the rebuild, migrations."""
