package io.cvmavs.operator.signer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;

/**
 * The digest slashing protection keys and the node signs ({@link AttestationRequest#of}) is the one
 * the contract verifies: {@code CvmTaskManager.responseDigest(response)} on anvil, for random
 * responses.
 */
@WithAnvil
class ResponseDigestIT {
  @Test
  void javaDigestEqualsTheTaskManagersDigest(AnvilNode anvil) throws Exception {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    String taskManager = d.address("CvmTaskManager");
    Random random = new Random(42);
    for (int i = 0; i < 25; i++) {
      TaskResponse response =
          new TaskResponse(
              random.nextInt() & 0xFFFF_FFFFL, bytes(random), bytes(random), bytes(random));
      Function call =
          new Function(
              "responseDigest",
              List.<Type>of(
                  new StaticStruct(
                      new Uint32(response.referenceTaskIndex()),
                      new Bytes32(response.cvmBlockHash()),
                      new Bytes32(response.datasetRoot()),
                      new Bytes32(response.stateRoot()))),
              List.of(new TypeReference<Bytes32>() {}));
      String result =
          anvil
              .web3j()
              .ethCall(
                  Transaction.createEthCallTransaction(
                      anvil.account(0).address(), taskManager, FunctionEncoder.encode(call)),
                  DefaultBlockParameterName.LATEST)
              .send()
              .getValue();
      byte[] onChain =
          (byte[])
              FunctionReturnDecoder.decode(result, call.getOutputParameters())
                  .getFirst()
                  .getValue();
      assertThat(AttestationRequest.of(anvil.chainId(), taskManager, response).responseDigest())
          .as("response %s", response)
          .isEqualTo(onChain);
    }
  }

  private static byte[] bytes(Random random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return b;
  }
}
