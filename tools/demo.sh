#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# demo.sh BUILDDIR [APP ARGS…]
#
# What `make demo` runs: starts the built qudao-server with its demo data set on its
# embedded SQLite under a per-user folder, signs the desktop client in as dealer1 (the token
# goes to the keyring like any sign-in), fills its cache with one sync, and opens the app
# uninstalled (schemas and translations from the build tree). Closing the app stops the
# server; the data stays for the next run.
#
#   QUDAO_DEMO_DIR   where server and client data live ($XDG_DATA_HOME/qudao-demo)
#   QUDAO_DEMO_PORT  the server's port on 127.0.0.1 (8421)
#   QUDAO_DEMO_USER  dealer1 (or dealer2, manager1, admin; password qudao-demo)
set -euo pipefail

builddir=$(cd "${1:?usage: demo.sh BUILDDIR}" && pwd)
shift
app="$builddir/src/app/qudao"
server="$builddir/src/server/qudao-server"
cli="$builddir/src/cli/qudao-cli"
for exe in "$app" "$server" "$cli"; do
  [ -x "$exe" ] || { echo "demo: $exe is not built; run make build first" >&2; exit 1; }
done

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found (DISPLAY / WAYLAND_DISPLAY are unset)." >&2
  echo "demo: run it from a desktop session, or headless: ./tools/run-headless.sh $0 $builddir" >&2
  exit 1
fi

demo_dir=${QUDAO_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/qudao-demo}
port=${QUDAO_DEMO_PORT:-8421}
user=${QUDAO_DEMO_USER:-dealer1}
mkdir -p "$demo_dir/server" "$demo_dir/client"

export GSETTINGS_SCHEMA_DIR="$builddir/data"
export QUDAO_LOCALEDIR="$builddir/po"

# The server prints "listening on URL" once it accepts connections; wait for that line
# (bounded), not for a fixed time.
fifo="$demo_dir/server.out"
rm -f "$fifo"
mkfifo "$fifo"
"$server" --data-dir "$demo_dir/server" --listen "127.0.0.1:$port" --demo >"$fifo" \
  2>"$demo_dir/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -f "$fifo"' EXIT
url=""
exec 4<"$fifo"
while IFS= read -r -t 120 line <&4; do
  case "$line" in
    "listening on "*) url=${line#listening on }; break ;;
  esac
done
if [ -z "$url" ]; then
  echo "demo: qudao-server did not start; its log ($demo_dir/server.log) says:" >&2
  tail -n 5 "$demo_dir/server.log" >&2
  exit 1
fi
# Keep draining the server's stdout so it never blocks on a full pipe.
cat <&4 >/dev/null &
echo "demo: qudao-server with demo data at $url (data in $demo_dir/server)"

printf 'qudao-demo' | "$cli" --data-dir "$demo_dir/client" login --server "$url" \
  --user "$user" --password-stdin
"$cli" --data-dir "$demo_dir/client" sync || echo "demo: the first sync did not finish; the app will retry" >&2

echo "demo: opening Qudao signed in as $user"
QUDAO_DATA_DIR="$demo_dir/client" "$app" "$@"
