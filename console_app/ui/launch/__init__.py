"""The window's launch area."""
