package io.cvmavs.operator.taskgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task generator against a real anvil and the real contracts: one task per finished CVM block;
 * a second generator (a restart) continues after the heights already on chain; a createTask that
 * times out while mining is paused is not sent again while it is pending, and after it lands the
 * generator resumes after it — no height is ever tasked twice.
 */
@WithAnvil
class TaskGeneratorIT {
  private static final byte[] MANUSCRIPT = AvsLocalnet.MANUSCRIPT_HASH;

  @TempDir Path dir;

  @Test
  void restartsAndTimeoutsNeverTaskAHeightTwice(AnvilNode anvil) throws Exception {
    Path deployment = ForgeDeploy.deploy(anvil);
    Deployments d = Deployments.read(deployment);
    String taskManager = d.address("CvmTaskManager");
    long deploymentBlock = Long.parseLong(d.values().get("deploymentBlock"));
    // Account 0 deployed, so it holds the task-generator role. Short receipt timeout, no fee bump.
    Transactor tx =
        new Transactor(
            anvil.web3j(),
            anvil.account(0).credentials(),
            anvil.chainId(),
            Duration.ofSeconds(2),
            Duration.ofMillis(50),
            new Transactor.FeePolicy(Duration.ofMinutes(10), 0, 25, null));
    TaskManagerReader reader = new TaskManagerReader(tx, taskManager);
    AvsLocalnet.registerHash(tx, d, MANUSCRIPT);
    long genesis = anvil.blockNumber() + 1;
    ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
    try {
      TaskGenerator first = generator(anvil, tx, taskManager, genesis, deploymentBlock, unused, 2);
      anvil.mine(10);
      assertThat(first.step()).isEqualTo(2); // capped by maxTasks
      assertThat(heights(reader, deploymentBlock)).containsExactly(0L, 1L);

      // A restart: continues at height 2, from the chain's record.
      TaskGenerator second = generator(anvil, tx, taskManager, genesis, deploymentBlock, unused, 1);
      assertThat(second.step()).isEqualTo(1);
      assertThat(heights(reader, deploymentBlock)).containsExactly(0L, 1L, 2L);

      // createTask sent while nothing is mined: it times out (Pending), and further steps do not
      // send it again while it sits in the pool.
      TaskGenerator third = generator(anvil, tx, taskManager, genesis, deploymentBlock, unused, 5);
      anvil.pauseMining();
      assertThatThrownBy(third::step).isInstanceOf(ChainException.Pending.class);
      assertThat(tx.hasPending()).isTrue();
      assertThat(third.step()).isZero();
      assertThat(third.step()).isZero();
      anvil.mine(1); // the pending createTask (height 3) lands
      assertThat(tx.hasPending()).isFalse();
      anvil.automine();
      anvil.mine(4);
      assertThat(third.step()).isPositive();
      List<Long> heights = heights(reader, deploymentBlock);
      assertThat(heights).doesNotHaveDuplicates().startsWith(0L, 1L, 2L, 3L);
      assertThat(heights).isSorted();
    } finally {
      unused.shutdownNow();
    }
  }

  private TaskGenerator generator(
      AnvilNode anvil,
      Transactor tx,
      String taskManager,
      long genesis,
      long deploymentBlock,
      ScheduledExecutorService scheduler,
      long maxTasks) {
    return new TaskGenerator(
        new TaskGenerator.Settings(
            MANUSCRIPT,
            new byte[] {0},
            66,
            genesis,
            2,
            0,
            deploymentBlock,
            Duration.ofSeconds(1),
            OptionalLong.of(maxTasks)),
        TaskGenerator.Chain.of(tx, taskManager),
        new CvmTaskComputer(
            new CvmTaskComputer.Settings("eth", new BlockSchedule(genesis, 2)),
            AvsLocalnet.manuscripts(),
            anvil.web3j(),
            dir.resolve("cvm-" + System.nanoTime())),
        scheduler,
        created -> {});
  }

  private static List<Long> heights(TaskManagerReader reader, long fromBlock) {
    return reader.newTasks(fromBlock, reader.blockNumber()).stream()
        .map(CvmTask::cvmBlockHeight)
        .toList();
  }
}
