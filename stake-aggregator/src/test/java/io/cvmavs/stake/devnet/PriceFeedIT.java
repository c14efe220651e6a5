package io.cvmavs.stake.devnet;

import static io.cvmavs.stake.devnet.DevnetStakeDriver.E18;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.DevnetPriceFeed;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.stake.aggregate.EpochSet;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.chain.ChainReadException;
import io.cvmavs.stake.chain.RpcStakeReader;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.tx.gas.StaticGasProvider;

/** Rates from Chainlink-AggregatorV3-compatible feeds, read at the block of the set. */
@WithAnvil
class PriceFeedIT {
  @Test
  void ratesComeFromFeedsAtTheBlock(AnvilNode anvil, @TempDir Path dir) throws Exception {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    Credentials deployer = anvil.account(0).credentials();
    StaticGasProvider gas =
        new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(5_000_000));
    // 2.5 $C per dETH and 3000 $C per ETH, 8 decimals like Chainlink's USD feeds.
    DevnetPriceFeed dethFeed =
        DevnetPriceFeed.deploy(
                anvil.web3j(),
                deployer,
                gas,
                deployer.getAddress(),
                BigInteger.valueOf(8),
                "dETH / $C",
                BigInteger.valueOf(250_000_000L))
            .send();
    DevnetPriceFeed ethFeed =
        DevnetPriceFeed.deploy(
                anvil.web3j(),
                deployer,
                gas,
                deployer.getAddress(),
                BigInteger.valueOf(8),
                "ETH / $C",
                BigInteger.valueOf(300_000_000_000L))
            .send();
    DevnetStakeDriver chain = new DevnetStakeDriver(anvil.web3j(), d, deployer);
    Credentials op = anvil.account(1).credentials();
    chain.eigenOperator(op, E18.multiply(BigInteger.valueOf(100)));
    chain.setConsensusKey(op, DevnetStakeDriver.consensusKey(21));
    chain.registerWithAvs(op, 21);

    Path config = dir.resolve("stake.yaml");
    Files.writeString(
        config,
        """
        eth_rpc_url: %s
        deployment_file: %s
        power: {unit: "0.001"}
        prices:
          max_age_seconds: 3600
          c_per_eth: {feed: "%s"}
          strategies:
            default: {feed: "%s"}
        """
            .formatted(
                anvil.rpcUrl(),
                d.source().toAbsolutePath(),
                ethFeed.getContractAddress(),
                dethFeed.getContractAddress()));
    StakeConfig cfg = StakeConfigLoader.load(config);

    long before = anvil.blockNumber();
    EpochSet e = read(cfg, before);
    // 100 shares = 100 dETH (first deposit) × 2.5 = 250 $C; power in milli-$C.
    assertThat(e.strategies().getFirst().cPerShareWad())
        .isEqualTo(new BigInteger("2500000000000000000"));
    assertThat(e.set().totalPower()).isEqualTo(250_000);
    assertThat(e.cPerEthWad()).isEqualTo(E18.multiply(BigInteger.valueOf(3000)));
    assertThat(e.security().totalSlashableEth())
        .isEqualTo(E18.multiply(BigInteger.valueOf(250)).divide(BigInteger.valueOf(3000)));

    dethFeed.setAnswer(BigInteger.valueOf(500_000_000L)).send();
    assertThat(read(cfg, anvil.blockNumber()).set().totalPower()).isEqualTo(500_000);
    // Pinned reads: the old block still sees the old answer.
    assertThat(read(cfg, before).set().totalPower()).isEqualTo(250_000);

    ethFeed.setAnswer(BigInteger.ZERO).send();
    assertThatThrownBy(() -> read(cfg, anvil.blockNumber()))
        .isInstanceOf(ChainReadException.class)
        .hasMessageContaining("answered 0");
    ethFeed.setAnswer(BigInteger.valueOf(300_000_000_000L)).send();

    anvil.increaseTime(7200);
    anvil.mine(1);
    assertThatThrownBy(() -> read(cfg, anvil.blockNumber()))
        .isInstanceOf(ChainReadException.class)
        .hasMessageContaining("stale");
  }

  private static EpochSet read(StakeConfig cfg, long block) {
    try (BatchRpc rpc = new BatchRpc(cfg.ethRpcUrl().toString(), cfg.maxCallsPerRequest())) {
      return new StakeAggregator(new RpcStakeReader(rpc, cfg), cfg).atBlock(block).current();
    }
  }
}
