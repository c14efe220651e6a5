package io.cvmavs.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.light.ValidatorSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RPC client against {@link RecordedNode}, which replays a real CometBFT v0.38 node's answers
 * (no CometBFT binary can run here). Expected values are read off the recordings by hand.
 */
// Network tests: a hang (once seen under heavy machine load, cause not found) fails the test
// instead of the build.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CometRpcClientTest {
  private RecordedNode node;
  private CometRpcClient client;

  @BeforeEach
  void start() throws Exception {
    node = new RecordedNode();
    client = new CometRpcClient(node.uri(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  @Test
  void status() throws Exception {
    RpcTypes.Status s = client.status();
    assertThat(s.network()).isEqualTo("dockerchain");
    assertThat(s.version()).isEqualTo("0.38.0-alpha.1");
    assertThat(s.nodeId()).isEqualTo("cf4a66aa29e5123abfdfbdf485da6788bb8e46d1");
    assertThat(s.earliestBlockHeight()).isEqualTo(1);
    assertThat(s.latestBlockHeight()).isPositive();
    assertThat(s.catchingUp()).isFalse();
    assertThat(s.latestBlockTime()).isAfter(Instant.parse("2023-05-17T14:12:48Z"));
    assertThat(node.requests.getFirst().path("method").asText()).isEqualTo("status");
    assertThat(node.requests.getFirst().path("jsonrpc").asText()).isEqualTo("2.0");
  }

  @Test
  void blockAndCommitHashToTheBlockId() throws Exception {
    RpcTypes.Block block = client.block(10L);
    assertThat(block.header().getHeight()).isEqualTo(10);
    assertThat(LightJson.hex(HeaderHash.of(block.header()))).isEqualTo(block.blockHash());
    assertThat(node.requests.getLast().path("params").path("height").asText()).isEqualTo("10");
    SignedHeader commit = client.commit(10L);
    assertThat(commit.header()).isEqualTo(block.header());
    assertThat(LightJson.hex(commit.commit().getBlockId().getHash().toByteArray()))
        .isEqualTo(block.blockHash());
    assertThat(client.block(1L).header().getHeight()).isEqualTo(1);
  }

  @Test
  void validatorsReadsTheWholeSet() throws Exception {
    ValidatorSet set = client.validators(157001L);
    assertThat(set.size()).isEqualTo(100);
    assertThat(node.requests.getLast().path("params").path("page").asText()).isEqualTo("1");
    assertThat(node.requests.getLast().path("params").path("per_page").asText()).isEqualTo("100");
  }

  @Test
  void broadcastQueryAndSearch() throws Exception {
    RpcTypes.TxSync sync =
        client.broadcastTxSync("sync-key=value".getBytes(StandardCharsets.UTF_8));
    assertThat(sync.code()).isZero();
    assertThat(sync.hash())
        .isEqualTo("57018296EE0919C9D351F2FFEA82A8D28DE223724D79965FC8D00A7477ED48BC");
    assertThat(node.requests.getLast().path("params").path("tx").asText())
        .isEqualTo("c3luYy1rZXk9dmFsdWU=");

    RpcTypes.TxCommit commit =
        client.broadcastTxCommit("commit-key=value".getBytes(StandardCharsets.UTF_8));
    assertThat(commit.height()).isEqualTo(227);
    assertThat(commit.checkTxCode()).isZero();
    assertThat(commit.txResultCode()).isZero();
    assertThat(commit.hash())
        .isEqualTo("D63F9C23791E610410B576D8C27BB5AEAC93CC1A58522428A7B32A1276085860");

    RpcTypes.Query found = client.abciQuery("", "tx0".getBytes(StandardCharsets.UTF_8), 0, false);
    assertThat(new String(found.key(), StandardCharsets.UTF_8)).isEqualTo("tx0");
    assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("value");
    assertThat(found.log()).isEqualTo("exists");
    assertThat(found.height()).isEqualTo(254);
    RpcTypes.Query missing =
        client.abciQuery("", "non_existent_key".getBytes(StandardCharsets.UTF_8), 0, false);
    assertThat(missing.value()).isEmpty();
    assertThat(missing.log()).isEqualTo("does not exist");

    RpcTypes.TxSearch search = client.txSearch("app.creator='Cosmoshi Netowoko'", false, 1, 30);
    assertThat(search.totalCount()).isEqualTo(9);
    assertThat(search.txs()).isNotEmpty();
    assertThat(search.txs().getFirst().height()).isEqualTo(223);
    assertThat(new String(search.txs().getFirst().tx(), StandardCharsets.UTF_8))
        .isEqualTo("async-key=value");
    assertThat(node.requests.getLast().path("params").path("query").asText())
        .isEqualTo("app.creator='Cosmoshi Netowoko'");
  }

  @Test
  void jsonRpcErrorsCarryTheirCode() {
    assertThatThrownBy(() -> client.call("no_such_method", null))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("JSON-RPC error -32601 Method not found")
        .extracting(e -> ((RpcException) e).code())
        .isEqualTo(-32601);
  }

  @Test
  void itShowsItselfAsItsAddressWithSecretsRedacted() {
    assertThat(client.toString()).isEqualTo(node.uri().toString());
    try (CometRpcClient hosted =
        new CometRpcClient(
            java.net.URI.create("https://rpc.example.org/v2/Ab12Cd34Ef56Gh78Ij90?key=s3cret"),
            Duration.ofSeconds(2))) {
      assertThat(hosted.toString()).isEqualTo("https://rpc.example.org/v2/***?***");
    }
  }

  @Test
  void unreachableNodeIsAClearError() {
    CometRpcClient nowhere =
        new CometRpcClient(java.net.URI.create("http://127.0.0.1:1"), Duration.ofSeconds(2));
    assertThatThrownBy(nowhere::status)
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("status at http://127.0.0.1:1: java.net.ConnectException")
        .satisfies(e -> assertThat(e.getMessage()).doesNotEndWith(": null"));
  }

  @Test
  void subscribeDeliversNewBlockAndTxEvents() throws Exception {
    List<RpcTypes.Event> blocks = new CopyOnWriteArrayList<>();
    try (CometRpcClient.Subscription s = client.subscribe("tm.event='NewBlock'", blocks::add)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> blocks.size() == 5);
    }
    assertThat(blocks).allSatisfy(e -> assertThat(e.type()).isEqualTo("tendermint/event/NewBlock"));
    assertThat(blocks.getFirst().value().at("/block/header/height").asText()).isEqualTo("235");
    assertThat(blocks.getFirst().query()).isEqualTo("tm.event = 'NewBlock'");

    List<RpcTypes.Event> txs = new CopyOnWriteArrayList<>();
    try (CometRpcClient.Subscription s = client.subscribe("tm.event='Tx'", txs::add)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> txs.size() == 5);
    }
    assertThat(txs.getFirst().type()).isEqualTo("tendermint/event/Tx");
    assertThat(txs.getFirst().value().at("/TxResult/height").asText()).isEqualTo("243");
  }

  @Test
  void malformedSubscriptionIsRefusedWithTheNodesError() {
    assertThatThrownBy(() -> client.subscribe("tm.event NewBlock", e -> {}))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("failed to parse query");
  }
}
