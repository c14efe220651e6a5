package io.cvmavs.consensus.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.consensus.abci.AbciServer;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.LightSyncTool;
import io.cvmavs.consensus.rpc.RpcProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code light sync} with witnesses ({@link LightSyncTool} + {@code Detector}) against real RPC
 * servers. A real fork: two local consensus drivers with the <b>same four Ed25519 validator
 * keys</b>, chain id, genesis and clock make identical blocks 1–3; at height 4 the witness's chain
 * gets a transaction the primary's does not, so from 4 on the same validators have signed two
 * different headers at each height — served by two {@link DriverRpcServer}s in CometBFT's JSON.
 * Also: a witness that tampers one header (a small HTTP proxy in front of the primary's RPC), an
 * agreeing witness (a second RPC server over the primary's chain) and an unreachable one.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WitnessCrossCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant GENESIS = Instant.parse("2026-06-01T00:00:00Z");
  private static final LightVerifier.Options OPTIONS =
      LightVerifier.Options.of(Duration.ofDays(14));
  private static final Instant NOW = GENESIS.plusSeconds(60);

  /** A clock the test sets, so both chains get the same block and vote times. */
  private static final class SetClock extends Clock {
    volatile Instant now = GENESIS;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Four KvStore apps over ABCI sockets, driven with fixed keys, and the driver's RPC server. */
  private static final class Chain implements AutoCloseable {
    final List<AbciServer> servers = new ArrayList<>();
    final SetClock clock = new SetClock();
    final LocalConsensusDriver driver;
    final DriverRpcServer rpc;

    Chain() throws Exception {
      List<LocalConsensusDriver.NodeSpec> nodes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        AbciServer s =
            AbciServer.start(
                new KvStoreApp(KvStoreApp.Mode.HONEST, new KvStoreApp.Disk()),
                AbciServer.Settings.loopback(0));
        servers.add(s);
        byte[] seed = new byte[32];
        seed[0] = (byte) (i + 1);
        nodes.add(
            new LocalConsensusDriver.NodeSpec(
                "validator-" + i, ValidatorKey.fromSeed(seed), 10, s.address()));
      }
      LocalConsensusDriver.Settings d = LocalConsensusDriver.Settings.of("fork-test", nodes);
      driver =
          LocalConsensusDriver.start(
              new LocalConsensusDriver.Settings(
                  d.chainId(),
                  GENESIS,
                  d.consensusParams(),
                  d.appStateBytes(),
                  d.nodes(),
                  d.callTimeout(),
                  d.roundsPerStep(),
                  clock));
      rpc = DriverRpcServer.start(driver, 0);
    }

    void stepTo(long height) throws DriverException {
      while (driver.latestHeight() < height) {
        clock.now = GENESIS.plusSeconds(driver.latestHeight() + 1);
        driver.step().orElseThrow();
      }
    }

    String hash(long height) {
      return LightJson.hex(HeaderHash.of(driver.block(height).orElseThrow().header()));
    }

    @Override
    public void close() {
      rpc.close();
      driver.close();
      servers.forEach(AbciServer::close);
    }
  }

  private Chain primary;
  private Chain forked;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    primary = new Chain();
    forked = new Chain();
    primary.stepTo(3);
    forked.stepTo(3);
    assertThat(forked.hash(3)).as("same keys, genesis and clock").isEqualTo(primary.hash(3));
    forked.driver.submitTx("fork=yes".getBytes(StandardCharsets.UTF_8));
    primary.stepTo(6);
    forked.stepTo(6);
    assertThat(forked.hash(4)).isNotEqualTo(primary.hash(4));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
    primary.close();
    forked.close();
  }

  private int sync(long to, URI... witnesses) throws Exception {
    CometRpcClient rpc = new CometRpcClient(primary.rpc.uri(), Duration.ofSeconds(10));
    closeLater.add(rpc);
    List<LightSyncTool.Witness> ws = new ArrayList<>();
    for (URI w : witnesses) {
      CometRpcClient c = new CometRpcClient(w, Duration.ofSeconds(5));
      closeLater.add(c);
      ws.add(new LightSyncTool.Witness(w.toString(), new RpcProvider(c)));
    }
    return new LightSyncTool(rpc, ws, () -> NOW, new PrintWriter(out), new PrintWriter(err))
        .run(
            new LightSyncTool.Settings(1, primary.hash(1), OPTIONS, to, Duration.ofMillis(10)),
            () -> false);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.toString().strip().split("\n")) {
      lines.add(JSON.readTree(l));
    }
    return lines;
  }

  private static List<String> addresses(JsonNode validators) {
    List<String> a = new ArrayList<>();
    validators.forEach(v -> a.add(v.get("address").asText()));
    return a;
  }

  @Test
  void aForkedWitnessIsALightClientAttackWithEvidence() throws Exception {
    int code = sync(6, forked.rpc.uri());

    assertThat(code).as(out + "\n" + err).isEqualTo(LightSyncTool.LIGHT_CLIENT_ATTACK);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.getFirst().get("height").asLong()).as("the trusted root").isEqualTo(1);
    JsonNode attack = lines.getLast();
    assertThat(attack.get("attack").asText())
        .contains("lunatic")
        .contains("header 6 = " + forked.hash(6))
        .contains("the primary's is " + primary.hash(6));
    assertThat(attack.get("witness").asText()).isEqualTo(forked.rpc.uri().toString());
    JsonNode ev = attack.get("evidence");
    assertThat(ev.get("type").asText()).isEqualTo("tendermint/LightClientAttackEvidence");
    JsonNode v = ev.get("value");
    // app_hash differs (the fork's transaction ran at 4): lunatic, from the common block 1
    assertThat(v.get("common_height").asText()).isEqualTo("1");
    assertThat(v.get("total_voting_power").asText()).isEqualTo("40");
    assertThat(v.get("timestamp").asText()).isEqualTo(GENESIS.toString());
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(primary.driver.addressHex(i));
    }
    assertThat(addresses(v.get("byzantine_validators")))
        .as("every validator of the common set signed the conflicting header")
        .containsExactlyInAnyOrderElementsOf(all);
    // the conflicting block reads back as a light block that is the witness's header 6
    LightBlock conflicting = LightJson.lightBlock(v.get("conflicting_block"), "evidence");
    assertThat(LightJson.hex(HeaderHash.of(conflicting.signedHeader().header())))
        .isEqualTo(forked.hash(6));
    assertThat(conflicting.validators().totalVotingPower()).isEqualTo(40);
  }

  @Test
  void aForkOnlyInTheDataIsAnEquivocationByTheValidatorsThatSignedBoth() throws Exception {
    // at 4 only data_hash differs (app_hash is the state before the block): equivocation
    int code = sync(4, forked.rpc.uri());

    assertThat(code).as(out + "\n" + err).isEqualTo(LightSyncTool.LIGHT_CLIENT_ATTACK);
    JsonNode attack = lines().getLast();
    assertThat(attack.get("attack").asText()).contains("equivocation");
    JsonNode v = attack.get("evidence").get("value");
    assertThat(v.get("common_height").asText()).as("the conflicting height").isEqualTo("4");
    assertThat(v.get("byzantine_validators")).hasSize(4);
    var t = primary.driver.block(4).orElseThrow().header().getTime();
    assertThat(v.get("timestamp").asText())
        .as("the primary's header 4")
        .isEqualTo(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
  }

  @Test
  void aWitnessWithATamperedHeaderIsDroppedAndTheSyncGoesOn() throws Exception {
    URI tampering = tamperingProxy(primary.rpc.uri(), 6);
    URI agreeing = secondRpc();

    int code = sync(6, tampering, agreeing);

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(lines()).extracting(l -> l.get("height").asLong()).containsExactly(1L, 6L);
    assertThat(lines().getLast().get("hash").asText()).isEqualTo(primary.hash(6));
    assertThat(err.toString())
        .contains("witness " + tampering + " is faulty and dropped")
        .contains("does not verify from the common header 1")
        .doesNotContain(agreeing.toString());
  }

  @Test
  void agreeingAndUnreachableWitnessesChangeNothing() throws Exception {
    URI agreeing = secondRpc();
    URI unreachable;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unreachable = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }

    int code = sync(6, agreeing, unreachable);
    String withWitnesses = out.toString();
    out.getBuffer().setLength(0);
    int alone = sync(6);

    assertThat(code).as(withWitnesses + "\n" + err).isZero();
    assertThat(alone).isZero();
    assertThat(withWitnesses).isEqualTo(out.toString());
    assertThat(err.toString())
        .contains("witness " + unreachable + " did not answer")
        .doesNotContain(agreeing.toString());
  }

  /** Another RPC server over the primary's chain: a witness that agrees. */
  private URI secondRpc() throws Exception {
    DriverRpcServer server = DriverRpcServer.start(primary.driver, 0);
    closeLater.add(server);
    return server.uri();
  }

  /**
   * An HTTP server that forwards JSON-RPC to {@code upstream} and changes the {@code app_hash} of
   * the header it answers for {@code height} (the commit still signs the original).
   */
  private URI tamperingProxy(URI upstream, long height) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpClient client = HttpClient.newHttpClient();
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
              body = in.readAllBytes();
            }
            HttpResponse<byte[]> r =
                client.send(
                    HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = r.body();
            JsonNode json = JSON.readTree(answer);
            JsonNode header = json.path("result").path("signed_header").path("header");
            if (header.isObject() && header.path("height").asLong() == height) {
              ((ObjectNode) header).put("app_hash", "00".repeat(32));
              answer = JSON.writeValueAsBytes(json);
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(r.statusCode(), answer.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(answer);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
    closeLater.add(() -> server.stop(0));
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }
}
