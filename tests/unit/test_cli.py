"""The lm-console frame: every command is listed and works, only the chosen one loads."""

import subprocess
import sys

import pytest

from console_app.cli import _COMMANDS, build_parser
from tests.fixtures.common import run_cli


def test_the_full_parser_has_every_command():
    parser = build_parser(full=True)
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) and set(sub.choices) == set(_COMMANDS)
    for name, command in sub.choices.items():
        assert command.format_help().startswith(f"usage: lm-console {name}")


def test_help_lists_every_command_in_order():
    out = run_cli("--help").stdout
    positions = [out.index(f"    {name} ") for name in _COMMANDS]
    assert positions == sorted(positions)


def test_version_goes_to_stdout():
    from console_app import __version__

    done = run_cli("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"lm-console {__version__}\n", "")


@pytest.mark.parametrize("name", sorted(_COMMANDS))
def test_each_command_has_its_own_help(name):
    done = run_cli(name, "--help")
    assert done.returncode == 0 and done.stdout.startswith(f"usage: lm-console {name}")


def test_only_the_chosen_commands_module_is_imported():
    code = (
        "import sys, console_app.cli as c\n"
        "c.build_parser(['--basedir', 'history', 'gui'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('console_app.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "console_app.cli.gui" in out
    for other in ("history", "catalog", "profile", "sandbox"):
        assert f"console_app.cli.{other}'" not in out
