"""Wrap the smoke-tested bundle in a Debian package: ``make deb``.

``make package`` first builds and tests ``dist/luckymonaco-console/``; this script then
lays out, in ``build/deb-root/``:

- ``/opt/luckymonaco-console/``: the bundle as built (without its per-user installer),
- ``/usr/bin/lm-console``: a symlink to the bundle's launcher,
- the desktop entry, icons (hicolor) and AppStream metainfo under ``/usr/share``,

and builds ``dist/luckymonaco-console_<version>_<arch>.deb`` with ``dpkg-deb``. The
``Depends:`` line names the packages that own every system library the bundle links
against (found with ``ldd`` and ``dpkg -S`` on the build machine, like dpkg-shlibdeps),
plus the few that Chromium and Qt open at run time, so ``apt-get install ./*.deb`` on a
fresh Debian pulls everything in. Names are the build machine's (build on the oldest
release you support): a newer release that renamed a library (``libasound2`` ->
``libasound2t64``) still provides the old name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST_DIR = ROOT / "dist"
STAGING = ROOT / "build" / "deb-root"
PREFIX = Path("opt/luckymonaco-console")
METAINFO = "com.luckymonaco.TestConsole.metainfo.xml"

#: Opened at run time rather than linked (so ``ldd`` cannot see them): Chromium's
#: ANGLE loads libEGL and needs a GL driver behind it (Mesa's vendor libraries, which
#: libegl1 and libgl1 only recommend: named so that --no-install-recommends still
#: gives a working app), Qt needs at least one font, truststore reads the system CAs.
RUNTIME_DEPENDS = ("libegl1", "libegl-mesa0", "libglx-mesa0", "libgl1-mesa-dri", "fonts-dejavu-core",
                   "ca-certificates")
#: The keyring's Secret Service for stored tokens; CJK glyphs for the ja/ko/zh demo game.
RECOMMENDS = ("gnome-keyring", "fonts-wqy-microhei")

_LDD_LINE = re.compile(r"^\s*\S+ => (/\S+) \(0x[0-9a-f]+\)$")


class DebError(Exception):
    """A step of the .deb build failed; the message says which and what to do."""


def say(message: str) -> None:
    print(f"deb: {message}", flush=True)


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def system_libraries(ldd_output: str, bundle: Path) -> set[str]:
    """The resolved paths in ``ldd`` output that lie outside ``bundle``."""
    found = set()
    for line in ldd_output.splitlines():
        match = _LDD_LINE.match(line)
        if match and not Path(match.group(1)).resolve().is_relative_to(bundle.resolve()):
            found.add(match.group(1))
    return found


def linked_system_libraries(bundle: Path) -> set[str]:
    """Every system library that an ELF file of ``bundle`` links against."""
    libraries: set[str] = set()
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink() or not is_elf(path):
            continue
        done = subprocess.run(["ldd", str(path)], capture_output=True, text=True)
        if "not found" in done.stdout:
            missing = [line.split()[0] for line in done.stdout.splitlines() if "not found" in line]
            raise DebError(f"{path.relative_to(bundle)} needs {', '.join(missing)}, missing on this machine: "
                           "run `make setup` (it installs the system libraries) and build again")
        libraries |= system_libraries(done.stdout, bundle)
    return libraries


def owning_package(library: str) -> str:
    """The Debian package that installed ``library`` (merged /usr: try both spellings)."""
    real = os.path.realpath(library)
    for candidate in dict.fromkeys((library, real, re.sub(r"^/usr/", "/", real), "/usr" + library)):
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":", 1)[0].strip()
    raise DebError(f"{library} belongs to no Debian package: a .deb cannot depend on it")


def glibc_version() -> str:
    """The build machine's glibc (``2.36``): the bundle needs at least that one."""
    done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libc6"], capture_output=True, text=True, check=True)
    return re.match(r"\d+\.\d+", done.stdout).group(0)


def depends_line(packages: set[str], libc: str) -> str:
    """``Depends:``: sorted, libc6 versioned to the build machine's glibc."""
    names = sorted((packages | set(RUNTIME_DEPENDS)) - {"libc6"})
    return ", ".join([f"libc6 (>= {libc})", *names])


def control_text(meta: dict, arch: str, installed_kib: int, depends: str) -> str:
    description = meta["description"].rstrip(".")
    return (
        f"Package: {meta['name']}\n"
        f"Version: {meta['version']}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {meta['authors'][0]['name']} <noreply@luckymonaco.com>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {depends}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: devel\n"
        "Priority: optional\n"
        f"Homepage: {meta['urls']['Homepage']}\n"
        f"Description: {description.split(':', 1)[0]}\n"
        f" {description}.\n"
        " The bundle lives in /opt/luckymonaco-console; `lm-console --self-check` checks it.\n"
    )


def stage(bundle: Path, root: Path) -> None:
    """Lay out the package's files under ``root``."""
    shutil.rmtree(root, ignore_errors=True)
    target = root / PREFIX
    shutil.copytree(bundle, target, symlinks=True, ignore=shutil.ignore_patterns("install.sh", "share"))
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "lm-console").symlink_to(Path("/") / PREFIX / "lm-console")
    # The bundle's share/ already has the desktop entry, icons and metainfo laid out.
    shutil.copytree(bundle / "share", root / "usr" / "share")
    (root / "DEBIAN").mkdir()


def folder_kib(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink()) // 1024 + 1


def build_deb(meta: dict, bundle: Path, staging: Path, out_dir: Path) -> tuple[Path, str]:
    """Stage ``bundle`` and build the .deb into ``out_dir``; return it and its control file."""
    if not (bundle / "lm-console").is_file() or not (bundle / "share" / "metainfo" / METAINFO).is_file():
        raise DebError(f"no bundle in {bundle}: run `make package` first (make deb does)")
    if not shutil.which("dpkg-deb"):
        raise DebError("dpkg-deb is missing: this builds on Debian/Ubuntu only")
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    say("finding the system libraries the bundle links against ...")
    packages = {owning_package(lib) for lib in linked_system_libraries(bundle)}
    stage(bundle, staging)
    control = control_text(meta, arch, folder_kib(staging), depends_line(packages, glibc_version()))
    (staging / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    out = out_dir / f"{meta['name']}_{meta['version']}_{arch}.deb"
    say(f"building {out} ...")
    # zstd: xz took over 6 minutes for the ~450 MB bundle on 2 cores, zstd well under one.
    done = subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", "--build",
                           str(staging), str(out)], capture_output=True, text=True)
    if done.returncode != 0:
        raise DebError(f"dpkg-deb failed: {done.stderr.strip()}")
    return out, control


def main() -> int:
    meta = project()
    try:
        out, control = build_deb(meta, DIST_DIR / meta["name"], STAGING, DIST_DIR)
    except DebError as exc:
        say(f"FAILED: {exc}")
        return 1
    print(control, end="")
    installed_mib = int(control.split("Installed-Size: ")[1].split()[0]) / 1024
    say(f"{out.relative_to(ROOT)}: {out.stat().st_size / 1e6:.1f} MB ({installed_mib:.0f} MiB installed)")
    say(f"install it with: sudo apt-get install ./{out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
