package io.cvmavs.operator.aggregatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import java.util.HexFormat;

/**
 * A task and a response as JSON, the one form the aggregator's state files and its evidence ({@link
 * Evidence}) share: 32-byte values as 0x hex, numbers as numbers.
 */
public final class TaskJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TaskJson() {}

  public static ObjectNode taskJson(CvmTask t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("taskIndex", t.taskIndex());
    n.put("cvmBlockHeight", t.cvmBlockHeight());
    n.put("manuscriptHash", Bytes32.hex(t.manuscriptHash()));
    n.put("inputCommitment", Bytes32.hex(t.inputCommitment()));
    n.put("quorumNumbers", "0x" + HexFormat.of().formatHex(t.quorumNumbers()));
    n.put("quorumThresholdPercentage", t.quorumThresholdPercentage());
    n.put("taskCreatedBlock", t.taskCreatedBlock());
    return n;
  }

  public static CvmTask task(JsonNode n) {
    return new CvmTask(
        n.path("taskIndex").asLong(),
        n.path("cvmBlockHeight").asLong(),
        Bytes32.parse("manuscriptHash", n.path("manuscriptHash").asText()),
        Bytes32.parse("inputCommitment", n.path("inputCommitment").asText()),
        HexFormat.of().parseHex(n.path("quorumNumbers").asText().substring(2)),
        n.path("quorumThresholdPercentage").asLong(),
        n.path("taskCreatedBlock").asLong());
  }

  public static ObjectNode responseJson(TaskResponse r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("referenceTaskIndex", r.referenceTaskIndex());
    n.put("cvmBlockHash", Bytes32.hex(r.cvmBlockHash()));
    n.put("datasetRoot", Bytes32.hex(r.datasetRoot()));
    n.put("stateRoot", Bytes32.hex(r.stateRoot()));
    return n;
  }

  public static TaskResponse response(JsonNode n) {
    return new TaskResponse(
        n.path("referenceTaskIndex").asLong(),
        Bytes32.parse("cvmBlockHash", n.path("cvmBlockHash").asText()),
        Bytes32.parse("datasetRoot", n.path("datasetRoot").asText()),
        Bytes32.parse("stateRoot", n.path("stateRoot").asText()));
  }
}
