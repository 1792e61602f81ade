#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the Debian/Ubuntu packages Qudao needs to build, test and run, but only
# those that are missing, so `make demo` and `make check` are cheap on a ready machine.
# Uses sudo when not root. Set QUDAO_NO_INSTALL=1 to skip (e.g. on a distro that is
# not Debian-based, after installing the equivalents by hand).
set -euo pipefail

[ "${QUDAO_NO_INSTALL:-0}" = 1 ] && exit 0

packages=(
  build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-bin libglib2.0-dev-bin
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
  libsqlite3-dev sqlite3 libsodium-dev libpq-dev libicu-dev postgresql
  appstream desktop-file-utils
  xvfb xauth dbus dbus-x11 gnome-keyring at-spi2-core python3 python3-gi gir1.2-atspi-2.0
  fonts-wqy-microhei flatpak-builder poppler-utils wrk
  librsvg2-common
  curl
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: not a Debian-based system; install the equivalents of: ${packages[*]}" >&2
  echo "install-deps: then run with QUDAO_NO_INSTALL=1" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
