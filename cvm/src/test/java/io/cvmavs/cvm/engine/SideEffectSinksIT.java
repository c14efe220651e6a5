package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.sink.SinkException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, why 4: side-effect sinks on the real PostgreSQL at 127.0.0.1:5432 (database {@code
 * test}, schema {@code cvm_it}, as {@code Erc20ManuscriptIT}): a run that fails in its last sink
 * leaves the tables and files of its earlier sinks as they were, and a {@code per_range} aggregate
 * keeps one row per key and block range instead of the later range overwriting the earlier one.
 */
class SideEffectSinksIT {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  // Unique per run: other worktrees use the same PostgreSQL at the same time.
  private final String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  @TempDir Path dir;

  @AfterEach
  void drop() throws Exception {
    sql("DROP TABLE IF EXISTS cvm_it.ok_%1$s, cvm_it.bad_%1$s, cvm_it.agg_%1$s".formatted(suffix));
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS cvm_it");
      st.execute(statement);
    }
  }

  private static Map<String, Long> counts(String query) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** DECODE's transforms, then {@code extraTransforms}, with {@code sinks} instead of its sink. */
  private static Manuscript manuscript(String extraTransforms, String sinks) {
    String decode = ManuscriptRunnerTest.DECODE;
    String head = decode.substring(0, decode.indexOf("sinks:"));
    return ManuscriptRunnerTest.parse(head + extraTransforms + "sinks:\n" + sinks);
  }

  private String pgSink(String name, String table) {
    return """
          - name: %s
            type: postgres
            from: transfers
            database: test
            schema: cvm_it
            table: %s_%s
            primary_key: transaction_hash,log_index
        """
        .formatted(name, table, suffix);
  }

  @Test
  void aFailingSinkLeavesTheTablesAndFilesOfTheRunsEarlierSinksAsTheyWere() throws Exception {
    Path file = dir.resolve("out/transfers.jsonl");
    String fileSink =
        """
          - name: files
            type: filesystem
            from: transfers
            path: %s
        """
            .formatted(file);
    Manuscript good = manuscript("", fileSink + pgSink("ok", "ok"));
    RunResult first = ManuscriptRunnerTest.RUNNER.run(good, RunOptions.range(0, 19));
    long firstRows = first.rowsPerSink().get("ok");
    assertThat(firstRows).isPositive();
    String firstFile = Files.readString(file);
    assertThat(counts("SELECT 'rows', COUNT(*) FROM cvm_it.ok_" + suffix))
        .containsEntry("rows", firstRows);

    // The last sink's table exists with other columns: its upsert fails after the others wrote.
    sql("CREATE TABLE cvm_it.bad_" + suffix + " (x INTEGER PRIMARY KEY)");
    Manuscript failing = manuscript("", fileSink + pgSink("ok", "ok") + pgSink("bad", "bad"));
    assertThatThrownBy(() -> ManuscriptRunnerTest.RUNNER.run(failing, RunOptions.range(0, 39)))
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("postgres sink 'bad'");

    assertThat(counts("SELECT 'rows', COUNT(*) FROM cvm_it.ok_" + suffix))
        .containsEntry("rows", firstRows);
    assertThat(Files.readString(file)).isEqualTo(firstFile);
    try (var leftovers = Files.list(file.getParent())) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void perRangeAggregatesOfTwoConsecutiveRangesAddUpToTheWholeRange() throws Exception {
    String aggregate =
        """
          - name: by_prefix
            sql: >
              SELECT SUBSTRING(from_address, 1, 3) AS prefix, COUNT(*) AS transfer_count
              FROM transfers GROUP BY SUBSTRING(from_address, 1, 3)
        """;
    String sinks =
        """
          - name: agg
            type: postgres
            from: by_prefix
            database: test
            schema: cvm_it
            table: agg_%s
            primary_key: prefix
            per_range: true
          - name: attested
            type: dataset
            from: transfers
            primary_key: transaction_hash,log_index
        """
            .formatted(suffix);
    Manuscript m = manuscript(aggregate, sinks);
    ManuscriptRunnerTest.RUNNER.run(m, RunOptions.range(0, 19));
    ManuscriptRunnerTest.RUNNER.run(m, RunOptions.range(20, 39));

    // The whole range's transfers, counted here from the attested dataset of one run.
    CanonicalDataset all =
        ManuscriptRunnerTest.RUNNER
            .run(m.datasetsOnly(), RunOptions.range(0, 39))
            .datasets()
            .get("attested");
    int from = all.columns().indexOf("from_address");
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < all.size(); i++) {
      expected.merge(((String) all.row(i)[from]).substring(0, 3), 1L, Long::sum);
    }
    assertThat(expected.values()).anyMatch(n -> n > 1);
    assertThat(
            counts(
                "SELECT prefix, SUM(transfer_count) FROM cvm_it.agg_"
                    + suffix
                    + " GROUP BY prefix"))
        .isEqualTo(expected);
    assertThat(
            counts(
                "SELECT range_from_block || '-' || range_to_block, COUNT(*) FROM cvm_it.agg_"
                    + suffix
                    + " GROUP BY 1"))
        .containsOnlyKeys("0-19", "20-39");
  }
}
