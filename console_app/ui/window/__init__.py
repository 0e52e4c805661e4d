"""The window's window area."""
