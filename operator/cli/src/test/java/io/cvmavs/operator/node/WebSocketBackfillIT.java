package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.localnet.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose WebSocket goes through a TCP proxy to anvil; its periodic {@code eth_getLogs} poll
 * is 10 minutes, so within the test a task reaches it only by the subscription or by the backfill
 * that a lost subscription triggers. The proxy drops every connection and refuses new ones; a task
 * created in that gap is signed (backfill over HTTP) while the WebSocket is still down; once the
 * proxy accepts again the node re-subscribes, and the next task arrives by the subscription.
 */
@WithAnvil
class WebSocketBackfillIT {
  @TempDir Path dir;

  @Test
  void aTaskCreatedWhileTheWebSocketIsDownIsBackfilledAndTheNodeResubscribes(AnvilNode anvil) {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "ws-drop");
    try (TcpProxy proxy = new TcpProxy(anvil.port());
        AggregatorCommand.Running aggregator = net.startAggregator(0)) {
      Path config = net.registerOperator(1, aggregator.port(), "ws://127.0.0.1:" + proxy.port());
      try (NodeCommand.Running running =
          NodeCommand.start(
              OperatorConfigLoader.load(config),
              AvsLocalnet.operatorKey(1),
              net.nodeOptions(Duration.ofMinutes(10), true))) {
        OperatorNode node = running.node();
        await().atMost(AvsLocalnet.WAIT).until(node::subscriptionLive);
        assertThat(proxy.accepted()).isPositive();

        // Baseline: a task by subscription.
        CvmTask first = net.createTask(0);
        awaitSigned(node, first);
        net.awaitResponded(first);

        // Drop: every proxied connection closed, new ones refused.
        proxy.dropAndRefuse();
        await().atMost(AvsLocalnet.WAIT).until(() -> !node.subscriptionLive());
        CvmTask inGap = net.createTask(1);
        awaitSigned(node, inGap);
        assertThat(proxy.listening()).as("signed while the WebSocket was still refused").isFalse();
        assertThat(node.subscriptionLive()).isFalse();
        net.awaitResponded(inGap);

        // The proxy accepts again: the node re-subscribes through it.
        int before = proxy.accepted();
        proxy.accept();
        await().atMost(AvsLocalnet.WAIT).until(node::subscriptionLive);
        assertThat(proxy.accepted()).isGreaterThan(before);

        // The next task arrives by the subscription (no poll is due for 10 minutes).
        CvmTask after = net.createTask(2);
        awaitSigned(node, after);
        net.awaitResponded(after);
        assertThat(node.subscriptionLive()).isTrue();
      }
    }
  }

  private static void awaitSigned(OperatorNode node, CvmTask task) {
    await()
        .atMost(AvsLocalnet.WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> node.outcomes().containsKey(task.taskIndex()));
    assertThat(node.outcomes().get(task.taskIndex()).outcome()).isEqualTo("signed");
  }
}
