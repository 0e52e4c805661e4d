"""The start-up baseline: a bare PySide6 QMainWindow with a form comparable to the
console's (the same eight request fields, Launch/Cancel, a toolbar, a menu bar, a
bottom panel and a status bar), Fusion style, no qasync, nothing deferred.

Reports first paint and the first idle turn of the event loop from the parent's
spawn time, and the RSS at idle, like ``app_session startup``.
"""

from __future__ import annotations

import time

DRIVER_START = time.perf_counter()

import sys  # noqa: E402

from benchmarks.drivers.protocol import report, rss_mb_of_self, spawn_time  # noqa: E402

T0 = spawn_time()

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


class BareWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.first_paint_at: float | None = None
        self.setWindowTitle("Bare window")
        toolbar = self.addToolBar("Main")
        toolbar.addWidget(QComboBox())
        toolbar.addAction("History")
        menu = self.menuBar().addMenu("&File")
        menu.addAction("&Quit", self.close)

        form_widget = QWidget()
        form = QFormLayout()
        type_row = QHBoxLayout()
        type_row.addWidget(QRadioButton("Slot"))
        type_row.addWidget(QRadioButton("Table"))
        form.addRow("Type", type_row)
        for label in ("Game", "Player ID", "Nickname"):
            form.addRow(label, QLineEdit())
        for label, items in (("Language", ["en", "ja", "ko", "zh"]), ("Currency", ["USD", "EUR", "JPY"])):
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(items)
            form.addRow(label, combo)
        for label in ("Session ID", "IP"):
            form.addRow(label, QLineEdit())
        buttons = QHBoxLayout()
        buttons.addWidget(QPushButton("Launch"))
        buttons.addWidget(QPushButton("Cancel"))
        column = QVBoxLayout(form_widget)
        column.addLayout(form)
        column.addStretch(1)
        column.addLayout(buttons)

        tabs = QTabWidget()
        for title in ("Request", "Answer", "Log"):
            tabs.addTab(QPlainTextEdit(), title)
        top = QSplitter()
        top.addWidget(form_widget)
        top.addWidget(QWidget())
        main = QSplitter()
        main.setOrientation(main.orientation().Vertical)
        main.addWidget(top)
        main.addWidget(tabs)
        self.setCentralWidget(main)
        self.statusBar().showMessage("Ready")
        self.resize(1320, 840)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.first_paint_at is None:
            self.first_paint_at = time.perf_counter()
            QTimer.singleShot(0, self._on_idle)

    def _on_idle(self) -> None:
        report({
            "first_paint_s": self.first_paint_at - T0,
            "idle_s": time.perf_counter() - T0,
            "interpreter_s": DRIVER_START - T0,
            "rss_mb": rss_mb_of_self(),
            "modules": len(sys.modules),
        })
        QApplication.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    window = BareWindow()
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
