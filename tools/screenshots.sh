#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# screenshots.sh BUILDDIR [OUTDIR]
#
# Takes the README / AppStream screenshots from the real app on real data, into
# data/screenshots/ (or OUTDIR). Like tools/demo.sh: starts `qudao-server --demo` on a free
# loopback port, signs dealer1 in with qudao-cli and syncs its cache; then, so that the
# Orders page has an order with a full status history, queues an order, sends it, has the
# brand (the admin API) approve and ship it, syncs again, and queues one more that stays
# "not yet sent". Each page is then shot from that cache ($QUDAO_STORE: no network) at
# 1280×800, in zh_CN (every page, light; the Order, Orders and Statements pages dark too)
# and in English (light and dark).
# Run it inside tools/run-headless.sh (`make screenshots` does): it needs a display, a
# D-Bus session with an unlocked keyring (the sign-in token), and a CJK font
# (fonts-wqy-microhei). Each shot uses the app's QUDAO_SCREENSHOT hook, which renders the
# window after its first frame and quits, so nothing here waits on a timer.
# The Dashboard page has its own script, tools/dashboard-screenshots.sh.
set -euo pipefail

builddir=$(cd "${1:?usage: screenshots.sh BUILDDIR [OUTDIR]}" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
outdir=${2:-$srcdir/data/screenshots}
exe="$builddir/src/app/qudao"
cli="$builddir/src/cli/qudao-cli"
server="$builddir/src/server/qudao-server"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

for x in "$exe" "$cli" "$server"; do
  [ -x "$x" ] || { echo "screenshots: $x is not built" >&2; exit 1; }
done
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "screenshots: no display; run me as ./tools/run-headless.sh $0 $1" >&2
  exit 1
fi
if ! fc-list :lang=zh-cn family | grep -q .; then
  echo "screenshots: no Chinese font installed (apt-get install fonts-wqy-microhei)" >&2
  exit 1
fi
command -v curl >/dev/null || { echo "screenshots: curl is needed for the admin API" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/qudao-shots.XXXXXX")
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
[ -n "$url" ] || { echo "screenshots: the server did not start" >&2; exit 1; }

client="$work/client"
qcli() { "$cli" --data-dir "$client" "$@"; }
echo -n qudao-demo | qcli login --server "$url" --user dealer1 --password-stdin
qcli sync

# The first SKUs of the catalog as the cache has them (JSON: {"products":[{"sku":…}]}).
sku_list=$(qcli --json catalog search --limit 3 "" | grep -o '"sku":"[^"]*"' | cut -d'"' -f4)
[ -n "$sku_list" ] || { echo "screenshots: the demo catalog is empty" >&2; exit 1; }
pack_of() { # sku → pack size
  qcli --json catalog search --limit 1 "$1" | grep -o '"pack_size":[0-9]*' | head -n 1 | cut -d: -f2
}
lines=()
n=2
for sku in $sku_list; do
  pack=$(pack_of "$sku")
  lines+=("$sku:$(( ${pack:-1} * n ))")
  n=$(( n + 1 ))
done

# An order through its whole life: sent, approved and shipped by the brand, synced.
order_id=$(qcli order add --note "月初补货" "${lines[@]}" | tail -n 1)
qcli sync
token=$(curl -sf -X POST "$url/api/v1/session" -H 'Content-Type: application/json' \
          -d '{"username":"admin","password":"qudao-demo"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "screenshots: the admin could not sign in" >&2; exit 1; }
admin_status() { # order status
  curl -sf -X POST "$url/api/v1/admin/orders/$1/status" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"status\":\"$2\"}" >/dev/null
}
# A large order may be held for review first; approving works from both.
admin_status "$order_id" approved
qcli sync
admin_status "$order_id" shipped
qcli sync
# …and one saved offline, not sent yet.
qcli order add "${lines[0]}" >/dev/null
cache=$(find "$client" -name '*.sqlite' | head -n 1)
statement=$(qcli --json statements | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
[ -n "$cache" ] || { echo "screenshots: no cache was written" >&2; exit 1; }

# Window sizes come from GSettings; a keyfile backend in a private directory lets each
# shot choose one without touching the user's settings.
settings_home="$work/settings"
mkdir -p "$settings_home"
shoot() { # name language scheme page [width height] [VAR=value…]
  local name=$1 language=$2 scheme=$3 page=$4 width=${5:-1280} height=${6:-800}
  shift 6 2>/dev/null || shift $#
  XDG_CONFIG_HOME="$settings_home" GSETTINGS_BACKEND=keyfile \
    GSETTINGS_SCHEMA_DIR="$builddir/data" sh -c "
      gsettings set io.github.qudao.Qudao window-width $width &&
      gsettings set io.github.qudao.Qudao window-height $height"
  env XDG_CONFIG_HOME="$settings_home" GSETTINGS_BACKEND=keyfile \
      GSETTINGS_SCHEMA_DIR="$builddir/data" \
      QUDAO_LOCALEDIR="$builddir/po" \
      LANGUAGE="$language" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
      ADW_DEBUG_COLOR_SCHEME="$scheme" \
      GTK_A11Y=none \
      QUDAO_STORE="$cache" \
      QUDAO_SCREENSHOT="$outdir/$name.png" \
      QUDAO_SCREENSHOT_PAGE="$page" \
      "$@" \
      timeout 60 "$exe"
}

# zh_CN, every page (the dashboard: tools/dashboard-screenshots.sh).
shoot order-zh_CN-light zh_CN default order
shoot orders-zh_CN-light zh_CN default orders 1280 800 QUDAO_SCREENSHOT_ORDER="$order_id"
shoot stock-zh_CN-light zh_CN default stock
shoot statements-zh_CN-light zh_CN default statements 1280 800 \
  ${statement:+QUDAO_SCREENSHOT_STATEMENT="$statement"}
# The names the README and the AppStream metainfo use.
shoot shell-zh_CN-light zh_CN default order
shoot shell-zh_CN-dark zh_CN prefer-dark orders 1280 800 QUDAO_SCREENSHOT_ORDER="$order_id"
shoot shell-zh_CN-narrow zh_CN default order 380 640
shoot shell-en-light en default order
shoot shell-en-dark en prefer-dark orders 1280 800 QUDAO_SCREENSHOT_ORDER="$order_id"
shoot statements-zh_CN-dark zh_CN prefer-dark statements 1280 800 \
  ${statement:+QUDAO_SCREENSHOT_STATEMENT="$statement"}
shoot statements-en-light en default statements 1280 800 \
  ${statement:+QUDAO_SCREENSHOT_STATEMENT="$statement"}
shoot stock-en-light en default stock
# The sign-in window of a first start, and the ordering pages of issue 5, in both
# languages and both styles.
shoot sign-in-zh_CN-light zh_CN default sign-in
shoot sign-in-en-dark en prefer-dark sign-in
shoot order-zh_CN-dark zh_CN prefer-dark order
shoot order-en-light en default order
shoot order-en-dark en prefer-dark order
shoot orders-en-light en default orders 1280 800 QUDAO_SCREENSHOT_ORDER="$order_id"

ls -l "$outdir"/sign-in-*.png "$outdir"/order-*.png "$outdir"/orders-*.png "$outdir"/shell-*.png \
  "$outdir"/statements-*.png "$outdir"/stock-*.png
