#!/usr/bin/env bash
# Installs this LuckyMonaco Test Console bundle for the current user (no root needed):
#   ./install.sh              copy to ~/.local/opt/luckymonaco-console, add lm-console to
#                             ~/.local/bin and the app to the desktop's application menu
#   ./install.sh --uninstall  remove all of that again (settings and history stay)
# PREFIX=/opt/... and DATA_HOME=/usr/local/share install system-wide (as root).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
APP=luckymonaco-console
PREFIX="${PREFIX:-$HOME/.local/opt/$APP}"
BIN_DIR="${BIN_DIR:-$HOME/.local/bin}"
DATA_HOME="${DATA_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}}"
say() { printf 'install: %s\n' "$*"; }

refresh_caches() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA_HOME/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$PREFIX"
  rm -f "$BIN_DIR/lm-console" "$DATA_HOME/applications/$APP.desktop" \
        "$DATA_HOME/metainfo/com.luckymonaco.TestConsole.metainfo.xml"
  find "$DATA_HOME/icons/hicolor" -name "$APP.*" -delete 2>/dev/null || true
  refresh_caches
  say "removed $PREFIX and the menu entry"
  exit 0
fi

[ -x "$HERE/lm-console" ] || { say "run this from the unpacked bundle folder (lm-console not found next to it)"; exit 1; }
mkdir -p "$PREFIX" "$BIN_DIR" "$DATA_HOME/applications" "$DATA_HOME/metainfo"
if [ "$HERE" != "$PREFIX" ]; then
  rm -rf "$PREFIX"
  cp -a "$HERE" "$PREFIX"
fi
ln -sfn "$PREFIX/lm-console" "$BIN_DIR/lm-console"
# Absolute paths: the menu must work even when ~/.local/bin is not on the session's PATH.
sed -e "s|^Exec=lm-console|Exec=$PREFIX/lm-console|" -e "s|^TryExec=lm-console|TryExec=$PREFIX/lm-console|" \
  "$HERE/share/applications/$APP.desktop" > "$DATA_HOME/applications/$APP.desktop"
cp "$HERE/share/metainfo/"*.xml "$DATA_HOME/metainfo/"
cp -r "$HERE/share/icons" "$DATA_HOME/"
refresh_caches
say "installed to $PREFIX; run 'lm-console gui' or pick LuckyMonaco Test Console from the menu"
case ":$PATH:" in *":$BIN_DIR:"*) ;; *) say "note: $BIN_DIR is not on your PATH; add it to run lm-console by name" ;; esac
