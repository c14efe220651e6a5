#!/usr/bin/env bash
# Installs the npm toolchain (forge, anvil, cast, solcjs, OpenZeppelin, forge-std) from package-lock.json,
# unless node_modules already matches the lockfile. Called by the contracts module's build.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"
command -v npm >/dev/null 2>&1 || { echo "cvm-avs: npm not found; install Node.js 20.19+ with npm" >&2; exit 1; }
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.cvm-avs-lock.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && [ -x node_modules/.bin/forge ] && [ -x node_modules/.bin/anvil ] && [ -x node_modules/.bin/cast ]; then
  echo "[toolchain] npm packages up to date with package-lock.json, install skipped"
  exit 0
fi
echo "[toolchain] installing npm packages pinned in package.json / package-lock.json"
# `npm ci`, never `npm install`: it installs exactly what package-lock.json pins and never rewrites the tracked
# lockfile. The lockfile lists every platform's optional Foundry binary (npm ci refuses a lockfile that lacks
# them); npm fetches only the current platform's. After changing package.json, regenerate the lockfile once with
# `npm install --package-lock-only` and commit it.
if ! npm ci --no-audit --no-fund --prefer-offline --loglevel=error; then
  echo "cvm-avs: npm ci failed; if it says package.json and package-lock.json are not in sync, run" >&2
  echo "cvm-avs:   npm install --package-lock-only   (in $root) and commit package-lock.json" >&2
  exit 1
fi
for tool in forge anvil cast; do
  "node_modules/.bin/$tool" --version >/dev/null || { echo "cvm-avs: node_modules/.bin/$tool does not run" >&2; exit 1; }
done
sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
