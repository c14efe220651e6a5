package io.cvmavs.chain.rewards;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One operator's rewards in one token, as the chain says: every operator-directed submission the
 * AVS made to it (earned), what it claimed from the coordinator ({@code cumulativeClaimed}), and
 * the rest (unclaimed, never negative), with the coordinator's root count, the time its roots cover
 * and the default operator split. Shared by {@code cvm-avs rewards} and {@code operator status}.
 */
public record OperatorRewards(
    String operator,
    String token,
    List<Paid> submissions,
    BigInteger earned,
    BigInteger claimed,
    BigInteger unclaimed,
    long distributionRoots,
    long rootsCoverUntil,
    int operatorSplitBips) {

  public OperatorRewards {
    submissions = List.copyOf(submissions);
  }

  /** The operator's amount in one submission. */
  public record Paid(long start, long duration, BigInteger amount, String txHash) {}

  /**
   * Where an operator's rewards are read: the rewards contracts, the fee token and the block
   * submission scans start at.
   */
  public record Source(RewardsContracts contracts, String token, long fromBlock) {
    /**
     * From a deployment's addresses ({@code CvmServiceManager}, {@code RewardsCoordinator}, {@code
     * CvmTaskFees}, {@code CToken}); empty when one is missing or zero (no rewards to show).
     */
    public static Optional<Source> of(Map<String, String> addresses, long fromBlock) {
      List<String> keys =
          List.of("CvmServiceManager", "RewardsCoordinator", "CvmTaskFees", "CToken");
      for (String k : keys) {
        String a = addresses.get(k);
        if (a == null || !a.startsWith("0x") || new BigInteger(a.substring(2), 16).signum() == 0) {
          return Optional.empty();
        }
      }
      return Optional.of(
          new Source(
              new RewardsContracts(
                  addresses.get("CvmServiceManager"),
                  addresses.get("RewardsCoordinator"),
                  addresses.get("CvmTaskFees")),
              addresses.get("CToken"),
              fromBlock));
    }
  }

  /**
   * Reads the rewards of {@code operator} in {@code token}, scanning the submissions the service
   * manager of {@code at} made from {@code fromBlock} to the head (one read of a fresh {@link
   * RewardsTally}; keep a tally to read again incrementally).
   */
  public static OperatorRewards read(
      RewardsTally.Chain reader,
      RewardsContracts at,
      String operator,
      String token,
      long fromBlock) {
    String op = operator.toLowerCase(Locale.ROOT);
    return new RewardsTally(reader, at.serviceManager(), token, fromBlock)
        .read(List.of(op))
        .get(op);
  }
}
