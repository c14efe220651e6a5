package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.rewards.RewardsSubmission.OperatorReward;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.rewards.RewardSplit;
import io.cvmavs.operator.rewards.SignedTask;
import io.cvmavs.operator.rewards.SignedTasks;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: the reward split's input derived from the chain's attestation record (real BLS
 * responses through the aggregator on anvil): three operators of equal stake, operator 3 signs one
 * of three responses, so it earns one seventh; excluded (as the faulty one), it earns nothing.
 */
@WithAnvil
class RewardSplitFromChainIT {
  @TempDir Path dir;

  @Test
  void signersAreCreditedInProportionToWhatTheySigned(AnvilNode anvil) throws Exception {
    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      CvmTask t0 = chain.createTask(0);
      chain.respond(t0, 0, 1, 2);
      CvmTask t1 = chain.createTask(1);
      chain.respond(t1, 0, 1);
      CvmTask t2 = chain.createTask(2);
      chain.respond(t2, 0, 1);
      RpcMonitorChain monitorChain =
          new RpcMonitorChain(
              URI.create(anvil.rpcUrl()),
              chain.deployments.address("CvmRegistry"),
              chain.deployments.address("CvmTaskManager"),
              chain.deploymentBlock());
      List<SignedTask> tasks =
          SignedTasks.fromChain(
              monitorChain, chain.reader, chain.deploymentBlock(), chain.reader.blockNumber());
      assertThat(tasks).extracting(SignedTask::taskIndex).containsExactly(0L, 1L, 2L);
      assertThat(tasks.get(0).signers()).hasSize(3);
      assertThat(tasks.get(1).signers().keySet())
          .containsExactlyInAnyOrder(chain.addresses.get(0), chain.addresses.get(1));

      BigInteger pool = BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(7));
      List<OperatorReward> rewards = RewardSplit.split(pool, tasks, Set.of());
      BigInteger seventh = BigInteger.TEN.pow(18);
      assertThat(rewards)
          .containsExactlyInAnyOrder(
              new OperatorReward(chain.addresses.get(0), seventh.multiply(BigInteger.valueOf(3))),
              new OperatorReward(chain.addresses.get(1), seventh.multiply(BigInteger.valueOf(3))),
              new OperatorReward(chain.addresses.get(2), seventh));
      List<OperatorReward> withoutFaulty =
          RewardSplit.split(pool, tasks, Set.of(chain.addresses.get(2)));
      assertThat(withoutFaulty)
          .extracting(OperatorReward::operator)
          .containsExactlyInAnyOrder(chain.addresses.get(0), chain.addresses.get(1));
      assertThat(withoutFaulty)
          .extracting(OperatorReward::amount)
          .containsOnly(pool.divide(BigInteger.TWO));
    }
  }
}
