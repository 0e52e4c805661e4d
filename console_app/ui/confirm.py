"""A yes/no question that never blocks the event loop: a window-modal QMessageBox
opened with ``open()`` and awaited (launches, pages and keyring calls go on meanwhile;
cancelling the awaiting task closes the box)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


async def confirm(
    parent: QWidget, title: str, text: str, accept: str, *, name: str, accept_name: str,
    shown: Callable[[QMessageBox | None], None] | None = None,
) -> bool:
    """True when the user clicks ``accept`` (Cancel is the default button).
    ``shown(box)`` is told the open box, then ``shown(None)`` (tests answer it)."""
    import asyncio
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(name)
    box.setAccessibleName(title)
    button = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    button.setObjectName(accept_name)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def answer(_result: int) -> None:
        if not answered.done():
            answered.set_result(box.clickedButton() is button)

    box.finished.connect(answer)
    if shown is not None:
        shown(box)
    box.open()
    try:
        return await answered
    finally:
        if shown is not None:
            shown(None)
        box.close()
        box.deleteLater()
