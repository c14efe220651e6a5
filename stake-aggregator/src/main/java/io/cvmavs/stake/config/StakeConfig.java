package io.cvmavs.stake.config;

import io.cvmavs.stake.StakeConfigException;
import io.cvmavs.stake.power.PowerPolicy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The stake aggregator's settings (file format: module README, {@code config/stake.example.yaml}).
 *
 * @param contracts resolved addresses of {@code AllocationManager}, {@code CvmRegistry}, {@code
 *     CvmServiceManager} (the AVS of the operator set) and {@code CStaking}
 * @param operatorSetId the operator set (= registry quorum) whose members are the candidates
 * @param epochGenesisBlock Ethereum block where epoch 0 starts
 * @param epochLengthBlocks Ethereum blocks per epoch; the set of epoch e is read at its first block
 * @param jailEpochs operators slashed within the last {@code jailEpochs} epochs before a boundary
 *     are left out of the set at that boundary (0 = never)
 * @param strategyRates {@code $C} per share per strategy (lower-case address); a {@link
 *     PriceSource.Feed} quotes {@code $C} per whole underlying token instead
 * @param defaultStrategyRate rate for strategies not listed (empty: unlisted strategies are an
 *     error)
 * @param cPerEth {@code $C} per ETH, for the security figures in ETH
 * @param maxPriceAgeSeconds a feed answer older than this at the read block is refused
 * @param maxCallsPerRequest calls per JSON-RPC batch request
 * @param operatorsPerCall operators per {@code getMinimumSlashableStake} call
 */
public record StakeConfig(
    URI ethRpcUrl,
    Map<String, String> contracts,
    int operatorSetId,
    long epochGenesisBlock,
    long epochLengthBlocks,
    int jailEpochs,
    PowerPolicy power,
    Map<String, PriceSource> strategyRates,
    Optional<PriceSource> defaultStrategyRate,
    PriceSource cPerEth,
    long maxPriceAgeSeconds,
    int maxCallsPerRequest,
    int operatorsPerCall) {

  public static final String ALLOCATION_MANAGER = "AllocationManager";
  public static final String REGISTRY = "CvmRegistry";
  public static final String SERVICE_MANAGER = "CvmServiceManager";
  public static final String C_STAKING = "CStaking";

  public String contract(String name) {
    String a = contracts.get(name);
    if (a == null) {
      throw new StakeConfigException("no address for contract '" + name + "'");
    }
    return a;
  }

  /** The rate source of {@code strategy}. */
  public PriceSource rateOf(String strategy) {
    PriceSource s = strategyRates.get(strategy.toLowerCase(java.util.Locale.ROOT));
    if (s != null) {
      return s;
    }
    return defaultStrategyRate.orElseThrow(
        () ->
            new StakeConfigException(
                "no $C rate for strategy "
                    + strategy
                    + ": add it under prices.strategies (or set prices.strategies.default)"));
  }
}
