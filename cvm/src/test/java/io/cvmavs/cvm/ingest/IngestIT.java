package io.cvmavs.cvm.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.process.FreePort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** Ingestion from a real anvil with real ERC-20 activity (the project's $C token). */
@WithAnvil
class IngestIT {
  private static TokenActivity.Result activity;
  private final List<String> progress = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void makeActivity(AnvilNode anvil) throws Exception {
    activity = TokenActivity.run(anvil, 6);
  }

  private Ingestor ingestor(
      AnvilNode anvil, SegmentStore store, int segmentBlocks, int confirmations) {
    return new Ingestor(
        new Web3jChainSource(anvil.web3j(), Retry.defaults()),
        store,
        "anvil",
        segmentBlocks,
        confirmations,
        3,
        progress::add,
        System::nanoTime);
  }

  @Test
  void ingestsBlocksTransactionsLogsAndDecodedTokenTransfers(AnvilNode anvil) {
    SegmentStore store = new SegmentStore(dir);
    long last = activity.lastBlock();
    Ingestor.Report report = ingestor(anvil, store, 4, 0).ingest(0, last);
    assertThat(report.blocksFetched()).isEqualTo(last + 1);
    assertThat(progress)
        .last()
        .asString()
        .contains("(" + (last + 1) + "/" + (last + 1) + " blocks, 100%)");

    List<Object[]> blocks = store.read("anvil", ChainTable.BLOCKS, 0, last);
    assertThat(blocks).hasSize((int) last + 1);
    for (int i = 1; i < blocks.size(); i++) {
      assertThat(blocks.get(i)[2]).as("parent_hash of block %d", i).isEqualTo(blocks.get(i - 1)[1]);
    }
    List<Object[]> transfers =
        store.read("anvil", ChainTable.TOKEN_TRANSFERS, activity.firstBlock(), last);
    assertThat(transfers).hasSize(activity.transfers().size());
    ChainTable t = ChainTable.TOKEN_TRANSFERS;
    for (TokenActivity.Transfer expected : activity.transfers()) {
      Object[] row =
          transfers.stream()
              .filter(r -> r[t.columnIndex("transaction_hash")].equals(expected.transactionHash()))
              .findFirst()
              .orElseThrow();
      assertThat(row[t.columnIndex("block_number")]).isEqualTo(expected.blockNumber());
      assertThat(row[t.columnIndex("log_index")]).isEqualTo(expected.logIndex());
      assertThat(row[t.columnIndex("token_address")]).isEqualTo(activity.token());
      assertThat(row[t.columnIndex("token_standard")]).isEqualTo("ERC20");
      assertThat(row[t.columnIndex("from_address")]).isEqualTo(expected.from());
      assertThat(row[t.columnIndex("to_address")]).isEqualTo(expected.to());
      assertThat(row[t.columnIndex("value")]).isEqualTo(expected.value().toString());
    }
    ChainTable l = ChainTable.TRANSACTION_LOGS;
    List<Object[]> logs = store.read("anvil", l, activity.firstBlock(), last);
    assertThat(logs)
        .filteredOn(r -> RowExtractor.TRANSFER_TOPIC.equals(r[l.columnIndex("topic0")]))
        .hasSize(activity.transfers().size())
        .allSatisfy(r -> assertThat(r[l.columnIndex("address")]).isEqualTo(activity.token()));
    ChainTable x = ChainTable.TRANSACTIONS;
    List<Object[]> txs = store.read("anvil", x, activity.firstBlock(), last);
    assertThat(txs)
        .filteredOn(r -> activity.token().equals(r[x.columnIndex("to_address")]))
        .hasSize(activity.transfers().size())
        .allSatisfy(
            r -> {
              assertThat(r[x.columnIndex("receipt_status")]).isEqualTo(1L);
              assertThat((String) r[x.columnIndex("method_id")]).isIn("0xa9059cbb", "0x40c10f19");
            });
  }

  @Test
  void reingestionIsIdempotentAndResumable(AnvilNode anvil) {
    long last = activity.lastBlock();
    long mid = last / 2;
    SegmentStore resumed = new SegmentStore(dir.resolve("resumed"));
    ingestor(anvil, resumed, 5, 0).ingest(0, mid);
    Ingestor.Report second = ingestor(anvil, resumed, 5, 0).ingest(0, last);
    assertThat(second.blocksFetched()).isEqualTo(last - mid);
    Ingestor.Report third = ingestor(anvil, resumed, 5, 0).ingest(0, last);
    assertThat(third.blocksFetched()).isZero();
    assertThat(progress).last().asString().contains("already stored, nothing to fetch");

    SegmentStore oneRun = new SegmentStore(dir.resolve("one-run"));
    ingestor(anvil, oneRun, 100, 0).ingest(0, last);
    assertThat(resumed.commitment("anvil", 0, last).root())
        .isEqualTo(oneRun.commitment("anvil", 0, last).root());
    assertThat(resumed.commitment("anvil", 1, last).root())
        .isNotEqualTo(oneRun.commitment("anvil", 0, last).root());
  }

  @Test
  void refusesBlocksThatAreNotConfirmed(AnvilNode anvil) {
    long head = anvil.blockNumber();
    assertThatThrownBy(() -> ingestor(anvil, new SegmentStore(dir), 10, 3).ingest(0, head))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("is not confirmed yet")
        .hasMessageContaining("3 confirmations");
  }

  @Test
  void detectsAReorgBelowTheStoredRange(AnvilNode anvil) {
    SegmentStore store = new SegmentStore(dir);
    String snapshot = anvil.snapshot();
    long head = anvil.blockNumber();
    anvil.mine(2);
    ingestor(anvil, store, 100, 0).ingest(0, head + 2);
    anvil.revert(snapshot);
    anvil.increaseTime(1000);
    anvil.mine(3);
    assertThatThrownBy(() -> ingestor(anvil, store, 100, 0).ingest(head + 3, head + 3))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("reorganised below the stored range");
  }

  @Test
  void retriesADeadEndpointThenReportsIt() {
    List<Duration> pauses = new ArrayList<>();
    List<String> reports = new ArrayList<>();
    Web3j dead = Web3j.build(new HttpService("http://127.0.0.1:" + FreePort.onLoopback()));
    try {
      Ingestor ingestor =
          new Ingestor(
              new Web3jChainSource(
                  dead,
                  new Retry(
                      3, Duration.ofMillis(50), Duration.ofSeconds(1), pauses::add, reports::add)),
              new SegmentStore(dir),
              "dead",
              progress::add);
      assertThatThrownBy(() -> ingestor.ingest(0, 0))
          .isInstanceOf(IngestException.class)
          .hasMessageContaining("eth_blockNumber failed after 3 attempts");
      assertThat(pauses).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(reports)
          .hasSize(2)
          .allSatisfy(r -> assertThat(r).startsWith("eth_blockNumber failed (attempt"));
    } finally {
      dead.shutdown();
    }
  }
}
