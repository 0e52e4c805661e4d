"""The window's support area."""
