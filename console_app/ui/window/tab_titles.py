"""Game tab titles under screen-share: "Game · player" shows the player ID masked
while sharing, and its real title again when sharing stops."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from console_app.core.redaction import mask_id

if TYPE_CHECKING:
    from console_app.webengine.game_view import GameTabs


class TabTitleMask:
    """Masks and restores the player IDs in one tab widget's titles and tooltips."""

    def __init__(self) -> None:
        #: Real titles and tooltips of tabs masked while sharing (restored when sharing stops).
        self._real: dict[QWidget, tuple[str, str]] = {}

    def apply(self, tabs: GameTabs | None, on: bool) -> None:
        """Mask (``on``) or restore the titles of ``tabs`` (a game area's tab widget)."""
        if tabs is None:
            return
        if on:
            for index in range(tabs.count()):
                title = tabs.tabText(index)
                name, sep, player = title.rpartition(" · ")
                if sep and player and player != mask_id(player):
                    tab = tabs.game_at(index)
                    masked = f"{name} · {mask_id(player)}"
                    self._real[tab] = (title, tabs.tabToolTip(index))
                    tabs.setTabText(index, masked)
                    tabs.setTabToolTip(index, tabs.tabToolTip(index).replace(title, masked))
                    tab.set_title(masked)
        else:
            # Tabs opened while sharing keep their masked titles: their real ones were never drawn.
            for index in range(tabs.count()):
                tab = tabs.game_at(index)
                if tab in self._real:
                    title, tip = self._real[tab]
                    tabs.setTabText(index, title)
                    tabs.setTabToolTip(index, tip)
                    tab.set_title(title)
            self._real.clear()
