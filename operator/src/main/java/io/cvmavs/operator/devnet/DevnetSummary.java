package io.cvmavs.operator.devnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a devnet run did: per task, and the totals the summary table and {@code --summary-json}
 * show.
 */
public record DevnetSummary(int operators, List<Task> tasks) {
  /**
   * One task: created for CVM block {@code cvmHeight}; {@code latencyMillis} from its creation
   * being mined to the {@code TaskResponded} being seen (-1 if never responded); {@code
   * responseGas} of the respondToTask transaction.
   */
  public record Task(
      long taskIndex,
      long cvmHeight,
      boolean responded,
      long latencyMillis,
      long responseGas,
      int signers) {}

  public long responded() {
    return tasks.stream().filter(Task::responded).count();
  }

  public long medianLatencyMillis() {
    return percentile(tasks.stream().filter(Task::responded).map(Task::latencyMillis).toList(), 50);
  }

  public long p95LatencyMillis() {
    return percentile(tasks.stream().filter(Task::responded).map(Task::latencyMillis).toList(), 95);
  }

  public long medianResponseGas() {
    return percentile(tasks.stream().filter(Task::responded).map(Task::responseGas).toList(), 50);
  }

  /** Nearest-rank percentile; -1 for no values. */
  static long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  void print(PrintWriter out) {
    out.println();
    out.println("  devnet summary");
    out.printf("  %-32s %d%n", "operators", operators);
    out.printf("  %-32s %d%n", "tasks created", tasks.size());
    out.printf("  %-32s %d%n", "tasks responded", responded());
    out.printf("  %-32s %s%n", "attestation latency median", seconds(medianLatencyMillis()));
    out.printf("  %-32s %s%n", "attestation latency p95", seconds(p95LatencyMillis()));
    out.printf(
        "  %-32s %s%n",
        "gas per response (median)", medianResponseGas() < 0 ? "-" : medianResponseGas());
    out.println();
  }

  private static String seconds(long millis) {
    return millis < 0 ? "-" : String.format("%.2f s", millis / 1000.0);
  }

  String toJson() {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("operators", operators);
    root.put("tasks_created", tasks.size());
    root.put("tasks_responded", responded());
    root.put("latency_median_ms", medianLatencyMillis());
    root.put("latency_p95_ms", p95LatencyMillis());
    root.put("response_gas_median", medianResponseGas());
    ArrayNode list = root.putArray("tasks");
    for (Task t : tasks) {
      ObjectNode n = list.addObject();
      n.put("task_index", t.taskIndex());
      n.put("cvm_height", t.cvmHeight());
      n.put("responded", t.responded());
      n.put("latency_ms", t.latencyMillis());
      n.put("response_gas", t.responseGas());
      n.put("signers", t.signers());
    }
    try {
      return json.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render the summary: " + e.getMessage(), e);
    }
  }
}
