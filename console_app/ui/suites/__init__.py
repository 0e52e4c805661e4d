"""The window's launch suites area."""
