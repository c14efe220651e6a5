#!/usr/bin/env bash
# cvm benchmark harness (docs/BENCHMARKS.md, "## cvm"). Usage: cvm/bench.sh [merkle|decode|block|flink [LOGS]|parquet [ROWS]|ingest|records [BLOCKS]|all]
# or cvm/bench.sh stream [BLOCKS] [BLOCK_MS] [CONFIRMATIONS]: streamed manuscript freshness on anvil + PostgreSQL (not in all).
# `flink LOGS` also runs DuckDB (org.duckdb:duckdb_jdbc, test scope) on the same rows and prints both in rows per
# CPU-second with the ratio. Builds the test classes, then runs io.cvmavs.cvm.bench.CvmBenchmarks in its own JVM (Flink cannot run inside Maven).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=bin/jdk.sh
source "$root/bin/jdk.sh"
cd "$root"
bin/mvn -q -o -pl cvm -am test-compile dependency:build-classpath -Dmdep.outputFile="$root/cvm/target/bench.classpath" \
  -Dmdep.includeScope=test >&2
opens=$(sed -n '/<flink.jvm.opens>/,/<\/flink.jvm.opens>/p' cvm/pom.xml | sed 's/<[^>]*>//g' | tr '\n' ' ')
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx12g ${CVM_BENCH_OPTS:-} $opens -Dcvmavs.repo.root="$root" \
  -cp "cvm/target/test-classes:cvm/target/classes:$(cat cvm/target/bench.classpath)" io.cvmavs.cvm.bench.CvmBenchmarks "$@"
