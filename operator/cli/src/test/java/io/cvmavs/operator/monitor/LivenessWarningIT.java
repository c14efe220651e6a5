package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.LivenessSla;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: an operator that misses responses is warned one miss before it becomes ejectable — by
 * the SLA {@code operator status} prints (read from the task manager's published liveness views)
 * and by the monitor: a {@code liveness_warning} alert to a real local webhook after the second of
 * three allowed misses (then the chain's own {@code liveness_threshold_reached}), and the
 * dashboard's SLA line per operator. Real BLS responses through the aggregator on anvil; operator 3
 * never signs.
 */
@WithAnvil
class LivenessWarningIT {
  @TempDir Path dir;

  @Test
  void theMissingOperatorIsWarnedBeforeItIsEjectable(AnvilNode anvil) throws Exception {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/alerts",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(new JsonObject(new String(body, StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    hook.start();
    String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/alerts";
    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      int max = chain.reader.config().maxMissedResponses();
      assertThat(max).isEqualTo(3);
      long head = chain.reader.blockNumber();
      MonitorService monitor =
          MonitorService.start(
              MonitorConfigLoader.load(
                  chain.monitorYaml(dir.resolve("monitor"), List.of(hookUrl))));
      try {
        await().atMost(MonitorFixture.WAIT).until(() -> monitor.monitor().alertCursor() > head);
        long warningBlock = -1;
        long warningTask = -1;
        for (int miss = 1; miss <= max; miss++) {
          CvmTask task = chain.createTask(miss);
          chain.respond(task, 0, 1);
          long responded = chain.reader.blockNumber();
          LivenessSla missing = sla(chain, 2);
          LivenessSla honest = sla(chain, 0);
          assertThat(honest.currentStreak()).isZero();
          assertThat(honest.warning()).isFalse();
          assertThat(missing.currentStreak()).as("after miss %d", miss).isEqualTo(miss);
          assertThat(missing.ejectable()).as("after miss %d", miss).isEqualTo(miss == max);
          assertThat(missing.warning()).as("after miss %d", miss).isEqualTo(miss == max - 1);
          if (miss == max - 1) {
            warningBlock = responded;
            warningTask = task.taskIndex();
          }
          await()
              .atMost(MonitorFixture.WAIT)
              .until(
                  () ->
                      monitor.monitor().alertCursor() > responded
                          && monitor.monitor().pendingDeliveries() == 0);
          assertThat(types(received, "liveness_warning"))
              .as("warnings after miss %d", miss)
              .hasSize(miss >= max - 1 ? 1 : 0);
        }
        assertThat(sla(chain, 2).summary()).isEqualTo("ejectable: missed 3 responses in a row");

        JsonObject warning = types(received, "liveness_warning").get(0);
        assertThat(warning.getString("severity")).isEqualTo("warning");
        assertThat(warning.getString("operator")).isEqualTo(chain.addresses.get(2));
        assertThat(warning.getString("operatorId")).isEqualTo(chain.operatorId(2));
        assertThat(warning.getLong("block")).isEqualTo(warningBlock);
        assertThat(warning.getLong("taskIndex")).isEqualTo(warningTask);
        assertThat(warning.getJsonObject("details").getString("missedInARow")).isEqualTo("2");
        assertThat(warning.getJsonObject("details").getString("missesLeft")).isEqualTo("1");
        assertThat(warning.getString("message"))
            .startsWith("LivenessWarning missed 2 in a row, ejection at 3 (1 left)");
        List<JsonObject> threshold = types(received, "liveness_threshold_reached");
        assertThat(threshold).hasSize(1);
        assertThat(threshold.get(0).getLong("block")).isGreaterThan(warningBlock);
        assertThat(received).hasSize(2); // nothing about the operators that signed

        // The dashboard's SLA line per operator, read from the chain at the head.
        URI api = monitor.dashboardUrl().orElseThrow().resolve("/api/operators");
        await()
            .atMost(MonitorFixture.WAIT)
            .until(() -> slaOf(get(api), chain.operatorId(2)).getBoolean("ejectable"));
        JsonObject missing = slaOf(get(api), chain.operatorId(2));
        assertThat(missing.getInteger("missedInARow")).isEqualTo(3);
        assertThat(missing.getInteger("ejectionAt")).isEqualTo(3);
        assertThat(missing.getInteger("missesLeft")).isZero();
        JsonObject honest = slaOf(get(api), chain.operatorId(0));
        assertThat(honest.getInteger("missedInARow")).isZero();
        assertThat(honest.getBoolean("warning")).isFalse();
        assertThat(honest.getString("summary"))
            .isEqualTo("missed 0 in a row, ejection at 3 (3 left); never missed");
      } finally {
        monitor.close();
      }
    } finally {
      hook.stop(0);
    }
  }

  private static List<JsonObject> types(List<JsonObject> alerts, String type) {
    return alerts.stream().filter(a -> a.getString("type").equals(type)).toList();
  }

  private static JsonObject slaOf(JsonArray operators, String id) {
    return operators.stream()
        .map(JsonObject.class::cast)
        .filter(o -> o.getString("operatorId").equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator " + id + " in " + operators))
        .getJsonObject("sla");
  }

  private static JsonArray get(URI uri) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonArray(r.body());
  }

  private static LivenessSla sla(MonitorFixture chain, int operator) {
    return LivenessSla.of(
        chain.reader.liveness(chain.keys.get(operator).operatorId()),
        chain.reader.config().maxMissedResponses(),
        chain.reader.responseCount());
  }
}
