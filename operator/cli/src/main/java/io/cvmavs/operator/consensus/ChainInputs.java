package io.cvmavs.operator.consensus;

import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.bridge.BridgeReader;
import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.consensus.app.bridge.CBridgeDepositSource;
import io.cvmavs.consensus.app.registry.RegistryManuscriptSource;
import io.cvmavs.consensus.app.validators.StakeAggregatorSource;
import io.cvmavs.consensus.app.validators.ValidatorSource;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.chain.RpcStakeReader;
import io.cvmavs.stake.config.StakeConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a CVM chain validator's app reads from Ethereum, built the same way for {@code cvm-avs
 * consensus serve} and the devnet: the stake aggregator's validator set of each stake epoch (with
 * the registry's BLS keys), {@code CBridge} deposits and {@code CvmManuscriptRegistry} changes. The
 * app proposes or checks these only up to the Ethereum height ≥ 2/3 of the validators reported
 * final, so reading them here never lets one node's RPC split the chain.
 *
 * @param validators the stake aggregator's set per epoch
 * @param deposits {@code CBridge} deposits, when the deployment has a {@code CBridge}
 * @param manuscripts registry changes, when the deployment has a {@code CvmManuscriptRegistry}
 * @param batch the validator set's batch client
 * @param clients the other RPC clients these reads hold, shut down by {@link #close()}
 */
public record ChainInputs(
    ValidatorSource validators,
    Optional<CBridgeDepositSource> deposits,
    Optional<RegistryManuscriptSource> manuscripts,
    BatchRpc batch,
    List<RpcClient> clients)
    implements AutoCloseable {

  /**
   * Opens the reads: the validator set over its own batch client (closed by {@link #close()}), the
   * bridge and the registry from the block the contracts were deployed in.
   *
   * @param stake the stake aggregator's configuration (its RPC, contracts and epochs)
   * @param ethereum the Ethereum RPC the bridge and registry logs are read from
   * @param addresses the AVS deployment's contract addresses by name
   * @param fromBlock where log scans start: the block the contracts were deployed in
   */
  public static ChainInputs open(
      StakeConfig stake, URI ethereum, Map<String, String> addresses, long fromBlock) {
    BatchRpc batch = new BatchRpc(stake.ethRpcUrl().toString(), stake.maxCallsPerRequest());
    RpcClient stakeRpc = ChainAccess.read(stake.ethRpcUrl(), Optional.empty());
    RpcClient eth = ChainAccess.read(ethereum, Optional.empty());
    ValidatorSource validators =
        new StakeAggregatorSource(
            new StakeAggregator(new RpcStakeReader(batch, stake), stake),
            new RegistryBlsKeys(
                new RegistryReader(stakeRpc, stake.contract(StakeConfig.REGISTRY))));
    long from = fromBlock;
    Optional<CBridgeDepositSource> deposits =
        Optional.ofNullable(addresses.get("CBridge"))
            .map(a -> new CBridgeDepositSource(new BridgeReader(eth, a), from));
    Optional<RegistryManuscriptSource> manuscripts =
        Optional.ofNullable(addresses.get("CvmManuscriptRegistry"))
            .map(a -> new RegistryManuscriptSource(new ManuscriptRegistryReader(eth, a), from));
    return new ChainInputs(validators, deposits, manuscripts, batch, List.of(stakeRpc, eth));
  }

  /** The deployment file's {@code deploymentBlock} (0 when it has none). */
  public static long deploymentBlock(Deployments d) {
    String b = d.values().get("deploymentBlock");
    return b == null ? 0 : Long.parseLong(b);
  }

  @Override
  public void close() {
    try {
      batch.close();
    } finally {
      clients.forEach(c -> c.web3j().shutdown());
    }
  }
}
