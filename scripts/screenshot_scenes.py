"""Screenshot scenes for profiles and the catalog (called by scripts/screenshots.py).

Each scene runs the real window offscreen (built by the app's own ``build_window``,
every feature included) in a temporary basedir against an embedded sandbox, using
the shared scene runner of :mod:`scripts.screenshot_scenes_support`, and saves a PNG:

- :func:`scene_production`: the window on a production profile at its first launch
  of the run: red banner, red Launch button and accent, the confirmation box;
- :func:`scene_picker`: the game picker in the window filtering as you type, its
  popup (a separate top-level window) drawn onto the window's grab where it shows.

Run directly: ``python scripts/screenshot_scenes.py OUT_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.screenshot_scenes_support import _run, _settle, _signal  # noqa: E402

PRODUCTION = {
    "name": "Production EU",
    "api_url": "https://api.luckymonaco.example",
    "partner_id": "brand-eu-01",
    "kind": "production",
}


async def _settled_layout(window: Any) -> None:
    """Hide the banners that are not the subject and let the layout catch up."""
    import asyncio

    # This machine has no OS keyring and runs Chromium unsandboxed; users see those
    # banners when they apply, but they are not what these pictures are about.
    window.hide_notice("keyring")
    window.hide_banner("web_sandbox")
    for _ in range(3):
        await asyncio.sleep(0.02)


def _select(window: Any, profile_name: str) -> None:
    environment = window.environment
    environment.setCurrentIndex(environment.profile_names().index(profile_name))


def scene_production(out: Path) -> None:
    """The window on a production profile at its first launch of the run: red
    banner, red Launch button and accent, and the confirmation it asks for."""

    async def scene(window: Any, sandbox: Any, target: Any) -> None:
        from console_app.core.profiles import Profile
        from console_app.ui.profiles.feature import ProfilesFeature

        profiles = window.findChild(ProfilesFeature, "profilesFeature")
        profiles.store.add(Profile(**PRODUCTION))
        profiles.reload()
        _select(window, PRODUCTION["name"])
        window.form.set_request(window.form.request().with_changes(player_id="vip-20931", nickname="Mika"))
        window.vertical_splitter.setSizes([700, 200])
        window.launch()  # held back: the first production launch of a run asks first
        await _settled_layout(window)
        box = profiles.confirmation_box
        shot = window.grab()
        _draw_over(shot, window, box, dialog=True)
        box.reject()
        _save(shot, out)

    _run(scene)


def _draw_over(shot: Any, window: Any, popup: Any, *, dialog: bool = False) -> None:
    """Paint ``popup`` (its own top-level window) onto ``shot`` of ``window`` where it
    shows. Offscreen windows have no frame: a ``dialog`` is drawn near the top of the
    game area with a border and a shadow, as a window manager would."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor, QPainter

    image = popup.grab()
    painter = QPainter(shot)
    if dialog:
        area = window.game_area
        top_left = area.mapTo(window, QPoint(0, 0))
        at = QPoint(top_left.x() + (area.width() - image.width()) // 2, top_left.y() + 70)
        for spread, alpha in ((10, 18), (6, 30), (3, 45)):
            painter.fillRect(QRect(at, image.size()).adjusted(-spread, -spread + 4, spread, spread + 4),
                             QColor(0, 0, 0, alpha))
    else:
        at = window.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0)))
    painter.drawPixmap(at, image)
    if dialog:
        painter.setPen(QColor(0, 0, 0, 110))
        painter.drawRect(QRect(at, image.size()).adjusted(-1, -1, 0, 0))
    painter.end()


def _save(shot: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if not shot.save(str(out), "PNG"):
        raise SystemExit(f"could not write {out}")


def scene_picker(out: Path) -> None:
    """Typing "gold" in the window's game picker, a game running beside it: the
    filtered list with icons, a favourite (★) and a recent game first."""

    async def scene(window: Any, sandbox: Any, target: Any) -> None:
        from PySide6.QtTest import QTest

        from console_app.core.catalog import GameShortlist
        from console_app.ui.catalog.feature import CatalogFeature

        catalog = window.findChild(CatalogFeature, "catalogFeature")
        # The sandbox's live list has icon URLs: the picker shows real icons.
        await _signal(catalog.catalog_replaced, catalog.fetch)
        catalog.result_box.close()
        picker = window.form.game_picker
        picker.set_game_id("lm_28_buffalogold")
        (tab, _ok) = await _signal(window.game_area.game_load_finished, window.launch)
        # Noting a use re-reads the shortlist file, so the favourite starred here shows too.
        GameShortlist(window.paths).set_favourite("lm_30_goldenfish", True)
        picker.note_used("lm_17_goldenagent")
        icons = picker.icon_cache()
        # Let the icons arrive (bounded), so the list shows them, not placeholders.
        picker.focus_search()
        for _ in range(100):
            if icons.pending_count() == 0:
                break
            await _signal(icons.icon_ready)
        edit = picker.line_edit()
        edit.clear()
        await _settled_layout(window)
        await _settle(window, tab)
        QTest.keyClicks(edit, "gold")
        await _settled_layout(window)
        shot = window.grab()
        _draw_over(shot, window, picker.popup())
        _save(shot, out)

    _run(scene)


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    scene_production(folder / "production.png")
    scene_picker(folder / "picker.png")
    print(f"wrote {folder / 'production.png'} and {folder / 'picker.png'}")
