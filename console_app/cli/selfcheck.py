"""`lm-console --self-check` (to be filled in by the packaging issue)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """--self-check is a global flag; nothing to add here."""


def run_self_check(args: argparse.Namespace) -> int:
    print("self-check: not implemented yet")
    return 1
