"""The window's catalog area."""
