package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.contracts.bindings.CToken;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.TokenActivity;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Issue 15 item 4 on a real anvil and the real PostgreSQL at 127.0.0.1:5432 (database {@code test},
 * schema {@code cvm_it}): the ERC-20 decode manuscript (postgres sinks only) as a streaming job at
 * one confirmation — mined transfers appear as rows; the job cancelled and started again resumes
 * from its checkpoint (its {@code fromBlock} is past every transfer, so only the checkpoint can
 * bring the later ones in) with neither duplicates nor gaps, and a running aggregate continues from
 * its checkpointed state; a reorg below the depth stops the source with the reason, before it emits
 * a row of the other fork.
 */
@WithAnvil
class ManuscriptStreamIT {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static TokenActivity.Result activity;
  @TempDir static Path dir;

  @BeforeAll
  static void activity(AnvilNode anvil) throws Exception {
    activity = TokenActivity.run(anvil, 4);
  }

  private static String suffix() {
    return ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime());
  }

  private static Manuscript manuscript(String yaml, String name) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return new ManuscriptParser(Map.of("PGUSER", "postgres")).parse(file);
  }

  /** The ERC-20 decode manuscript with its dataset sink replaced by a per-recipient count. */
  private static Manuscript decode(String table) throws Exception {
    Path source =
        Path.of(ManuscriptStreamIT.class.getResource("/manuscripts/erc20_transfers.yaml").toURI());
    String yaml =
        Files.readString(source)
            .replace("${TOKEN}", activity.token())
            .replace("schema: public", "schema: cvm_it")
            .replace("table: erc20_transfers", "table: " + table);
    yaml = yaml.substring(0, yaml.indexOf("  - name: transfers_dataset"));
    yaml =
        yaml.replace(
                "sinks:\n",
                """
                  - name: totals
                    sql: SELECT to_address, COUNT(*) AS transfers FROM transfers GROUP BY to_address
                sinks:
                """)
            + """
              - name: totals_pg
                type: postgres
                from: totals
                database: test
                schema: cvm_it
                table: %s_totals
                primary_key: to_address
            """
                .formatted(table);
    return manuscript(yaml, table);
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS cvm_it");
      st.execute(statement);
    }
  }

  private static List<String> rows(String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(String.valueOf(rs.getObject(i)));
        }
        out.add(String.join("|", row));
      }
    } catch (java.sql.SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return List.of(); // the sink has not created its table yet
      }
      throw e;
    }
    return out;
  }

  private static List<String> expectedTransfers(List<TokenActivity.Transfer> transfers) {
    return transfers.stream()
        .sorted(
            java.util.Comparator.comparing(TokenActivity.Transfer::blockNumber)
                .thenComparing(TokenActivity.Transfer::logIndex))
        .map(
            t ->
                String.join(
                    "|",
                    t.transactionHash(),
                    Long.toString(t.logIndex()),
                    Long.toString(t.blockNumber()),
                    t.from(),
                    t.to(),
                    t.value().toString()))
        .toList();
  }

  private static List<String> expectedTotals(List<TokenActivity.Transfer> transfers) {
    Map<String, Integer> counts = new TreeMap<>();
    transfers.forEach(t -> counts.merge(t.to(), 1, Integer::sum));
    return counts.entrySet().stream().map(e -> e.getKey() + "|" + e.getValue()).toList();
  }

  /** Polls until {@code done} (a stream is asynchronous); fails with {@code what} after 60 s. */
  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  private static BooleanSupplier tableEquals(String query, List<String> expected) {
    return () -> {
      try {
        return rows(query).equals(expected);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static List<TokenActivity.Transfer> moreTransfers(AnvilNode anvil, int n)
      throws Exception {
    List<TokenActivity.Transfer> out = new ArrayList<>();
    CToken sender =
        CToken.load(
            activity.token(),
            anvil.web3j(),
            anvil.account(1).credentials(),
            new DefaultGasProvider());
    for (int i = 0; i < n; i++) {
      TransactionReceipt r =
          sender.transfer(anvil.account(4 + i % 2).address(), BigInteger.valueOf(1_000 + i)).send();
      for (CToken.TransferEventResponse e : CToken.getTransferEvents(r)) {
        out.add(
            new TokenActivity.Transfer(
                r.getTransactionHash().toLowerCase(Locale.ROOT),
                e.log.getLogIndex().longValueExact(),
                r.getBlockNumber().longValueExact(),
                e.from.toLowerCase(Locale.ROOT),
                e.to.toLowerCase(Locale.ROOT),
                e.value));
      }
    }
    return out;
  }

  private static ManuscriptStream.Options options(
      AnvilNode anvil, long fromBlock, int confirmations, Path state) {
    return new ManuscriptStream.Options(
        anvil.rpcUrl(),
        confirmations,
        fromBlock,
        Long.MAX_VALUE,
        Duration.ofMillis(50),
        state,
        Duration.ofMillis(200),
        Duration.ofMillis(20),
        false);
  }

  @Test
  void streamsMinedTransfersAndResumesFromItsCheckpointWithoutDuplicatesOrGaps(AnvilNode anvil)
      throws Exception {
    String table = "stream_it_" + suffix();
    sql("DROP TABLE IF EXISTS cvm_it." + table + ", cvm_it." + table + "_totals");
    String transfersQuery =
        "SELECT transaction_hash, log_index, block_number, from_address, to_address, amount"
            + " FROM cvm_it."
            + table
            + " ORDER BY block_number, log_index";
    String totalsQuery =
        "SELECT to_address, transfers FROM cvm_it." + table + "_totals ORDER BY to_address";
    Path state = dir.resolve("state-" + table);
    Manuscript m = decode(table);
    try {
      ManuscriptStream.Job first =
          ManuscriptStream.start(
              FlinkRuntime.embedded(), m, options(anvil, activity.firstBlock(), 1, state));
      assertThat(first.resumedFrom()).isEmpty();
      anvil.mine(1); // the last transfer's block gets its one confirmation
      List<TokenActivity.Transfer> all = new ArrayList<>(activity.transfers());
      await("the first transfers are rows", tableEquals(transfersQuery, expectedTransfers(all)));
      await("the totals are counted", tableEquals(totalsQuery, expectedTotals(all)));
      Path checkpoints = state.resolve("checkpoints");
      await(
          "a checkpoint is complete",
          () -> ManuscriptStream.latestCheckpoint(checkpoints).isPresent());
      // transfers mined while the job runs, then the job stops before it has them all
      all.addAll(moreTransfers(anvil, 2));
      first.cancel();

      all.addAll(moreTransfers(anvil, 3));
      anvil.mine(1);
      // fromBlock far past every transfer: only the checkpoint can bring the later ones in
      ManuscriptStream.Job second =
          ManuscriptStream.start(
              FlinkRuntime.embedded(), m, options(anvil, anvil.blockNumber() + 1000, 1, state));
      try {
        assertThat(second.resumedFrom()).isPresent();
        await("every transfer is a row once", tableEquals(transfersQuery, expectedTransfers(all)));
        // the count per recipient continued from the checkpointed state: counting only the
        // blocks after the checkpoint would give smaller numbers
        await("the totals count every transfer", tableEquals(totalsQuery, expectedTotals(all)));
        assertThat(rows(transfersQuery)).doesNotHaveDuplicates().hasSize(all.size());
      } finally {
        second.cancel();
      }
    } finally {
      sql("DROP TABLE IF EXISTS cvm_it." + table + ", cvm_it." + table + "_totals");
    }
  }

  @Test
  void aReorgBelowTheConfirmationDepthStopsTheSourceWithTheReason(AnvilNode anvil)
      throws Exception {
    // the source's reader on its own (no Flink job): what it emits and when it refuses
    String snapshot = anvil.snapshot();
    long from = anvil.blockNumber() + 1;
    ChainBlockSource.Reader reader =
        new ChainBlockSource.Reader(
            new ChainBlockSource.Settings(
                anvil.rpcUrl(),
                "anvil",
                io.cvmavs.cvm.ingest.ChainTable.BLOCKS,
                1,
                from,
                Long.MAX_VALUE,
                Duration.ofMillis(20),
                false),
            s -> new io.cvmavs.cvm.ingest.Web3jChainSource(anvil.web3j(), Retry.defaults()));
    List<Row> out = new ArrayList<>();
    ReaderOutput<Row> output = new CollectingOutput(out);
    try {
      reader.addSplits(List.of(new ChainBlockSource.Split(from, "")));
      anvil.mine(3); // blocks from, from+1 confirmed; from+2 is the head
      while (out.size() < 2) {
        reader.isAvailable().get(60, java.util.concurrent.TimeUnit.SECONDS);
        reader.pollNext(output);
      }
      assertThat(out).extracting(r -> r.getField(0)).containsExactly(from, from + 1);
      assertThat(reader.snapshotState(1))
          .extracting(ChainBlockSource.Split::nextBlock)
          .containsExactly(from + 2);
      anvil.revert(snapshot); // the streamed blocks are abandoned ...
      anvil.increaseTime(7);
      anvil.mine(4); // ... for a longer fork with other hashes
      assertThatThrownBy(
              () -> {
                while (true) {
                  reader.isAvailable().get(60, java.util.concurrent.TimeUnit.SECONDS);
                  reader.pollNext(output);
                }
              })
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("block " + (from + 2) + " has parent")
          .hasMessageContaining("more than 1 block(s) deep, below the confirmation depth");
      assertThat(out).hasSize(2); // nothing of the other fork was emitted
    } finally {
      reader.close();
    }
  }

  /** A reader output that keeps what it is given. */
  private record CollectingOutput(List<Row> rows) implements ReaderOutput<Row> {
    @Override
    public void collect(Row record) {
      rows.add(record);
    }

    @Override
    public void collect(Row record, long timestamp) {
      rows.add(record);
    }

    @Override
    public void emitWatermark(org.apache.flink.api.common.eventtime.Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}

    @Override
    public org.apache.flink.api.connector.source.SourceOutput<Row> createOutputForSplit(
        String splitId) {
      return this;
    }

    @Override
    public void releaseOutputForSplit(String splitId) {}
  }
}
