package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.TokenActivity;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when": the Chainbase-format ERC-20 manuscript ({@code
 * manuscripts/erc20_transfers.yaml}) runs over data ingested from a real anvil with real $C
 * transfers, lands the decoded rows in the real PostgreSQL on 127.0.0.1:5432 (upsert by
 * transaction_hash,log_index), and its dataset root is reproducible.
 */
@WithAnvil
class Erc20ManuscriptIT {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static TokenActivity.Result activity;
  @TempDir static Path dir;
  private static SegmentStore store;

  @BeforeAll
  static void ingest(AnvilNode anvil) throws Exception {
    activity = TokenActivity.run(anvil, 8);
    store = new SegmentStore(dir.resolve("store"));
    new Ingestor(
            new Web3jChainSource(anvil.web3j(), Retry.defaults()),
            store,
            "anvil",
            10,
            0,
            4,
            line -> {},
            System::nanoTime)
        .ingest(0, activity.lastBlock());
  }

  private static Manuscript manuscript(String table) throws Exception {
    Path source =
        Path.of(Erc20ManuscriptIT.class.getResource("/manuscripts/erc20_transfers.yaml").toURI());
    String yaml =
        Files.readString(source)
            .replace("${TOKEN}", activity.token())
            .replace("schema: public", "schema: cvm_it")
            .replace("table: erc20_transfers", "table: " + table);
    Path file = dir.resolve(table + ".yaml");
    Files.writeString(file, yaml);
    return new ManuscriptParser(Map.of("PGUSER", "postgres")).parse(file);
  }

  private static void dropTable(String table) throws Exception {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS cvm_it");
      st.execute("DROP TABLE IF EXISTS cvm_it." + table);
    }
  }

  private static List<Map<String, Object>> tableRows(String table) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT * FROM cvm_it." + table + " ORDER BY block_number, log_index")) {
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void decodesTransfersIntoPostgresAndAttestsTheSameRowsReproducibly() throws Exception {
    // Unique per run: other worktrees run this test against the same PostgreSQL at the same time.
    String table =
        "erc20_it_" + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime());
    dropTable(table);
    try {
      runAndCheck(table);
    } finally {
      dropTable(table);
    }
  }

  private void runAndCheck(String table) throws Exception {
    Manuscript m = manuscript(table);
    ManuscriptRunner runner = new ManuscriptRunner(FlinkRuntime.embedded(), store);
    RunResult first = runner.run(m, RunOptions.range(0, activity.lastBlock()));
    int n = activity.transfers().size();
    assertThat(first.rowsPerSink())
        .containsEntry("transfers_pg", (long) n)
        .containsEntry("transfers_dataset", (long) n);

    List<Map<String, Object>> rows = tableRows(table);
    assertThat(rows).hasSize(n);
    for (TokenActivity.Transfer t : activity.transfers()) {
      assertThat(rows)
          .filteredOn(
              r ->
                  r.get("transaction_hash").equals(t.transactionHash())
                      && r.get("log_index").equals(t.logIndex()))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.get("block_number")).isEqualTo(t.blockNumber());
                assertThat(r.get("token_address")).isEqualTo(activity.token());
                assertThat(r.get("from_address")).isEqualTo(t.from());
                assertThat(r.get("to_address")).isEqualTo(t.to());
                assertThat(new BigInteger((String) r.get("amount"))).isEqualTo(t.value());
              });
    }
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        ResultSet pk = c.getMetaData().getPrimaryKeys(null, "cvm_it", table)) {
      List<String> keyColumns = new ArrayList<>();
      while (pk.next()) {
        keyColumns.add(pk.getShort("KEY_SEQ") + ":" + pk.getString("COLUMN_NAME"));
      }
      assertThat(keyColumns).containsExactlyInAnyOrder("1:transaction_hash", "2:log_index");
    }

    CanonicalDataset ds = first.datasets().get("transfers_dataset");
    for (TokenActivity.Transfer t : activity.transfers()) {
      int i = ds.indexOfKey(t.transactionHash(), t.logIndex());
      assertThat(ds.proof(i).verifyRecord(first.datasetRoot(), ds.record(i))).isTrue();
    }

    // Re-running upserts the same rows (no duplicates) and reproduces the root, at any parallelism.
    RunResult second = runner.run(m, RunOptions.range(0, activity.lastBlock()).withParallelism(3));
    assertThat(second.datasetRoot()).isEqualTo(first.datasetRoot());
    assertThat(tableRows(table)).isEqualTo(rows);
  }
}
