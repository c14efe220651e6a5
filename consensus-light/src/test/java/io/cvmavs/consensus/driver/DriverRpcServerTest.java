package io.cvmavs.consensus.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.light.ValidatorSet;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.LightSyncTool;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcProvider;
import io.cvmavs.consensus.rpc.RpcTypes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's RPC server read by the project's {@link CometRpcClient} (which is tested against
 * real CometBFT v0.38 answers): the light client syncs the driven chain by bisection, transactions
 * go in through {@code broadcast_tx_sync}, state comes out through {@code abci_query}. Six
 * validators with a weighted set, one of which changes power, so bisection has to skip.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DriverRpcServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LightVerifier.Options OPTIONS =
      LightVerifier.Options.of(Duration.ofDays(14));

  private LocalNet net;
  private CometRpcClient rpc;

  @BeforeEach
  void start() throws Exception {
    KvStoreApp.Disk[] disks = new KvStoreApp.Disk[6];
    for (int i = 0; i < disks.length; i++) {
      disks[i] = new KvStoreApp.Disk();
    }
    net =
        LocalNet.start(
            LocalNet.Settings.of(
                "driver-rpc",
                List.of(50L, 40L, 30L, 20L, 10L, 5L),
                i -> new KvStoreApp(KvStoreApp.Mode.HONEST, disks[i])));
    rpc = new CometRpcClient(net.rpc().uri(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    if (rpc != null) {
      rpc.close();
    }
    net.close();
  }

  private void steps(int n) throws DriverException {
    for (int i = 0; i < n; i++) {
      net.driver().step().orElseThrow();
    }
  }

  @Test
  void transactionsInStateOutAndTheShapesCometRpcClientReads() throws Exception {
    RpcTypes.TxSync sync = rpc.broadcastTxSync("color=blue".getBytes(StandardCharsets.UTF_8));
    assertThat(sync.code()).isZero();
    assertThat(rpc.broadcastTxSync("not a kv".getBytes(StandardCharsets.UTF_8)).code())
        .isEqualTo(1);
    steps(3);
    RpcTypes.Status status = rpc.status();
    assertThat(status.network()).isEqualTo("driver-rpc");
    assertThat(status.latestBlockHeight()).isEqualTo(3);
    assertThat(status.latestBlockHash())
        .isEqualTo(LightJson.hex(HeaderHash.of(net.driver().block(3).orElseThrow().header())));
    RpcTypes.Block b1 = rpc.block(1L);
    assertThat(b1.txs()).hasSize(1);
    assertThat(new String(b1.txs().getFirst(), StandardCharsets.UTF_8)).isEqualTo("color=blue");
    assertThat(b1.blockHash()).isEqualTo(LightJson.hex(HeaderHash.of(b1.header())));
    SignedHeader sh = rpc.commit(2L);
    assertThat(sh.header()).isEqualTo(net.driver().block(2).orElseThrow().header());
    assertThat(sh.commit()).isEqualTo(net.driver().block(2).orElseThrow().commit());
    ValidatorSet vals = rpc.validators(4L); // latest + 1 is known
    assertThat(vals.hash())
        .isEqualTo(
            net.driver().block(3).orElseThrow().header().getNextValidatorsHash().toByteArray());
    RpcTypes.Query q = rpc.abciQuery("", "color".getBytes(StandardCharsets.UTF_8), 0, false);
    assertThat(new String(q.value(), StandardCharsets.UTF_8)).isEqualTo("blue");
    assertThat(q.height()).isEqualTo(3);
    assertThatThrownBy(() -> rpc.commit(9L))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("must be less than or equal to the current blockchain height 3");

    // Pages: 6 validators, 4 per page.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    JsonNode page2 = get(http, "/validators?height=2&page=2&per_page=4");
    assertThat(page2.path("result").path("count").asText()).isEqualTo("2");
    assertThat(page2.path("result").path("total").asText()).isEqualTo("6");
    JsonNode unknown = get(http, "/no_such_method");
    assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32601);
    JsonNode badHeight = get(http, "/block?height=abc");
    assertThat(badHeight.path("error").path("data").asText()).contains("'abc' is not an integer");
    JsonNode block = get(http, "/block?height=2");
    assertThat(block.path("result").path("block").path("last_commit").path("signatures"))
        .hasSize(6);
    http.close();
  }

  private JsonNode get(HttpClient http, String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(net.rpc().uri() + pathAndQuery)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  @Test
  void broadcastTxCommitWaitsForTheBlock() throws Exception {
    net.driver().runEvery(Duration.ofMillis(50));
    RpcTypes.TxCommit c = rpc.broadcastTxCommit("fruit=apple".getBytes(StandardCharsets.UTF_8));
    assertThat(c.checkTxCode()).isZero();
    assertThat(c.txResultCode()).isZero();
    assertThat(c.height()).isPositive();
    assertThat(net.driver().block(c.height()).orElseThrow().txs())
        .contains(com.google.protobuf.ByteString.copyFromUtf8("fruit=apple"));
    RpcTypes.TxCommit refused = rpc.broadcastTxCommit("nope".getBytes(StandardCharsets.UTF_8));
    assertThat(refused.checkTxCode()).isEqualTo(1);
    assertThat(refused.height()).isZero();
  }

  @Test
  void lightSyncFollowsTheDrivenChainByBisection() throws Exception {
    steps(4);
    // Validators 0-2 leave and 5 goes from 5 to 200: the genesis set's members then hold 35 of its
    // 155 (under 1/3) in later commits, so bisection must verify a header in between first.
    for (int i : new int[] {0, 1, 2}) {
      String pk = java.util.HexFormat.of().formatHex(net.key(i).publicKey());
      assertThat(
              net.driver()
                  .submitTx(("val:" + pk + ":0").getBytes(StandardCharsets.UTF_8))
                  .getCode())
          .isZero();
    }
    String pk = java.util.HexFormat.of().formatHex(net.key(5).publicKey());
    net.driver().submitTx(("val:" + pk + ":200").getBytes(StandardCharsets.UTF_8));
    steps(16);
    long latest = net.driver().latestHeight();
    String hash1 = LightJson.hex(HeaderHash.of(net.driver().block(1).orElseThrow().header()));

    StringWriter out = new StringWriter();
    LightSyncTool tool = new LightSyncTool(rpc, Instant::now, new PrintWriter(out));
    int code =
        tool.run(
            new LightSyncTool.Settings(1, hash1, OPTIONS, latest, Duration.ofMillis(10)),
            () -> false);
    assertThat(code).as(out.toString()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.toString().strip().split("\n")) {
      lines.add(JSON.readTree(l));
    }
    assertThat(lines.getFirst().path("height").asLong()).isEqualTo(1);
    assertThat(lines.getLast().path("height").asLong()).isEqualTo(latest);
    assertThat(lines.getLast().path("hash").asText())
        .isEqualTo(LightJson.hex(HeaderHash.of(net.driver().block(latest).orElseThrow().header())));
    assertThat(lines.size()).as("bisection needed intermediate headers").isGreaterThan(2);

    // The same with Bisection directly, and a tampered header refused.
    RpcProvider provider = new RpcProvider(rpc);
    LightBlock trusted = provider.lightBlock(1);
    List<LightBlock> trace =
        new Bisection(provider, OPTIONS).verifyTo(trusted, latest, Instant.now());
    assertThat(trace.getLast().height()).isEqualTo(latest);
    assertThat(trace.size()).isGreaterThan(1);
    assertThat(net.driver().validatorsAt(latest).orElseThrow().entries()).hasSize(3);
  }
}
