"""Screen-share checked from outside, as a viewer of the shared screen would: the
real app captures its window (``lm-console capture --screen-share --panel …``) and
OCR (tesseract) reads the picture. Without screen-share the same capture shows the
IDs (the control: OCR can read them); with it, none of them is on screen."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.fixtures.common import run_cli

TIMEOUT = 120
PLAYER = "ZQX7PLAYER93"
SESSION = "ZQX7SESSION41"


def ocr(path, tmp_path) -> str:
    """The text tesseract reads in ``path`` (enlarged 2x first: small UI text reads better)."""
    assert shutil.which("tesseract"), "tesseract is missing: make test installs tesseract-ocr"
    big = tmp_path / f"{path.stem}-2x.png"
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    image.scaled(image.width() * 2, image.height() * 2, Qt.AspectRatioMode.KeepAspectRatio,
                 Qt.TransformationMode.SmoothTransformation).save(str(big))
    result = subprocess.run(["tesseract", str(big), "-", "--psm", "11"], capture_output=True, text=True,
                            timeout=120, check=True)
    return result.stdout


def capture(tmp_path, basedir, name: str, *extra: str) -> str:
    out = tmp_path / f"{name}.png"
    result = run_cli("capture", "--out", str(out), "--player-id", PLAYER, "--session-id", SESSION, *extra,
                     basedir=basedir, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    return ocr(out, tmp_path)


@pytest.mark.parametrize("panel", ["history", "request"])
def test_screen_share_hides_every_id_from_a_viewer(tmp_path, basedir, panel):
    shown = capture(tmp_path, basedir, f"{panel}-plain", "--panel", panel)
    # The control: OCR reads the window and finds the IDs when they are shown.
    assert "Treasure" in shown and "Nickname" in shown
    assert PLAYER in shown.replace(" ", "")

    masked = capture(tmp_path, basedir, f"{panel}-shared", "--panel", panel, "--screen-share")
    assert "Treasure" in masked and "Nickname" in masked
    squeezed = masked.replace(" ", "")
    for secret in (PLAYER, SESSION, "ZQX7", "sandbox-partner"):
        assert secret not in squeezed, f"{secret} readable on the shared screen ({panel})"
