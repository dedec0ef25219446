#!/bin/sh
# Install a frozen build (scripts/build-frozen) for the kiosk account, with autostart.
#   packaging/linux/install.sh [DIST_DIR]
# PREFIX (default /opt/counter-app) is where the program goes; the autostart entry goes to
# $XDG_CONFIG_HOME/autostart (default ~/.config/autostart) of the user running this.
# Run it as the kiosk user (with sudo only for a PREFIX that user cannot write).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dist=${1:-$here/../../dist/counter-app}
prefix=${PREFIX:-/opt/counter-app}
autostart=${XDG_CONFIG_HOME:-$HOME/.config}/autostart
[ -x "$dist/counter-app" ] || { echo "install.sh: no build in $dist (run scripts/build-frozen)" >&2; exit 1; }
mkdir -p "$prefix" "$autostart"
cp -R "$dist/." "$prefix/"
cp "$here/counter-terminal-start" "$prefix/counter-terminal-start"
chmod 0755 "$prefix/counter-terminal-start"
sed "s#@PREFIX@#$prefix#g" "$here/counter-terminal.desktop" > "$autostart/counter-terminal.desktop"
echo "installed in $prefix; autostart entry $autostart/counter-terminal.desktop"
