package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.localnet.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node whose Ethereum RPC — HTTP and WebSocket both — goes through a TCP proxy to anvil; the
 * proxy drops every connection and refuses new ones for {@link #OUTAGE}, then accepts again. Checks
 * what an operator sees in the log: one line when the outage starts and one when it ends, per
 * connection, no stack traces; and that the WebSocket reconnects with exponential backoff (a few
 * attempts, not one a second), re-subscribes, and signs the next task.
 */
@WithAnvil
class RpcOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(15);

  @TempDir Path dir;

  @Test
  void anRpcOutageIsTwoLinesPerConnectionAndReconnectsWithBackoff(AnvilNode anvil)
      throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "rpc-outage");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    try (TcpProxy proxy = new TcpProxy(anvil.port());
        AggregatorCommand.Running aggregator = net.startAggregator(0)) {
      Path config = net.registerOperator(1, aggregator.port(), "ws://127.0.0.1:" + proxy.port());
      String yaml = Files.readString(config);
      Files.writeString(
          config,
          yaml.replace(
              "eth_rpc_url: " + anvil.rpcUrl(), "eth_rpc_url: http://127.0.0.1:" + proxy.port()));
      assertThat(Files.readString(config))
          .contains("eth_rpc_url: http://127.0.0.1:" + proxy.port());
      root.addAppender(log);
      try (NodeCommand.Running running =
          NodeCommand.start(
              OperatorConfigLoader.load(config),
              AvsLocalnet.operatorKey(1),
              net.nodeOptions(Duration.ofSeconds(2), true))) {
        OperatorNode node = running.node();
        await().atMost(AvsLocalnet.WAIT).until(node::subscriptionLive);
        CvmTask first = net.createTask(0);
        awaitSigned(node, first);

        int attemptsBefore = node.subscribeAttempts();
        int mark = events(log).size();
        proxy.dropAndRefuse();
        Thread.sleep(OUTAGE.toMillis());
        List<ILoggingEvent> during = events(log).subList(mark, events(log).size());
        int attempts = node.subscribeAttempts() - attemptsBefore;
        proxy.accept();
        await().atMost(AvsLocalnet.WAIT).until(node::subscriptionLive);
        await()
            .atMost(AvsLocalnet.WAIT)
            .until(() -> backLines(events(log).subList(mark, events(log).size())).size() == 2);

        System.out.println(
            "[rpc-outage] "
                + OUTAGE.toSeconds()
                + " s outage: "
                + during.size()
                + " log line(s), "
                + attempts
                + " WebSocket attempt(s)");
        during.forEach(e -> System.out.println("[rpc-outage]   " + e.getFormattedMessage()));
        assertThat(during)
            .as("log lines during the outage")
            .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.toString()).isNull());
        assertThat(during.stream().filter(e -> e.getFormattedMessage().contains("unreachable")))
            .as("one line per connection when the outage starts")
            .hasSize(2);
        assertThat(during)
            .as("nothing else worth a line while it lasts")
            .hasSizeLessThanOrEqualTo(3);
        // Waits of 0.5-1, 1-2, 2-4, 4-8, 8-16 s: 3 to 5 attempts in 15 s (a fixed 1 s delay: ~15).
        assertThat(attempts).as("reconnect attempts in the outage").isBetween(3, 5);
        List<String> back = backLines(events(log).subList(mark, events(log).size()));
        assertThat(back)
            .anySatisfy(
                l -> assertThat(l).contains("WebSocket").matches(".*back after \\d+\\.\\d s.*"))
            .anySatisfy(l -> assertThat(l).contains("Ethereum RPC").contains("back after"));

        CvmTask after = net.createTask(1);
        awaitSigned(node, after);
        net.awaitResponded(after);
      } finally {
        root.detachAppender(log);
      }
    }
  }

  /** The node's lines at INFO and above (the aggregator in this JVM reaches anvil directly). */
  private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> log) {
    synchronized (log.list) {
      List<ILoggingEvent> out = new ArrayList<>();
      for (ILoggingEvent e : new ArrayList<>(log.list)) {
        if (e.getLevel().isGreaterOrEqual(Level.INFO)
            && !e.getLoggerName().startsWith("io.cvmavs.operator.aggregator.")) {
          out.add(e);
        }
      }
      return out;
    }
  }

  private static List<String> backLines(List<ILoggingEvent> events) {
    return events.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(" back after "))
        .toList();
  }

  private static void awaitSigned(OperatorNode node, CvmTask task) {
    await()
        .atMost(AvsLocalnet.WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> node.outcomes().containsKey(task.taskIndex()));
    assertThat(node.outcomes().get(task.taskIndex()).outcome()).isEqualTo("signed");
  }
}
