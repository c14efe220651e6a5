package io.cvmavs.cvm.bench;

import io.cvmavs.cvm.bench.CvmBenchmarks.Timing;
import io.cvmavs.cvm.ingest.RowExtractor;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The ERC-20 decode manuscript's work done by DuckDB (in-process, from Maven Central) on the same
 * rows the Flink job reads, for the side-by-side figure of {@code cvm/bench.sh flink}: filter the
 * token's Transfer logs, decode from / to / value from the topics and data, sort by the primary
 * key, return the rows to Java. DuckDB computes no Merkle root; its rows are put through {@link
 * CanonicalDataset} once (outside the timing) to check they are the rows the CVM attests — the
 * DuckDB root must equal the Flink job's.
 *
 * <p>DuckDB reads {@code value} as its low 128 bits (it has no 256-bit integer, and casts hex
 * strings only to 64-bit integers, so two halves; values below 2^64 take a 64-bit path, as the
 * CVM's decoder has one below 2^63, because DuckDB 1.4's UHUGEINT-to-text cast costs ≈ 45 µs a
 * value) and keeps only logs whose high 128 bits are zero, which every generated log satisfies; the
 * CVM decodes all 256.
 */
final class DuckDbSideBySide {
  private static final String QUERY =
      """
      SELECT transaction_hash, log_index, block_number,
             '0x' || lower(substr(topic1, 27)) AS from_address,
             '0x' || lower(substr(topic2, 27)) AS to_address,
             CASE WHEN substr(data, 35, 16) = '0000000000000000'
                  THEN CAST(CAST('0x' || substr(data, 51, 16) AS UBIGINT) AS VARCHAR)
                  ELSE CAST((CAST(CAST('0x' || substr(data, 35, 16) AS UBIGINT) AS UHUGEINT) << 64)
                       | CAST('0x' || substr(data, 51, 16) AS UBIGINT) AS VARCHAR)
             END AS amount
      FROM %s
      WHERE address = '%s' AND topic0 = '%s' AND substr(data, 3, 32) = repeat('0', 32)
      ORDER BY transaction_hash, log_index
      """;

  private DuckDbSideBySide() {}

  /**
   * Loads {@code rows} (transaction_logs rows in {@code ChainTable} column order) into DuckDB,
   * writes them as Parquet under {@code dir}, times the query from Parquet (1 and 2 threads) and
   * from DuckDB's own in-memory table (1 thread), and checks the rows' canonical root against
   * {@code flinkRoot}.
   */
  static Map<String, Timing> run(
      List<Object[]> rows, String token, int n, Path dir, byte[] flinkRoot) throws Exception {
    Map<String, Timing> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE logs (block_number BIGINT, block_timestamp TIMESTAMP, block_hash VARCHAR,"
              + " transaction_hash VARCHAR, transaction_index BIGINT, log_index BIGINT,"
              + " address VARCHAR, data VARCHAR, topic0 VARCHAR, topic1 VARCHAR, topic2 VARCHAR,"
              + " topic3 VARCHAR)");
      try (DuckDBAppender a =
          c.unwrap(DuckDBConnection.class)
              .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "logs")) {
        for (Object[] r : rows) {
          a.beginRow();
          a.append((Long) r[0]);
          a.append((LocalDateTime) r[1]);
          for (int i = 2; i < r.length; i++) {
            if (r[i] == null) {
              a.appendNull();
            } else if (r[i] instanceof Long l) {
              a.append(l);
            } else {
              a.append((String) r[i]);
            }
          }
          a.endRow();
        }
      }
      Path parquet = dir.resolve("logs.parquet");
      st.execute("COPY logs TO '" + parquet + "' (FORMAT parquet)");
      String fromParquet = "read_parquet('" + parquet + "')";
      List<Object[]> last = new ArrayList<>();
      for (String[] variant :
          new String[][] {
            {"Parquet, 1 thread", fromParquet, "1"},
            {"Parquet, 2 threads", fromParquet, "2"},
            {"in memory, 1 thread", "logs", "1"}
          }) {
        st.execute("SET threads = " + variant[2]);
        String sql = QUERY.formatted(variant[1], token, RowExtractor.TRANSFER_TOPIC);
        out.put(
            variant[0],
            CvmBenchmarks.measure(
                "DuckDB " + variant[0] + ", " + n / 1000 + "k logs",
                2,
                3,
                n,
                "rows",
                () -> {
                  last.clear();
                  last.addAll(query(st, sql));
                  if (last.size() != n) {
                    throw new IllegalStateException(
                        "DuckDB returned " + last.size() + " rows, expected " + n);
                  }
                }));
      }
      byte[] duckRoot =
          CanonicalDataset.of(
                  List.of(
                      "transaction_hash",
                      "log_index",
                      "block_number",
                      "from_address",
                      "to_address",
                      "amount"),
                  List.of("transaction_hash", "log_index"),
                  last)
              .root();
      if (!java.util.Arrays.equals(duckRoot, flinkRoot)) {
        throw new IllegalStateException(
            "DuckDB's rows have root 0x"
                + HexFormat.of().formatHex(duckRoot)
                + " but the Flink job's is 0x"
                + HexFormat.of().formatHex(flinkRoot));
      }
      System.out.println("  DuckDB's rows give the Flink job's dataset root (checked)");
    }
    return out;
  }

  private static List<Object[]> query(Statement st, String sql) throws Exception {
    List<Object[]> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(
            new Object[] {
              rs.getString(1),
              rs.getLong(2),
              rs.getLong(3),
              rs.getString(4),
              rs.getString(5),
              rs.getString(6)
            });
      }
    }
    return rows;
  }
}
