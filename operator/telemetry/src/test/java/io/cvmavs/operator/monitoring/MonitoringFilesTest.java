package io.cvmavs.operator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * operator/monitoring/: every metric the Grafana dashboard's PromQL (and prometheus.yml) names is
 * exported by a fully registered metrics instance, and the scrape jobs point at the documented
 * ports.
 */
class MonitoringFilesTest {
  private static final Path DIR = Path.of("..", "monitoring");
  private static final Pattern METRIC = Pattern.compile("\\b(?:eigen|cvm_avs)_[a-zA-Z0-9_]+");

  @Test
  void everyMetricInTheDashboardAndPrometheusConfigIsExported() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    collect(dashboard, "expr", exprs);
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
    Set<String> referenced = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        referenced.add(m.group());
      }
    }
    Matcher m = METRIC.matcher(Files.readString(DIR.resolve("prometheus.yml")));
    while (m.find()) {
      referenced.add(m.group());
    }

    CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
    metrics.declareAllForTests();
    Set<String> exported =
        PrometheusText.parse(metrics.scrape()).values().stream()
            .flatMap(f -> f.samples().stream())
            .map(PrometheusText.Sample::name)
            .collect(Collectors.toSet());
    assertThat(referenced)
        .contains(
            "eigen_performance_score",
            "eigen_registered_stakes",
            "cvm_avs_tasks_signed_total",
            "cvm_avs_tasks_missed_total",
            "cvm_avs_attestation_latency_seconds_bucket",
            "cvm_avs_aggregator_signatures_rejected_total",
            "cvm_avs_aggregator_response_gas_bucket",
            "eigen_rpc_request_duration_seconds_bucket",
            "eigen_slashing_status");
    assertThat(exported).containsAll(referenced);
  }

  @Test
  void prometheusScrapesTheDocumentedPorts() throws Exception {
    JsonNode config =
        new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("prometheus.yml").toFile());
    List<String> jobs = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (JsonNode job : config.path("scrape_configs")) {
      jobs.add(job.path("job_name").asText());
      assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
      job.path("static_configs")
          .forEach(s -> s.path("targets").forEach(t -> targets.add(t.asText())));
    }
    assertThat(jobs).containsExactly("cvm-avs-node", "cvm-avs-aggregator", "cvm-avs-challenger");
    assertThat(targets).containsExactly("127.0.0.1:9090", "127.0.0.1:9091", "127.0.0.1:9092");
  }

  private static void collect(JsonNode node, String field, List<String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                if (e.getKey().equals(field) && e.getValue().isTextual()) {
                  out.add(e.getValue().asText());
                } else {
                  collect(e.getValue(), field, out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, field, out));
    }
  }
}
