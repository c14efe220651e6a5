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

  /**
   * Issue 16 item 6, follow mode: blocks mined during the test are ingested from anvil and built
   * into CVM blocks of {@code span} chain blocks as they arrive (timestamps from the chain), sent
   * on the manuscript's event stream with their heights as ids; a restarted server continues after
   * its last block without rebuilding or skipping a range.
   */
  @Test
  void followModeBuildsBlocksAsChainBlocksArriveAndResumesAfterARestart(AnvilNode anvil)
      throws Exception {
    SegmentStore store = new SegmentStore(dir.resolve("follow-data"));
    long first = anvil.blockNumber() + 1;
    String yaml =
        """
        name: follow_blocks
        specVersion: v1.0.0
        sources:
          - {name: chain_blocks, type: dataset, dataset: anvil.blocks}
        sinks:
          - {name: headers, type: dataset, from: chain_blocks, primary_key: block_number}
        """;
    byte[] m;
    try (io.cvmavs.cvm.block.CvmBlockStore blocks =
        io.cvmavs.cvm.block.CvmBlockStore.open(dir.resolve("follow-blocks"))) {
      m = blocks.putManuscript(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String mHex = io.cvmavs.cvm.block.HeaderJson.hex(m);

    Follower one = Follower.start(anvil, store, dir.resolve("follow-blocks"), first);
    List<String> events = one.events(mHex, null);
    anvil.mine(4);
    one.awaitEvents(events, 2);
    List<io.cvmavs.cvm.block.CvmBlockHeader> before = one.stop(m);
    assertThat(before).hasSizeGreaterThanOrEqualTo(2); // more if another test mined meanwhile
    assertThat(events)
        .filteredOn(e -> e.startsWith("id: "))
        .startsWith("id: 0", "id: 1")
        .hasSize(before.size());
    for (io.cvmavs.cvm.block.CvmBlockHeader h : before) {
      assertThat(h.input().fromBlock()).isEqualTo(first + 2 * h.height());
      assertThat(h.input().toBlock()).isEqualTo(first + 2 * h.height() + 1);
      assertThat(h.timestamp())
          .as("the timestamp of the range's last chain block")
          .isEqualTo(store.blockTimestamp("anvil", h.input().toBlock()));
      assertThat(h.datasets().get(0).recordCount()).isEqualTo(2);
    }

    // A restart on the same stores: blocks 0 and 1 stay as they are, block 2 covers the next
    // two chain blocks; a client that reconnects with Last-Event-ID 1 gets block 2.
    anvil.mine(1); // mined while the server is down
    Follower two = Follower.start(anvil, store, dir.resolve("follow-blocks"), first);
    int n = before.size();
    List<String> replayed = two.events(mHex, Integer.toString(n - 1));
    anvil.mine(2);
    two.awaitEvents(replayed, 1);
    List<io.cvmavs.cvm.block.CvmBlockHeader> after = two.stop(m);
    assertThat(after).hasSizeGreaterThan(n);
    assertThat(after.subList(0, n))
        .extracting(h -> io.cvmavs.cvm.block.HeaderJson.hex(h.hash()))
        .containsExactlyElementsOf(
            before.stream().map(h -> io.cvmavs.cvm.block.HeaderJson.hex(h.hash())).toList());
    for (int i = 1; i < after.size(); i++) {
      assertThat(after.get(i).input().fromBlock())
          .as("block %d starts right after block %d", i, i - 1)
          .isEqualTo(after.get(i - 1).input().toBlock() + 1);
    }
    assertThat(after.get(n).input().fromBlock()).isEqualTo(first + 2L * n);
    assertThat(replayed).filteredOn(e -> e.startsWith("id: ")).startsWith("id: " + n);
  }

  /** A CVM HTTP server in follow mode on anvil, as {@code cvm-avs cvm serve --follow} runs it. */
  private record Follower(
      io.vertx.core.Vertx vertx,
      io.cvmavs.cvm.block.CvmBlockStore blocks,
      io.cvmavs.cvm.http.CvmHttpApi api,
      java.util.concurrent.atomic.AtomicBoolean stopping,
      Thread thread) {
    static Follower start(AnvilNode anvil, SegmentStore store, Path blockDir, long first)
        throws Exception {
      io.cvmavs.cvm.block.CvmBlockStore blocks = io.cvmavs.cvm.block.CvmBlockStore.open(blockDir);
      io.cvmavs.cvm.http.CvmHttpApi api =
          new io.cvmavs.cvm.http.CvmHttpApi(
              blocks,
              new io.cvmavs.cvm.engine.ManuscriptRunner(
                  io.cvmavs.cvm.engine.FlinkRuntime.embedded(), store),
              io.cvmavs.cvm.http.CvmHttpApi.ChainRanges.of(store),
              io.cvmavs.cvm.http.CvmHttpApi.Config.of(
                  "127.0.0.1", 0, io.cvmavs.cvm.http.ApiKeys.of(List.of())));
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      vertx
          .deployVerticle(api)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      Ingestor ingestor =
          new Ingestor(
              new Web3jChainSource(anvil.web3j(), Retry.defaults()),
              store,
              "anvil",
              100,
              0,
              2,
              line -> {},
              System::nanoTime);
      java.util.concurrent.atomic.AtomicBoolean stopping =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread thread =
          Thread.ofPlatform()
              .start(
                  () ->
                      ingestor.follow(
                          first,
                          Duration.ofMillis(100),
                          stopping::get,
                          io.cvmavs.common.retry.Sleeper.threadSleep(),
                          to -> api.buildFollowing("anvil", first, 2, to)));
      return new Follower(vertx, blocks, api, stopping, thread);
    }

    List<String> events(String manuscript, String lastEventId) throws Exception {
      List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
      java.net.http.HttpRequest.Builder request =
          java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(
                  "http://127.0.0.1:"
                      + api.actualPort()
                      + "/manuscripts/"
                      + manuscript
                      + "/events"));
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      java.net.http.HttpClient.newHttpClient()
          .sendAsync(request.build(), java.net.http.HttpResponse.BodyHandlers.ofLines())
          .thenAccept(r -> r.body().forEach(lines::add));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!lines.contains(": subscribed") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return lines;
    }

    void awaitEvents(List<String> lines, int count) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (lines.stream().filter(e -> e.startsWith("id: ")).count() < count
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }

    /** Stops following and the server; returns the manuscript's blocks, by height. */
    List<io.cvmavs.cvm.block.CvmBlockHeader> stop(byte[] manuscript) throws Exception {
      stopping.set(true);
      thread.join(60_000);
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      List<io.cvmavs.cvm.block.CvmBlockHeader> out = new ArrayList<>();
      long top =
          blocks.head(manuscript).map(io.cvmavs.cvm.block.CvmBlockHeader::height).orElse(-1L);
      for (long h = 0; h <= top; h++) {
        out.add(blocks.header(blocks.blockHashAt(manuscript, h).orElseThrow()).orElseThrow());
      }
      blocks.close();
      return out;
    }
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
