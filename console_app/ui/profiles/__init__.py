"""The window's profiles area."""
