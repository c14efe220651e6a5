package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on the JVM's warm embedded Flink cluster, over generated chain rows (an in-memory
 * {@link io.cvmavs.cvm.ingest.ChainData}; the path from anvil through the segment store is covered
 * by {@code Erc20ManuscriptIT}).
 */
class ManuscriptRunnerTest {
  static final String TOKEN_A = "0x" + "aa".repeat(20);
  static final String TOKEN_B = "0x" + "bb".repeat(20);
  static final GeneratedLogs LOGS = new GeneratedLogs(42, 40, 9, List.of(TOKEN_A, TOKEN_B));
  static final ManuscriptRunner RUNNER = new ManuscriptRunner(FlinkRuntime.embedded(), LOGS::rows);
  static final String TRANSFER_ABI =
      "{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"name\":\"from\",\"type\":\"address\"},"
          + "{\"indexed\":true,\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"name\":\"value\","
          + "\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"}";

  @TempDir Path dir;

  static Manuscript parse(String yaml) {
    return new ManuscriptParser(Map.of()).parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  static final String DECODE =
      """
      name: decode
      specVersion: v1.0.0
      parallelism: 1
      sources:
        - name: logs
          type: dataset
          dataset: eth.transaction_logs
          filter: "address = '%s'"
      transforms:
        - name: decoded
          sql: >
            SELECT transaction_hash, log_index, block_number,
                   Decode_Event('${abi}', topic0, topic1, topic2, topic3, data) AS event
            FROM logs
          params:
            abi: '%s'
        - name: transfers
          sql: >
            SELECT transaction_hash, log_index, block_number,
                   JSON_VALUE(event, '$.from') AS from_address,
                   JSON_VALUE(event, '$.to') AS to_address,
                   JSON_VALUE(event, '$.value') AS amount
            FROM decoded WHERE event IS NOT NULL
      sinks:
        - name: attested
          type: dataset
          from: transfers
          primary_key: transaction_hash,log_index
      """
          .formatted(TOKEN_A, TRANSFER_ABI);

  @Test
  void decodesErc20TransfersWithTheSameRootForAnyParallelismAndRun() {
    Manuscript m = parse(DECODE);
    RunResult first = RUNNER.run(m, RunOptions.range(0, 39).withParallelism(1));
    CanonicalDataset ds = first.datasets().get("attested");
    List<GeneratedLogs.Expected> expected =
        LOGS.transfers.stream().filter(t -> t.token().equals(TOKEN_A)).toList();
    assertThat(ds.size()).isEqualTo(expected.size()).isGreaterThan(50);
    for (GeneratedLogs.Expected e : expected) {
      int i = ds.indexOfKey(e.transactionHash(), e.logIndex());
      assertThat(i).isNotNegative();
      Object[] row = ds.row(i);
      assertThat(row[3]).isEqualTo(e.from());
      assertThat(row[4]).isEqualTo(e.to());
      assertThat(row[5]).isEqualTo(e.value().toString());
      assertThat(ds.proof(i).verifyRecord(ds.root(), ds.record(i))).isTrue();
    }
    String root = HexFormat.of().formatHex(first.datasetRoot());
    for (int p = 1; p <= 4; p++) {
      RunResult again = RUNNER.run(m, RunOptions.range(0, 39).withParallelism(p));
      assertThat(again.parallelism()).isEqualTo(p);
      assertThat(HexFormat.of().formatHex(again.datasetRoot()))
          .as("parallelism %d", p)
          .isEqualTo(root);
    }
    // A different block range is a different dataset.
    assertThat(RUNNER.run(m, RunOptions.range(0, 38)).datasetRoot())
        .isNotEqualTo(first.datasetRoot());
  }

  @Test
  void tasksReadingStoredSegmentsGiveTheSameRootAsInMemoryRows() {
    io.cvmavs.cvm.ingest.SegmentStore store = new io.cvmavs.cvm.ingest.SegmentStore(dir);
    for (long a = 0; a < 40; a += 7) {
      long b = Math.min(39, a + 6);
      store.write(
          "eth",
          a,
          b,
          "0x" + a,
          "0x" + (b + 1),
          java.util.Map.of(
              io.cvmavs.cvm.ingest.ChainTable.TRANSACTION_LOGS,
              LOGS.rows("eth", io.cvmavs.cvm.ingest.ChainTable.TRANSACTION_LOGS, a, b)));
    }
    assertThat(store.parts("eth", io.cvmavs.cvm.ingest.ChainTable.TRANSACTION_LOGS, 3, 30))
        .get()
        .satisfies(p -> assertThat(p).hasSize(5));
    Manuscript m = parse(DECODE);
    ManuscriptRunner fromStore = new ManuscriptRunner(FlinkRuntime.embedded(), store);
    for (int p : new int[] {1, 3}) {
      assertThat(fromStore.run(m, RunOptions.range(3, 30).withParallelism(p)).datasetRoot())
          .isEqualTo(RUNNER.run(m, RunOptions.range(3, 30)).datasetRoot());
    }
  }

  /**
   * The remote-cluster path (job submitted over REST, rows collected over REST) against the
   * embedded cluster's REST endpoint: the only Flink cluster this machine has.
   */
  @Test
  void theRemoteClusterPathGivesTheSameRoot() {
    String[] endpoint = FlinkRuntime.embedded().endpoint().split(":");
    FlinkRuntime remote =
        FlinkRuntime.remote(endpoint[0], Integer.parseInt(endpoint[1]), List.of());
    assertThat(remote.isEmbedded()).isFalse();
    Manuscript m = parse(DECODE);
    assertThat(
            new ManuscriptRunner(remote, LOGS::rows)
                .run(m, RunOptions.range(0, 20).withParallelism(2))
                .datasetRoot())
        .isEqualTo(RUNNER.run(m, RunOptions.range(0, 20)).datasetRoot());
  }

  @Test
  void tumbleWindowsAndBigNumberUdfs() {
    Manuscript m =
        parse(
            """
            name: hourly
            specVersion: v1.0.0
            sources:
              - name: logs
                type: tumble_window_dataset
                dataset: eth.transaction_logs
                timecol: block_timestamp
                size: 2 minutes
            transforms:
              - name: per_window
                sql: >
                  SELECT window_start, address, COUNT(*) AS n,
                         Divide(Multiply(CAST(COUNT(*) AS STRING), Pow('10', '18')), '4') AS scaled,
                         Subtract(Add('1', CAST(COUNT(*) AS STRING)), '1') AS same
                  FROM logs GROUP BY window_start, window_end, address
            sinks:
              - name: counts
                type: dataset
                from: per_window
                primary_key: window_start,address
            """);
    CanonicalDataset ds =
        RUNNER.run(m, RunOptions.range(0, 39).withParallelism(2)).datasets().get("counts");
    Map<String, Long> expected = new TreeMap<>();
    for (Object[] log : LOGS.rows(null, io.cvmavs.cvm.ingest.ChainTable.TRANSACTION_LOGS, 0, 39)) {
      LocalDateTime ts = (LocalDateTime) log[1];
      LocalDateTime window = ts.withSecond(0).withMinute(ts.getMinute() - ts.getMinute() % 2);
      expected.merge(window + "|" + log[6], 1L, Long::sum);
    }
    Map<String, Long> actual = new TreeMap<>();
    for (int i = 0; i < ds.size(); i++) {
      Object[] row = ds.row(i);
      actual.put(row[0] + "|" + row[1], (Long) row[2]);
      BigInteger n = BigInteger.valueOf((Long) row[2]);
      assertThat(new java.math.BigDecimal((String) row[3]))
          .isEqualByComparingTo(
              new java.math.BigDecimal(n.multiply(BigInteger.TEN.pow(18)))
                  .divide(java.math.BigDecimal.valueOf(4)));
      assertThat(row[4]).isEqualTo(n.toString());
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void printAndFilesystemSinksWriteCanonicalOrder() throws IOException {
    Path out = dir.resolve("out/transfers.jsonl");
    Manuscript m =
        parse(
            DECODE.replace(
                "sinks:\n",
                "sinks:\n  - name: shown\n    type: print\n    from: transfers\n"
                    + "  - name: file\n    type: filesystem\n    from: transfers\n    path: "
                    + out
                    + "\n"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RunResult r =
        RUNNER.run(
            m,
            RunOptions.range(0, 3)
                .printingTo(new PrintStream(printed, true, StandardCharsets.UTF_8)));
    long n = r.rowsPerSink().get("attested");
    assertThat(r.rowsPerSink()).containsEntry("shown", n).containsEntry("file", n);
    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines)
        .hasSize((int) n)
        .allSatisfy(l -> assertThat(l).startsWith("shown> transaction_hash=0x"));
    List<String> json = Files.readAllLines(out);
    assertThat(json).hasSize((int) n);
    assertThat(json.get(0))
        .matches(
            "\\{\"transaction_hash\":\"0x[0-9a-f]{64}\",\"log_index\":\\d+,\"block_number\":\\d+,.*\"amount\":\"\\d+\"}");
    assertThat(json)
        .isEqualTo(
            json.stream()
                .sorted(ManuscriptRunnerTest::byEncodedOrder)
                .collect(Collectors.toList()));
  }

  /**
   * Rows differ first in transaction_hash (random), so canonical order is the hash string's byte
   * order.
   */
  private static int byEncodedOrder(String a, String b) {
    return a.substring(0, 90).compareTo(b.substring(0, 90));
  }

  @Test
  void sqlErrorsNameTheTransform() {
    Manuscript m =
        parse(
            """
            name: broken
            specVersion: v1.0.0
            sources:
              - name: logs
                type: dataset
                dataset: eth.transaction_logs
            transforms:
              - name: ok
                sql: SELECT * FROM logs
              - name: typo
                sql: SELECT no_such_column FROM ok
            sinks:
              - name: out
                type: dataset
                from: typo
            """);
    assertThatThrownBy(() -> RUNNER.run(m, RunOptions.range(0, 1)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining(
            "test.yaml:11:17: transforms[1].sql: transform 'typo' does not compile")
        .hasMessageContaining("no_such_column");
  }

  @Test
  void duplicateKeysInADatasetSinkAreRefused() {
    Manuscript m =
        parse(
            """
            name: dup
            specVersion: v1.0.0
            sources:
              - name: logs
                type: dataset
                dataset: eth.transaction_logs
            sinks:
              - name: by_block
                type: dataset
                from: logs
                primary_key: block_number
            """);
    assertThatThrownBy(() -> RUNNER.run(m, RunOptions.range(0, 1)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("dataset sink 'by_block'")
        .hasMessageContaining("share the primary key");
  }

  @Test
  void floatingPointColumnsInADatasetSinkAreRefused() {
    Manuscript m =
        parse(
            """
            name: floats
            specVersion: v1.0.0
            sources:
              - name: logs
                type: dataset
                dataset: eth.transaction_logs
            transforms:
              - name: scored
                sql: SELECT transaction_hash, log_index, CAST(log_index AS DOUBLE) * 1.5 AS score FROM logs
            sinks:
              - name: scores
                type: dataset
                from: scored
                primary_key: transaction_hash,log_index
            """);
    assertThatThrownBy(() -> RUNNER.run(m, RunOptions.range(0, 1)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("dataset sink 'scores'")
        .hasMessageContaining("column 'score' is DOUBLE")
        .hasMessageContaining("DECIMAL");
  }

  @Test
  void emptyRangesGiveTheEmptyRootAndParallelismIsBounded() {
    Manuscript m = parse(DECODE);
    RunResult r = RUNNER.run(m, RunOptions.range(1000, 1010));
    assertThat(r.rowsPerSink()).containsEntry("attested", 0L);
    assertThat(r.datasetRoot()).isEqualTo(io.cvmavs.cvm.proof.DatasetMerkleTree.EMPTY_ROOT);
    assertThatThrownBy(() -> RUNNER.run(m, RunOptions.range(0, 1).withParallelism(5)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("exceeds the embedded cluster's 4 task slots");
  }
}
