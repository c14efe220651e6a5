#!/usr/bin/env bash
# 200 signing operators against one aggregator and the real contracts (issue 22, items 2-3): starts anvil, deploys
# with the forge deploy script, registers the operators through the real contracts, creates tasks; per task the
# aggregator's CPU, last signature -> respondToTask sent / mined, the receipt's gasUsed at 0, 10 % and 33 %
# non-signers, heap. The CVM result is computed once per task and shared by the simulated operators; keys,
# signatures, stakes and transactions are real. Not part of bin/test.
# Usage: tools/bench/aggregator-200-chain.sh [tasks per case, default 3] [operators, default 200] [window ms, default 1000]
# BENCH_TRACE=true also prints anvil's callTracer view (every call frame with its gas) of each case's first response.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"
bin/mvn -q -o -pl operator/aggregator -am -Pbench -DskipTests -Dspotless.check.skip=true verify \
  -Dbench.main=io.cvmavs.operator.aggregator.Aggregator200ChainHarness \
  -Dbench.tasks="${1:-3}" -Dbench.operators="${2:-200}" -Dbench.windowMs="${3:-1000}" \
  -Dbench.trace="${BENCH_TRACE:-false}"
