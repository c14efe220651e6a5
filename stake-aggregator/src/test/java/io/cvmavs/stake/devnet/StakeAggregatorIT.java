package io.cvmavs.stake.devnet;

import static io.cvmavs.stake.devnet.DevnetStakeDriver.E18;
import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.stake.aggregate.AggregateResult;
import io.cvmavs.stake.aggregate.EpochSet;
import io.cvmavs.stake.aggregate.OperatorReport;
import io.cvmavs.stake.aggregate.ReportFormat;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.chain.RpcStakeReader;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import io.cvmavs.stake.validator.ConsensusKey;
import io.cvmavs.stake.validator.Validator;
import io.cvmavs.stake.validator.ValidatorSetDiff;
import io.cvmavs.stake.validator.ValidatorUpdate;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The aggregator against the real devnet contracts (forge deploy on anvil): staking, unstaking,
 * allocation, slashing and deregistration change the set at the next epoch boundary.
 */
@WithAnvil
class StakeAggregatorIT {
  private static final long EPOCH = 80;

  @Test
  void setFollowsStakeAcrossEpochs(AnvilNode anvil, @TempDir Path dir) throws Exception {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    Credentials deployer = anvil.account(0).credentials();
    DevnetStakeDriver chain = new DevnetStakeDriver(anvil.web3j(), d, deployer);
    Credentials a = anvil.account(1).credentials();
    Credentials b = anvil.account(2).credentials();
    Credentials c = anvil.account(3).credentials();
    Credentials noKey = anvil.account(4).credentials();
    Credentials staker = anvil.account(5).credentials();

    // A: 100 restaked + 50 $C; B: 200 restaked, key but no $C; C: only 300 $C; D: no key.
    chain.eigenOperator(a, E18.multiply(BigInteger.valueOf(100)));
    chain.setConsensusKey(a, DevnetStakeDriver.consensusKey(1));
    chain.stakeC(a, a.getAddress(), E18.multiply(BigInteger.valueOf(50)));
    chain.registerWithAvs(a, 1);
    chain.eigenOperator(b, E18.multiply(BigInteger.valueOf(200)));
    chain.setConsensusKey(b, DevnetStakeDriver.consensusKey(2));
    chain.registerWithAvs(b, 2);
    chain.eigenOperator(c, BigInteger.ZERO);
    chain.setConsensusKey(c, DevnetStakeDriver.consensusKey(3));
    chain.stakeC(staker, c.getAddress(), E18.multiply(BigInteger.valueOf(300)));
    chain.registerWithAvs(c, 3);
    chain.eigenOperator(noKey, E18.multiply(BigInteger.valueOf(500)));
    chain.registerWithAvs(noKey, 4);

    long genesis = anvil.blockNumber() + 1;
    Path config = dir.resolve("stake.yaml");
    Files.writeString(
        config,
        """
        eth_rpc_url: %s
        deployment_file: %s
        operator_set_id: 0
        epoch:
          genesis_block: %d
          length_blocks: %d
        jail_epochs: 1
        power:
          unit: 1
          max_validators: 10
        prices:
          c_per_eth: {value: "1000"}
          strategies:
            %s: {value: "2"}
        """
            .formatted(
                anvil.rpcUrl(), d.source().toAbsolutePath(), genesis, EPOCH, chain.strategy()));
    StakeConfig cfg = StakeConfigLoader.load(config);

    ConsensusKey ka = ConsensusKey.of(DevnetStakeDriver.consensusKey(1));
    ConsensusKey kb = ConsensusKey.of(DevnetStakeDriver.consensusKey(2));
    ConsensusKey kc = ConsensusKey.of(DevnetStakeDriver.consensusKey(3));

    // ---- epoch 0: A = 100×2 + 50 = 250, B = 200×2 = 400, C = 300; D has no consensus key.
    toBlock(anvil, genesis);
    AggregateResult e0 = run(cfg, genesis);
    assertThat(powers(e0.current())).isEqualTo(Map.of(ka, 250L, kb, 400L, kc, 300L));
    assertThat(e0.current().set().validators())
        .extracting(Validator::pubKey)
        .containsExactly(kb, kc, ka);
    assertThat(statusOf(e0.current(), noKey)).isEqualTo(OperatorReport.Status.NO_CONSENSUS_KEY);
    assertThat(e0.updates()).hasSize(3);
    // Slashable value: (100 + 200 + 500) × 2 restaked would count D, but D is not a validator.
    assertThat(e0.current().security().totalSlashableC())
        .isEqualTo(E18.multiply(BigInteger.valueOf(950)));
    assertThat(e0.current().security().totalSlashableEth())
        .isEqualTo(E18.multiply(BigInteger.valueOf(950)).divide(BigInteger.valueOf(1000)));
    // Every validator costs 1 $C per unit of power here; ties go by address, so check the totals.
    var third = e0.current().security().corruptOneThird();
    assertThat(3 * third.power()).isGreaterThan(950);
    assertThat(third.costC()).isEqualTo(E18.multiply(BigInteger.valueOf(third.power())));
    assertThat(third.validators()).isEqualTo(2);
    assertThat(e0.current().security().corruptTwoThirds().validators()).isEqualTo(3);

    // ---- during epoch 0: A stakes 150 more, C's staker unstakes 100, B deallocates half.
    chain.stakeC(a, a.getAddress(), E18.multiply(BigInteger.valueOf(150)));
    chain.unstakeC(staker, c.getAddress(), E18.multiply(BigInteger.valueOf(100)));
    chain.allocate(b, E18.divide(BigInteger.TWO));
    // Nothing changes inside the epoch: the set is read at its boundary.
    assertThat(powers(run(cfg, anvil.blockNumber()).current())).isEqualTo(powers(e0.current()));

    // ---- epoch 1 (the deallocation delay, 51 blocks, has passed by the boundary)
    toBlock(anvil, genesis + EPOCH);
    AggregateResult e1 = run(cfg, genesis + EPOCH);
    assertThat(e1.current().epoch()).isEqualTo(1);
    assertThat(powers(e1.current())).isEqualTo(Map.of(ka, 400L, kb, 200L, kc, 200L));
    assertThat(e1.updates())
        .containsExactlyInAnyOrder(
            new ValidatorUpdate(ka, 400),
            new ValidatorUpdate(kb, 200),
            new ValidatorUpdate(kc, 200));
    assertThat(ValidatorSetDiff.apply(e1.previous().set(), e1.updates()))
        .isEqualTo(e1.current().set());

    // ---- during epoch 1: A is slashed (restaked, 50 %), C is slashed ($C, 50 %), B leaves.
    chain.slashRestaked(a.getAddress(), E18.divide(BigInteger.TWO));
    chain.slashC(c.getAddress(), E18.divide(BigInteger.TWO));
    chain.deregister(b);

    // ---- epoch 2: slashed operators are jailed, B is gone → empty set, three removals.
    toBlock(anvil, genesis + 2 * EPOCH);
    AggregateResult e2 = run(cfg, genesis + 2 * EPOCH);
    assertThat(statusOf(e2.current(), a)).isEqualTo(OperatorReport.Status.JAILED);
    assertThat(statusOf(e2.current(), c)).isEqualTo(OperatorReport.Status.JAILED);
    assertThat(e2.current().operators())
        .extracting(OperatorReport::operator)
        .doesNotContain(b.getAddress());
    assertThat(e2.current().set().size()).isZero();
    assertThat(e2.updates())
        .containsExactlyInAnyOrder(
            new ValidatorUpdate(ka, 0), new ValidatorUpdate(kb, 0), new ValidatorUpdate(kc, 0));

    // ---- epoch 3: the jail is over; A = 50×2 + 200 = 300, C = 100.
    toBlock(anvil, genesis + 3 * EPOCH);
    AggregateResult e3 = run(cfg, genesis + 3 * EPOCH + 5);
    assertThat(e3.current().block()).isEqualTo(genesis + 3 * EPOCH);
    assertThat(powers(e3.current())).isEqualTo(Map.of(ka, 300L, kc, 100L));

    // ---- same block, fresh reader: byte-identical output.
    String first = ReportFormat.json(run(cfg, genesis + EPOCH));
    String second = ReportFormat.json(run(cfg, genesis + EPOCH));
    assertThat(second).isEqualTo(first);
    assertThat(first).contains("\"epoch\" : 1");
  }

  private static void toBlock(AnvilNode anvil, long block) {
    long now = anvil.blockNumber();
    if (now < block + 5) {
      anvil.mine((int) (block + 5 - now));
    }
  }

  private static AggregateResult run(StakeConfig cfg, long block) {
    try (BatchRpc rpc = new BatchRpc(cfg.ethRpcUrl().toString(), cfg.maxCallsPerRequest())) {
      return new StakeAggregator(new RpcStakeReader(rpc, cfg), cfg).atBlock(block);
    }
  }

  private static Map<ConsensusKey, Long> powers(EpochSet e) {
    return e.set().validators().stream()
        .collect(Collectors.toMap(Validator::pubKey, Validator::power));
  }

  private static OperatorReport.Status statusOf(EpochSet e, Credentials op) {
    return e.operators().stream()
        .filter(o -> o.operator().equalsIgnoreCase(op.getAddress()))
        .findFirst()
        .orElseThrow()
        .status();
  }
}
