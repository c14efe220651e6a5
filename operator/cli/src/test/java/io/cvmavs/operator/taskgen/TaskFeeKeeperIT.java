package io.cvmavs.operator.taskgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.math.BigInteger;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/**
 * Issue 21: the task generator escrows the manuscript owner's fee with each task it creates (its
 * chain port decorated by {@link TaskFeeKeeper}) and refunds the fee of a task left unanswered past
 * its response deadline, once — on the deployed {@code CvmTaskFees} on anvil, whose own checks
 * (task hash, deadline, one fee per task) the calls pass. Releasing a responded task's fee needs
 * BLS responses: {@code RewardsRunnerIT} covers it.
 */
@WithAnvil
class TaskFeeKeeperIT {
  private static final BigInteger FEE = BigInteger.TEN.pow(17);

  @Test
  void eachTaskCarriesTheFeeAndAnUnansweredOneIsRefundedOnce(AnvilNode anvil) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    RewardsContracts at =
        new RewardsContracts(d.address("CvmServiceManager"), null, d.address("CvmTaskFees"));
    String cToken = d.address("CToken").toLowerCase(Locale.ROOT);
    long fromBlock = Long.parseLong(d.values().get("deploymentBlock"));
    // The deployer holds the task-generator role.
    Transactor generator =
        Transactor.of(anvil.web3j(), anvil.account(0).credentials(), anvil.chainId());
    new StakingWriter(generator, d.address("CStaking"))
        .mint(cToken, generator.address(), FEE.multiply(BigInteger.TEN));
    String owner = anvil.account(6).address().toLowerCase(Locale.ROOT);
    TaskManagerReader taskManager = new TaskManagerReader(generator, d.address("CvmTaskManager"));
    RewardsReader reader = new RewardsReader(generator.reader(), at);
    TaskFeeKeeper keeper =
        new TaskFeeKeeper(
            new TaskFeeKeeper.Policy(cToken, FEE, owner),
            generator.address(),
            at.taskFees(),
            reader,
            new RewardsWriter(generator, at),
            new StakingWriter(generator, d.address("CStaking")),
            taskManager,
            fromBlock);
    TaskGenerator.Chain chain =
        keeper.chain(TaskGenerator.Chain.of(generator, d.address("CvmTaskManager")));

    byte[] manuscript = Hash.sha3("manuscript".getBytes());
    AvsLocalnet.registerHash(generator, d, manuscript);
    CvmTask t0 = chain.createTask(0, manuscript, new byte[32], new byte[] {0}, 67);
    CvmTask t1 = chain.createTask(1, manuscript, new byte[32], new byte[] {0}, 67);
    assertThat(t1.taskIndex()).isEqualTo(t0.taskIndex() + 1);
    BigInteger two = FEE.multiply(BigInteger.TWO);
    assertThat(reader.feeTotals(cToken))
        .isEqualTo(new RewardsReader.FeeTotals(two, BigInteger.ZERO, BigInteger.ZERO, two));

    // Before the deadline nothing is refunded.
    assertThat(keeper.step()).isEqualTo(new TaskFeeKeeper.Settled(0, 0));
    anvil.mine((int) taskManager.taskResponseWindowBlock() + 1);
    assertThat(keeper.step()).isEqualTo(new TaskFeeKeeper.Settled(0, 2));
    assertThat(new StakingReader(generator, d.address("CStaking")).balanceOf(cToken, owner))
        .isEqualTo(two);
    assertThat(reader.feeTotals(cToken))
        .isEqualTo(new RewardsReader.FeeTotals(two, BigInteger.ZERO, two, BigInteger.ZERO));
    // A second step (or a restarted keeper) reads the refunds from the chain and repeats nothing.
    assertThat(keeper.step()).isEqualTo(new TaskFeeKeeper.Settled(0, 0));
  }
}
