package io.cvmavs.operator.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/** The hand-written task-manager ABI against the real contract on anvil. */
@WithAnvil
class TaskManagerChainIT {
  @Test
  void encodingsAgreeWithTheContract(AnvilNode anvil) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    Transactor generator =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()), ChainAccess.devnetDeployer(), Optional.of(anvil.chainId()));
    String tm = d.address("CvmTaskManager");
    TaskManagerReader reader = new TaskManagerReader(generator, tm);
    TaskManagerWriter writer = new TaskManagerWriter(generator, tm);
    long before = reader.latestTaskNum();
    AvsLocalnet.registerHash(generator, d, Hash.sha3("manuscript".getBytes()));

    CvmTask task =
        writer.createTask(
            42,
            Hash.sha3("manuscript".getBytes()),
            Hash.sha3("input".getBytes()),
            new byte[] {0},
            67);

    assertThat(task.taskIndex()).isEqualTo(before);
    assertThat(reader.latestTaskNum()).isEqualTo(before + 1);
    assertThat(task.cvmBlockHeight()).isEqualTo(42);
    assertThat(task.quorumThresholdPercentage()).isEqualTo(67);
    assertThat(task.quorumNumbers()).containsExactly(0);
    assertThat(TaskManagerAbi.taskHash(task)).isEqualTo(reader.taskHash(task.taskIndex()));
    assertThat(reader.newTasks(task.taskCreatedBlock(), task.taskCreatedBlock()))
        .containsExactly(task);

    TaskResponse response =
        new TaskResponse(
            task.taskIndex(),
            Hash.sha3(new byte[] {1}),
            Hash.sha3(new byte[] {2}),
            Hash.sha3(new byte[] {3}));
    assertThat(TaskManagerAbi.responseDigest(anvil.chainId(), tm, response))
        .isEqualTo(reader.responseDigest(response));
    assertThat(reader.isResponded(task.taskIndex())).isFalse();

    // The task generator role is checked by the contract: another account is refused before
    // sending.
    Transactor stranger =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(5).credentials().getEcKeyPair(),
            Optional.empty());
    assertThatThrownBy(
            () ->
                new TaskManagerWriter(stranger, tm)
                    .createTask(1, new byte[32], new byte[32], new byte[] {0}, 67))
        .isInstanceOf(ChainException.Reverted.class)
        .hasMessageContaining("createTask");
  }
}
