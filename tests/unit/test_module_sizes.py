"""No module of the window's code (``console_app/ui``) is over 500 lines: a bigger one
is split along its seams (issue 12), not left to grow."""

from __future__ import annotations

from pathlib import Path

import console_app

LIMIT = 500


def test_no_ui_module_is_over_500_lines():
    ui = Path(console_app.__file__).parent / "ui"
    sizes = {str(path.relative_to(ui)): len(path.read_text("utf-8").splitlines()) for path in ui.rglob("*.py")}
    assert len(sizes) > 30  # the tree was found
    assert {name: lines for name, lines in sizes.items() if lines > LIMIT} == {}
