#!/usr/bin/env bash
# Installs everything `make run` / `make test` need on a fresh Debian/Ubuntu machine:
# the system libraries Qt and QtWebEngine load, D-Bus + gnome-keyring for the keyring
# tests, a Python >= 3.12, uv, and the locked Python packages in $VENV (default .venv).
#   scripts/bootstrap.sh                   set up (PYTHON=/path/to/python picks the interpreter)
#   scripts/bootstrap.sh --find-python 3.13  print the path of a Python 3.13 here, or fail
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
VENV="${VENV:-.venv}"
say() { printf 'bootstrap: %s\n' "$*"; }

# Names as Debian 12 spells them. Newer releases renamed some (the 64-bit time
# transition: libglib2.0-0t64, libasound2t64, ...) and keep the old name as a virtual
# package, so a name counts as installed when an installed package provides it.
# fonts-wqy-microhei, fonts-thai-tlwg: the demo game speaks ja/ko/zh and th; headless
# machines have neither font. tesseract-ocr: the screen-share test reads screenshots
# as a viewer would (OCR). x11-utils: the real-screen tests read the title X shows (xprop).
SYSTEM_PACKAGES=(
  ca-certificates libglib2.0-0 libgl1 libegl1 libgbm1 libfontconfig1 libfreetype6
  libxkbcommon0 libdbus-1-3 libbrotli1 libx11-6 libx11-xcb1 libxcb1 libxext6 libxfixes3
  libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libxcb-dri3-0 libxcb-shm0
  libxcb-render0 libxcb-xfixes0 libxcb-sync1 libnss3 libnspr4 libasound2 libxcb-cursor0
  libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
  libxcb-xkb1 libxcb-randr0 libxcb-util1 libxkbcommon-x11-0 xvfb xauth dbus gnome-keyring
  fonts-dejavu-core fonts-wqy-microhei fonts-thai-tlwg desktop-file-utils appstream curl
  tesseract-ocr x11-utils
)

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

# The newest-first list of interpreters to try for version prefix $1 (default: any >= 3.12).
python_candidates() {
  local want="${1:-}" versions=(3.13 3.12)
  [ -n "$want" ] && versions=("$want")
  [ -n "${PYTHON:-}" ] && [ -z "$want" ] && echo "$PYTHON"
  local v
  for v in "${versions[@]}"; do echo "python$v"; done
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for v in "${versions[@]}"; do
      for dir in "$root"/versions/"$v"*; do [ -x "$dir/bin/python" ] && echo "$dir/bin/python"; done
    done
  fi
  # A Python that `uv python install` put in place (allowed by [tool.uv] in pyproject.toml).
  local uv; uv=$(find_uv) && for v in "${versions[@]}"; do "$uv" python find --managed-python --no-python-downloads "$v" 2>/dev/null || true; done
  [ -z "$want" ] && printf '%s\n' python3 python
  return 0
}

find_python() {
  local candidate path
  while read -r candidate; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    python_ok "$path" || continue
    if [ -n "${1:-}" ]; then
      "$path" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$1' else 1)" || continue
    fi
    # pyenv shims resolve lazily; use the real interpreter
    "$path" -c 'import sys; print(sys.executable)'
    return 0
  done < <(python_candidates "${1:-}")
  return 1
}

find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv
  elif [ -x .tools/bin/uv ]; then echo .tools/bin/uv
  else return 1
  fi
}

if [ "${1:-}" = "--find-python" ]; then
  find_python "$2"
  exit
fi

# Every package name an installed package answers to: its own and what it provides.
installed_names() {
  dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Provides}\n' 2>/dev/null | awk -F'|' '
    $1 ~ /^ii/ { print $2; n = split($3, p, ", *"); for (i = 1; i <= n; i++) { split(p[i], q, " "); if (q[1] != "") print q[1] } }'
}

# The real package apt offers for a name: itself, or the one providing a virtual name.
resolve_package() {
  # (apt-cache show exits 0 even for a purely virtual name: look for a real record)
  if apt-cache show --no-all-versions "$1" 2>/dev/null | grep -q '^Package:'; then echo "$1"; return; fi
  local provider
  provider=$(apt-cache showpkg "$1" 2>/dev/null | sed -n '/^Reverse Provides:/{n;p;q}' | cut -d' ' -f1)
  echo "${provider:-$1}"
}

install_system_packages() {
  local wanted=("$@")
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system: install the equivalents of: ${wanted[*]}"
    return 0
  fi
  local have missing=() pkg
  have=$(installed_names | sort -u)
  for pkg in "${wanted[@]}"; do
    grep -qxF -- "$pkg" <<<"$have" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { say "need root or sudo to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  local resolved=()
  for pkg in "${missing[@]}"; do resolved+=("$(resolve_package "$pkg")"); done
  say "installing system packages: ${resolved[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${resolved[@]}" >/dev/null
}

PY=$(find_python) || PY=""
wanted=("${SYSTEM_PACKAGES[@]}")
# The distribution's python3 with venv (ensurepip): the interpreter itself where it is
# >= 3.12 (Debian 13: 3.13), else only to install uv, which then fetches a Python.
case "$PY" in ""|/usr/bin/*) wanted+=(python3 python3-venv) ;; esac
install_system_packages "${wanted[@]}"

BOOT_PY=${PY:-$(find_python)} || BOOT_PY=python3
UV=$(find_uv) || {
  say "installing uv ${UV_VERSION} into .tools/"
  "$BOOT_PY" -m venv .tools
  .tools/bin/python -m pip install -q "uv==${UV_VERSION}"
  UV=.tools/bin/uv
}

[ -n "$PY" ] || PY=$(find_python) || {
  say "no Python >= 3.12 on this system: asking uv for one (uv python install 3.12)"
  "$UV" python install --quiet 3.12 >/dev/null 2>&1 || true
  PY=$(find_python)
} || {
  say "no Python >= 3.12 here (this system's python3 is $(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || echo missing); PySide6 6.12 crashes Python 3.11) and 'uv python install 3.12' could not download one. What works on this system: the desktop package (build it with 'make deb' on a machine with Python >= 3.12, then 'apt-get install ./luckymonaco-console_*.deb' here), or 'PYTHON=/path/to/python3.12 make test' with a Python 3.12 built by 'pyenv install 3.12' (needs build-essential and python.org) or 'uv python install 3.12' on a network that reaches GitHub."
  exit 1
}

say "syncing $VENV from uv.lock with $PY"
# Bytecode compiled now, as an installed app would have it: the first start of the
# window (and every start where PYTHONDONTWRITEBYTECODE is set) skips compiling.
UV_PROJECT_ENVIRONMENT="$VENV" "$UV" sync --frozen --compile-bytecode --python "$PY" --quiet
touch "$VENV/.installed"
