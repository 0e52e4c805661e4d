"""The packaging files: the PyInstaller spec follows pyproject.toml, the desktop entry
and AppStream metainfo are valid, the icons exist in every size, and build.py's
checks catch a blank screenshot. (The real bundle build is `make package`: too slow
for the test suite.)"""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import struct
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "luckymonaco-console.spec"
DESKTOP = PACKAGING / "linux" / "luckymonaco-console.desktop"
METAINFO = PACKAGING / "linux" / "com.luckymonaco.TestConsole.metainfo.xml"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


class _Recorder:
    """Stands in for one of PyInstaller's spec classes; remembers its arguments."""

    def __init__(self, calls: dict[str, Any], kind: str) -> None:
        self._calls, self._kind = calls, kind

    def __call__(self, *args: Any, **kwargs: Any) -> types.SimpleNamespace:
        self._calls[self._kind] = (args, kwargs)
        return types.SimpleNamespace(args=args, kwargs=kwargs, pure=[], scripts=[], binaries=[],
                                     datas=[("PySide6/Qt/translations/qtwebengine_locales/de.pak", "x", "DATA"),
                                            ("PySide6/Qt/translations/qtwebengine_locales/sw.pak", "x", "DATA"),
                                            ("resources/sample_catalog.json", "x", "DATA")])


