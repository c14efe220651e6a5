package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.localnet.process.RepoLayout;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.protocol.core.methods.response.Log;

/** The alert table against forge's artifacts, the generic event decoder, the calldata reader. */
class EventSpecTest {
  private static Set<String> events(String contract) throws Exception {
    Path file =
        RepoLayout.locate()
            .root()
            .resolve("contracts/out/" + contract + ".sol/" + contract + ".json");
    Set<String> out = new HashSet<>();
    for (JsonNode item : new ObjectMapper().readTree(file.toFile()).path("abi")) {
      if ("event".equals(item.path("type").asText())) {
        out.add(item.path("name").asText() + canonical(item.path("inputs")));
      }
    }
    return out;
  }

  private static String canonical(JsonNode inputs) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode in = inputs.get(i);
      String type = in.path("type").asText();
      if (type.startsWith("tuple")) {
        type = canonical(in.path("components")) + type.substring("tuple".length());
      }
      b.append(i == 0 ? "" : ",").append(type);
    }
    return b.append(")").toString();
  }

  @Test
  void everyAlertTopicIsAnEventOfItsContract() throws Exception {
    Map<AlertType.Contract, String> artifact =
        Map.of(
            AlertType.Contract.TASK_MANAGER, "CvmTaskManager",
            AlertType.Contract.ALLOCATION_MANAGER, "AllocationManager",
            AlertType.Contract.C_STAKING, "CStaking");
    for (AlertType t : AlertType.values()) {
      if (t.derived()) {
        continue; // no event: read from the task manager's views
      }
      Set<String> declared = events(artifact.get(t.contract));
      assertThat(declared).as(t.name()).contains(t.event.canonical());
    }
  }

  @Test
  void decodesIndexedStaticDynamicAndTupleParameters() {
    String operator = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    String avs = "0x" + "ab".repeat(20);
    String data =
        FunctionEncoder.encodeConstructor(
            List.of(
                new Address(operator),
                new StaticStruct(new Address(avs), new Uint32(0)),
                new DynamicArray<>(Address.class, new Address("0x" + "11".repeat(20))),
                new DynamicArray<>(Uint256.class, new Uint256(BigInteger.TEN.pow(17))),
                new Utf8String("equivocation")));
    Log log = new Log();
    log.setTopics(List.of(AlertType.OPERATOR_SLASHED.event.topic()));
    log.setData("0x" + data);
    Map<String, Object> v = AlertType.OPERATOR_SLASHED.event.decode(log);
    assertThat(v.get("operator")).isEqualTo(operator);
    assertThat(v.get("operatorSet")).isEqualTo(List.of(avs, BigInteger.ZERO));
    assertThat(v.get("strategies")).isEqualTo(List.of("0x" + "11".repeat(20)));
    assertThat(v.get("wadSlashed")).isEqualTo(List.of(BigInteger.TEN.pow(17)));
    assertThat(v.get("description")).isEqualTo("equivocation");

    Log equivocation = new Log();
    equivocation.setTopics(
        List.of(
            AlertType.EQUIVOCATION_SLASHED.event.topic(),
            String.format("0x%064x", 7),
            "0x000000000000000000000000" + operator.substring(2)));
    equivocation.setData("0x" + "00".repeat(12) + "15d34aaf54267db7d7c367839aaf71a00a2c6a65");
    Map<String, Object> e = AlertType.EQUIVOCATION_SLASHED.event.decode(equivocation);
    assertThat(e)
        .containsEntry("taskIndex", BigInteger.valueOf(7))
        .containsEntry("operator", operator)
        .containsEntry("reporter", "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65");
  }

  @Test
  void readsNonSignersFromRespondToTaskCalldata() {
    List<BlsKeyPair> keys =
        List.of(
            BlsKeyPair.fromSecret(BigInteger.valueOf(11)),
            BlsKeyPair.fromSecret(BigInteger.valueOf(12)));
    List<G1Point> pubkeys = keys.stream().map(BlsKeyPair::publicKeyG1).toList();
    CvmTask task = new CvmTask(3, 1, new byte[32], new byte[32], new byte[] {0}, 67, 10);
    String input =
        TaskManagerAbi.respondToTask(
            task,
            new TaskResponse(3, new byte[32], new byte[32], new byte[32]),
            new NonSignerStakesAndSignature(
                pubkeys,
                List.of(keys.get(0).publicKeyG1()),
                keys.get(0).publicKeyG2(),
                keys.get(0).publicKeyG1(),
                List.of(0L),
                List.of(0L),
                List.of(List.of(0L, 0L))));
    assertThat(
            TaskManagerAbi.nonSignerIds(input).map(ids -> ids.stream().map(Bytes32::hex).toList()))
        .contains(keys.stream().map(k -> Bytes32.hex(k.operatorId())).toList());
    assertThat(TaskManagerAbi.nonSignerIds("0x12345678")).isEmpty();
  }
}
