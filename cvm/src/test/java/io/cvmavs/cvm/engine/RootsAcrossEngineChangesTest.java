package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.ingest.ChainData;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.RowExtractor;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.manuscript.Manuscript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dataset roots pinned across engine changes: four manuscripts (decode with three JSON fields, and
 * the same with the typed {@code Decode_Event_Field}, which must give the same root; a DECIMAL
 * aggregate; raw decoded JSON, timestamps and NULLs without a primary key) over the seeded {@link
 * GeneratedLogs}, read from memory and from stored segments, at parallelism 1 and 2. The pinned
 * values were computed by the engine before the throughput work (commit {@code ec48c05}: no object
 * reuse, rows decoded and re-encoded on the client, {@code Decode_Event} through BigInteger) by
 * running {@link #main} against that commit's classes; every later engine must produce the same
 * bytes.
 */
class RootsAcrossEngineChangesTest {
  static final String AGGREGATE =
      """
      name: aggregate
      specVersion: v1.0.0
      sources:
        - {name: logs, type: dataset, dataset: eth.transaction_logs}
      transforms:
        - name: per_block
          sql: >
            SELECT address AS token, block_number, COUNT(*) AS transfers,
                   MAX(transaction_hash) AS last_tx,
                   SUM(CAST(log_index AS DECIMAL(20, 4)) / 8) AS weight
            FROM logs WHERE topic0 = '%s'
            GROUP BY address, block_number
      sinks:
        - {name: blocks, type: dataset, from: per_block, primary_key: "token,block_number"}
      """
          .formatted(RowExtractor.TRANSFER_TOPIC);

  static final String RAW =
      """
      name: raw
      specVersion: v1.0.0
      sources:
        - {name: logs, type: dataset, dataset: eth.transaction_logs}
      transforms:
        - name: events
          sql: >
            SELECT block_timestamp, transaction_hash, log_index, topic3,
                   Decode_Event('%s', topic0, topic1, topic2, topic3, data) AS event,
                   Json_Get(Decode_Event('%s', topic0, topic1, topic2, topic3, data), 'value') AS v
            FROM logs WHERE log_index < 6
      sinks:
        - {name: events, type: dataset, from: events}
      """
          .formatted(ManuscriptRunnerTest.TRANSFER_ABI, ManuscriptRunnerTest.TRANSFER_ABI);

  /**
   * {@link ManuscriptRunnerTest#DECODE} with the typed per-field decoder instead of {@code
   * Decode_Event} + {@code JSON_VALUE}: the same rows, so the same root.
   */
  static final String DECODE_FIELD =
      """
      name: decode
      specVersion: v1.0.0
      parallelism: 1
      sources:
        - name: logs
          type: dataset
          dataset: eth.transaction_logs
          filter: "address = '%1$s'"
      transforms:
        - name: transfers
          sql: >
            SELECT * FROM (
              SELECT transaction_hash, log_index, block_number,
                     Decode_Event_Field('%2$s', 'from', topic0, topic1, topic2, topic3, data)
                       AS from_address,
                     Decode_Event_Field('%2$s', 'to', topic0, topic1, topic2, topic3, data)
                       AS to_address,
                     Decode_Event_Field('%2$s', 'value', topic0, topic1, topic2, topic3, data)
                       AS amount
              FROM logs)
            WHERE from_address IS NOT NULL
      sinks:
        - name: attested
          type: dataset
          from: transfers
          primary_key: transaction_hash,log_index
      """
          .formatted(ManuscriptRunnerTest.TOKEN_A, ManuscriptRunnerTest.TRANSFER_ABI);

  /**
   * Roots by manuscript, computed at commit ec48c05 (see the class comment); {@code decode_field}
   * has {@code decode}'s.
   */
  static final Map<String, String> PINNED =
      Map.of(
          "decode", "5d9af55482e842d057ba52ca5518b2704addbf5c03782eb5d33709dcecb99cbc",
          "decode_field", "5d9af55482e842d057ba52ca5518b2704addbf5c03782eb5d33709dcecb99cbc",
          "aggregate", "2b6387b666e2dd463c7af132b4739b39cc96bb9c7cb96fb4631ae0461cfa42a3",
          "raw", "e42db53466214ce627ffa52b5ee25c6b1d72e26e99e0cd9211c5fa4603d7ed70");

  @TempDir Path dir;

  static Map<String, Manuscript> manuscripts() {
    Map<String, Manuscript> m = new LinkedHashMap<>();
    m.put("decode", ManuscriptRunnerTest.parse(ManuscriptRunnerTest.DECODE));
    m.put("decode_field", ManuscriptRunnerTest.parse(DECODE_FIELD));
    m.put("aggregate", ManuscriptRunnerTest.parse(AGGREGATE));
    m.put("raw", ManuscriptRunnerTest.parse(RAW));
    return m;
  }

  static SegmentStore store(Path dir) {
    SegmentStore store = new SegmentStore(dir);
    for (long a = 0; a < 40; a += 7) {
      long b = Math.min(39, a + 6);
      store.write(
          "eth",
          a,
          b,
          "0x" + a,
          "0x" + (b + 1),
          Map.of(
              ChainTable.TRANSACTION_LOGS,
              ManuscriptRunnerTest.LOGS.rows("eth", ChainTable.TRANSACTION_LOGS, a, b)));
    }
    return store;
  }

  static String root(ChainData data, Manuscript m, int parallelism) {
    return HexFormat.of()
        .formatHex(
            new ManuscriptRunner(FlinkRuntime.embedded(), data)
                .run(m, RunOptions.range(0, 39).withParallelism(parallelism))
                .datasetRoot());
  }

  @Test
  void rootsAreThoseOfTheEngineBeforeTheThroughputWork() {
    ChainData memory = ManuscriptRunnerTest.LOGS::rows;
    ChainData stored = store(dir);
    manuscripts()
        .forEach(
            (name, m) -> {
              for (int p : new int[] {1, 2}) {
                assertThat(root(memory, m, p))
                    .as("%s from memory, p=%d", name, p)
                    .isEqualTo(PINNED.get(name));
                assertThat(root(stored, m, p))
                    .as("%s from segments, p=%d", name, p)
                    .isEqualTo(PINNED.get(name));
              }
            });
  }

  /** Prints the roots at p=1 from stored segments: how {@link #PINNED} was computed. */
  public static void main(String[] args) throws Exception {
    SegmentStore store = store(Files.createTempDirectory("cvm-pins"));
    manuscripts().forEach((name, m) -> System.out.println(name + " " + root(store, m, 1)));
    System.exit(0);
  }
}
