"""Reporting's entrypoints: nameko service (RPC and HTTP) and command line."""
