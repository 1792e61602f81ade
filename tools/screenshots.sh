#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# screenshots.sh BUILDDIR
#
# Takes the README / AppStream screenshots from the real app, in English and zh_CN, light
# and dark, into data/screenshots/. Run it inside tools/run-headless.sh (`make screenshots`
# does): it needs a display, and a CJK font (fonts-wqy-microhei) for the Chinese shots.
# Each shot uses the app's QUDAO_SCREENSHOT hook, which renders the window after its first
# frame and quits, so nothing here waits on a timer.
set -euo pipefail

builddir=$(cd "${1:?usage: screenshots.sh BUILDDIR}" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
outdir="$srcdir/data/screenshots"
exe="$builddir/src/app/qudao"
mkdir -p "$outdir"

[ -x "$exe" ] || { echo "screenshots: $exe is not built" >&2; exit 1; }
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "screenshots: no display; run me as ./tools/run-headless.sh $0 $1" >&2
  exit 1
fi
if ! fc-list :lang=zh-cn family | grep -q .; then
  echo "screenshots: no Chinese font installed (apt-get install fonts-wqy-microhei)" >&2
  exit 1
fi

# Window sizes come from GSettings; a keyfile backend in a private directory lets each
# shot choose one without touching the user's settings.
settings_home=$(mktemp -d "${TMPDIR:-/tmp}/qudao-shots.XXXXXX")
trap 'rm -rf "$settings_home"' EXIT

shoot() { # name language scheme page [width height]
  local name=$1 language=$2 scheme=$3 page=$4 width=${5:-1000} height=${6:-700}
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
      QUDAO_SCREENSHOT="$outdir/$name.png" \
      QUDAO_SCREENSHOT_PAGE="$page" \
      timeout 60 "$exe"
}

shoot shell-en-light en default order
shoot shell-en-dark en prefer-dark order
shoot shell-zh_CN-light zh_CN default order
shoot shell-zh_CN-dark zh_CN prefer-dark orders
shoot shell-zh_CN-narrow zh_CN default order 380 640

ls -l "$outdir"/*.png

# The month-end pages (issue 6) on a generated cache: statements, the stock report with
# lots expiring soon and expired.
month_store="$settings_home/month.sqlite"
"$builddir/tests/app/make-month-store" "$month_store"
shoot_month() { # name language scheme page [statement]
  local name=$1 language=$2 scheme=$3 page=$4 statement=${5:-}
  XDG_CONFIG_HOME="$settings_home" GSETTINGS_BACKEND=keyfile \
    GSETTINGS_SCHEMA_DIR="$builddir/data" sh -c "
      gsettings set io.github.qudao.Qudao window-width 1100 &&
      gsettings set io.github.qudao.Qudao window-height 720"
  env XDG_CONFIG_HOME="$settings_home" GSETTINGS_BACKEND=keyfile \
      GSETTINGS_SCHEMA_DIR="$builddir/data" QUDAO_LOCALEDIR="$builddir/po" \
      LANGUAGE="$language" LANG=C.UTF-8 LC_ALL=C.UTF-8 ADW_DEBUG_COLOR_SCHEME="$scheme" \
      GTK_A11Y=none QUDAO_STORE="$month_store" \
      QUDAO_SCREENSHOT="$outdir/$name.png" QUDAO_SCREENSHOT_PAGE="$page" \
      ${statement:+QUDAO_SCREENSHOT_STATEMENT="$statement"} \
      timeout 60 "$exe"
}
shoot_month statements-en-light en default statements st_10
shoot_month statements-zh_CN-light zh_CN default statements st_10
shoot_month statements-zh_CN-dark zh_CN prefer-dark statements st_09
shoot_month stock-en-light en default stock
shoot_month stock-zh_CN-light zh_CN default stock
ls -l "$outdir"/statements-*.png "$outdir"/stock-*.png