def exec_spec(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the spec in ``root/packaging`` with PyInstaller's classes and hooks stubbed."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package: [f"{package}.stub"]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda name, recursive=False: [(f"{name}.dist-info", f"{name}.dist-info")]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    calls: dict[str, Any] = {}
    namespace: dict[str, Any] = {"SPECPATH": str(root / "packaging"), "__file__": str(SPEC)}
    namespace.update({kind: _Recorder(calls, kind) for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")})
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return calls, namespace


def test_spec_builds_the_launcher_and_folder_named_in_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, namespace = exec_spec(ROOT, monkeypatch)

    assert namespace["APP_NAME"] == PROJECT["name"] == "luckymonaco-console"
    assert namespace["VERSION"] == PROJECT["version"]
    assert calls["EXE"][1]["name"] == "lm-console"
    assert calls["COLLECT"][1]["name"] == "luckymonaco-console"
    assert calls["COLLECT"][1]["upx"] is False


def test_spec_follows_a_renamed_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "packaging").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "renamed-console"\nversion = "9.8.7"\n'
        '[project.scripts]\nrc = "console_app.cli:main"\nother = "x:y"\n', encoding="utf-8")

    calls, namespace = exec_spec(tmp_path, monkeypatch)

    assert namespace["VERSION"] == "9.8.7"
    assert calls["EXE"][1]["name"] == "rc"
    assert calls["COLLECT"][1]["name"] == "renamed-console"


def test_spec_ships_resources_keyring_backends_and_no_dev_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, _namespace = exec_spec(ROOT, monkeypatch)
    analysis = calls["Analysis"][1]

    assert analysis["datas"][0] == (str(ROOT / "resources"), "resources")
    assert ("luckymonaco-console.dist-info", "luckymonaco-console.dist-info") in analysis["datas"]
    assert "keyring.backends.stub" in analysis["hiddenimports"]
    assert "console_app.stub" in analysis["hiddenimports"]
    if sys.platform.startswith("linux"):
        assert {"secretstorage.stub", "jeepney.stub"} <= set(analysis["hiddenimports"])
    for dev_tool in ("tests", "pytest", "hypothesis", "PyInstaller", "tkinter"):
        assert dev_tool in analysis["excludes"]
    assert calls["Analysis"][0][0] == [str(PACKAGING / "entry.py")]


def test_spec_keeps_only_the_chosen_chromium_locales(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, _namespace = exec_spec(ROOT, monkeypatch)
    kept = [entry[0] for entry in calls["COLLECT"][0][2]]  # COLLECT(exe, a.binaries, a.datas)

    assert "PySide6/Qt/translations/qtwebengine_locales/de.pak" in kept
    assert "PySide6/Qt/translations/qtwebengine_locales/sw.pak" not in kept
    assert "resources/sample_catalog.json" in kept


def test_spec_leaves_out_what_the_console_never_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    _calls, namespace = exec_spec(ROOT, monkeypatch)
    left_out = namespace["left_out"]

    for dest in ("PySide6/Qt/qml/QtQuick/Controls/libqtquickcontrols2plugin.so",
                 "PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so",
                 "PySide6/Qt/plugins/sceneparsers/libgltfsceneimport.so",
                 "PySide6/Qt/plugins/platforms/libqeglfs.so", "PySide6/Qt/translations/qtbase_de.qm",
                 "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/imageformats/libqpdf.so",
                 "PySide6/Qt/resources/qtwebengine_devtools_resources.pak",
                 "babel/locale-data/ko.dat", "pycountry/locales/de/LC_MESSAGES/iso3166-1.mo",
                 "libgbm.so.1", "libstdc++.so.6", "libxcb-dri3.so.0", "libX11.so.6"):
        assert left_out(dest), dest
    for dest in ("PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                 "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
                 "PySide6/Qt/plugins/tls/libqopensslbackend.so",
                 "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", "PySide6/Qt/resources/qtwebengine_resources.pak",
                 "PySide6/Qt/translations/qtwebengine_locales/ko.pak", "PySide6/Qt/libexec/QtWebEngineProcess",
                 "babel/locale-data/en.dat", "babel/locale-data/root.dat", "babel/global.dat",
                 "pycountry/databases/iso639-3.json", "libnss3.so", "libpython3.12.so.1.0",
                 "PySide6/Qt/lib/libQt6XcbQpa.so.6"):
        assert not left_out(dest), dest


def test_spec_drops_the_libraries_only_what_it_left_out_links_against(monkeypatch: pytest.MonkeyPatch) -> None:
    _calls, namespace = exec_spec(ROOT, monkeypatch)
    lib = "PySide6/Qt/lib/"
    links = {
        "src/QtWebEngineWidgets.abi3.so": {"libQt6WebEngineWidgets.so.6", "libc.so.6"},
        "src/libQt6WebEngineWidgets.so.6": {"libQt6Quick.so.6", "libQt6Core.so.6"},
        "src/libQt6Quick.so.6": {"libQt6Core.so.6"},
        "src/QtWebEngineProcess": {"libQt6WebEngineCore.so.6"},
        "src/libffmpegmediaplugin.so": {"libQt6Multimedia.so.6", "libQt6Core.so.6"},
        "src/libQt6Multimedia.so.6": {"libavcodec.so.63", "libQt6Core.so.6"},
        "src/libqgtk3.so": {"libgtk-3.so.0", "libglib-2.0.so.0"},
        "src/libqxcb.so": {"libglib-2.0.so.0"},
    }
    binaries = [(lib + name, f"src/{name}", "BINARY") for name in (
        "libQt6WebEngineWidgets.so.6", "libQt6Quick.so.6", "libQt6Core.so.6", "libQt6WebEngineCore.so.6",
        "libQt6Multimedia.so.6", "libavcodec.so.63")]
    binaries += [(name, f"src/{name}", "BINARY") for name in ("libgtk-3.so.0", "libglib-2.0.so.0", "libsoftokn3.so")]
    binaries += [("PySide6/QtWebEngineWidgets.abi3.so", "src/QtWebEngineWidgets.abi3.so", "EXTENSION"),
                 ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", "src/libffmpegmediaplugin.so", "BINARY"),
                 ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "src/libqgtk3.so", "BINARY"),
                 ("PySide6/Qt/plugins/platforms/libqxcb.so", "src/libqxcb.so", "BINARY")]
    datas = [("PySide6/Qt/libexec/QtWebEngineProcess", "src/QtWebEngineProcess", "DATA"),
             ("libavcodec.so.63", lib + "libavcodec.so.63", "SYMLINK"),
             ("libQt6Core.so.6", lib + "libQt6Core.so.6", "SYMLINK")]

    kept_binaries, kept_datas = namespace["prune"](binaries, datas, lambda src: links.get(src, set()))

    # Multimedia, FFmpeg and GTK went with the plugins that linked them; Core stays (Quick
    # needs it), GLib stays (xcb needs it), NSS's softokn stays (opened at run time).
    assert sorted(PurePosixPath(dest).name for dest, _, _ in kept_binaries) == [
        "QtWebEngineWidgets.abi3.so", "libQt6Core.so.6", "libQt6Quick.so.6", "libQt6WebEngineCore.so.6",
        "libQt6WebEngineWidgets.so.6", "libglib-2.0.so.0", "libqxcb.so", "libsoftokn3.so"]
    assert [dest for dest, _, _ in kept_datas] == ["PySide6/Qt/libexec/QtWebEngineProcess", "libQt6Core.so.6"]


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign] - keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_starts_the_window_with_the_app_icon() -> None:
    entry = _desktop_entry()

    assert entry["Type"] == "Application"
    assert entry["Exec"] == "lm-console gui"
    assert entry["TryExec"] == "lm-console"
    assert entry["Icon"] == "luckymonaco-console"
    assert "Development" in entry["Categories"].split(";")
    assert entry["Terminal"] == "false"
    # The window sets QGuiApplication.desktopFileName to the app ID: it must match.
    assert entry["StartupWMClass"] == DESKTOP.stem == "luckymonaco-console"


def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)

    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_names_the_desktop_entry_screenshot_and_current_version() -> None:
    component = ET.parse(METAINFO).getroot()

    assert component.get("type") == "desktop-application"
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("icon") == _desktop_entry()["Icon"]
    assert component.findtext("provides/binary") == "lm-console"
    assert component.findtext("screenshots/screenshot/image").endswith("docs/screenshots/window.png")
    assert component.findtext("url[@type='homepage']") == PROJECT["urls"]["Homepage"]
    # A release bumps pyproject.toml; the metainfo must list it too.
    assert component.find("releases/release").get("version") == PROJECT["version"]


