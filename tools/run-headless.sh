#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-headless.sh COMMAND [ARGS…]
#
# Runs COMMAND in a private headless desktop session, the way `make check` runs the test
# suite: a fresh HOME and XDG directories, an Xvfb display (-noreset, chosen with
# -displayfd so parallel runs never collide), a private D-Bus session bus, and an unlocked
# gnome-keyring serving the Secret Service. Everything is torn down afterwards, and the exit
# status is COMMAND's.
set -euo pipefail

if [ "${QUDAO_HEADLESS_INNER:-0}" != 1 ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/qudao-headless.XXXXXX")
  xvfb_pid=""
  cleanup() {
    if [ -n "$xvfb_pid" ]; then
      kill "$xvfb_pid" 2>/dev/null || true
      wait "$xvfb_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
  }
  trap cleanup EXIT

  mkdir -p "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"
  chmod 700 "$tmp/runtime"
  export HOME="$tmp/home"
  export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
  export XDG_RUNTIME_DIR="$tmp/runtime"
  unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK || true

  # Xvfb writes the display number it picked to fd 3 once it accepts connections.
  Xvfb -displayfd 3 -noreset -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display" \
    >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 200); do
    if grep -q '^[0-9]' "$tmp/display" 2>/dev/null; then break; fi
    if ! kill -0 "$xvfb_pid" 2>/dev/null; then
      echo "run-headless: Xvfb failed to start:" >&2; cat "$tmp/xvfb.log" >&2; exit 1
    fi
    sleep 0.05 # polling a file Xvfb writes when ready; bounded at 10 s
  done
  display=$(head -n1 "$tmp/display")
  [ -n "$display" ] || { echo "run-headless: Xvfb did not report a display" >&2; exit 1; }
  export DISPLAY=":$display"
  export GDK_BACKEND=x11 GSK_RENDERER=cairo
  export NO_AT_BRIDGE=0

  set +e
  QUDAO_HEADLESS_INNER=1 dbus-run-session -- "$0" "$@"
  rc=$?
  set -e
  exit $rc
fi

# Inside the D-Bus session: an unlocked default keyring collection.
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf 'qudao-headless' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL || true
fi

# Forget that we are inside, so a command that calls this script again (each UI scenario
# does) gets a session of its own.
unset QUDAO_HEADLESS_INNER
exec "$@"
