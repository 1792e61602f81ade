#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# dashboard-screenshots.sh BUILDDIR [OUTDIR]
#
# Screenshots of the Dashboard page on real data: starts `qudao-server --demo` on a free
# loopback port, logs in with qudao-cli as manager1 (华东) and as dealer1, syncs both caches,
# and shoots the app on each cache ($QUDAO_STORE) at 1280×800 and narrow, English and zh_CN,
# light and dark, into OUTDIR (default data/screenshots/). Run it inside
# tools/run-headless.sh: it needs a display, a D-Bus session and an unlocked keyring.
set -euo pipefail

builddir=$(cd "${1:?usage: dashboard-screenshots.sh BUILDDIR [OUTDIR]}" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
outdir=${2:-$srcdir/data/screenshots}
exe="$builddir/src/app/qudao"
cli="$builddir/src/cli/qudao-cli"
server="$builddir/src/server/qudao-server"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/qudao-dash-shots.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server" --demo --data-dir "$work/server" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 1 600); do  # up to 60 s for the demo data to load
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "dashboard-screenshots: the server did not start" >&2; exit 1; }

sync_cache() { # user → prints the cache file
  local user=$1 dir="$work/$1"
  echo -n qudao-demo | "$cli" --data-dir "$dir" login --server "$url" --user "$user" \
    --password-stdin >&2
  "$cli" --data-dir "$dir" sync >&2
  find "$dir" -name '*.sqlite' -o -name '*.db' | head -n 1
}
manager_cache=$(sync_cache manager1)
dealer_cache=$(sync_cache dealer1)

settings_home="$work/settings"
mkdir -p "$settings_home"
shoot() { # name cache language scheme [width height]
  local name=$1 cache=$2 language=$3 scheme=$4 width=${5:-1280} height=${6:-800}
  XDG_CONFIG_HOME="$settings_home" GSETTINGS_BACKEND=keyfile \
    GSETTINGS_SCHEMA_DIR="$builddir/data" sh -c "
      gsettings set io.github.qudao.Qudao window-width $width &&
      gsettings set io.github.qudao.Qudao window-height $height"
  env XDG_CONFIG_HOME="$settings_home" GSETTINGS_BACKEND=keyfile \
      GSETTINGS_SCHEMA_DIR="$builddir/data" QUDAO_LOCALEDIR="$builddir/po" \
      LANGUAGE="$language" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
      ADW_DEBUG_COLOR_SCHEME="$scheme" GTK_A11Y=none \
      QUDAO_STORE="$cache" QUDAO_SCREENSHOT="$outdir/$name.png" \
      QUDAO_SCREENSHOT_PAGE=dashboard \
      timeout 60 "$exe"
}

shoot dashboard-manager-en-light "$manager_cache" en default
shoot dashboard-manager-en-dark "$manager_cache" en prefer-dark
shoot dashboard-manager-zh_CN-light "$manager_cache" zh_CN default
shoot dashboard-manager-zh_CN-dark "$manager_cache" zh_CN prefer-dark
shoot dashboard-manager-zh_CN-narrow "$manager_cache" zh_CN default 380 720
shoot dashboard-manager-en-narrow "$manager_cache" en prefer-dark 380 720
shoot dashboard-dealer-en-light "$dealer_cache" en default
shoot dashboard-dealer-zh_CN-dark "$dealer_cache" zh_CN prefer-dark
shoot dashboard-dealer-zh_CN-narrow "$dealer_cache" zh_CN default 380 720

ls -l "$outdir"/dashboard-*.png
