"""The frozen bundle's launcher: ``lm-console`` is exactly the ``lm-console`` command.

A macOS .app started from Finder gets no arguments; there the window is what the user
asked for, so it runs ``lm-console gui``.
"""

import sys

from console_app.cli import main

if __name__ == "__main__":
    argv = sys.argv[1:]
    if not argv and sys.platform == "darwin" and ".app/Contents/MacOS/" in sys.executable:
        argv = ["gui"]
    sys.exit(main(argv))
