"""Help → About: the app's version, the versions of the stack it runs on, and the
licences of the components bundled with it (read from the installed distributions'
metadata, so the list stays true to what a bundle actually ships)."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console_app import APP_NAME, __version__
from console_app.core.paths import resources_dir
from console_app.core.redaction import redact
from console_app.qtstyle import confirm_copied

#: Runtime distributions shipped in the bundle, in the order shown.
RUNTIME_DISTRIBUTIONS = (
    "PySide6",
    "PySide6_Essentials",
    "PySide6_Addons",
    "PySide6_WebEngine",
    "shiboken6",
    "qasync",
    "httpx",
    "httpcore",
    "keyring",
    "pycountry",
    "babel",
    "platformdirs",
    "truststore",
    "openpyxl",
)
# A free-text License field longer than this is the licence's full text, not its name.
_MAX_LICENCE_NAME = 80


@dataclass(frozen=True)
class Component:
    """One bundled component: its name, version and licence as its metadata states."""

    name: str
    version: str
    licence: str


def _licence_of(meta: metadata.PackageMetadata) -> str:
    """The SPDX expression if given, else a short License field, else the classifiers."""
    expression = meta.get("License-Expression")
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= _MAX_LICENCE_NAME:
        return field
    classifiers = [
        c.rsplit("::", 1)[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or "see the component's own licence file"


def bundled_components() -> list[Component]:
    """Python, Qt/Chromium and every installed runtime distribution with its licence."""
    from console_app.webengine.probe import engine_versions

    engine = engine_versions()
    components = [
        Component("Python", platform.python_version(), "PSF-2.0"),
        Component("Qt", engine.qt, "LGPL-3.0-only"),
        Component("Qt WebEngine (Chromium)", f"{engine.webengine} ({engine.chromium})",
                  "LGPL-3.0-only; Chromium: BSD-3-Clause and others"),
    ]
    for name in RUNTIME_DISTRIBUTIONS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # e.g. PySide6 < 6.12 had no separate WebEngine wheel
        components.append(Component(dist.metadata["Name"], dist.version, _licence_of(dist.metadata)))
    return components


def version_info_text() -> str:
    """Plain-text version details for bug reports (what "Copy version info" copies)."""
    from console_app.webengine.probe import engine_versions

    engine = engine_versions()
    build = "PyInstaller bundle" if getattr(sys, "frozen", False) else "Python package"
    lines = [
        f"{APP_NAME} {__version__} ({build})",
        f"Python {platform.python_version()} ({platform.python_implementation()})",
        f"Qt {engine.qt}, PySide6 {engine.pyside}",
        f"Qt WebEngine {engine.webengine}, Chromium {engine.chromium}",
        f"OS {platform.platform()}",
    ]
    return redact("\n".join(lines))


class AboutDialog(QDialog):
    """The About box: name, version, stack versions, bundled licences, copy button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setAccessibleName(f"About {APP_NAME}")
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumWidth(560)

        icon = QLabel(self)
        icon.setObjectName("aboutIcon")
        icon.setAccessibleName("Application icon")
        icon.setPixmap(QPixmap(str(resources_dir() / "icons" / "app-128.png")).scaled(
            96, 96, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

        title = QLabel(f"<h2>{APP_NAME}</h2>", self)
        title.setObjectName("aboutTitle")
        title.setAccessibleName("Application name")
        self.version_label = QLabel(f"Version {__version__}", self)
        self.version_label.setObjectName("aboutVersion")
        self.version_label.setAccessibleName("Application version")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        blurb = QLabel("Launch, inspect and demo LuckyMonaco casino games against any environment.", self)
        blurb.setObjectName("aboutBlurb")
        blurb.setAccessibleName("What the application does")
        blurb.setWordWrap(True)

        self.versions_label = QLabel(version_info_text(), self)
        self.versions_label.setObjectName("aboutVersionInfo")
        self.versions_label.setAccessibleName("Version details")
        self.versions_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.version_label)
        heading.addWidget(blurb)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        licences_heading = QLabel("<b>Bundled components and their licences</b>", self)
        licences_heading.setObjectName("aboutLicencesHeading")
        licences_heading.setAccessibleName("Bundled components heading")
        self.licences_table = self._make_licences_table(bundled_components())

        self.copy_button = QPushButton("Copy version info", self)
        self.copy_button.setObjectName("aboutCopyButton")
        self.copy_button.setAccessibleName("Copy version info to the clipboard")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("aboutButtons")
        buttons.setAccessibleName("Dialog buttons")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.versions_label)
        layout.addWidget(licences_heading)
        layout.addWidget(self.licences_table, 1)
        layout.addWidget(buttons)

    def _make_licences_table(self, components: list[Component]) -> QTableWidget:
        table = QTableWidget(len(components), 3, self)
        table.setObjectName("aboutLicencesTable")
        table.setAccessibleName("Bundled components and licences")
        table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, component in enumerate(components):
            for column, text in enumerate((component.name, component.version, component.licence)):
                table.setItem(row, column, QTableWidgetItem(text))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setMinimumHeight(260)
        return table

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(version_info_text())
        confirm_copied(self.copy_button)
