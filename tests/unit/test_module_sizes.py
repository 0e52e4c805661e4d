"""No module of the app (``console_app``: core, sandbox, ui, webengine, cli) is over 500
lines: a bigger one is split along its seams (issue 12), not left to grow."""

from __future__ import annotations

from pathlib import Path

import console_app

LIMIT = 500


def test_no_module_is_over_500_lines():
    root = Path(console_app.__file__).parent
    sizes = {str(path.relative_to(root)): len(path.read_text("utf-8").splitlines()) for path in root.rglob("*.py")}
    assert len(sizes) > 100 and "ui/window/main_window.py" in sizes  # the whole tree was found
    assert {name: lines for name, lines in sizes.items() if lines > LIMIT} == {}
