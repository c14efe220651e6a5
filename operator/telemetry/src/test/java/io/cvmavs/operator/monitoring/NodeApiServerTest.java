package io.cvmavs.operator.monitoring;

import static io.cvmavs.operator.monitoring.MetricsScrapeTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.common.net.HostPort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The EigenLayer node API (spec v0.0.1) over real HTTP, with component states flipped. */
class NodeApiServerTest {
  private final AtomicReference<ServiceStatus> rpc = new AtomicReference<>(ServiceStatus.UP);
  private final AtomicReference<ServiceStatus> feed = new AtomicReference<>(ServiceStatus.UP);
  private final AtomicReference<ServiceStatus> cvm = new AtomicReference<>(ServiceStatus.UP);
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() {
    ServiceRegistry services =
        new ServiceRegistry()
            .register("rpc", "Ethereum RPC", "eth_blockNumber answers", true, rpc::get)
            .register("task-feed", "Task feed", "a task seen recently", false, feed::get)
            .register("cvm", "CVM", "re-execution works", false, cvm::get);
    vertx = Vertx.vertx();
    port =
        new NodeApiServer(vertx, "op-1", "1.2.3", services)
            .listen(new HostPort("127.0.0.1", 0))
            .await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private int health() throws Exception {
    return get(port, "/eigen/node/health").statusCode();
  }

  @Test
  void nodeInfo() throws Exception {
    var r = get(port, "/eigen/node");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("node_name")).isEqualTo("op-1");
    assertThat(body.getString("spec_version")).isEqualTo("v0.0.1");
    assertThat(body.getString("node_version")).isEqualTo("1.2.3");
  }

  @Test
  void healthFollowsTheRule() throws Exception {
    assertThat(health()).isEqualTo(200);
    feed.set(ServiceStatus.INITIALIZING);
    assertThat(health()).as("initializing, none down").isEqualTo(206);
    feed.set(ServiceStatus.DOWN);
    assertThat(health()).as("one non-critical down").isEqualTo(206);
    feed.set(ServiceStatus.UP);
    rpc.set(ServiceStatus.DOWN);
    assertThat(health()).as("critical down").isEqualTo(503);
    rpc.set(ServiceStatus.UP);
    assertThat(health()).isEqualTo(200);
  }

  @Test
  void allNonCriticalDownButCriticalUpIsPartial_allDownIsUnhealthy() throws Exception {
    feed.set(ServiceStatus.DOWN);
    cvm.set(ServiceStatus.DOWN);
    assertThat(health()).isEqualTo(206);
    rpc.set(ServiceStatus.DOWN);
    assertThat(health()).isEqualTo(503);
  }

  @Test
  void servicesAndServiceHealth() throws Exception {
    feed.set(ServiceStatus.INITIALIZING);
    cvm.set(ServiceStatus.DOWN);
    var r = get(port, "/eigen/node/services");
    assertThat(r.statusCode()).isEqualTo(200);
    var list = new JsonObject(r.body()).getJsonArray("services");
    assertThat(list).hasSize(3);
    assertThat(list.getJsonObject(0).getMap())
        .containsEntry("id", "rpc")
        .containsEntry("name", "Ethereum RPC")
        .containsEntry("description", "eth_blockNumber answers")
        .containsEntry("status", "Up");
    assertThat(list.getJsonObject(1).getString("status")).isEqualTo("Initializing");
    assertThat(list.getJsonObject(2).getString("status")).isEqualTo("Down");

    assertThat(get(port, "/eigen/node/services/rpc/health").statusCode()).isEqualTo(200);
    assertThat(get(port, "/eigen/node/services/task-feed/health").statusCode()).isEqualTo(503);
    assertThat(get(port, "/eigen/node/services/cvm/health").statusCode()).isEqualTo(503);
    cvm.set(ServiceStatus.UP);
    assertThat(get(port, "/eigen/node/services/cvm/health").statusCode()).isEqualTo(200);
  }

  @Test
  void notHealthyAnswersCarryEveryNonUpComponentAndItsReason() throws Exception {
    AtomicReference<HealthCheck.Verdict> signing = new AtomicReference<>(HealthCheck.Verdict.up());
    ServiceRegistry r =
        new ServiceRegistry()
            .register("rpc", "Ethereum RPC", "answers", true, () -> ServiceStatus.UP)
            .register("signing", "Signing", "signed", false, HealthChecks.withReason(signing::get))
            .register(
                "registration",
                "AVS registration",
                "registered",
                true,
                () -> {
                  throw new IllegalStateException("registry unreachable");
                });
    int p =
        new NodeApiServer(vertx, "op-2", "1.2.3", r).listen(new HostPort("127.0.0.1", 0)).await();
    signing.set(HealthCheck.Verdict.down("refused task 4 (mismatch): wrong manuscript"));
    var h = get(p, "/eigen/node/health");
    assertThat(h.statusCode()).isEqualTo(503);
    JsonObject body = new JsonObject(h.body());
    assertThat(body.getString("health")).isEqualTo("unhealthy");
    assertThat(body.getJsonArray("reasons")).hasSize(2);
    assertThat(body.getJsonArray("reasons").getJsonObject(0).getMap())
        .containsEntry("id", "signing")
        .containsEntry("status", "Down")
        .containsEntry("reason", "refused task 4 (mismatch): wrong manuscript");
    assertThat(body.getJsonArray("reasons").getJsonObject(1).getString("reason"))
        .isEqualTo("registry unreachable");

    var one = get(p, "/eigen/node/services/signing/health");
    assertThat(one.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(one.body()).getString("reason")).contains("wrong manuscript");
    var list = new JsonObject(get(p, "/eigen/node/services").body()).getJsonArray("services");
    assertThat(list.getJsonObject(0).containsKey("reason")).isFalse();
    assertThat(list.getJsonObject(1).getString("reason")).contains("wrong manuscript");

    signing.set(HealthCheck.Verdict.up());
    assertThat(get(port, "/eigen/node/health").body()).as("healthy: empty body").isEmpty();
  }

  @Test
  void unknownServiceAndPathAre404Json() throws Exception {
    var unknownService = get(port, "/eigen/node/services/nope/health");
    assertThat(unknownService.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknownService.body()).getString("error")).contains("nope");
    var unknownPath = get(port, "/eigen/other");
    assertThat(unknownPath.statusCode()).isEqualTo(404);
    assertThat(unknownPath.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new JsonObject(unknownPath.body()).getString("path")).isEqualTo("/eigen/other");
  }

  @Test
  void aThrowingCheckIsDown() {
    ServiceRegistry r =
        new ServiceRegistry()
            .register(
                "x",
                "X",
                "throws",
                false,
                () -> {
                  throw new IllegalStateException("boom");
                });
    assertThat(r.snapshot().get(0).status()).isEqualTo(ServiceStatus.DOWN);
    assertThat(r.health()).isEqualTo(NodeHealth.UNHEALTHY);
  }

  @Test
  void recentActivityCheck() throws Exception {
    long[] now = {0};
    long[] last = {-1};
    HealthCheck c =
        HealthChecks.recent(
            () -> last[0] < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(last[0]),
            0,
            java.time.Duration.ofMinutes(10),
            () -> now[0]);
    assertThat(c.check()).isEqualTo(ServiceStatus.INITIALIZING);
    now[0] = 11 * 60_000;
    assertThat(c.check()).isEqualTo(ServiceStatus.DOWN);
    last[0] = now[0] - 1000;
    assertThat(c.check()).isEqualTo(ServiceStatus.UP);
  }
}
