"""`lm-console` sub-commands for this area (to be filled in by its issue)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to the `lm-console` parser."""
