package io.cvmavs.chain.rewards;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
   * Reads the rewards of {@code operator} in {@code token}, scanning the submissions the service
   * manager of {@code at} made from {@code fromBlock} to the head.
   */
  public static OperatorRewards read(
      RewardsReader reader, RewardsContracts at, String operator, String token, long fromBlock) {
    String op = operator.toLowerCase(Locale.ROOT);
    String tk = token.toLowerCase(Locale.ROOT);
    BigInteger earned = BigInteger.ZERO;
    List<Paid> paid = new ArrayList<>();
    for (RewardsReader.Submitted s :
        reader.submissions(at.serviceManager(), fromBlock, reader.head())) {
      if (!s.submission().token().equalsIgnoreCase(tk)) {
        continue;
      }
      for (RewardsSubmission.OperatorReward r : s.submission().rewards()) {
        if (r.operator().equalsIgnoreCase(op)) {
          earned = earned.add(r.amount());
          paid.add(
              new Paid(
                  s.submission().startTimestamp(),
                  s.submission().duration(),
                  r.amount(),
                  s.txHash()));
        }
      }
    }
    BigInteger claimed = reader.cumulativeClaimed(op, tk);
    return new OperatorRewards(
        op,
        tk,
        paid,
        earned,
        claimed,
        earned.subtract(claimed).max(BigInteger.ZERO),
        reader.distributionRootsLength(),
        reader.currRewardsCalculationEndTimestamp(),
        reader.defaultOperatorSplitBips());
  }
}
