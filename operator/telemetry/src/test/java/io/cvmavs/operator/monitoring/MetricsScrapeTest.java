package io.cvmavs.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.common.net.HostPort;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics endpoint over real HTTP, read with a strict text-format parser. */
class MetricsScrapeTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final CvmAvsMetrics metrics =
      new CvmAvsMetrics(
          new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
              io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
          CvmAvsMetrics.AVS_NAME,
          clock::get);
  private Vertx vertx;
  private MetricsServer server;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = new MetricsServer(vertx, metrics);
    port = server.listen(new HostPort("127.0.0.1", 0)).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  Map<String, PrometheusText.Family> scrape() throws Exception {
    HttpResponse<String> r = get(port, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue(MetricsServer.CONTENT_TYPE);
    return PrometheusText.parse(r.body());
  }

  @Test
  void manuscriptRegistryRefusalsCountWithTheirReason() throws Exception {
    metrics.taskOutcome(1, "refused-manuscript-unregistered");
    metrics.taskOutcome(2, "refused-manuscript-revoked");
    metrics.taskOutcome(3, "refused-manuscript-fetch");
    metrics.taskOutcome(4, "refused-manuscript-hash");
    metrics.taskOutcome(5, "refused-manuscript-revoked");
    Map<String, PrometheusText.Family> f = scrape();
    String refused = "cvm_avs_tasks_refused_total";
    assertThat(value(f, refused, Map.of("reason", "manuscript_unregistered"))).isEqualTo(1);
    assertThat(value(f, refused, Map.of("reason", "manuscript_revoked"))).isEqualTo(2);
    assertThat(value(f, refused, Map.of("reason", "manuscript_fetch"))).isEqualTo(1);
    assertThat(value(f, refused, Map.of("reason", "manuscript_hash_mismatch"))).isEqualTo(1);
  }

  @Test
  void specMetricsHaveTheSpecNamesTypesAndLabels() throws Exception {
    metrics.declareAllForTests();
    Map<String, PrometheusText.Family> f = scrape();

    assertThat(f.get("eigen_performance_score").type()).isEqualTo("gauge");
    assertThat(f.get("eigen_performance_score").samples().get(0).value()).isEqualTo(100.0);
    assertThat(f.get("eigen_fees_earned_total").type()).isEqualTo("counter");
    assertThat(f.get("eigen_fees_earned_total").samples().get(0).labels()).containsKey("token");
    assertThat(f.get("eigen_rpc_request_total").type()).isEqualTo("counter");
    assertThat(f.get("eigen_rpc_request_duration_seconds").type()).isEqualTo("histogram");
    assertThat(f.get("eigen_registered_stakes").type()).isEqualTo("gauge");
    assertThat(f.get("eigen_slashing_status").type()).isEqualTo("gauge");
    for (String rpc :
        new String[] {"eigen_rpc_request_total", "eigen_rpc_request_duration_seconds"}) {
      assertThat(f.get(rpc).samples())
          .allSatisfy(s -> assertThat(s.labels()).containsKeys("method", "client_version"));
    }
    assertThat(f.get("eigen_registered_stakes").samples().get(0).labels())
        .containsEntry("quorum_number", "0")
        .containsEntry("quorum_name", "quorum-0");

    // Project metrics never take the eigen_ prefix, and no eigen_ family outside the spec's six
    // (a Micrometer timer's _max gauge included); every sample carries avs_name.
    assertThat(f.keySet())
        .allSatisfy(
            name ->
                assertThat(
                        name.startsWith("cvm_avs_")
                            || java.util.Set.of(
                                    "eigen_performance_score",
                                    "eigen_fees_earned_total",
                                    "eigen_rpc_request_duration_seconds",
                                    "eigen_rpc_request_total",
                                    "eigen_registered_stakes",
                                    "eigen_slashing_status")
                                .contains(name))
                    .as(name)
                    .isTrue());
    assertThat(f.values())
        .flatExtracting(PrometheusText.Family::samples)
        .allSatisfy(s -> assertThat(s.labels()).containsEntry("avs_name", "cvm-avs"));
    assertThat(f.keySet())
        .contains(
            "cvm_avs_tasks_received_total",
            "cvm_avs_tasks_signed_total",
            "cvm_avs_tasks_refused_total",
            "cvm_avs_tasks_missed_total",
            "cvm_avs_attestation_latency_seconds",
            "cvm_avs_aggregator_signatures_verified_total",
            "cvm_avs_aggregator_signatures_rejected_total",
            "cvm_avs_aggregator_responses_submitted_total",
            "cvm_avs_aggregator_response_gas",
            "cvm_avs_cvm_execution_seconds",
            "cvm_avs_challenges_raised_total",
            "cvm_avs_slashes_observed_total");
  }

  @Test
  void rpcDurationsAreAPlainHistogramInSeconds() throws Exception {
    metrics.rpcRequest("eth_call", "anvil/v1", Duration.ofMillis(20));
    metrics.rpcRequest("eth_call", "anvil/v1", Duration.ofMillis(700));
    Map<String, PrometheusText.Family> f = scrape();
    PrometheusText.Family d = f.get("eigen_rpc_request_duration_seconds");
    assertThat(d.type()).isEqualTo("histogram");
    Map<String, String> call =
        Map.of("method", "eth_call", "client_version", "anvil/v1", "avs_name", "cvm-avs");
    assertThat(sample(d, "eigen_rpc_request_duration_seconds_count", call)).isEqualTo(2);
    assertThat(sample(d, "eigen_rpc_request_duration_seconds_sum", call)).isEqualTo(0.72);
    assertThat(d.samples())
        .filteredOn(s -> s.name().endsWith("_bucket") && "0.025".equals(s.labels().get("le")))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(1));
    assertThat(f).doesNotContainKey("eigen_rpc_request_duration_seconds_max");
  }

  private static double sample(PrometheusText.Family f, String name, Map<String, String> labels) {
    return f.samples().stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + labels + " in " + f.samples()))
        .value();
  }

  @Test
  void nodeOutcomesFeedCountersLatencyAndThePerformanceScore() throws Exception {
    metrics.taskReceived(1);
    metrics.taskReceived(1); // a retry of the same task counts once
    metrics.taskReceived(2);
    metrics.taskReceived(3);
    clock.addAndGet(1500);
    metrics.taskOutcome(1, "signed");
    metrics.taskOutcome(2, "expired");
    metrics.taskOutcome(3, "mismatch");
    metrics.taskOutcome(4, "signed");
    metrics.taskOutcome(5, "signed");

    Map<String, PrometheusText.Family> f = scrape();
    assertThat(value(f, "cvm_avs_tasks_received_total", Map.of())).isEqualTo(3);
    assertThat(value(f, "cvm_avs_tasks_signed_total", Map.of())).isEqualTo(3);
    assertThat(value(f, "cvm_avs_tasks_missed_total", Map.of("reason", "expired"))).isEqualTo(1);
    assertThat(value(f, "cvm_avs_tasks_refused_total", Map.of("reason", "mismatch"))).isEqualTo(1);
    // 3 signed, 1 missed; refusals do not count against the operator.
    assertThat(value(f, "eigen_performance_score", Map.of())).isEqualTo(75.0);
    PrometheusText.Family latency = f.get("cvm_avs_attestation_latency_seconds");
    assertThat(
            latency.samples().stream()
                .filter(s -> s.name().endsWith("_sum"))
                .filter(s -> "signature_accepted".equals(s.labels().get("stage")))
                .findFirst()
                .orElseThrow()
                .value())
        .isEqualTo(1.5);
  }

  @Test
  void aggregatorEventsAndLabelEscaping() throws Exception {
    metrics.signatureVerified(7);
    clock.addAndGet(2000);
    metrics.responseSubmitted(7, 180_000, 3);
    metrics.signatureRejected("bad_signature");
    metrics.feesEarned("we\"ird\\token\n", 2.5);

    Map<String, PrometheusText.Family> f = scrape();
    assertThat(value(f, "cvm_avs_aggregator_signatures_verified_total", Map.of())).isEqualTo(1);
    assertThat(value(f, "cvm_avs_aggregator_responses_submitted_total", Map.of())).isEqualTo(1);
    assertThat(
            value(
                f,
                "cvm_avs_aggregator_signatures_rejected_total",
                Map.of("reason", "bad_signature")))
        .isEqualTo(1);
    assertThat(value(f, "eigen_fees_earned_total", Map.of("token", "we\"ird\\token\n")))
        .isEqualTo(2.5);
    assertThat(
            f.get("cvm_avs_aggregator_response_gas").samples().stream()
                .filter(s -> s.name().endsWith("_sum"))
                .findFirst()
                .orElseThrow()
                .value())
        .isEqualTo(180_000);
  }

  @Test
  void unknownPathIs404AndTheParserIsStrict() throws Exception {
    assertThat(get(port, "/nope").statusCode()).isEqualTo(404);
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("outside");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"b} 1\n"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"\\t\"} 1\n"))
        .hasMessageContaining("escape");
  }

  static double value(
      Map<String, PrometheusText.Family> f, String sampleName, Map<String, String> labels) {
    return f.values().stream()
        .flatMap(x -> x.samples().stream())
        .filter(s -> s.name().equals(sampleName))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + sampleName + labels))
        .value();
  }
}
