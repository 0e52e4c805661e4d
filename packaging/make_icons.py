"""Render the app icon from its SVG source into every format the bundles need.

    .venv/bin/python packaging/make_icons.py

Writes ``resources/icons/app-<size>.png`` (16-512 px, the window icon and the Linux
hicolor theme), ``packaging/icons/luckymonaco-console.ico`` (Windows) and
``packaging/icons/luckymonaco-console.icns`` (macOS). Each size is rendered from the
vector source by Qt's SVG renderer (no downscaling blur at 16 px); Pillow (a dev
dependency) only packs the PNGs into the ICO and ICNS containers. The outputs are
committed, so a build does not need to run this.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
PNG_DIR = ROOT / "resources" / "icons"
ICON_DIR = ROOT / "packaging" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(size: int) -> bytes:
    """The icon rendered at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter on QImage needs an app for fonts
    rendered = {size: render_png(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})}
    for size in PNG_SIZES:
        (PNG_DIR / f"app-{size}.png").write_bytes(rendered[size])
    images = {size: Image.open(io.BytesIO(data)) for size, data in rendered.items()}
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(
        ICON_DIR / "luckymonaco-console.ico",
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=[images[size] for size in ICO_SIZES],
    )
    images[max(ICNS_SIZES)].save(
        ICON_DIR / "luckymonaco-console.icns",
        format="ICNS",
        append_images=[images[size] for size in ICNS_SIZES],
    )
    print(f"make_icons: wrote {len(PNG_SIZES)} PNGs to {PNG_DIR.relative_to(ROOT)}/ and "
          f"ICO/ICNS to {ICON_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
