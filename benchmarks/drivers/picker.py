"""GamePicker filtering on N games: the user's path (text typed into the field ->
filter applied -> popup shown and painted), median over several strings; baseline:
Qt's own QSortFilterProxyModel.setFilterFixedString on a QStringListModel of the same
"id name" strings, also shown in a painted list.

Usage: ``python -m benchmarks.drivers.picker --basedir DIR --games N --repeats R``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchmarks.drivers.protocol import report

#: What a tester types: an ID prefix, a name word, two words, a miss, one letter.
QUERIES = ("lm_04", "dragon", "golden tiger", "zeus 12", "nothing-matches", "a", "royal")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="picker")
    parser.add_argument("--basedir", required=True)
    parser.add_argument("--games", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=15)
    options = parser.parse_args(argv)

    from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt
    from PySide6.QtWidgets import QApplication, QListView, QVBoxLayout, QWidget

    from benchmarks.fixtures import game_catalog
    from console_app.core.paths import AppPaths
    from console_app.ui.catalog.game_picker import GamePicker

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    catalog = game_catalog(options.games)
    paths = AppPaths.from_basedir(options.basedir).ensure()

    host = QWidget()
    layout = QVBoxLayout(host)
    picker = GamePicker(host, paths=paths)
    picker.set_catalog(catalog)
    layout.addWidget(picker)
    base_model = QStringListModel([f"{g.id} {g.name}" for g in catalog.games])
    base_proxy = QSortFilterProxyModel()
    base_proxy.setSourceModel(base_model)
    base_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    base_view = QListView()
    base_view.setModel(base_proxy)
    layout.addWidget(base_view)
    host.resize(500, 600)
    host.show()
    app.processEvents()
    edit = picker.line_edit()

    def type_into_picker(text: str) -> None:
        edit.setText(text)
        edit.textEdited.emit(text)  # what a key press emits: filter + popup
        app.processEvents()

    def filter_baseline(text: str) -> None:
        base_proxy.setFilterFixedString(text)
        app.processEvents()

    picker_ms: dict[str, float] = {}
    base_ms: dict[str, float] = {}
    matches: dict[str, int] = {}
    for query in QUERIES:
        samples, base_samples = [], []
        for _ in range(options.repeats):
            type_into_picker("")
            filter_baseline("")
            start = time.perf_counter()
            type_into_picker(query)
            samples.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            filter_baseline(query)
            base_samples.append((time.perf_counter() - start) * 1000)
        picker_ms[query] = statistics.median(samples)
        base_ms[query] = statistics.median(base_samples)
        matches[query] = len(picker.visible_game_ids())
    report({"picker_ms": picker_ms, "baseline_ms": base_ms, "matches": matches, "games": options.games})
    picker.popup().hide()
    host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
