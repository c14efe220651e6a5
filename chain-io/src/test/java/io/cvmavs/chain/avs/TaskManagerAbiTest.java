package io.cvmavs.chain.avs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
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
            TaskManagerAbi.RESPONSE_COUNT,
            TaskManagerAbi.RAISE_CHALLENGE,
            TaskManagerAbi.RAISE_SIGNATURE_CHALLENGE,
            TaskManagerAbi.VETO_SLASHING_REQUEST,
            TaskManagerAbi.FULFIL_SLASHING_REQUEST,
            TaskManagerAbi.FULFIL_SIGNATURE_CHALLENGE,
            TaskManagerAbi.SLASH_EQUIVOCATION,
            TaskManagerAbi.GET_SLASHING_REQUEST,
            TaskManagerAbi.CONFIG)) {
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

  @Test
  void slashingEventSignaturesMatchTheCompiledContract() throws Exception {
    java.util.Set<String> compiled = new java.util.HashSet<>();
    for (JsonNode item : artifact("CvmTaskManager").path("abi")) {
      if ("event".equals(item.path("type").asText())) {
        compiled.add(item.path("name").asText() + canonicalInputs(item.path("inputs")));
      }
    }
    assertThat(compiled)
        .contains(
            SlashingEvents.CHALLENGE_RAISED,
            SlashingEvents.SIGNATURE_CHALLENGE_RAISED,
            SlashingEvents.SLASHING_REQUEST_VETOED,
            SlashingEvents.SLASHING_REQUEST_FULFILLED,
            SlashingEvents.OPERATOR_SLASHED_FOR_WRONG_RESULT,
            SlashingEvents.EQUIVOCATION_SLASHED);
  }

  @Test
  void nonSignerIdsAreReadBackFromRespondToTaskCalldata() {
    List<io.cvmavs.crypto.bn254.G1Point> pks =
        java.util.stream.Stream.of(11, 12)
            .map(s -> io.cvmavs.crypto.bls.BlsKeyPair.fromSecret(java.math.BigInteger.valueOf(s)))
            .map(io.cvmavs.crypto.bls.BlsKeyPair::publicKeyG1)
            .toList();
    List<byte[]> ids = pks.stream().map(io.cvmavs.crypto.bls.Bls::operatorId).toList();
    CvmTask task = new CvmTask(3, 1, new byte[32], new byte[32], new byte[] {0}, 60, 9);
    TaskResponse r = new TaskResponse(3, new byte[32], new byte[32], new byte[32]);
    var g = io.cvmavs.crypto.bn254.G1Point.GENERATOR;
    String calldata =
        TaskManagerAbi.respondToTask(
            task,
            r,
            new NonSignerStakesAndSignature(
                pks,
                List.of(g),
                io.cvmavs.crypto.bn254.G2Point.GENERATOR,
                g,
                List.of(0L),
                List.of(0L),
                List.of(List.of(0L, 0L))));
    assertThat(
            TaskManagerAbi.nonSignerIdsFromCalldata(calldata, TaskManagerAbi.hashOfNonSigners(ids)))
        .containsExactlyElementsOf(ids);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TaskManagerAbi.nonSignerIdsFromCalldata(calldata, new byte[32]))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("hashOfNonSigners");
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
