package io.cvmavs.operator.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

/**
 * The whole rewards loop on anvil with the deployed contracts: fees escrowed and refunded, a period
 * aligned to the coordinator's interval, the split submitted through the service manager (the
 * coordinator stand-in enforces EigenLayer's rules), the local root poster's tree posted, and each
 * honest operator claiming with the Java-built proofs — which the contract's own Merkle check
 * verifies (an implementation independent of {@link DistributionTree}).
 *
 * <p>The split's input ({@link SignedTask}s) is built here: deriving it from the chain's
 * attestation record is not part of this module yet.
 */
@WithAnvil
class RewardsLoopIT {
  private static final BigInteger E18 = BigInteger.TEN.pow(18);

  @Test
  void feesFlowIntoASubmissionTheHonestOperatorsClaim(AnvilNode anvil) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    RewardsContracts at =
        new RewardsContracts(
            d.address("CvmServiceManager"),
            d.address("RewardsCoordinator"),
            d.address("CvmTaskFees"));
    String cToken = d.address("CToken").toLowerCase(Locale.ROOT);
    String sm = at.serviceManager();
    long fromBlock = Long.parseLong(d.values().get("deploymentBlock"));
    Transactor deployer =
        Transactor.of(anvil.web3j(), anvil.account(0).credentials(), anvil.chainId());
    RewardsWriter writer = new RewardsWriter(deployer, at);
    RewardsReader reader = new RewardsReader(deployer.reader(), at);
    StakingWriter tokens = new StakingWriter(deployer, d.address("CStaking"));
    StakingReader balances = new StakingReader(deployer, d.address("CStaking"));

    // Fees: one task's fee is refunded after its deadline (nobody answers it).
    // createTask refuses a manuscript that is not Active in the registry: register one (never
    // fetched here; the locator does not exist).
    byte[] manuscript = Hash.sha3("manuscript".getBytes());
    new ManuscriptRegistryWriter(deployer, d.address("CvmManuscriptRegistry"))
        .register(manuscript, Hash.sha256(manuscript), "file:///nonexistent/manuscript.yaml");
    CvmTask task =
        new TaskManagerWriter(deployer, d.address("CvmTaskManager"))
            .createTask(1, manuscript, new byte[32], new byte[] {0}, 67);
    String collector = anvil.account(5).address();
    tokens.mint(cToken, deployer.address(), E18.multiply(BigInteger.valueOf(10)));
    tokens.approve(cToken, at.taskFees(), E18);
    writer.escrow(task, cToken, E18, collector);
    assertThat(reader.feeTotals(cToken))
        .isEqualTo(new RewardsReader.FeeTotals(E18, BigInteger.ZERO, BigInteger.ZERO, E18));
    assertThatThrownBy(() -> writer.refund(task)).isInstanceOf(ChainException.class);
    anvil.mine(Integer.parseInt(d.values().get("taskResponseWindowBlock")) + 1);
    writer.refund(task);
    assertThat(balances.balanceOf(cToken, collector)).isEqualTo(E18);
    assertThat(reader.feeTotals(cToken))
        .isEqualTo(new RewardsReader.FeeTotals(E18, BigInteger.ZERO, E18, BigInteger.ZERO));

    // The reward pool (released fees; minted here since releasing needs BLS operators: forge covers
    // it).
    BigInteger pool = E18.multiply(BigInteger.valueOf(9));
    tokens.mint(cToken, sm, pool);

    RewardsReader.Rules rules = reader.rules();
    assertThat(rules.calculationIntervalSeconds()).isEqualTo(10);
    anvil.increaseTime(60);
    anvil.mine(1);
    long now =
        anvil
            .web3j()
            .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
            .sendAsync()
            .join()
            .getBlock()
            .getTimestamp()
            .longValueExact();
    RewardPeriod period = RewardPeriod.latestComplete(now, rules, now - 50).orElseThrow();
    String a = anvil.account(1).address().toLowerCase(Locale.ROOT);
    String b = anvil.account(2).address().toLowerCase(Locale.ROOT);
    String faulty = anvil.account(3).address().toLowerCase(Locale.ROOT);
    BigInteger stake = E18.multiply(BigInteger.valueOf(100));
    List<SignedTask> tasks =
        List.of(
            new SignedTask(0, period.start(), Map.of(a, stake, b, stake, faulty, stake)),
            new SignedTask(1, period.start() + 1, Map.of(a, stake, faulty, stake)),
            new SignedTask(2, period.end() + 5, Map.of(b, stake))); // after the period: not counted
    RewardsSubmitter submitter =
        new RewardsSubmitter(
            writer,
            0,
            cToken,
            List.of(new RewardsSubmission.StrategyMultiplier(d.address("Strategy"), E18)));
    // A strategy the StrategyManager does not whitelist (EigenLayer v1.12's local deploy leaves its
    // strategy off the whitelist): refused before sending, with the coordinator's error named.
    RewardsSubmitter notWhitelisted =
        new RewardsSubmitter(
            writer, 0, cToken, List.of(new RewardsSubmission.StrategyMultiplier(cToken, E18)));
    assertThatThrownBy(() -> notWhitelisted.submit(period, pool, tasks, Set.of(faulty)))
        .isInstanceOf(ChainException.Reverted.class)
        .hasMessageContaining("StrategyNotWhitelisted(): a submission strategy is not on the");
    RewardsSubmission sent = submitter.submit(period, pool, tasks, Set.of(faulty)).orElseThrow();
    assertThat(sent.total()).isEqualTo(pool);

