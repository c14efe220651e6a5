package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node API's health of a real node on anvil when the node cannot contribute: a node that
 * attests another manuscript refuses the task and is not healthy (206, with the refusal and both
 * manuscripts as the reason); a deregistered operator's node is unhealthy (503, registration).
 */
@WithAnvil
class NodeHealthIT {
  @TempDir Path dir;

  @Test
  void aNodeThatRefusesTasksIsPartiallyHealthyWithTheRefusalAsReason(AnvilNode anvil)
      throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "health-refuse");
    try (AggregatorCommand.Running aggregator = net.startAggregator(0)) {
      Path config = withNodeApi(net.registerOperator(1, aggregator.port()));
      // No --manuscript (issue 14): the node starts and resolves tasks' manuscripts through the
      // registry; its operator.yaml names no manuscript_locator_dirs, so it cannot fetch the
      // fixture's registered file:// manuscript and refuses the task.
      NodeCommand.Options options = net.registryNodeOptions(Duration.ofMillis(500), true);
      try (NodeCommand.Running running =
          NodeCommand.start(
              OperatorConfigLoader.load(config), AvsLocalnet.operatorKey(1), options)) {
        int port = running.monitoring().nodeApiPort().orElseThrow();
        CvmTask task = net.createTask(0);
        await()
            .atMost(AvsLocalnet.WAIT)
            .until(() -> running.node().outcomes().containsKey(task.taskIndex()));
        assertThat(running.node().outcomes().get(task.taskIndex()).outcome())
            .isEqualTo("refused-manuscript-fetch");

        HttpResponse<String> health = get(port, "/eigen/node/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(206);
        JsonObject signing = reason(new JsonObject(health.body()), "signing");
        assertThat(signing.getString("status")).isEqualTo("Down");
        assertThat(signing.getString("reason"))
            .contains("refused task " + task.taskIndex() + " (refused-manuscript-fetch)")
            .contains(HexFormat.of().formatHex(AvsLocalnet.MANUSCRIPT_HASH))
            .contains("cannot be fetched")
            .contains("manuscriptLocatorDirs");
        assertThat(get(port, "/eigen/node/services/signing/health").statusCode()).isEqualTo(503);
      }
    }
  }

  @Test
  void aDeregisteredOperatorsNodeIsUnhealthyWithTheReason(AnvilNode anvil) throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "health-dereg");
    try (AggregatorCommand.Running aggregator = net.startAggregator(0)) {
      Path config = withNodeApi(net.registerOperator(1, aggregator.port()));
      assertThat(net.cli("operator", "deregister", "--config", config.toString()))
          .contains("done     deregisterFromOperatorSets");
      try (NodeCommand.Running running =
          NodeCommand.start(
              OperatorConfigLoader.load(config),
              AvsLocalnet.operatorKey(1),
              net.nodeOptions(Duration.ofMillis(500), true))) {
        int port = running.monitoring().nodeApiPort().orElseThrow();
        HttpResponse<String> health = get(port, "/eigen/node/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        JsonObject registration = reason(new JsonObject(health.body()), "registration");
        assertThat(registration.getString("status")).isEqualTo("Down");
        assertThat(registration.getString("reason"))
            .contains("is not active in any quorum of CvmRegistry")
            .contains(Bytes32.hex(AvsLocalnet.operatorKey(1).operatorId()));
      }
    }
  }

  /** The fixture's operator.yaml with the node API on a free loopback port. */
  private static Path withNodeApi(Path config) throws Exception {
    String yaml = Files.readString(config);
    assertThat(yaml).contains("enable_node_api: false");
    Files.writeString(
        config,
        yaml.replace(
            "enable_node_api: false", "enable_node_api: true\nnode_api_address: 127.0.0.1:0"));
    return config;
  }

  private static JsonObject reason(JsonObject health, String id) {
    JsonArray reasons = health.getJsonArray("reasons");
    for (int i = 0; i < reasons.size(); i++) {
      if (id.equals(reasons.getJsonObject(i).getString("id"))) {
        return reasons.getJsonObject(i);
      }
    }
    throw new AssertionError("no reason for " + id + " in " + health.encode());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
