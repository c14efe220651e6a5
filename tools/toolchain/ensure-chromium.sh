#!/usr/bin/env bash
# Makes headless browser tests runnable: Debian's chromium at /usr/bin/chromium (apt-get, when missing) and
# playwright-core from package-lock.json (through ensure-npm.sh). Playwright's own browser download is never used:
# the browser tests launch /usr/bin/chromium through playwright-core's executablePath. Idempotent; safe to re-run.
# Exit code 0 when both are usable; 3 when chromium cannot be installed (the browser tests then skip and say so).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
chromium=${CVMAVS_CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "cvm-avs: $chromium is missing and apt-get is not available; install Chromium and set CVMAVS_CHROMIUM" >&2
    exit 3
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "cvm-avs: $chromium is missing and installing it needs root (apt-get install chromium)" >&2
      exit 3
    fi
  fi
  echo "[toolchain] installing Debian chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  # One lock for parallel builds on the same machine.
  exec 9>/tmp/cvm-avs-apt.lock
  flock 9
  if [ ! -x "$chromium" ]; then
    $sudo apt-get update -qq >/dev/null || true
    if ! $sudo apt-get install -y -qq --no-install-recommends chromium >/tmp/cvm-avs-apt-chromium.log 2>&1; then
      echo "cvm-avs: apt-get install chromium failed (see /tmp/cvm-avs-apt-chromium.log)" >&2
      exit 3
    fi
  fi
fi
"$chromium" --version >/dev/null 2>&1 || { echo "cvm-avs: $chromium does not run" >&2; exit 3; }

"$root/tools/toolchain/ensure-npm.sh"
[ -f "$root/node_modules/playwright-core/package.json" ] || {
  echo "cvm-avs: node_modules/playwright-core is missing after npm install" >&2
  exit 1
}
echo "[toolchain] chromium $("$chromium" --version 2>/dev/null | awk '{print $2}') and playwright-core ready"
