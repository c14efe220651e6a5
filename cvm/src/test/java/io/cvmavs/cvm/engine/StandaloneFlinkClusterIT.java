package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.common.yaml.StrictYaml;
import io.cvmavs.crypto.CryptoException;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.task.AttestedManuscript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attested manuscript on a real standalone Flink 2 session cluster — a JobManager and two
 * TaskManagers as separate JVMs ({@link StandaloneFlinkCluster}) — submitted through {@link
 * FlinkRuntime#remote} with the project's jars shipped with the job (the cluster's classpath holds
 * none of the project's classes, so {@code Decode_Event} reaches it only that way). The tasks read
 * the same segment files (the same dataset root on this machine) and the attested dataset must have
 * the root the embedded runtime computes. Prints both runs' wall times (measured, not asserted:
 * docs/BENCHMARKS.md).
 */
class StandaloneFlinkClusterIT {
  /** Chain blocks of generated logs; {@code -Dcvm.cluster.blocks=200} for the benchmark run. */
  private static final int BLOCKS = Integer.getInteger("cvm.cluster.blocks", 20);

  private static final int LOGS_PER_BLOCK = 500;

  /** Runs of each side (the first is cold); {@code -Dcvm.cluster.runs=2} for the benchmark run. */
  private static final int RUNS = Integer.getInteger("cvm.cluster.runs", 1);

  private static StandaloneFlinkCluster cluster;
  private static SegmentStore store;

  @BeforeAll
  static void startClusterAndStoreLogs() throws IOException {
    Path home = Path.of("target", "flink-cluster").toAbsolutePath();
    deleteRecursively(home);
    cluster = StandaloneFlinkCluster.start(home, 2, 1);
    GeneratedLogs logs =
        new GeneratedLogs(
            15,
            BLOCKS,
            LOGS_PER_BLOCK,
            List.of(ManuscriptRunnerTest.TOKEN_A, ManuscriptRunnerTest.TOKEN_B));
    store = new SegmentStore(home.resolve("data"));
    for (long a = 0; a < BLOCKS; a += 5) {
      long b = Math.min(BLOCKS - 1, a + 4);
      store.write(
          "eth",
          a,
          b,
          "0x" + a,
          "0x" + (b + 1),
          Map.of(ChainTable.TRANSACTION_LOGS, logs.rows("eth", ChainTable.TRANSACTION_LOGS, a, b)));
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      List<Long> pids = cluster.pids();
      cluster.close();
      assertThat(pids)
          .as("cluster JVMs stopped")
          .allMatch(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }
  }

  @Test
  void anAttestedManuscriptOnTheClusterHasTheEmbeddedRoot() throws IOException {
    assertThat(cluster.taskManagers()).isEqualTo(2);
    for (long pid : cluster.pids()) {
      assertThat(FlinkRuntimeLoopbackTest.listeningAddresses(String.valueOf(pid)))
          .as("listening addresses of cluster JVM %d (hex, as /proc prints them)", pid)
          .isNotEmpty()
          .allMatch(FlinkRuntimeLoopbackTest::isLoopback);
    }
    assertThat(Files.readString(Path.of("target", "flink-cluster.classpath")))
        .as("the cluster's own classpath holds no project classes")
        .doesNotContain("io/cvmavs")
        .doesNotContain("/target/classes");
    AttestedManuscript manuscript =
        AttestedManuscript.load(
            "eth",
            "decode.yaml",
            ManuscriptRunnerTest.DECODE
                .replace("parallelism: 1", "parallelism: 2")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(manuscript.refusal()).isEmpty();
    List<String> jars =
        cluster.jobJars(FlinkRuntime.class, StrictYaml.class, CryptoException.class);
    FlinkRuntime remote = FlinkRuntime.remote(cluster.host(), cluster.restPort(), jars);
    assertThat(remote.isEmbedded()).isFalse();

    long[] embeddedMs = new long[RUNS];
    long[] clusterMs = new long[RUNS];
    Map<String, CanonicalDataset> embedded = null;
    Map<String, CanonicalDataset> onCluster = null;
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      embedded =
          manuscript.datasets(
              store, () -> new ManuscriptRunner(FlinkRuntime.embedded(), store), 0, BLOCKS - 1);
      embeddedMs[i] = (System.nanoTime() - t0) / 1_000_000;
      t0 = System.nanoTime();
      onCluster =
          manuscript.datasets(store, () -> new ManuscriptRunner(remote, store), 0, BLOCKS - 1);
      clusterMs[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    CanonicalDataset e = embedded.get("attested");
    CanonicalDataset c = onCluster.get("attested");
    assertThat(e.size()).isGreaterThan(BLOCKS * LOGS_PER_BLOCK / 4);
    assertThat(c.size()).isEqualTo(e.size());
    assertThat(HexFormat.of().formatHex(c.root())).isEqualTo(HexFormat.of().formatHex(e.root()));
    assertThat(cluster.finishedJobs())
        .as("jobs that ran on the standalone cluster")
        .isEqualTo(RUNS);
    System.out.printf(
        "StandaloneFlinkClusterIT: %d logs, %d attested rows, parallelism 2: embedded %s ms;"
            + " standalone cluster (2 TaskManagers) %s ms%n",
        BLOCKS * LOGS_PER_BLOCK,
        e.size(),
        java.util.Arrays.toString(embeddedMs),
        java.util.Arrays.toString(clusterMs));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
