package io.cvmavs.operator.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.operator.aggregatorapi.RpcError;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.cvmavs.operator.monitoring.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and refused requests over real HTTP to a running {@link AggregatorServer}: every
 * refusal is counted in {@code cvm_avs_aggregator_signatures_rejected_total{reason}}, the malformed
 * ones ({@code parse_error}, {@code invalid_request}, {@code method_not_found}) included.
 */
class AggregatorServerRejectionTest {
  private static final String TASK_MANAGER = "0x" + "11".repeat(20);
  @TempDir Path dir;

  private final CvmAvsMetrics metrics =
      new CvmAvsMetrics(
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          CvmAvsMetrics.AVS_NAME,
          System::currentTimeMillis);
  private final HttpClient http = HttpClient.newHttpClient();
  private ScheduledExecutorService scheduler;
  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    // No task is known and nothing reaches the chain: the requests below are all refused before.
    Aggregator aggregator =
        new Aggregator(
            new Aggregator.Settings(31337, TASK_MANAGER, 100, Duration.ofMillis(100)),
            index -> Optional.empty(),
            task -> {
              throw new IllegalStateException("no operator set in this test");
            },
            (quorums, block, ids) -> {
              throw new IllegalStateException("no indices in this test");
            },
            null,
            () -> 1L,
            dir,
            scheduler);
    metrics.declareRejectionReasons(
        Arrays.stream(RpcError.values()).map(AggregatorServer::rejectionReason).toList());
    vertx = Vertx.vertx();
    port = new AggregatorServer(vertx, aggregator, metrics).listen("127.0.0.1", 0).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    scheduler.shutdownNow();
  }

  @Test
  void everyMalformedOrRefusedRequestIsCountedByReason() throws Exception {
    int n = 25;
    for (int i = 0; i < n; i++) {
      assertError(post("this is not json"), -32700);
      assertError(post("[1, 2]"), -32700);
      assertError(post(""), -32600);
      assertError(post("{\"id\": 1, \"method\": \"aggregator_taskStatus\"}"), -32600);
      assertError(post(rpc("eth_blockNumber", new JsonObject())), -32601);
      assertError(post(rpc("aggregator_nothing", null)), -32601);
      assertError(post(rpc("aggregator_submitSignature", new JsonObject())), -32602);
      assertError(
          post(
              rpc(
                  "aggregator_submitSignature",
                  new JsonObject()
                      .put("taskIndex", 7)
                      .put(
                          "response",
                          new JsonObject()
                              .put("referenceTaskIndex", 7)
                              .put("cvmBlockHash", "0x" + "00".repeat(32))
                              .put("datasetRoot", "0x" + "00".repeat(32))
                              .put("stateRoot", "0x" + "00".repeat(32)))
                      .put("operatorId", "0x" + "01".repeat(32))
                      .put("signature", "0x" + "02".repeat(64)))),
          4001);
      // A status query for a task not seen yet is an answer, not a refused signature.
      assertError(post(rpc("aggregator_taskStatus", new JsonObject().put("taskIndex", 7))), 4001);
    }
    assertError(post("{\"pad\": \"" + "x".repeat(70 * 1024) + "\"}"), -32600);

    Map<String, Double> rejected = rejectedByReason();
    assertThat(rejected)
        .containsEntry("parse_error", 2.0 * n)
        .containsEntry("invalid_request", 2.0 * n + 1)
        .containsEntry("method_not_found", 2.0 * n)
        .containsEntry("invalid_params", 1.0 * n)
        .containsEntry("unknown_task", 1.0 * n)
        .containsEntry("bad_signature", 0.0);
  }

  private Map<String, Double> rejectedByReason() {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (PrometheusText.Sample s :
        PrometheusText.parse(metrics.scrape())
            .get("cvm_avs_aggregator_signatures_rejected_total")
            .samples()) {
      out.put(s.labels().get("reason"), s.value());
    }
    return out;
  }

  private static String rpc(String method, JsonObject params) {
    JsonObject r = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", method);
    if (params != null) {
      r.put("params", params);
    }
    return r.encode();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> r, int code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getInteger("code"))
        .as(r.body())
        .isEqualTo(code);
  }
}
