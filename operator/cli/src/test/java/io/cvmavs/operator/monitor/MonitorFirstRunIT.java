package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * What a monitor started on a chain with history alerts on (anvil, the real contracts, three
 * registered operators, an equivocation slash of operator 1 already on chain): a fresh monitor
 * without {@code from_block} sends nothing for the history but alerts a slash made after it
 * started; one with {@code from_block} at the deployment block alerts the history too; one with
 * {@code operators:} (operator 2 by checksummed address, operator 3 by upper-case operatorId)
 * alerts and lists only those. The console gets one short line per alert, the alert file the full
 * JSON.
 */
@WithAnvil
class MonitorFirstRunIT {
  @TempDir Path dir;

  /** One webhook request: which monitor's path, and the body. */
  record Received(String path, JsonObject body) {}

  @Test
  void freshMonitorSkipsHistoryUnlessFromBlockAndFiltersOperators(AnvilNode anvil)
      throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  exchange.getRequestURI().getPath(),
                  new JsonObject(new String(body, StandardCharsets.UTF_8))));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    hook.start();
    String hookBase = "http://127.0.0.1:" + hook.getAddress().getPort();

    Logger monitorLog = (Logger) LoggerFactory.getLogger(Monitor.class);
    ListAppender<ILoggingEvent> console = new ListAppender<>();
    console.start();
    monitorLog.addAppender(console);

    List<MonitorService> running = new CopyOnWriteArrayList<>();
    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      CvmTask task = chain.createTask(0);
      chain.respond(task, 0, 1, 2);
      TransactionReceipt history = chain.slashEquivocation(task, 0);
      long historyBlock = history.getBlockNumber().longValueExact();

      Path fresh = chain.monitorYaml(dir.resolve("fresh"), List.of(hookBase + "/fresh"));
      append(fresh, "alert_file: alerts.jsonl\n");
      Path all = chain.monitorYaml(dir.resolve("all"), List.of(hookBase + "/all"));
      append(all, "from_block: " + chain.deploymentBlock() + "\n");
      Path some = chain.monitorYaml(dir.resolve("some"), List.of(hookBase + "/some"));
      String op2Checksummed = Keys.toChecksumAddress(chain.addresses.get(1));
      assertThat(op2Checksummed).isNotEqualTo(chain.addresses.get(1)); // mixed case for real
      append(
          some,
          "from_block: "
              + chain.deploymentBlock()
              + "\noperators:\n  - "
              + op2Checksummed
              + "\n  - 0x"
              + chain.operatorId(2).substring(2).toUpperCase(Locale.ROOT)
              + "\n");

      MonitorService freshMonitor = MonitorService.start(MonitorConfigLoader.load(fresh));
      running.add(freshMonitor);
      MonitorService allMonitor = MonitorService.start(MonitorConfigLoader.load(all));
      running.add(allMonitor);
      MonitorService someMonitor = MonitorService.start(MonitorConfigLoader.load(some));
      running.add(someMonitor);

      // Caught up with the history: the fresh monitor shows it on the dashboard, sends nothing.
      assertThat(freshMonitor.monitor().alertCursor()).isGreaterThan(historyBlock);
      await()
          .atMost(MonitorFixture.WAIT)
          .until(
              () ->
                  freshMonitor.monitor().health().eventsJson(10).size() == 3
                      && freshMonitor.monitor().health().summary().getLong("responded") == 1
                      && allMonitor.monitor().alertCursor() > historyBlock
                      && allMonitor.monitor().pendingDeliveries() == 0
                      && someMonitor.monitor().alertCursor() > historyBlock
                      && someMonitor.monitor().pendingDeliveries() == 0
                      && someMonitor.monitor().health().summary().getLong("responded") == 1);
      assertThat(from(received, "/fresh")).isEmpty();
      assertThat(types(from(received, "/all")))
          .containsExactlyInAnyOrder("operator_slashed", "c_stake_slashed", "equivocation_slashed");
      assertThat(from(received, "/all").stream().map(b -> b.getString("operator")))
          .containsOnly(chain.addresses.get(0));
      assertThat(from(received, "/some")).isEmpty(); // operator 1 is not watched there
      JsonArray someOperators = someMonitor.monitor().health().operatorsJson();
      assertThat(someOperators.stream().map(o -> ((JsonObject) o).getString("operatorId")))
          .containsExactlyInAnyOrder(chain.operatorId(1), chain.operatorId(2));
      assertThat(someMonitor.monitor().health().eventsJson(10)).isEmpty();
      assertThat(allMonitor.monitor().health().operatorsJson()).hasSize(3);

      // A slash after the start is alerted by all three (operator 2 is watched by "some").
      TransactionReceipt now = chain.slashEquivocation(task, 1);
      long nowBlock = now.getBlockNumber().longValueExact();
      await()
          .atMost(MonitorFixture.WAIT)
          .until(
              () ->
                  running.stream()
                      .allMatch(
                          m ->
                              m.monitor().alertCursor() > nowBlock
                                  && m.monitor().pendingDeliveries() == 0));
      for (String path : List.of("/fresh", "/some")) {
        List<JsonObject> got = from(received, path);
        assertThat(types(got))
            .as(path)
            .containsExactlyInAnyOrder(
                "operator_slashed", "c_stake_slashed", "equivocation_slashed");
        assertThat(got.stream().map(b -> b.getString("operator")))
            .as(path)
            .containsOnly(chain.addresses.get(1));
        assertThat(got.stream().map(b -> b.getString("txHash")))
            .as(path)
            .containsOnly(now.getTransactionHash());
      }
      assertThat(from(received, "/all")).hasSize(6);

      // The alert file holds the full JSON of exactly what the webhook got.
      List<String> lines =
          Files.readAllLines(dir.resolve("fresh").resolve("alerts.jsonl"), StandardCharsets.UTF_8);
      assertThat(lines.stream().map(l -> new JsonObject(l).getString("id")))
          .containsExactlyInAnyOrderElementsOf(
              from(received, "/fresh").stream().map(b -> b.getString("id")).toList());

      // The console: one short line per alert (3 + 6 + 3), no JSON.
      List<String> alertLines =
          console.list.stream()
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.startsWith("ALERT "))
              .toList();
      assertThat(alertLines).hasSize(12);
      assertThat(alertLines)
          .allSatisfy(
              l -> {
                assertThat(l).doesNotContain("{").hasSizeLessThan(110);
                assertThat(l)
                    .matches(
                        "ALERT [a-z_]+ operator=0x[0-9a-f]{4}…[0-9a-f]{4}( task=\\d+)?"
                            + " tx=0x[0-9a-f]{4}…[0-9a-f]{4} block=\\d+");
              });
      String op2 = chain.addresses.get(1);
      String tx = now.getTransactionHash();
      assertThat(alertLines)
          .contains(
              "ALERT equivocation_slashed operator="
                  + op2.substring(0, 6)
                  + "…"
                  + op2.substring(38)
                  + " task=0 tx="
                  + tx.substring(0, 6)
                  + "…"
                  + tx.substring(62)
                  + " block="
                  + nowBlock);
    } finally {
      running.forEach(MonitorService::close);
      monitorLog.detachAppender(console);
      hook.stop(0);
    }
  }

  private static void append(Path file, String yaml) throws Exception {
    Files.writeString(file, yaml, StandardOpenOption.APPEND);
  }

  private static List<JsonObject> from(List<Received> received, String path) {
    return received.stream().filter(r -> r.path().equals(path)).map(Received::body).toList();
  }

  private static List<String> types(List<JsonObject> alerts) {
    return alerts.stream().map(b -> b.getString("type")).toList();
  }
}
