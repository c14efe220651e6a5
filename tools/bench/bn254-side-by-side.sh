#!/usr/bin/env bash
# BN254 side by side in one run (issue 22 item 1; docs/BENCHMARKS.md "BN254 side by side"): CPU time per pairing
# and per 2-pair check (a BLS verify's pairing work) of
#   - this project (crypto's CpuTimeReport: thread CPU time, JIT warmed up by a first round),
#   - anvil's native precompile 0x08 (revm; tools/bench/bn254-precompile-cpu.sh: anvil's process CPU time),
#   - mcl-wasm and @noble/curves (tools/bench/bn254-js.cjs: the node process's CPU time, bilinearity checked first),
# then the ratios of each to the project (> 1: the project is faster). The four run one after the other, so compare
# them only at a steady load (printed). Not part of bin/test.
# Usage: tools/bench/bn254-side-by-side.sh [precompile calls per eth_call, default 1000] [JS pairings, default 300]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# shellcheck source=bin/jdk.sh
source "$root/bin/jdk.sh"
calls=${1:-1000}
jsn=${2:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "BN254 side by side, $(date -u +%FT%TZ), $(nproc) cores, load average $(load)"

echo "[1/3] this project (crypto CpuTimeReport; builds crypto's benchmarks jar)"
"$root/bin/mvn" -q -o -pl crypto -am -Pbench package -DskipTests >&2
"$JAVA_HOME/bin/java" -cp "$root/crypto/target/benchmarks.jar" io.cvmavs.crypto.bench.CpuTimeReport > "$work/java.txt"
java_pair=$(awk '$1 == "pairing" {print $2}' "$work/java.txt")
java_two=$(awk '$1 == "multiPairing2" {print $2}' "$work/java.txt")
java_verify=$(awk '$1 == "verify" {print $2}' "$work/java.txt")
[ -n "$java_pair" ] && [ -n "$java_two" ] || { echo "no pairing line from CpuTimeReport:" >&2; cat "$work/java.txt" >&2; exit 1; }

echo "[2/3] anvil's precompile 0x08 ($calls calls per eth_call, 3 runs, median)"
"$root/tools/bench/bn254-precompile-cpu.sh" "$calls" > "$work/anvil.txt"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
anvil_one=$(sed -n 's/^pairs=1 run [0-9]*: anvil CPU \([0-9.]*\) ms.*/\1/p' "$work/anvil.txt" | median)
anvil_two=$(sed -n 's/^pairs=2 run [0-9]*: anvil CPU \([0-9.]*\) ms.*/\1/p' "$work/anvil.txt" | median)
[ -n "$anvil_one" ] && [ -n "$anvil_two" ] || { echo "no figure from the precompile run:" >&2; cat "$work/anvil.txt" >&2; exit 1; }

echo "[3/3] mcl-wasm and @noble/curves ($jsn pairings each)"
node "$root/tools/bench/bn254-js.cjs" "$jsn" > "$work/js.txt"
js() { # $1 = library, $2 = field
  awk -v lib="$1" -v f="$2" '$1 == lib { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$work/js.txt"
}

python3 - "$java_pair" "$java_two" "$java_verify" "$anvil_one" "$anvil_two" \
  "$(js mcl-wasm pairing_us)" "$(js mcl-wasm verify_us)" "$(js @noble/curves pairing_us)" "$(js @noble/curves verify_us)" <<'PY'
import sys
jp, j2, jv, a1, a2, mp, m2, np_, n2 = (float(x) for x in sys.argv[1:])
a1 *= 1000; a2 *= 1000  # ms -> µs
rows = [
    ("cvm-avs (Java, this project)", jp, j2),
    ("anvil / revm precompile 0x08 (native)", a1, a2),
    ("mcl-wasm 2.4.1 (WebAssembly)", mp, m2),
    ("@noble/curves 2.0.1 (JavaScript)", np_, n2),
]
print()
print(f"{'implementation':40} {'pairing µs':>11} {'÷ ours':>7} {'2-pair check µs':>16} {'÷ ours':>7}")
for name, one, two in rows:
    print(f"{name:40} {one:11.0f} {one / jp:7.2f} {two:16.0f} {two / j2:7.2f}")
print(f"\n(ours: BLS verify incl. hash-to-curve {jv:.0f} µs; '÷ ours' > 1 means slower than this project)")
PY
echo "load average at the end: $(load)"
