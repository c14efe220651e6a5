#!/usr/bin/env bash
# End-to-end attestation harness (issue "operator", Performance): runs the devnet at 1-second blocks with
# 3 and with 10 operators, one CVM block (= one task) per chain block, and prints latency from the task's
# creation being mined to TaskResponded being seen (median, p95), sustained tasks per minute and gas per
# response. Not part of bin/test. Usage: tools/bench/e2e-latency.sh [tasks per run, default 30]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
tasks=${1:-30}
out="$root/target/bench"
mkdir -p "$out"
for n in 3 10; do
  echo "[bench] devnet: $n operators, $tasks tasks, 1 s blocks, 1 chain block per CVM block" >&2
  "$root/bin/cvm-avs" devnet --port 0 --operators "$n" --blocks "$tasks" --cvm-span 1 --block-time 1 \
    --summary-json "$out/e2e-$n.json" > "$out/e2e-$n.log" 2>&1 || {
      echo "[bench] devnet with $n operators failed; see $out/e2e-$n.log" >&2; exit 1; }
done
printf '%-10s %-8s %-10s %-10s %-12s %-10s\n' operators tasks median_ms p95_ms tasks_per_min gas_median
for n in 3 10; do
  python3 - "$out/e2e-$n.json" "$n" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:<10} {s['tasks_responded']:<8} {s['latency_median_ms']:<10} {s['latency_p95_ms']:<10} "
      f"{s['tasks_per_minute']:<12.1f} {s['response_gas_median']:<10}")
PY
done
