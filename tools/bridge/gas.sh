#!/usr/bin/env bash
# Whole-transaction gas of CvmCheckpoints.submitCheckpoint and CBridge.claimWithdrawal, read from anvil receipts.
# Usage: tools/bridge/gas.sh [hardfork]   (default: cancun, the evm_version of foundry.toml; try "osaka" too)
set -euo pipefail
cd "$(dirname "$0")/../.."
HARDFORK="${1:-cancun}"
BIN=node_modules/.bin
LOG="$(mktemp)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN/anvil" --host 127.0.0.1 --port "$PORT" --hardfork "$HARDFORK" --silent >"$LOG" 2>&1 &
ANVIL=$!
trap 'kill "$ANVIL" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  "$BIN/cast" chain-id --rpc-url "http://127.0.0.1:$PORT" >/dev/null 2>&1 && break
  sleep 0.2
done
RPC="http://127.0.0.1:$PORT"
KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # anvil's published account 0
"$BIN/forge" script contracts/test/bridge/BridgeGasRun.s.sol:BridgeGasRun --rpc-url "$RPC" --private-key "$KEY" \
  --broadcast --slow --skip-simulation -q >/dev/null
RUN=target/forge-broadcast/BridgeGasRun.s.sol/31337/run-latest.json
echo "hardfork $HARDFORK"
jq -r '[.transactions, .receipts] | transpose[] | "\(.[0].function // ("create " + .[0].contractName))\t\(.[1].gasUsed)\t calldata bytes \((.[0].transaction.input | length - 2) / 2)"' "$RUN" \
  | grep -E "submitCheckpoint|claimWithdrawal" | while IFS=$'\t' read -r fn gas rest; do
      printf '%s\t%d\t%s\n' "${fn%%(*}" "$gas" "$rest"
    done
