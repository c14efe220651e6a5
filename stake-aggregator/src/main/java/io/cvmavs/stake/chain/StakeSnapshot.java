package io.cvmavs.stake.chain;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the aggregator reads at one Ethereum block. Amounts are in wei (18 decimals); rates
 * and multipliers are WAD-scaled (1e18 = 1).
 *
 * @param strategies the operator set's strategies in registry order
 * @param cStakeMultiplierWad the registry's {@code cStakeMultiplier} of the quorum
 * @param operators members of the operator set, by address ascending
 * @param slashedOperators operators slashed (restaked or {@code $C}) in the jail window
 *     (lower-case)
 * @param cPerEthWad {@code $C} per ETH
 */
public record StakeSnapshot(
    long block,
    long timestamp,
    List<StrategyInfo> strategies,
    BigInteger cStakeMultiplierWad,
    List<OperatorState> operators,
    Set<String> slashedOperators,
    BigInteger cPerEthWad) {

  /**
   * @param multiplierWad the registry's weight per share
   * @param cPerShareWad {@code $C} wei per share wei (from configuration or a price feed)
   */
  public record StrategyInfo(String address, BigInteger multiplierWad, BigInteger cPerShareWad) {}

  /**
   * @param consensusKey bytes32 from {@code CStaking.consensusKeyOf} (empty when zero)
   * @param cStake active {@code $C} stake ({@code CStaking.operatorStake})
   * @param slashableShares shares per strategy allocated to the operator set and slashable (same
   *     order as {@link #strategies})
   */
  public record OperatorState(
      String operator,
      Optional<byte[]> consensusKey,
      BigInteger cStake,
      List<BigInteger> slashableShares) {}
}
