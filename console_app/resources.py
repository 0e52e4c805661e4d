"""Where the bundled ``resources/`` folder is: a leaf shared by core and the sandbox
(which must not depend on each other)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The bundled ``resources/`` folder: next to the package in a source tree, inside
    the package in a wheel, beside the executable in a PyInstaller bundle."""
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    here = Path(__file__).resolve().parent  # console_app/
    candidates += [here / "_resources", here.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the console's resources folder is missing: reinstall the app")
