package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The monitor on a real chain: attestation health from {@code TaskResponded} + calldata + registry,
 * slashing alerts to a real local webhook that first answers 500, and a restart from the persisted
 * cursor that sends nothing twice.
 */
@WithAnvil
class MonitorChainIT {
  @TempDir Path dir;

  /** One webhook request as received. */
  record Received(int status, String idempotencyKey, JsonObject body) {}

  @Test
  void healthShowsTheNonSignerAndSlashingAlertsAreDeliveredOnceAcrossRestarts(AnvilNode anvil)
      throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/alerts",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          int status = calls.incrementAndGet() == 1 ? 500 : 200;
          received.add(
              new Received(
                  status,
                  exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                  new JsonObject(new String(body, StandardCharsets.UTF_8))));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    hook.start();
    String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts";

    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      CvmTask all = chain.createTask(0);
      chain.respond(all, 0, 1, 2);
      CvmTask twoOfThree = chain.createTask(1);
      chain.respond(twoOfThree, 0, 1); // operator 3 does not sign

      long headAfterResponses = chain.reader.blockNumber();
      Path config = chain.monitorYaml(dir.resolve("monitor"), List.of(hookUrl));
      MonitorService monitor = MonitorService.start(MonitorConfigLoader.load(config));
      URI dashboard = monitor.dashboardUrl().orElseThrow();
      try {
        await().atMost(MonitorFixture.WAIT).until(() -> respondedWithNonSigners(monitor) == 2);
        JsonArray operators = get(dashboard.resolve("/api/operators"));
        assertThat(operators).hasSize(3);
        for (int i = 0; i < 3; i++) {
          JsonObject o = byId(operators, chain.operatorId(i));
          assertThat(o.getString("operator")).isEqualTo(chain.addresses.get(i));
          assertThat(o.getJsonObject("lastTasks").getInteger("tasks")).isEqualTo(2);
          assertThat(o.getJsonObject("lastTasks").getInteger("missed")).isEqualTo(i == 2 ? 1 : 0);
          assertThat(o.getJsonObject("lastTasks").getInteger("signed")).isEqualTo(i == 2 ? 1 : 2);
          assertThat(o.getJsonObject("last24h").getInteger("missed")).isEqualTo(i == 2 ? 1 : 0);
          assertThat(o.getLong("lastSignedTask")).isEqualTo(i == 2 ? 0L : 1L);
          assertThat(o.getDouble("shareOfQuorum")).isBetween(33.0, 34.0);
          assertThat(o.getBoolean("slashed")).isFalse();
        }
        JsonObject task1 = get(dashboard.resolve("/api/tasks")).getJsonObject(0);
        assertThat(task1.getLong("taskIndex")).isEqualTo(1);
        assertThat(task1.getJsonArray("nonSigners").getList()).containsExactly(chain.operatorId(2));
        assertThat(task1.getDouble("signedStakePercent")).isBetween(66.0, 67.0);
        assertThat(received).isEmpty(); // responses are not alerts

        // Operator 1 equivocates on task 1 and is slashed.
        TransactionReceipt slash = chain.slashEquivocation(twoOfThree, 0);
        long slashBlock = slash.getBlockNumber().longValueExact();
        await()
            .atMost(MonitorFixture.WAIT)
            .until(
                () ->
                    monitor.monitor().alertCursor() > slashBlock
                        && monitor.monitor().pendingDeliveries() == 0);
        List<Received> accepted = received.stream().filter(r -> r.status() == 200).toList();
        List<Received> equivocations =
            accepted.stream()
                .filter(r -> r.body().getString("type").equals("equivocation_slashed"))
                .toList();
        assertThat(equivocations).hasSize(1);
        JsonObject alert = equivocations.get(0).body();
        assertThat(alert.getString("severity")).isEqualTo("critical");
        assertThat(alert.getString("operator")).isEqualTo(chain.addresses.get(0));
        assertThat(alert.getLong("taskIndex")).isEqualTo(1L);
        assertThat(alert.getString("txHash")).isEqualTo(slash.getTransactionHash());
        assertThat(alert.getLong("block")).isEqualTo(slashBlock);
        assertThat(alert.getLong("chainId")).isEqualTo(anvil.chainId());
        assertThat(alert.getString("message")).startsWith("EquivocationSlashed");
        assertThat(alert.getString("id")).isEqualTo(equivocations.get(0).idempotencyKey());
        // The same slash also cut the operator's EigenLayer allocation and its $C stake.
        assertThat(accepted.stream().map(r -> r.body().getString("type")))
            .containsExactlyInAnyOrder(
                "operator_slashed", "c_stake_slashed", "equivocation_slashed");
        assertThat(accepted.stream().map(r -> r.body().getString("operator")))
            .containsOnly(chain.addresses.get(0));
        // The first attempt was answered 500 and retried: one extra request, same key.
        assertThat(received).hasSize(4);
        assertThat(received.get(0).status()).isEqualTo(500);
        assertThat(received.get(1).idempotencyKey()).isEqualTo(received.get(0).idempotencyKey());
        assertThat(
                byId(get(dashboard.resolve("/api/operators")), chain.operatorId(0))
                    .getBoolean("slashed"))
            .isTrue();
        assertThat(get(dashboard.resolve("/api/events"))).hasSize(3);
      } finally {
        monitor.close();
      }

      // Restarted on the same data directory: history rebuilt from the chain, nothing re-sent.
      MonitorService again = MonitorService.start(MonitorConfigLoader.load(config));
      try {
        await()
            .atMost(MonitorFixture.WAIT)
            .until(
                () ->
                    respondedWithNonSigners(again) == 2
                        && again.monitor().health().eventsJson(10).size() == 3);
        CvmTask later = chain.createTask(2);
        chain.respond(later, 0, 1, 2);
        await().atMost(MonitorFixture.WAIT).until(() -> respondedWithNonSigners(again) == 3);
        assertThat(received).hasSize(4);
      } finally {
        again.close();
      }
    } finally {
      hook.stop(0);
    }
  }

  private static long respondedWithNonSigners(MonitorService m) {
    JsonArray tasks = m.monitor().health().tasksJson(100);
    return tasks.stream()
        .map(JsonObject.class::cast)
        .filter(t -> t.getJsonArray("nonSigners") != null)
        .count();
  }

  private static JsonObject byId(JsonArray operators, String id) {
    return operators.stream()
        .map(JsonObject.class::cast)
        .filter(o -> o.getString("operatorId").equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator " + id + " in " + operators));
  }

  private static JsonArray get(URI uri) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonArray(r.body());
  }
}
