package io.cvmavs.cvm.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.ingest.ChainData;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingested segments exported as Parquet partitions on a real temp dir, read back by an engine that
 * is not ours (DuckDB, JDBC, in process) and by manuscript runs on the embedded Flink cluster; a
 * reorged partition replaced atomically.
 */
class ParquetTablesTest {
  private static final ChainTable LOGS = ChainTable.TRANSACTION_LOGS;
  private static final ChainData GENERATED = ManuscriptRunnerTestAccess.logs();

  @TempDir Path dir;
  private SegmentStore store;
  private ParquetTables tables;

  @BeforeEach
  void storeFourSegmentsAndExport() {
    store = new SegmentStore(dir.resolve("segments"));
    for (long a = 0; a < 40; a += 10) {
      store.write(
          "eth",
          a,
          a + 9,
          "0x" + a,
          "0x" + (a + 10),
          Map.of(LOGS, GENERATED.rows("eth", LOGS, a, a + 9)));
    }
    tables = new ParquetTables(dir.resolve("lake"));
    // every core table of each of the four segments (traced tables were not stored)
    long coreTables = java.util.Arrays.stream(ChainTable.values()).filter(ChainTable::core).count();
    assertThat(tables.export(store, "eth", 0, 39)).isEqualTo(4 * coreTables);
  }

  @Test
  void duckDbReadsTheSameRowsFromTheDocumentedLayout() throws Exception {
    assertThat(tables.tableDir("eth", LOGS).resolve("blocks=10-19").resolve("part-00000.parquet"))
        .isRegularFile();
    List<Object[]> expected = sorted(store.read("eth", LOGS, 0, 39));
    assertThat(expected).hasSizeGreaterThan(300);
    assertThat(duckDb(glob(LOGS))).usingRecursiveComparison().isEqualTo(expected);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + glob(LOGS) + "')")) {
      List<String> types = new ArrayList<>();
      while (rs.next()) {
        types.add(rs.getString(1) + " " + rs.getString(2));
      }
      assertThat(types)
          .startsWith("block_number BIGINT", "block_timestamp TIMESTAMP", "block_hash VARCHAR");
    }
    // Our own reader agrees too.
    assertThat(sorted(tables.rows("eth", LOGS, 0, 39)))
        .usingRecursiveComparison()
        .isEqualTo(expected);
    assertThat(sorted(tables.rows("eth", LOGS, 12, 21)))
        .usingRecursiveComparison()
        .isEqualTo(sorted(store.read("eth", LOGS, 12, 21)));
  }

  @Test
  void aManuscriptOnFlinkOverTheParquetTablesHasTheSegmentRoot() {
    Manuscript m =
        new ManuscriptParser(Map.of())
            .parse(
                "decode.yaml", ManuscriptRunnerTestAccess.DECODE.getBytes(StandardCharsets.UTF_8));
    byte[] fromSegments =
        new ManuscriptRunner(FlinkRuntime.embedded(), store)
            .run(m, RunOptions.range(3, 36))
            .datasetRoot();
    assertThat(
            new ManuscriptRunner(FlinkRuntime.embedded(), tables)
                .run(m, RunOptions.range(3, 36))
                .datasetRoot())
        .isEqualTo(fromSegments);
  }

  @Test
  void aReorgedRangeIsReplacedAtomicallyAndOverlapsAndBadRowsAreRefused() throws Exception {
    Path other = tables.tableDir("eth", LOGS).resolve("blocks=20-29").resolve(ParquetTables.PART);
    byte[] otherBefore = Files.readAllBytes(other);
    List<Object[]> reorged = new ArrayList<>(store.read("eth", LOGS, 10, 19));
    reorged.removeLast();
    Object[] changed = reorged.getFirst().clone();
    changed[7] = "0x" + "12".repeat(32);
    reorged.set(0, changed);
    tables.write("eth", LOGS, 10, 19, reorged);

    List<Object[]> expected = new ArrayList<>(store.read("eth", LOGS, 0, 39));
    expected.removeIf(r -> (Long) r[0] >= 10 && (Long) r[0] <= 19);
    expected.addAll(reorged);
    assertThat(duckDb(glob(LOGS))).usingRecursiveComparison().isEqualTo(sorted(expected));
    assertThat(Files.readAllBytes(other)).isEqualTo(otherBefore);
    assertThat(hiddenFiles()).isEmpty();

    assertThatThrownBy(() -> tables.write("eth", LOGS, 15, 24, List.of()))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("eth.transaction_logs blocks=15-24: overlaps the stored partition")
        .hasMessageContaining("blocks=10-19");
    Object[] outside = store.read("eth", LOGS, 0, 0).getFirst();
    List<Object[]> bad = new ArrayList<>(store.read("eth", LOGS, 20, 29));
    bad.add(outside);
    assertThatThrownBy(() -> tables.write("eth", LOGS, 20, 29, bad))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("eth.transaction_logs blocks=20-29: row " + (bad.size() - 1))
        .hasMessageContaining("block_number 0, outside the partition");
    Object[] wrongType = store.read("eth", LOGS, 20, 20).getFirst().clone();
    wrongType[4] = "7";
    assertThatThrownBy(() -> tables.write("eth", LOGS, 20, 29, List.<Object[]>of(wrongType)))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("column transaction_index holds a String, not a Long");
    assertThat(Files.readAllBytes(other))
        .as("refused writes leave the partition")
        .isEqualTo(otherBefore);
    assertThat(hiddenFiles()).isEmpty();
  }

  private String glob(ChainTable table) {
    return tables.tableDir("eth", table) + "/*/*.parquet";
  }

  private List<Path> hiddenFiles() throws IOException {
    try (Stream<Path> all = Files.walk(tables.root())) {
      return all.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }

  /** Every row DuckDB reads from the files, in (block_number, log_index) order, as Java values. */
  private static List<Object[]> duckDb(String glob) throws SQLException {
    List<ChainTable.Column> columns = LOGS.columns();
    List<Object[]> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT * FROM read_parquet('" + glob + "') ORDER BY block_number, log_index")) {
      while (rs.next()) {
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
          row[i] =
              switch (columns.get(i).type()) {
                case BIGINT -> rs.getObject(i + 1) == null ? null : rs.getLong(i + 1);
                case STRING -> rs.getString(i + 1);
                case TIMESTAMP -> rs.getObject(i + 1, LocalDateTime.class);
              };
        }
        out.add(row);
      }
    }
    return out;
  }

  private static List<Object[]> sorted(List<Object[]> rows) {
    List<Object[]> out = new ArrayList<>(rows);
    out.sort(
        Comparator.comparingLong((Object[] r) -> (Long) r[0]).thenComparingLong(r -> (Long) r[5]));
    return out;
  }
}
