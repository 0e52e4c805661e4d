"""Help → About: version, stack versions, bundled licences, copy-to-clipboard."""

from __future__ import annotations

from email.message import Message

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from console_app import APP_NAME, __version__
from console_app.ui.window.about_dialog import AboutDialog, _licence_of, bundled_components


def _table_rows(dialog: AboutDialog) -> dict[str, tuple[str, str]]:
    table = dialog.licences_table
    return {table.item(row, 0).text(): (table.item(row, 1).text(), table.item(row, 2).text())
            for row in range(table.rowCount())}


def test_about_dialog_shows_version_and_pyside6_licence(qtbot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)

    assert APP_NAME in dialog.windowTitle()
    assert __version__ in dialog.version_label.text()
    rows = _table_rows(dialog)
    version, licence = rows["PySide6"]
    assert version and "LGPL-3.0" in licence
    for component in ("Python", "Qt", "qasync", "httpx", "keyring", "openpyxl"):
        assert component in rows, component
    assert all(widget.objectName() and widget.accessibleName()
               for widget in dialog.findChildren(QWidget) if widget.parent() is dialog)


def test_copy_version_info_puts_the_versions_on_the_clipboard(qtbot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    QApplication.clipboard().clear()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)

    copied = QApplication.clipboard().text()
    assert f"{APP_NAME} {__version__}" in copied
    assert "Qt WebEngine" in copied and "Chromium" in copied
    assert copied == dialog.versions_label.text()


def test_licence_prefers_the_spdx_expression_then_a_short_field_then_classifiers() -> None:
    def meta(**fields: str | list[str]) -> Message:
        message = Message()
        for key, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                message[key.replace("_", "-")] = item
        return message

    assert _licence_of(meta(License_Expression="MIT", License="BSD")) == "MIT"
    assert _licence_of(meta(License="BSD-3-Clause")) == "BSD-3-Clause"
    long_text = "Copyright (c) someone\n\nPermission is hereby granted ..."
    assert _licence_of(meta(License=long_text, Classifier=[
        "Programming Language :: Python", "License :: OSI Approved :: MIT License"])) == "MIT License"
    assert _licence_of(meta()) == "see the component's own licence file"


def test_bundled_components_come_from_installed_metadata() -> None:
    components = {c.name: c for c in bundled_components()}

    assert components["httpx"].licence == "BSD-3-Clause"
    assert components["keyring"].licence == "MIT"
    assert components["babel"].licence == "BSD-3-Clause"
