package io.cvmavs.consensus.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.common.net.HostPort;
import io.cvmavs.consensus.abci.AbciServer;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.Verdict;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.LightSyncTool;
import io.cvmavs.consensus.rpc.RpcProvider;
import io.cvmavs.consensus.rpc.RpcTypes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * Our ABCI server, RPC client and light client behind a <b>real CometBFT v0.38 node</b>: the
 * official {@code cometbft/cometbft} image (pinned below) runs {@code cometbft init} and {@code
 * cometbft node --proxy_app=tcp://host.testcontainers.internal:<port>}, driving {@link KvStoreApp}
 * (the smallest real app of ours, the one the local consensus driver's tests drive) served by
 * {@link AbciServer} on this JVM over CometBFT's socket protocol ({@code
 * Testcontainers.exposeHostPorts} tunnels the container's connections to that port). The test waits
 * for blocks, reads {@code /status}, {@code /block}, {@code /commit} and {@code /validators}
 * through {@link CometRpcClient}, commits a transaction and queries it back, and verifies the
 * node's headers with our light client: the trusted root against the node's own block hash,
 * adjacent steps, bisection to the head, and {@code light sync} with the node as its own witness.
 *
 * <p><b>Needs Docker.</b> Without a Docker daemon the class is skipped ({@code
 * disabledWithoutDocker}: JUnit reports it as skipped, "disabledWithoutDocker is true and Docker is
 * not available"), and none of its setup runs. The project's build machines have no Docker daemon,
 * so there it only compiles; run it where Docker works with
 *
 * <pre>
 * bin/mvn -o -pl consensus-light -am verify -Dforge.skipTests=true -Dtest=none -Dit.test=CometBftContainerIT \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * The ABCI server's listen address is configured, not the default: {@code
 * -Dcvmavs.it.abciListen=HOST:PORT} (default {@code 127.0.0.1:0}, enough because Testcontainers'
 * host tunnel connects from this JVM's side; a non-loopback address exposes the app on purpose,
 * e.g. for a node started by hand with {@code --proxy_app=tcp://HOST:PORT}). The image can be
 * changed with {@code -Dcvmavs.it.cometbftImage=cometbft/cometbft:v0.38.x}.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CometBftContainerIT {
  /** The CometBFT release the protocol files follow (issue 17: v0.38, pin at least .15). */
  static final String IMAGE =
      System.getProperty("cvmavs.it.cometbftImage", "cometbft/cometbft:v0.38.17");

  private static final int RPC_PORT = 26657;
  private static final LightVerifier.Options OPTIONS =
      LightVerifier.Options.of(Duration.ofDays(14));

  private static AbciServer abci;
  private static GenericContainer<?> node;
  private static CometRpcClient rpc;

  @BeforeAll
  static void start() throws Exception {
    abci =
        AbciServer.start(
            new KvStoreApp(KvStoreApp.Mode.HONEST, new KvStoreApp.Disk()),
            AbciServer.Settings.listen(
                HostPort.parse(System.getProperty("cvmavs.it.abciListen", "127.0.0.1:0"))));
    int abciPort = abci.address().getPort();
    org.testcontainers.Testcontainers.exposeHostPorts(abciPort);
    node =
        new GenericContainer<>(DockerImageName.parse(IMAGE))
            .withAccessToHost(true)
            .withExposedPorts(RPC_PORT)
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.withEntrypoint(
                        "/bin/sh",
                        "-c",
                        "cometbft init --home /tmp/cmt > /dev/null && exec cometbft node"
                            + " --home /tmp/cmt"
                            + " --proxy_app=tcp://host.testcontainers.internal:"
                            + abciPort
                            + " --rpc.laddr=tcp://0.0.0.0:"
                            + RPC_PORT))
            .waitingFor(
                Wait.forHttp("/status")
                    .forPort(RPC_PORT)
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(2)));
    node.start();
    rpc =
        new CometRpcClient(
            URI.create("http://" + node.getHost() + ":" + node.getMappedPort(RPC_PORT)),
            Duration.ofSeconds(10));
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (rpc.status().latestBlockHeight() < 5) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("CometBFT made no 5 blocks in a minute:\n" + node.getLogs());
      }
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    if (rpc != null) {
      rpc.close();
    }
    if (node != null) {
      node.stop();
    }
    if (abci != null) {
      abci.close();
    }
  }

  @Test
  void ourHeaderHashesAndCommitVerificationAgreeWithTheRealNode() throws Exception {
    RpcTypes.Status status = rpc.status();
    assertThat(status.version()).startsWith("0.38.");
    RpcProvider provider = new RpcProvider(rpc);
    for (long h = 1; h <= 4; h++) {
      RpcTypes.Block block = rpc.block(h);
      assertThat(LightJson.hex(HeaderHash.of(block.header())))
          .as("our hash of the node's header %d", h)
          .isEqualToIgnoringCase(block.blockHash());
    }
    LightBlock root = provider.lightBlock(1);
    byte[] hash1 = HexFormat.of().parseHex(rpc.block(1L).blockHash());
    assertThat(LightVerifier.verifyTrustRoot(root, hash1, OPTIONS, Instant.now()).verdict())
        .isEqualTo(Verdict.SUCCESS);
    assertThat(
            LightVerifier.verify(
                    provider.lightBlock(2), provider.lightBlock(3), OPTIONS, Instant.now())
                .verdict())
        .as("adjacent")
        .isEqualTo(Verdict.SUCCESS);
    long head = rpc.status().latestBlockHeight();
    List<LightBlock> trace = new Bisection(provider, OPTIONS).verifyTo(root, head, Instant.now());
    assertThat(LightJson.hex(HeaderHash.of(trace.getLast().signedHeader().header())))
        .isEqualToIgnoringCase(rpc.block(head).blockHash());
  }

  @Test
  void aTransactionCommittedThroughTheNodeIsInOurApp() throws Exception {
    RpcTypes.TxCommit committed =
        rpc.broadcastTxCommit("container=cometbft".getBytes(StandardCharsets.UTF_8));
    assertThat(committed.checkTxCode()).isZero();
    assertThat(committed.txResultCode()).isZero();
    RpcTypes.Query q = rpc.abciQuery("", "container".getBytes(StandardCharsets.UTF_8), 0, false);
    assertThat(q.code()).isZero();
    assertThat(new String(q.value(), StandardCharsets.UTF_8)).isEqualTo("cometbft");
  }

  @Test
  void lightSyncFollowsTheNodeWithItselfAsWitness() throws Exception {
    String hash1 = rpc.block(1L).blockHash();
    long to = rpc.status().latestBlockHeight() + 2;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (CometRpcClient witness =
        new CometRpcClient(
            URI.create("http://" + node.getHost() + ":" + node.getMappedPort(RPC_PORT)),
            Duration.ofSeconds(10))) {
      int code =
          new LightSyncTool(
                  rpc,
                  List.of(new LightSyncTool.Witness("same node", new RpcProvider(witness))),
                  Instant::now,
                  new PrintWriter(out),
                  new PrintWriter(err))
              .run(
                  new LightSyncTool.Settings(1, hash1, OPTIONS, to, Duration.ofMillis(500)),
                  () -> false);
      assertThat(code).as(out + "\n" + err).isZero();
    }
    assertThat(out.toString()).contains("\"height\":" + to);
    assertThat(err.toString()).isEmpty();
  }
}