    List<RewardsReader.Submitted> seen =
        reader.submissions(
            sm,
            fromBlock,
            anvil.web3j().ethBlockNumber().sendAsync().join().getBlockNumber().longValueExact());
    assertThat(seen).hasSize(1);
    assertThat(seen.getFirst().operatorSetId()).isZero();
    assertThat(seen.getFirst().submission()).isEqualTo(sent);
    assertThat(balances.balanceOf(cToken, sm)).isZero();
    long head = anvil.web3j().ethBlockNumber().sendAsync().join().getBlockNumber().longValueExact();
    assertThat(reader.earnedBy(sm, a, cToken, fromBlock, head))
        .isEqualTo(E18.multiply(BigInteger.valueOf(6)));
    assertThat(reader.earnedBy(sm, faulty, cToken, fromBlock, head)).isZero();

    LocalRootPoster poster = new LocalRootPoster(reader, writer, sm, fromBlock);
    LocalRootPoster.Posted posted = poster.post(period.end()).orElseThrow();
    assertThat(reader.distributionRootsLength()).isEqualTo(1);
    assertThat(reader.currRewardsCalculationEndTimestamp()).isEqualTo(period.end());
    assertThat(posted.tree().earners()).containsExactlyInAnyOrder(a, b);
    anvil.mine(1);

    // The operator's view before claiming (what `cvm-avs rewards` prints).
    var before = RewardsCommand.report(reader, at, a, cToken, fromBlock);
    assertThat(before.get("earned").asText())
        .isEqualTo(E18.multiply(BigInteger.valueOf(6)).toString());
    assertThat(before.get("claimed").asText()).isEqualTo("0");
    assertThat(before.get("unclaimed").asText()).isEqualTo(before.get("earned").asText());
    assertThat(before.get("submissions")).hasSize(1);
    assertThat(before.get("distribution_roots").asLong()).isEqualTo(1);
    assertThat(RewardsCommand.report(reader, at, faulty, cToken, fromBlock).get("earned").asText())
        .isEqualTo("0");

    BigInteger six = E18.multiply(BigInteger.valueOf(6));
    // `cvm-avs rewards --claim` rebuilds the same tree from the submissions and finds the posted
    // root.
    assertThat(poster.claimFor(a).claim().earnerIndex())
        .isEqualTo(posted.tree().claim(a, 0).earnerIndex());
    assertThat(poster.claimFor(faulty).reason()).contains("nothing submitted");
    BigInteger three = E18.multiply(BigInteger.valueOf(3));
    for (int i = 1; i <= 2; i++) {
      Transactor op = Transactor.of(anvil.web3j(), anvil.account(i).credentials(), anvil.chainId());
      String earner = op.address().toLowerCase(Locale.ROOT);
      new RewardsWriter(op, at)
          .processClaim(posted.tree().claim(earner, posted.rootIndex()), earner);
      BigInteger expected = earner.equals(a) ? six : three;
      assertThat(balances.balanceOf(cToken, earner)).as(earner).isEqualTo(expected);
      assertThat(reader.cumulativeClaimed(earner, cToken)).isEqualTo(expected);
    }
    var after = RewardsCommand.report(reader, at, a, cToken, fromBlock);
    assertThat(after.get("claimed").asText()).isEqualTo(six.toString());
    assertThat(after.get("unclaimed").asText()).isEqualTo("0");
    assertThatThrownBy(() -> posted.tree().claim(faulty, posted.rootIndex()))
        .hasMessageContaining("not in the distribution tree");
    // A claim of another earner's leaf by the wrong account is refused by the contract.
    Transactor op2 = Transactor.of(anvil.web3j(), anvil.account(2).credentials(), anvil.chainId());
    assertThatThrownBy(() -> new RewardsWriter(op2, at).processClaim(posted.tree().claim(a, 0), b))
        .isInstanceOf(ChainException.class);
    assertThat(Optional.of(balances.balanceOf(cToken, at.rewardsCoordinator())))
        .contains(BigInteger.ZERO);
  }
}
