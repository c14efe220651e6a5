package io.cvmavs.operator.stake;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.stake.devnet.DevnetStakeDriver;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;

/**
 * The dual-stake setup the stake and consensus CLI tests share, on a real anvil with the forge
 * deploy: operator {@code a} (anvil account 1) with 100 ETH restaked and 20 {@code $C}, operator
 * {@code b} (account 2) with nothing restaked and 40 {@code $C}, both with consensus keys 11 / 12
 * and registered with the AVS (BLS keys 11 / 12), and a {@code stake.yaml} over them (epoch length
 * 1, unit power, 4 {@code $C} per ETH).
 *
 * @param block the chain head once both are set up
 */
public record TwoStakedOperators(
    Deployments deployments, Credentials a, Credentials b, long block, Path stakeConfig) {
  public static TwoStakedOperators seed(AnvilNode anvil, Path dir) throws Exception {
    BigInteger e18 = DevnetStakeDriver.E18;
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    DevnetStakeDriver chain =
        new DevnetStakeDriver(anvil.web3j(), d, anvil.account(0).credentials());
    Credentials a = anvil.account(1).credentials();
    Credentials b = anvil.account(2).credentials();
    chain.eigenOperator(a, e18.multiply(BigInteger.valueOf(100)));
    chain.setConsensusKey(a, DevnetStakeDriver.consensusKey(11));
    chain.stakeC(a, a.getAddress(), e18.multiply(BigInteger.valueOf(20)));
    chain.registerWithAvs(a, 11);
    chain.eigenOperator(b, BigInteger.ZERO);
    chain.setConsensusKey(b, DevnetStakeDriver.consensusKey(12));
    chain.stakeC(b, b.getAddress(), e18.multiply(BigInteger.valueOf(40)));
    chain.registerWithAvs(b, 12);
    long block = anvil.blockNumber();
    return new TwoStakedOperators(d, a, b, block, writeStakeConfig(anvil, d, dir));
  }

  private static Path writeStakeConfig(AnvilNode anvil, Deployments d, Path dir)
      throws IOException {
    Path config = dir.resolve("stake.yaml");
    Files.writeString(
        config,
        """
        eth_rpc_url: %s
        deployment_file: %s
        epoch: {genesis_block: 0, length_blocks: 1}
        power: {unit: 1}
        prices:
          c_per_eth: {value: "4"}
          strategies:
            default: {value: "1"}
        """
            .formatted(anvil.rpcUrl(), d.source().toAbsolutePath()));
    return config;
  }
}