def test_metainfo_passes_appstream_validation_except_the_unpublished_screenshot_url() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", "--format=yaml", str(METAINFO)],
                            capture_output=True, text=True)

    errors = [block for block in result.stdout.split("- tag: ")[1:] if "severity: error" in block
              or "severity: warning" in block]
    # The screenshot becomes a web URL when docs/screenshots/window.png is published.
    assert [block.split()[0] for block in errors] == ["web-url-expected"], result.stdout


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_icons_exist_in_every_size_and_format() -> None:
    icons = ROOT / "resources" / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert _png_size(icons / f"app-{size}.png") == (size, size)
    assert (icons / "app.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")

    ico = (PACKAGING / "icons" / "luckymonaco-console.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 6
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes
    assert (PACKAGING / "icons" / "luckymonaco-console.icns").read_bytes()[:4] == b"icns"


def _load_packaging_script(name: str) -> types.ModuleType:
    """``packaging/<name>.py`` as a module (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(f"lm_packaging_{name}", PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_build_module() -> types.ModuleType:
    return _load_packaging_script("build")


def _load_deb_module() -> types.ModuleType:
    return _load_packaging_script("deb")


def test_build_script_finds_the_launcher_name_in_pyproject() -> None:
    build = _load_build_module()

    assert build.launcher_name(build.project()) == "lm-console"


def test_build_script_rejects_a_blank_screenshot_and_accepts_a_real_one(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    build = _load_build_module()
    blank = tmp_path / "blank.png"
    Image.new("RGB", (320, 200), "white").save(blank)
    real = tmp_path / "real.png"
    image = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(image)
    for i in range(40):
        draw.rectangle((i * 8, 0, i * 8 + 7, 200), fill=(i * 6, 255 - i * 6, (i * 37) % 256))
    image.save(real)

    with pytest.raises(build.BuildError, match="looks blank"):
        build.check_screenshot(blank)
    with pytest.raises(build.BuildError, match="was not written"):
        build.check_screenshot(tmp_path / "missing.png")
    assert build.check_screenshot(real).startswith("320x200")


def test_ldd_output_yields_only_the_libraries_outside_the_bundle(tmp_path: Path) -> None:
    deb = _load_deb_module()
    bundle = tmp_path / "bundle"
    output = (f"\tlinux-vdso.so.1 (0x00007ffc)\n"
              f"\tlibQt6Core.so.6 => {bundle}/_internal/libQt6Core.so.6 (0x00007f01)\n"
              f"\tlibasound.so.2 => /lib/x86_64-linux-gnu/libasound.so.2 (0x00007f02)\n"
              f"\t/lib64/ld-linux-x86-64.so.2 (0x00007f03)\n")

    assert deb.system_libraries(output, bundle) == {"/lib/x86_64-linux-gnu/libasound.so.2"}


def test_depends_versions_libc_to_the_build_machine_and_adds_the_runtime_libraries() -> None:
    deb = _load_deb_module()

    line = deb.depends_line({"libc6", "libnss3", "libasound2"}, "2.36")

    assert line.startswith("libc6 (>= 2.36), ")
    assert line.count("libc6") == 1
    assert {"libnss3", "libasound2", "libegl1", "libegl-mesa0", "fonts-dejavu-core"} <= set(line.split(", "))


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="a .deb builds on Debian/Ubuntu only")
def test_a_bundle_becomes_a_deb_with_the_launcher_on_path_and_the_desktop_files(tmp_path: Path) -> None:
    """A stand-in bundle (a real ELF launcher, the real desktop files) through dpkg-deb."""
    build = _load_build_module()
    deb = _load_deb_module()
    bundle = tmp_path / "dist" / "luckymonaco-console"
    bundle.mkdir(parents=True)
    (bundle / "lm-console").write_bytes(Path("/bin/true").read_bytes())
    (bundle / "lm-console").chmod(0o755)
    build.add_linux_integration(bundle)

    out, control = deb.build_deb(PROJECT, bundle, tmp_path / "deb-root", tmp_path)

    fields = dict(line.split(": ", 1) for line in control.splitlines() if ": " in line and not line.startswith(" "))
    assert out.name == f"luckymonaco-console_{PROJECT['version']}_{fields['Architecture']}.deb"
    assert fields["Package"] == "luckymonaco-console" and fields["Version"] == PROJECT["version"]
    assert "libc6 (>= " in fields["Depends"] and "libegl1" in fields["Depends"]
    info = subprocess.run(["dpkg-deb", "--field", str(out), "Package", "Depends"], capture_output=True, text=True)
    assert info.returncode == 0 and "Package: luckymonaco-console" in info.stdout, info.stderr
    listing = subprocess.run(["dpkg-deb", "--contents", str(out)], capture_output=True, text=True).stdout
    assert "./usr/bin/lm-console -> /opt/luckymonaco-console/lm-console" in listing
    for path in ("./opt/luckymonaco-console/lm-console", "./usr/share/applications/luckymonaco-console.desktop",
                 "./usr/share/metainfo/com.luckymonaco.TestConsole.metainfo.xml",
                 "./usr/share/icons/hicolor/256x256/apps/luckymonaco-console.png",
                 "./usr/share/icons/hicolor/scalable/apps/luckymonaco-console.svg"):
        assert path in listing
    assert "install.sh" not in listing  # the per-user installer has no place in a system package
    assert " root/root " in listing
