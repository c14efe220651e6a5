#!/usr/bin/env bash
# 200 simulated signing operators (real BLS keys and signatures) against one in-process aggregator (issue 22,
# item 2): per task the aggregator's CPU, the time from the last signature to respondToTask, the verifier's
# batches. The chain behind the aggregator is simulated (no gas). Not part of bin/test.
# Usage: tools/bench/aggregator-200.sh [tasks, default 10] [operators, default 200]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$root"
bin/mvn -q -o -pl operator/aggregator -am -Pbench -DskipTests -Dspotless.check.skip=true verify \
  -Dbench.tasks="${1:-10}" -Dbench.operators="${2:-200}"
