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
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
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

  private int syncAgainst(
      URI primaryRpc, LightSyncTool.Settings settings, BooleanSupplier stop, URI... witnesses)
      throws Exception {
    CometRpcClient rpc = new CometRpcClient(primaryRpc, Duration.ofSeconds(10));
    closeLater.add(rpc);
    List<LightSyncTool.Witness> ws = new ArrayList<>();
    for (URI w : witnesses) {
      CometRpcClient c = new CometRpcClient(w, Duration.ofSeconds(5));
      closeLater.add(c);
      ws.add(new LightSyncTool.Witness(w.toString(), new RpcProvider(c)));
    }
    return new LightSyncTool(rpc, ws, () -> NOW, new PrintWriter(out), new PrintWriter(err))
        .run(settings, stop);
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

  @Test
  void aWitnessOneBlockBehindIsWaitedForAndProvesThePrimarysForgedHeader() throws Exception {
    // the primary forges 4 (the fork's chain); the honest witness is at 3 for its first answers
    AtomicBoolean behind = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    URI lagging = laggingProxy(primary.rpc.uri(), 3, behind, refused, 3);
    LightSyncTool.Settings settings =
        new LightSyncTool.Settings(1, forked.hash(1), OPTIONS, 4L, Duration.ofMillis(10));

    int code = syncAgainst(forked.rpc.uri(), settings, () -> false, lagging);

    assertThat(code).as(out + "\n" + err).isEqualTo(LightSyncTool.LIGHT_CLIENT_ATTACK);
    assertThat(refused.get()).as("asked again while it was behind").isEqualTo(3);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.getFirst().get("height").asLong()).isEqualTo(1);
    assertThat(lines.getLast().get("attack").asText())
        .contains("witness " + lagging + " proved header 4 = " + primary.hash(4))
        .contains("the primary's is " + forked.hash(4));
    assertThat(err.toString()).doesNotContain("faulty").doesNotContain("behind");
  }

  @Test
  void aWitnessStillBehindAfterTheWaitIsNotDroppedAndLaterProvesTheForgedHeader() throws Exception {
    // following the primary (the fork's chain), which shows 4 as its latest, then 5; the honest
    // witness stays at 3 past the wait (2 x 50 ms drift + 100 ms lag), so the primary's forged 4
    // is printed, and catches up when the primary shows 5: its 5 differs, and it must be checked
    // from 1 (the last header it confirmed), not from the primary's 4, which it never confirmed
    AtomicBoolean behind = new AtomicBoolean(true);
    AtomicInteger statusCalls = new AtomicInteger();
    URI lagging =
        laggingProxy(primary.rpc.uri(), 3, behind, new AtomicInteger(), Integer.MAX_VALUE);
    URI following =
        statusProxy(
            forked.rpc.uri(),
            () -> {
              if (statusCalls.incrementAndGet() == 1) {
                return 4;
              }
              behind.set(false);
              return 5;
            });
    LightVerifier.Options options =
        new LightVerifier.Options(Duration.ofDays(14), Duration.ofMillis(50), OPTIONS.trustLevel());
    LightSyncTool.Settings settings =
        new LightSyncTool.Settings(
            1, forked.hash(1), options, null, Duration.ofMillis(10), Duration.ofMillis(100));

    int code = syncAgainst(following, settings, () -> statusCalls.get() > 20, lagging);

    assertThat(code).as(out + "\n" + err).isEqualTo(LightSyncTool.LIGHT_CLIENT_ATTACK);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).get("hash").asText())
        .as("the forged header, printed while the witness was behind")
        .isEqualTo(forked.hash(4));
    JsonNode attack = lines.getLast();
    assertThat(attack.get("attack").asText())
        .contains("proved header 4 = " + primary.hash(4))
        .contains("from the common header 1")
        .contains("the primary's is " + forked.hash(4));
    assertThat(attack.get("evidence").get("value").get("common_height").asText()).isEqualTo("4");
    assertThat(err.toString())
        .contains(
            "witness "
                + lagging
                + " is behind (its latest block is 3, not yet 4, after waiting 0.2s)")
        .contains("checked again from its confirmed header 1")
        .doesNotContain("faulty");
  }

  @Test
  void theEvidencesValidatorSetNamesTheConflictingHeadersProposer() throws Exception {
    int code = sync(6, forked.rpc.uri());

    assertThat(code).as(out + "\n" + err).isEqualTo(LightSyncTool.LIGHT_CLIENT_ATTACK);
    JsonNode block = lines().getLast().get("evidence").get("value").get("conflicting_block");
    String proposer = block.get("signed_header").get("header").get("proposer_address").asText();
    JsonNode set = block.get("validator_set");
    assertThat(set.get("proposer").get("address").asText()).isEqualTo(proposer);
    assertThat(addresses(set.get("validators"))).contains(proposer);
  }

  /**
   * A proxy to {@code upstream} that, while {@code behind}, acts as a node whose latest block is
   * {@code latest}: {@code status} shows it, and {@code commit} / {@code validators} above it get
   * CometBFT's JSON-RPC error (counted in {@code refused}); it catches up after {@code
   * catchUpAfter} refused {@code commit}s.
   */
  private URI laggingProxy(
      URI upstream, long latest, AtomicBoolean behind, AtomicInteger refused, int catchUpAfter)
      throws Exception {
    AtomicInteger refusedCommits = new AtomicInteger();
    return proxy(
        upstream,
        (request, forward) -> {
          String method = request.path("method").asText();
          long height = request.path("params").path("height").asLong(0);
          if (method.equals("commit") && height > latest && refusedCommits.get() >= catchUpAfter) {
            behind.set(false);
          }
          if ((method.equals("commit") || method.equals("validators"))
              && height > latest
              && behind.get()) {
            if (method.equals("commit")) {
              refused.incrementAndGet();
              refusedCommits.incrementAndGet();
            }
            ObjectNode error = JSON.createObjectNode();
            error.put("jsonrpc", "2.0").set("id", request.get("id"));
            error
                .putObject("error")
                .put("code", -32603)
                .put("message", "Internal error")
                .put(
                    "data",
                    "height "
                        + height
                        + " must be less than or equal to the current blockchain height "
                        + latest);
            return error;
          }
          JsonNode answer = forward.call(request);
          if (method.equals("status") && behind.get()) {
            ((ObjectNode) answer.path("result").path("sync_info"))
                .put("latest_block_height", Long.toString(latest));
          }
          return answer;
        });
  }

  /** A proxy to {@code upstream} whose {@code status} shows {@code latest} as the latest height. */
  private URI statusProxy(URI upstream, LongSupplier latest) throws Exception {
    return proxy(
        upstream,
        (request, forward) -> {
          JsonNode answer = forward.call(request);
          if (request.path("method").asText().equals("status")) {
            ((ObjectNode) answer.path("result").path("sync_info"))
                .put("latest_block_height", Long.toString(latest.getAsLong()));
          }
          return answer;
        });
  }

  private interface Forward {
    JsonNode call(JsonNode request) throws Exception;
  }

  private interface Handler {
    JsonNode answer(JsonNode request, Forward upstream) throws Exception;
  }

  /** An HTTP server that answers each JSON-RPC request with {@code handler}. */
  private URI proxy(URI upstream, Handler handler) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    HttpClient client = HttpClient.newHttpClient();
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            JsonNode request;
            try (InputStream in = ex.getRequestBody()) {
              request = JSON.readTree(in);
            }
            String path = ex.getRequestURI().toString();
            JsonNode answer =
                handler.answer(
                    request,
                    r ->
                        JSON.readTree(
                            client
                                .send(
                                    HttpRequest.newBuilder(upstream.resolve(path))
                                        .header("Content-Type", "application/json")
                                        .POST(
                                            HttpRequest.BodyPublishers.ofByteArray(
                                                JSON.writeValueAsBytes(r)))
                                        .build(),
                                    HttpResponse.BodyHandlers.ofByteArray())
                                .body()));
            byte[] bytes = JSON.writeValueAsBytes(answer);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(bytes);
            }
          } catch (Exception e) {
            throw new IOException(e);
          }
        });
    server.start();
    closeLater.add(() -> server.stop(0));
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
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
