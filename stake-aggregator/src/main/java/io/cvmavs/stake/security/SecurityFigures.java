package io.cvmavs.stake.security;

import java.math.BigInteger;

/**
 * Crypto-economic security of a validator set. Values are in wei of {@code $C} (18 decimals) and
 * wei of ETH.
 *
 * @param totalSlashableC slashable value of all validators: restaked value + {@code $C} stake
 * @param totalSlashableEth the same in ETH wei ({@code totalSlashableC × 1e18 / cPerEthWad})
 * @param corruptOneThird cheapest way to hold more than ⅓ of the power (halts the chain)
 * @param corruptTwoThirds cheapest way to hold more than ⅔ of the power (commits anything)
 */
public record SecurityFigures(
    BigInteger totalSlashableC,
    BigInteger totalSlashableEth,
    CorruptionCost corruptOneThird,
    CorruptionCost corruptTwoThirds) {

  /**
   * Cost of gaining more than a fraction of the voting power by corrupting whole validators.
   *
   * @param validators how many validators the greedy choice takes
   * @param power their power
   * @param costC greedy cost: validators taken cheapest slashable value per unit of power first
   *     until the threshold is passed — an upper bound on the exact minimum (a knapsack problem)
   * @param lowerBoundC the fractional relaxation of the same choice (the last validator counted in
   *     proportion to the power still missing) — no set of whole validators is cheaper
   * @param costEth {@code costC} in ETH wei
   * @param lowerBoundEth {@code lowerBoundC} in ETH wei
   */
  public record CorruptionCost(
      int validators,
      long power,
      BigInteger costC,
      BigInteger lowerBoundC,
      BigInteger costEth,
      BigInteger lowerBoundEth) {}
}
