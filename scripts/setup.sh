#!/usr/bin/env bash
# Installs everything shikaku-fallback needs on a fresh Debian 12 machine (run as root, or with sudo available):
# the Debian packages (PC/SC daemon and virtual reader for the test rig, libusb for node-hid, Chromium and
# Japanese fonts for the browser tests and printing, poppler-utils to read the printed PDFs in the tests,
# fuse3 and python3-pyfuse3 for the power-cut file system of test/store/powercut.test.ts, postgresql for the
# clinic-server tests, which start their own throw-away cluster), then the npm
# dependencies from the lock file.
# Idempotent: packages already present are not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(pcscd vsmartcard-vpcd libpcsclite-dev libpcsclite1 libusb-1.0-0 libudev-dev chromium fonts-noto-cjk poppler-utils fuse3 python3-pyfuse3 postgresql)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's package creates and starts a default cluster; the tests start their own (test/support/postgres.ts)
  # and nothing may keep running on a developer's machine.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    for v in /usr/lib/postgresql/*; do $SUDO pg_ctlcluster "$(basename "$v")" main stop 2>/dev/null || true; done
    $SUDO systemctl disable postgresql 2>/dev/null || true
  fi
fi

# The Electron binary cannot be downloaded everywhere; package.json's allowScripts denies electron's
# postinstall, and `npm start` falls back to the loopback web host when the binary is absent.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
