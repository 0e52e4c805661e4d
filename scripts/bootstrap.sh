#!/usr/bin/env bash
# Installs everything `make run` / `make test` need on a fresh Debian/Ubuntu machine:
# the system libraries Qt and QtWebEngine load, D-Bus + gnome-keyring for the keyring
# tests, a Python >= 3.12, uv, and the locked Python packages in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
say() { printf 'bootstrap: %s\n' "$*"; }

# fonts-wqy-microhei: the demo game speaks ja/ko/zh; headless machines have no CJK font.
SYSTEM_PACKAGES=(
  ca-certificates libglib2.0-0 libgl1 libegl1 libgbm1 libfontconfig1 libfreetype6
  libxkbcommon0 libdbus-1-3 libbrotli1 libx11-6 libx11-xcb1 libxcb1 libxext6 libxfixes3
  libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libxcb-dri3-0 libxcb-shm0
  libxcb-render0 libxcb-xfixes0 libxcb-sync1 libnss3 libnspr4 libasound2 libxcb-cursor0
  libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
  libxcb-xkb1 libxcb-randr0 libxcb-util1 libxkbcommon-x11-0 xvfb xauth dbus gnome-keyring
  fonts-dejavu-core fonts-wqy-microhei desktop-file-utils appstream curl
)

install_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system: install the equivalents of: ${SYSTEM_PACKAGES[*]}"
    return 0
  fi
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing system packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { say "need root or sudo to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.13 python3.12)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for dir in "$root"/versions/3.13* "$root"/versions/3.12*; do
      [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
    done
  fi
  candidates+=(python3 python)
  for candidate in "${candidates[@]}"; do
    local path; path=$(command -v "$candidate" 2>/dev/null) || continue
    if python_ok "$path"; then
      # pyenv shims resolve lazily; use the real interpreter
      "$path" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  return 1
}

install_system_packages

PY=$(find_python) || {
  say "no Python >= 3.12 found (PySide6 6.12 crashes Python 3.11)."
  say "install one (e.g. 'apt-get install python3.12' on Ubuntu 24.04, 'pyenv install 3.12') or set PYTHON=/path/to/python3.12"
  exit 1
}

if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
else
  if [ ! -x .tools/bin/uv ]; then
    say "installing uv ${UV_VERSION} into .tools/"
    "$PY" -m venv .tools
    .tools/bin/python -m pip install -q "uv==${UV_VERSION}"
  fi
  UV=.tools/bin/uv
fi

say "syncing .venv from uv.lock with $PY"
# Bytecode compiled now, as an installed app would have it: the first start of the
# window (and every start where PYTHONDONTWRITEBYTECODE is set) skips compiling.
"$UV" sync --frozen --compile-bytecode --python "$PY" --quiet
touch .venv/.installed
