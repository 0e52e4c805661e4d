"""The import contracts in pyproject.toml hold, and they really catch a violation:
a copy of the package where core imports the window fails ``lint-imports``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)


def copy_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "console_app", tree / "console_app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_contracts_hold_for_the_code_as_it_is(tmp_path):
    result = run_lint_imports(copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_the_window_breaks_the_layers_contract(tmp_path):
    tree = copy_tree(tmp_path)
    with (tree / "console_app" / "core" / "messages.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom console_app.ui import theme  # a layering mistake\n")
    result = run_lint_imports(tree)
    assert result.returncode != 0
    assert "console_app.core is not allowed to import console_app.ui" in result.stdout
    assert "console_app.core.messages -> console_app.ui.theme" in result.stdout


def test_a_cycle_between_cli_modules_breaks_the_acyclic_contract(tmp_path):
    tree = copy_tree(tmp_path)
    with (tree / "console_app" / "cli" / "common.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom console_app.cli import profile  # the cycle we removed\n")
    with (tree / "console_app" / "cli" / "profile.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom console_app.cli import common  # the cycle we removed\n")
    result = run_lint_imports(tree)
    assert result.returncode != 0 and "No cycles are allowed in console_app.cli" in result.stdout
