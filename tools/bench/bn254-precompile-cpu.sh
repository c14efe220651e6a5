#!/usr/bin/env bash
# anvil's (revm's) CPU time per BN254 pairing, for comparison with crypto's CpuTimeReport (issue 22, item 1).
# Deploys a contract that calls precompile 0x08 n times in one eth_call and reads the anvil process's CPU time
# (utime + stime, /proc, 10 ms ticks) around the call: 1-pair and 2-pair inputs (a BLS verify is 2 pairs).
# Not part of bin/test. Usage: tools/bench/bn254-precompile-cpu.sh [calls per eth_call, default 1000]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
n=${1:-1000}
bin="$root/node_modules/.bin"
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cat > "$work/PairingLoop.sol" <<'SOL'
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// Calls precompile 0x08 n times on the same input (for timing the node's native pairing).
contract PairingLoop {
    function run(bytes calldata input, uint256 n) external view returns (uint256 ok) {
        for (uint256 i = 0; i < n; i++) {
            (bool success, bytes memory out) = address(8).staticcall(input);
            require(success, "pairing failed");
            ok += uint256(bytes32(out));
        }
    }
}
SOL
(cd "$work" && "$bin/solcjs" --bin --optimize PairingLoop.sol -o out >/dev/null)
"$bin/anvil" --port "$port" --gas-limit 100000000000 --silent > "$work/anvil.log" 2>&1 &
launcher=$!
trap 'kill "$launcher" 2>/dev/null; rm -rf "$work"' EXIT
sleep 3
# the npm package starts the native anvil as a child of its launcher: time that process
anvil_pid=$(pgrep -P "$launcher" || true)
anvil_pid=${anvil_pid:-$launcher}
rpc="http://127.0.0.1:$port"
addr=$("$bin/cast" send --rpc-url "$rpc" --unlocked --from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 \
  --create "0x$(cat "$work"/out/*.bin)" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["contractAddress"])')
word() { printf '%064x' "$1"; }
p=21888242871839275222246405745257275088696311157297823662689037894645226208583
g1="$(word 1)$(word 2)"
neg_g1="$(word 1)$(python3 -c "print('%064x' % ($p - 2))")"
# the EIP-197 G2 generator in EVM order (x.c1, x.c0, y.c1, y.c0)
g2=$(python3 -c '
v = [11559732032986387107991004021392285783925812861821192530917403151452391805634,
     10857046999023057135944570762232829481370756359578518086990519993285655852781,
     4082367875863433681332203403145435568316851327593401208105741076214120093531,
     8495653923123431417604973247489272438418190587263600148770280649306958101930]
print("".join("%064x" % x for x in v))')
ticks() { awk '{print $14 + $15}' "/proc/$anvil_pid/stat"; }
call() { # $1 = input hex, $2 = repetitions
  local data
  data=$("$bin/cast" calldata 'run(bytes,uint256)' "0x$1" "$2")
  curl -s "$rpc" -X POST -H 'content-type: application/json' --data \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[{\"to\":\"$addr\",\"data\":\"$data\",\"gas\":\"0x174876e800\"},\"latest\"]}" \
    > "$work/out.json"
  grep -q '"result"' "$work/out.json" || { echo "eth_call failed: $(cat "$work/out.json")" >&2; exit 1; }
}
hz=$(getconf CLK_TCK)
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $n precompile calls per eth_call"
for pairs in 1 2; do
  if [ "$pairs" = 1 ]; then input="$g1$g2"; else input="$g1$g2$neg_g1$g2"; fi
  call "$input" 10
  for rep in 1 2 3; do
    t0=$(ticks); call "$input" "$n"; t1=$(ticks)
    python3 -c "print('pairs=$pairs run $rep: anvil CPU %.3f ms per precompile call' % (($t1 - $t0) * 1000.0 / $hz / $n))"
  done
done
