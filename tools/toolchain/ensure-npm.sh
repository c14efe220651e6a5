#!/usr/bin/env bash
# Installs the npm toolchain (forge, anvil, cast, solcjs, OpenZeppelin, forge-std) from package-lock.json,
# unless node_modules already matches the lockfile. Called by the contracts module's build.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"
command -v npm >/dev/null 2>&1 || { echo "cvm-avs: npm not found; install Node.js 20+ with npm" >&2; exit 1; }
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.cvm-avs-lock.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && [ -x node_modules/.bin/forge ] && [ -x node_modules/.bin/anvil ] && [ -x node_modules/.bin/cast ]; then
  echo "[toolchain] npm packages up to date with package-lock.json, install skipped"
  exit 0
fi
echo "[toolchain] installing npm packages pinned in package.json / package-lock.json"
# Not `npm ci`: some of Foundry's other-platform optional packages are not on every registry mirror, and npm ci
# refuses a lockfile without them; npm install skips missing optional packages. Versions are pinned exactly.
npm install --no-audit --no-fund --prefer-offline --loglevel=error
for tool in forge anvil cast; do
  "node_modules/.bin/$tool" --version >/dev/null || { echo "cvm-avs: node_modules/.bin/$tool does not run" >&2; exit 1; }
done
sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
