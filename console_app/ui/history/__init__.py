"""The window's history area."""
