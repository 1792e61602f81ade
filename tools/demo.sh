#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# demo.sh BUILDDIR
#
# Runs the built desktop app uninstalled, on the user's own desktop session (no Xvfb):
# the GSettings schema and the translations come from the build tree. The lead's part
# adds starting a demo qudao-server here; for now it opens the shell.
# Settings go wherever GSettings keeps them on this desktop (dconf), under the app's own
# path /io/github/qudao/Qudao/, shared with an installed Qudao of the same version.
set -euo pipefail

builddir=$(cd "${1:?usage: demo.sh BUILDDIR}" && pwd)
exe="$builddir/src/app/qudao"
[ -x "$exe" ] || { echo "demo: $exe is not built; run make build first" >&2; exit 1; }

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found (DISPLAY / WAYLAND_DISPLAY are unset)." >&2
  echo "demo: run it from a desktop session, or headless: ./tools/run-headless.sh $0 $1" >&2
  exit 1
fi

export GSETTINGS_SCHEMA_DIR="$builddir/data"
export QUDAO_LOCALEDIR="$builddir/po"

exec "$exe" "${@:2}"
