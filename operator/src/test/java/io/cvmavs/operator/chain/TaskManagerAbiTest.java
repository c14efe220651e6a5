package io.cvmavs.operator.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.localnet.process.RepoLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our hand-written signatures against forge's compiled artifact of CvmTaskManager / CvmRegistry.
 */
class TaskManagerAbiTest {
  private static JsonNode artifact(String name) throws Exception {
    Path file =
        RepoLayout.locate().root().resolve("contracts/out/" + name + ".sol/" + name + ".json");
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void functionSelectorsMatchTheCompiledContract() throws Exception {
    JsonNode ids = artifact("CvmTaskManager").path("methodIdentifiers");
    for (String sig :
        List.of(
            TaskManagerAbi.CREATE_TASK,
            TaskManagerAbi.RESPOND_TO_TASK,
            TaskManagerAbi.RESPONSE_DIGEST,
            TaskManagerAbi.LATEST_TASK_NUM,
            TaskManagerAbi.TASK_HASH,
            TaskManagerAbi.TASK_RESPONSE_HASH,
            TaskManagerAbi.RESPONSE_COUNT)) {
      assertThat(ids.has(sig)).as(sig).isTrue();
      assertThat(Abi.selector(sig)).as(sig).isEqualTo("0x" + ids.path(sig).asText());
    }
  }

  @Test
  void eventTopicsMatchTheCompiledContract() throws Exception {
    JsonNode events = artifact("CvmTaskManager").path("abi");
    String newTask = null;
    String responded = null;
    for (JsonNode item : events) {
      if (!"event".equals(item.path("type").asText())) {
        continue;
      }
      String canonical = item.path("name").asText() + canonicalInputs(item.path("inputs"));
      if (item.path("name").asText().equals("NewTaskCreated")) {
        newTask = canonical;
      } else if (item.path("name").asText().equals("TaskResponded")) {
        responded = canonical;
      }
    }
    assertThat(newTask).isEqualTo(TaskManagerAbi.NEW_TASK_CREATED);
    assertThat(responded).isEqualTo(TaskManagerAbi.TASK_RESPONDED);
  }

  private static String canonicalInputs(JsonNode inputs) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < inputs.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      JsonNode in = inputs.get(i);
      String type = in.path("type").asText();
      if (type.startsWith("tuple")) {
        b.append(canonicalInputs(in.path("components"))).append(type.substring(5));
      } else {
        b.append(type);
      }
    }
    return b.append(')').toString();
  }
}
