package io.cvmavs.cvm.bench;

import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptStream;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.AnvilOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Freshness of a streamed manuscript (issue 15 item 4): a real anvil mining a block every {@code
 * blockTime}, the manuscript {@code anvil.blocks → postgres} streamed at {@code confirmations}, and
 * two observers polling every 5 ms — the chain head (when each block was first seen) and the table
 * (when its row was first visible to another PostgreSQL session). Latency per block = row visible −
 * block seen; p50, p95 and max over {@code blocks} blocks mined after the job's first row (the
 * catch-up of blocks mined while the job was being submitted is left out).
 *
 * <p>{@code cvm/bench.sh stream [BLOCKS] [BLOCK_MS] [CONFIRMATIONS]}; needs anvil and the
 * PostgreSQL at 127.0.0.1:5432 (database {@code test}).
 */
final class StreamLatency {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private StreamLatency() {}

  static void run(int blocks, long blockMillis, int confirmations) throws Exception {
    Path tmp = Files.createTempDirectory("cvm-stream-bench-");
    String table = "stream_latency_" + ProcessHandle.current().pid();
    try (AnvilNode anvil =
            AnvilNode.start(
                AnvilOptions.defaults()
                    .withBlockTime(Duration.ofMillis(blockMillis))
                    .withLogDirectory(tmp));
        Connection pg = DriverManager.getConnection(PG_URL, "postgres", "")) {
      try (Statement st = pg.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS cvm_bench");
        st.execute("DROP TABLE IF EXISTS cvm_bench." + table);
      }
      Path file = tmp.resolve("blocks.yaml");
      Files.writeString(
          file,
          """
          name: stream_latency
          specVersion: v1.0.0
          sources:
            - name: b
              type: dataset
              dataset: anvil.blocks
          transforms:
            - name: heads
              sql: SELECT block_number, block_hash, block_timestamp FROM b
          sinks:
            - name: heads_pg
              type: postgres
              from: heads
              database: test
              schema: cvm_bench
              table: %s
              primary_key: block_number
          """
              .formatted(table));
      Manuscript m = new ManuscriptParser().parse(file);
      Map<Long, Long> seen = new ConcurrentHashMap<>();
      Map<Long, Long> stored = new ConcurrentHashMap<>();
      long start = anvil.blockNumber() + 1;
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread head =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    long known = start - 1;
                    while (!stop.get()) {
                      long n = anvil.blockNumber();
                      long now = System.nanoTime();
                      for (long b = known + 1; b <= n; b++) {
                        seen.putIfAbsent(b, now);
                      }
                      known = Math.max(known, n);
                      sleep(5);
                    }
                  });
      long submitted = System.nanoTime();
      ManuscriptStream.Job job =
          ManuscriptStream.start(
              FlinkRuntime.embedded(),
              m,
              new ManuscriptStream.Options(
                  anvil.rpcUrl(),
                  confirmations,
                  start,
                  Long.MAX_VALUE,
                  Duration.ofMillis(20),
                  tmp.resolve("state"),
                  Duration.ofSeconds(2),
                  Duration.ofMillis(20),
                  false));
      // measured: the blocks mined after the job's first row (the catch-up of the blocks mined
      // while it was being submitted is left out)
      long firstMeasured = Long.MAX_VALUE;
      long lastMeasured = Long.MAX_VALUE;
      long firstRow = 0;
      long max = start - 1;
      try (Statement st = pg.createStatement()) {
        while (max < lastMeasured) {
          long now;
          long n;
          try (ResultSet rs = st.executeQuery("SELECT max(block_number) FROM cvm_bench." + table)) {
            now = System.nanoTime();
            rs.next();
            n = rs.getLong(1);
          } catch (java.sql.SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
              throw e;
            }
            sleep(5);
            continue; // the sink has not created its table yet
          }
          if (n >= start && firstMeasured == Long.MAX_VALUE) {
            firstRow = now;
            firstMeasured = anvil.blockNumber() + 1;
            lastMeasured = firstMeasured + blocks - 1;
          }
          for (long b = max + 1; b <= n; b++) {
            stored.putIfAbsent(b, now);
          }
          max = Math.max(max, n);
          sleep(5);
        }
      }
      job.cancel();
      stop.set(true);
      head.join();
      List<Double> latencies = new ArrayList<>();
      for (long b = firstMeasured; b <= lastMeasured; b++) {
        latencies.add((stored.get(b) - seen.get(b)) / 1e6);
      }
      latencies.sort(null);
      System.out.printf(
          "stream latency (block seen at the head -> row visible in PostgreSQL), block time %d ms,"
              + " %d confirmations: %d blocks, p50 %.0f ms, p95 %.0f ms, max %.0f ms"
              + " (job submitted to first row %.1f s)%n",
          blockMillis,
          confirmations,
          latencies.size(),
          percentile(latencies, 0.50),
          percentile(latencies, 0.95),
          latencies.getLast(),
          (firstRow - submitted) / 1e9);
      try (Statement st = pg.createStatement()) {
        st.execute("DROP TABLE IF EXISTS cvm_bench." + table);
      }
    }
  }

  private static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
