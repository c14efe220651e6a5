package io.cvmavs.operator.aggregatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What the aggregator hands the challenger ({@code aggregator_evidence}): signatures it verified
 * that are evidence of a fault. The challenger checks everything again before acting on it; the
 * aggregator is not trusted.
 *
 * <ul>
 *   <li>{@link Dissent}: an operator's valid signature over a response to a task other than the
 *       response that landed on chain. Whether it is a wrong result is for the challenger to decide
 *       by re-executing the task.
 *   <li>{@link Equivocation}: two valid signatures of one operator over different responses to one
 *       task — slashable on its own ({@code slashEquivocation}).
 * </ul>
 */
public record Evidence(List<Dissent> dissents, List<Equivocation> equivocations) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code signature}: 0x-hex of the 64-byte G1 point; {@code operatorId} lower-case 0x-hex. */
  public record Dissent(CvmTask task, String operatorId, TaskResponse response, String signature) {}

  public record Equivocation(
      CvmTask task,
      String operatorId,
      TaskResponse responseA,
      String signatureA,
      TaskResponse responseB,
      String signatureB) {}

  public Evidence {
    dissents = List.copyOf(dissents);
    equivocations = List.copyOf(equivocations);
  }

  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode d = root.putArray("dissents");
    for (Dissent x : dissents) {
      ObjectNode n = d.addObject();
      n.set("task", TaskJson.taskJson(x.task()));
      n.put("operatorId", x.operatorId());
      n.set("response", TaskJson.responseJson(x.response()));
      n.put("signature", x.signature());
    }
    ArrayNode e = root.putArray("equivocations");
    for (Equivocation x : equivocations) {
      e.add(equivocationJson(x));
    }
    return root;
  }

  public static ObjectNode equivocationJson(Equivocation x) {
    ObjectNode n = JSON.createObjectNode();
    n.set("task", TaskJson.taskJson(x.task()));
    n.put("operatorId", x.operatorId());
    n.set("responseA", TaskJson.responseJson(x.responseA()));
    n.put("signatureA", x.signatureA());
    n.set("responseB", TaskJson.responseJson(x.responseB()));
    n.put("signatureB", x.signatureB());
    return n;
  }

  public static Equivocation equivocation(JsonNode n) {
    return new Equivocation(
        TaskJson.task(n.path("task")),
        n.path("operatorId").asText(),
        TaskJson.response(n.path("responseA")),
        n.path("signatureA").asText(),
        TaskJson.response(n.path("responseB")),
        n.path("signatureB").asText());
  }

  /**
   * Parses {@link #toJson()}'s shape.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static Evidence fromJson(JsonNode root) {
    List<Dissent> dissents = new ArrayList<>();
    List<Equivocation> equivocations = new ArrayList<>();
    try {
      for (JsonNode n : root.path("dissents")) {
        dissents.add(
            new Dissent(
                TaskJson.task(n.path("task")),
                n.path("operatorId").asText(),
                TaskJson.response(n.path("response")),
                n.path("signature").asText()));
      }
      for (JsonNode n : root.path("equivocations")) {
        equivocations.add(equivocation(n));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed aggregator evidence: " + e.getMessage(), e);
    }
    return new Evidence(dissents, equivocations);
  }
}
