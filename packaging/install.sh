#!/usr/bin/env bash
# Installs this built tumorboard folder for the current user (default) or, with --system, for
# everyone (run as root): the folder is copied, `tumorboard` is put on the PATH, and the desktop
# entry and icons make the app appear in the desktop's application menu.
#
# usage: ./install.sh [--system] [--uninstall]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
VERSION=$(cat "$HERE/VERSION")
SYSTEM=no
if [ "${1:-}" = "--system" ]; then
    shift
    SYSTEM=yes
    APPS=/opt; BIN=/usr/local/bin; SHARE=/usr/local/share
else
    APPS="$HOME/.local/opt"; BIN="$HOME/.local/bin"; SHARE="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
DEST="$APPS/tumorboard-$VERSION"
SIZES="16 24 32 48 64 128 256 512"

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$DEST"
    rm -f "$BIN/tumorboard" "$SHARE/applications/tumorboard.desktop" \
          "$SHARE/icons/hicolor/scalable/apps/tumorboard.svg"
    for size in $SIZES; do rm -f "$SHARE/icons/hicolor/${size}x${size}/apps/tumorboard.png"; done
    echo "removed tumorboard $VERSION (your database and backups were kept)"
    exit 0
fi

mkdir -p "$APPS" "$BIN" "$SHARE/applications" "$SHARE/icons/hicolor/scalable/apps"
if [ "$HERE" != "$DEST" ]; then
    rm -rf "$DEST"
    cp -a "$HERE" "$DEST"
fi
ln -sfn "$DEST/tumorboard" "$BIN/tumorboard"
sed "s|^Exec=tumorboard|Exec=$DEST/tumorboard|; s|^TryExec=tumorboard|TryExec=$DEST/tumorboard|" \
    "$HERE/tumorboard.desktop" > "$SHARE/applications/tumorboard.desktop"
cp "$HERE/icons/tumorboard.svg" "$SHARE/icons/hicolor/scalable/apps/tumorboard.svg"
for size in $SIZES; do
    mkdir -p "$SHARE/icons/hicolor/${size}x${size}/apps"
    cp "$HERE/icons/png/tumorboard-$size.png" "$SHARE/icons/hicolor/${size}x${size}/apps/tumorboard.png"
done
if [ "$SYSTEM" = yes ]; then  # desktops read a user's folders afresh; system-wide ones have caches
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$SHARE/applications" || true; fi
    if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true; fi
fi
echo "installed tumorboard $VERSION in $DEST; run 'tumorboard' or open it from the application menu"
case ":$PATH:" in *":$BIN:"*) ;; *) echo "note: $BIN is not on your PATH" ;; esac
