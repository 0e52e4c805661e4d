"""The rich game picker and the language/currency combos, on real widgets (offscreen)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QFormLayout, QWidget

from console_app.core.catalog import Catalog, Game, GameShortlist, catalog_from_game_list, sample_catalog
from console_app.ui.catalog.game_icons import IconCache
from console_app.ui.catalog.game_picker import GamePicker
from console_app.ui.launch.code_combo import SEPARATOR, CodeCombo

REPO = Path(__file__).resolve().parents[2]


def big_catalog(n: int = 1000) -> Catalog:
    words = ["gold", "zeus", "dragon", "fortune", "tiger", "lucky", "jungle", "pirate", "mega", "star"]
    games = tuple(
        Game(f"lm_{i}_{words[i % 10]}{words[(i // 10) % 10]}", f"{words[i % 10].title()} {words[(i // 10) % 10].title()} {i}")
        for i in range(n)
    )
    return Catalog(games=games, languages=("en",), currencies=("USD",), source="test", label="slot_spec")


@pytest.fixture
def picker(qtbot, app_paths):
    widget = GamePicker(paths=app_paths)
    qtbot.addWidget(widget)
    widget.resize(400, 60)
    widget.show()
    return widget


def test_filtering_1000_games_by_id_or_name_as_you_type(qtbot, picker):
    catalog = big_catalog()
    picker.set_catalog(catalog)
    qtbot.keyClicks(picker.line_edit(), "zeus")
    expected = [g.id for g in catalog.games if "zeus" in g.id]
    assert picker.visible_game_ids() == expected and len(expected) == 190
    assert picker.popup().isVisible()
    picker.line_edit().clear()
    qtbot.keyClicks(picker.line_edit(), "Tiger GOLD 4")  # words of the name, any case
    assert picker.visible_game_ids() == [g.id for g in catalog.games
                                         if all(w in f"{g.id} {g.name}".lower() for w in ("tiger", "gold", "4"))]
    assert "lm_4_tigergold" in picker.visible_game_ids()
    qtbot.keyClicks(picker.line_edit(), "nothing-like-this")
    assert picker.visible_game_ids() == []
    assert not picker.popup().isVisible()


def test_filtering_then_clearing_1000_games_shows_the_whole_list_again(qtbot, picker):
    """How fast one keystroke filters: `make bench` (picker_filter_1000)."""
    picker.set_catalog(big_catalog())
    for query in ("g", "go", "gol", "gold", "gol", "go", "g", "", "zeus tiger", ""):
        picker._proxy.set_query(query)
    assert picker.visible_game_ids()[0] == "lm_0_goldgold"
    assert len(picker.visible_game_ids()) == 1000


def test_picking_from_the_popup_sets_the_id(qtbot, picker):
    picker.set_catalog(sample_catalog())
    qtbot.keyClicks(picker.line_edit(), "tumble fort")
    assert picker.visible_game_ids() == ["lm_60_tumblefortune"]
    index = picker.popup().model().index(0, 0)
    with qtbot.waitSignal(picker.game_changed) as changed:
        picker._completer.activated[type(index)].emit(index)
    assert changed.args == ["lm_60_tumblefortune"]
    assert picker.game_id() == "lm_60_tumblefortune"
    assert picker.game_name("lm_60_tumblefortune") == "Tumble Fortune"
    assert picker.findChild(QWidget, "gamePickerCaption").text() == "Tumble Fortune"


def test_keyboard_down_and_enter_pick_the_first_match(qtbot, picker):
    picker.set_catalog(sample_catalog())
    qtbot.keyClicks(picker.line_edit(), "zeus")
    popup = picker.popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.game_id() == "lm_8_treasureofzeus"


def test_free_text_is_allowed(qtbot, picker):
    picker.set_catalog(sample_catalog())
    picker.set_game_id("Im_60_tumblefortune")
    assert picker.game_id() == "Im_60_tumblefortune"
    assert picker.game_name("Im_60_tumblefortune") is None
    assert "not in the catalog" in picker.findChild(QWidget, "gamePickerCaption").text()


def test_favourites_then_recent_come_first_and_persist(qtbot, picker, app_paths):
    picker.set_catalog(sample_catalog())
    picker.set_game_id("lm_28_buffalogold")
    star = picker.findChild(QWidget, "gamePickerStar")
    qtbot.mouseClick(star, Qt.MouseButton.LeftButton)
    assert star.text() == "★"
    picker.note_used("lm_30_goldenfish")
    picker.focus_search()
    assert picker.visible_game_ids()[:2] == ["lm_28_buffalogold", "lm_30_goldenfish"]
    assert len(picker.visible_game_ids()) == 36 and picker.popup().isVisible()
    assert GameShortlist(app_paths).favourites() == ["lm_28_buffalogold"]

    again = GamePicker(paths=app_paths)
    qtbot.addWidget(again)
    again.set_catalog(sample_catalog())
    assert again.visible_game_ids()[:2] == ["lm_28_buffalogold", "lm_30_goldenfish"]
    again.set_game_id("lm_28_buffalogold")
    qtbot.mouseClick(again.findChild(QWidget, "gamePickerStar"), Qt.MouseButton.LeftButton)
    assert GameShortlist(app_paths).favourites() == []


def test_widgets_have_object_and_accessible_names(picker):
    for name in ("gamePicker", "gamePickerEdit", "gamePickerStar", "gamePickerCaption"):
        widget = picker if picker.objectName() == name else picker.findChild(QWidget, name)
        assert widget is not None and widget.accessibleName()
    assert picker.popup().objectName() == "gamePickerPopup" and picker.popup().accessibleName()


def live_catalog(server) -> Catalog:
    items = [{"gameid": g.id, "gameName": g.name, "icon_url": f"/icons/{g.id}.svg"} for g in sample_catalog().games]
    return catalog_from_game_list(items, api_url=server.url)[0]


def test_icons_load_async_from_the_sandbox_and_are_cached_on_disk(qtbot, sandbox, app_paths):
    cache = IconCache(app_paths.cache_dir / "icons")
    url = f"{sandbox.url}/icons/lm_8_treasureofzeus.svg"
    with qtbot.waitSignal(cache.icon_ready, timeout=10_000) as ready:
        assert cache.icon(url) is None  # not yet: the download has started
    assert ready.args == [url]
    icon = cache.icon(url)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert cache.path_for(url).read_bytes().lstrip().startswith(b"<")
    sandbox.stop()
    offline = IconCache(app_paths.cache_dir / "icons")  # a new session, server gone
    assert offline.icon(url) is not None and offline.pending_count() == 0


def test_offline_and_unsafe_icons_fall_back_to_the_placeholder(qtbot, app_paths):
    cache = IconCache(app_paths.cache_dir / "icons")
    assert cache.icon("file:///etc/hostname") is None and cache.pending_count() == 0
    assert cache.icon("data:image/png;base64,AAAA") is None and cache.pending_count() == 0
    dead = "http://127.0.0.1:9/icon.svg"  # discard port: nothing listens
    assert cache.icon(dead) is None
    qtbot.waitUntil(lambda: cache.pending_count() == 0, timeout=10_000)
    assert cache.icon(dead) is None and cache.pending_count() == 0  # remembered, not retried
    picker = GamePicker(paths=app_paths)
    qtbot.addWidget(picker)
    picker.set_catalog(Catalog(games=(Game("lm_1_x", "X Game", icon_url=dead),), languages=(), currencies=(),
                               source="t", label="live"))
    icon = picker._model.index(0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()


def test_screenshot_of_the_picker_filtering(qtbot, sandbox, app_paths, tmp_path):
    """Grab the picker with its popup open on "gold" (icons from the sandbox). With
    LM_WRITE_SCREENSHOTS=1 it also refreshes docs/screenshots/picker.png."""
    form = QWidget()
    qtbot.addWidget(form)
    form.setObjectName("pickerDemo")
    layout = QFormLayout(form)
    picker = GamePicker(form, paths=app_paths)
    picker.set_catalog(live_catalog(sandbox))
    GameShortlist(app_paths).set_favourite("lm_28_buffalogold", True)
    picker.note_used("lm_30_goldenfish")
    language, currency = CodeCombo(form, kind="language"), CodeCombo(form, kind="currency")
    language.set_code("ko")
    currency.set_code("KRW")
    layout.addRow("Game", picker)
    layout.addRow("Language", language)
    layout.addRow("Currency", currency)
    form.resize(440, 150)
    form.show()
    qtbot.waitExposed(form)
    picker.line_edit().setFocus()
    qtbot.keyClicks(picker.line_edit(), "gold")
    cache, catalog = picker.icon_cache(), picker.catalog()
    qtbot.waitUntil(lambda: picker.popup().isVisible() and all(
        cache.icon(catalog.game(gid).icon_url) is not None for gid in picker.visible_game_ids()), timeout=10_000)
    popup = picker.popup()
    popup.viewport().repaint()
    offset = popup.mapToGlobal(QPoint(0, 0)) - form.mapToGlobal(QPoint(0, 0))
    body, listing = form.grab(), popup.grab()
    shot = QPixmap(max(body.width(), offset.x() + listing.width()), max(body.height(), offset.y() + listing.height()))
    shot.fill(form.palette().window().color())
    painter = QPainter(shot)
    painter.drawPixmap(0, 0, body)
    painter.drawPixmap(offset, listing)
    painter.end()
    path = tmp_path / "picker.png"
    assert shot.save(str(path))
    image = shot.toImage()
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 20
    assert picker.visible_game_ids()[:2] == ["lm_28_buffalogold", "lm_30_goldenfish"]
    if os.environ.get("LM_WRITE_SCREENSHOTS") == "1":
        target = REPO / "docs" / "screenshots" / "picker.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


# ---------------------------------------------------------------- CodeCombo

def combo_texts(combo: CodeCombo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_code_combo_lists_supported_first_with_names(qtbot):
    combo = CodeCombo(kind="language")
    qtbot.addWidget(combo)
    combo.set_supported(["ko", "en"])
    texts = combo_texts(combo)
    assert texts[:2] == [f"ko{SEPARATOR}Korean", f"en{SEPARATOR}English"]
    assert texts[2] == ""  # the separator
    assert f"th{SEPARATOR}Thai" in texts[3:] and f"ko{SEPARATOR}Korean" not in texts[3:]
    assert combo.objectName() == "languageCombo" and combo.accessibleName() == "Language"


def test_currency_names(qtbot):
    combo = CodeCombo(kind="currency")
    qtbot.addWidget(combo)
    combo.set_supported(["KRW", "IDX"])
    assert combo_texts(combo)[:2] == [f"KRW{SEPARATOR}South Korean won", "IDX"]
    combo.set_code("KRW")
    assert combo.currentText() == f"KRW{SEPARATOR}South Korean won" and combo.code() == "KRW"


def test_code_combo_accepts_typed_codes_as_typed(qtbot):
    combo = CodeCombo(kind="language")
    qtbot.addWidget(combo)
    with qtbot.waitSignal(combo.code_changed) as changed:
        combo.set_code("EN")
    assert changed.args == ["EN"] and combo.code() == "EN"
    combo.lineEdit().clear()
    qtbot.keyClicks(combo.lineEdit(), "xx")
    assert combo.code() == "xx"
    combo.set_code("ja")
    assert combo.code() == "ja"
    combo.set_supported(["en"])  # the current code survives a new list
    assert combo.code() == "ja"


def test_code_combo_without_kind_keeps_the_simple_interface(qtbot):
    combo = CodeCombo()
    qtbot.addWidget(combo)
    combo.set_choices([("en", "English"), ("ja", "")])
    assert combo_texts(combo) == [f"en{SEPARATOR}English", "ja"]
    assert combo.name_of("en") == "English" and combo.name_of("zz") is None
