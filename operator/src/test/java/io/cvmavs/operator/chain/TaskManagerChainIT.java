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
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/** The hand-written task-manager ABI against the real contract on anvil. */
@WithAnvil
class TaskManagerChainIT {
  /** A node signs only its own result: foreign manuscripts and input commitments are refused. */
  @Test
  void cvmBlockComputerRefusesTasksThatDifferFromItsOwnBlock(
      AnvilNode anvil, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    ForgeDeploy.deploy(anvil); // chain activity (token transfers) to build blocks from
    byte[] manuscript = Hash.sha3("m".getBytes());
    io.cvmavs.operator.node.CvmBlockComputer node =
        new io.cvmavs.operator.node.CvmBlockComputer(
            new io.cvmavs.operator.node.CvmBlockComputer.Settings("eth", 1, 5, manuscript),
            anvil.web3j(),
            dir.resolve("node"));
    io.cvmavs.operator.node.CvmBlockComputer other =
        new io.cvmavs.operator.node.CvmBlockComputer(
            new io.cvmavs.operator.node.CvmBlockComputer.Settings("eth", 1, 5, manuscript),
            anvil.web3j(),
            dir.resolve("other"));
    var block = other.block(1);
    byte[] input =
        io.cvmavs.operator.node.CvmBlockComputer.inputCommitmentHash(block.header().input());
    CvmTask honest = new CvmTask(0, 1, manuscript, input, new byte[] {0}, 67, 10);
    TaskResponse response = node.compute(honest);
    assertThat(response.cvmBlockHash()).isEqualTo(block.header().hash());
    assertThat(response.stateRoot()).isEqualTo(block.header().stateRoot());
    assertThat(block.header().input().fromBlock()).isEqualTo(6);

    CvmTask wrongInput = new CvmTask(1, 1, manuscript, Hash.sha3(input), new byte[] {0}, 67, 10);
    assertThatThrownBy(() -> node.compute(wrongInput))
        .isInstanceOf(io.cvmavs.operator.node.NodeException.TaskMismatch.class)
        .hasMessageContaining("input commitment");
    CvmTask wrongManuscript =
        new CvmTask(2, 1, Hash.sha3("other".getBytes()), input, new byte[] {0}, 67, 10);
    assertThatThrownBy(() -> node.compute(wrongManuscript))
        .isInstanceOf(io.cvmavs.operator.node.NodeException.TaskMismatch.class)
        .hasMessageContaining("manuscript");
  }

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
