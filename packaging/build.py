"""Build the desktop bundle and prove it works: ``make package``.

1. PyInstaller builds ``packaging/luckymonaco-console.spec`` into
   ``dist/luckymonaco-console/`` (the launcher is ``dist/luckymonaco-console/lm-console``).
2. On Linux, the desktop entry, AppStream metainfo, icons and ``install.sh`` are copied
   into ``dist/luckymonaco-console/share/`` so the folder installs on its own.
3. The bundle is smoke-tested offscreen, with its own throw-away folders:
   ``--version``, ``--self-check`` and ``capture`` against the embedded sandbox (the
   screenshot must not be blank).
4. Build time, bundle size and start-up time are printed and written to
   ``build/package-report.json``.

Exits non-zero, naming the failed step, if any step fails.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "luckymonaco-console.spec"
BUILD_DIR = ROOT / "build"
DIST_DIR = ROOT / "dist"
#: How often ``--version`` is timed (the median is reported).
VERSION_RUNS = 5
SMOKE_TIMEOUT_S = 180


class BuildError(Exception):
    """A build or smoke-test step failed; the message says which and why."""


def say(message: str) -> None:
    print(f"package: {message}", flush=True)


def project() -> dict:
    """The ``[project]`` table of pyproject.toml (name, version, scripts)."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def launcher_name(meta: dict) -> str:
    """The console script that runs ``console_app.cli:main`` (the bundle's launcher)."""
    return next(name for name, target in meta["scripts"].items() if target == "console_app.cli:main")


def run_pyinstaller() -> float:
    """Build the bundle; return the seconds it took."""
    started = time.perf_counter()
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(DIST_DIR), "--workpath", str(BUILD_DIR / "pyinstaller"), str(SPEC),
    ]
    say("running PyInstaller (a few minutes) ...")
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed with exit code {result.returncode} (see its output above)")
    return time.perf_counter() - started


def add_linux_integration(bundle: Path) -> None:
    """Copy the desktop entry, metainfo, icons and installer into ``bundle/share``."""
    linux = ROOT / "packaging" / "linux"
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copy2(linux / "luckymonaco-console.desktop", share / "applications")
    shutil.copy2(linux / "com.luckymonaco.TestConsole.metainfo.xml", share / "metainfo")
    icons = ROOT / "resources" / "icons"
    for png in icons.glob("app-*.png"):
        size = png.stem.removeprefix("app-")
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, target / "luckymonaco-console.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(icons / "app.svg", scalable / "luckymonaco-console.svg")
    shutil.copy2(linux / "install.sh", bundle / "install.sh")
    (bundle / "install.sh").chmod(0o755)


def smoke_env(scratch: Path) -> dict[str, str]:
    """The environment the bundle is tested in: offscreen, throw-away folders."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["LM_CONSOLE_BASEDIR"] = str(scratch / "basedir")
    env["XDG_CACHE_HOME"] = str(scratch / "cache")  # Qt's shader cache
    # The build's own venv must not leak in: the bundle has to stand alone.
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(var, None)
    if os.geteuid() == 0 and "QTWEBENGINE_DISABLE_SANDBOX" not in env:
        say("running as root: the smoke tests set QTWEBENGINE_DISABLE_SANDBOX=1 (Chromium refuses "
            "to start sandboxed as root); users running normally keep the sandbox")
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    return env


def run_bundle(launcher: Path, args: list[str], env: dict[str, str], step: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the bundle's launcher; fail the build with its output if it exits non-zero."""
    started = time.perf_counter()
    try:
        result = subprocess.run([str(launcher), *args], env=env, capture_output=True, text=True,
                                timeout=SMOKE_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"{step}: no answer within {SMOKE_TIMEOUT_S} s") from exc
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise BuildError(f"{step}: exit code {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result, seconds


def check_screenshot(path: Path) -> str:
    """Fail unless ``path`` is a PNG with real content; return a short description."""
    from PIL import Image

    if not path.is_file():
        raise BuildError(f"capture: {path} was not written")
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 16)
        distinct = len(colours) if colours is not None else 1 << 16
        if distinct < 16:
            raise BuildError(f"capture: {path} looks blank ({distinct} distinct colours)")
        return f"{rgb.width}x{rgb.height}, {'>=' if colours is None else ''}{distinct} colours"


def folder_size(folder: Path) -> int:
    """Bytes used by the files under ``folder`` (symlinks not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def smoke_test(launcher: Path, report: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="lm-package-") as scratch_name:
        env = smoke_env(Path(scratch_name))

        times = []
        for _ in range(VERSION_RUNS):
            result, seconds = run_bundle(launcher, ["--version"], env, "--version")
            times.append(seconds)
        report["version_output"] = result.stdout.strip()
        report["version_seconds_median"] = round(statistics.median(times), 3)
        report["version_seconds_min"] = round(min(times), 3)
        say(f"OK --version: {result.stdout.strip()} (median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s over {VERSION_RUNS} runs)")

        result, seconds = run_bundle(launcher, ["--self-check"], env, "--self-check")
        report["self_check_seconds"] = round(seconds, 2)
        print(result.stdout, end="")
        say(f"OK --self-check ({seconds:.1f} s)")

        help_run = subprocess.run([str(launcher), "capture", "--help"], env=env, capture_output=True,
                                  text=True, timeout=SMOKE_TIMEOUT_S)
        if help_run.returncode != 0:
            say("SKIPPED capture: this build has no `lm-console capture` command yet")
            report["capture"] = "skipped: no capture command"
            return
        shot = BUILD_DIR / "bundle-shot.png"
        shot.unlink(missing_ok=True)
        result, seconds = run_bundle(launcher, ["capture", "--out", str(shot)], env, "capture")
        described = check_screenshot(shot)
        report["capture"] = f"{shot.relative_to(ROOT)}: {described}"
        report["capture_seconds"] = round(seconds, 2)
        say(f"OK capture: {shot.relative_to(ROOT)} ({described}, {seconds:.1f} s)")


def main() -> int:
    meta = project()
    bundle = DIST_DIR / meta["name"]
    launcher = bundle / (launcher_name(meta) + (".exe" if sys.platform == "win32" else ""))
    report: dict = {"name": meta["name"], "version": meta["version"], "platform": sys.platform}
    try:
        report["build_seconds"] = round(run_pyinstaller(), 1)
        say(f"built {bundle.relative_to(ROOT)} in {report['build_seconds']:.0f} s")
        if not launcher.is_file():
            raise BuildError(f"the launcher {launcher} is missing after the build")
        if sys.platform.startswith("linux"):
            add_linux_integration(bundle)
        smoke_test(launcher, report)
    except BuildError as exc:
        say(f"FAILED: {exc}")
        return 1
    size = folder_size(bundle)
    report["bundle_bytes"] = size
    report["bundle_mb"] = round(size / 1e6, 1)
    du = subprocess.run(["du", "-sh", str(bundle)], capture_output=True, text=True) if shutil.which("du") else None
    report["du"] = du.stdout.split()[0] if du and du.returncode == 0 else ""
    BUILD_DIR.mkdir(exist_ok=True)
    (BUILD_DIR / "package-report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"bundle size: {report['bundle_mb']} MB ({report['du'] or 'du unavailable'} on disk) in "
        f"{bundle.relative_to(ROOT)}/")
    say(f"build {report['build_seconds']:.0f} s, --version {report['version_seconds_median']:.2f} s, "
        f"--self-check {report['self_check_seconds']:.1f} s; report in build/package-report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
