package io.cvmavs.operator.rewards;

import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one period's pool into an EigenLayer operator-directed operator-set rewards submission and
 * sends it through the service manager (the {@link RewardsWriter}'s account must be the rewards
 * initiator; the service manager must hold the pool). Only tasks responded within the period count.
 */
public final class RewardsSubmitter {
  private final RewardsWriter writer;
  private final long operatorSetId;
  private final String token;
  private final List<RewardsSubmission.StrategyMultiplier> strategies;

  public RewardsSubmitter(
      RewardsWriter writer,
      long operatorSetId,
      String token,
      List<RewardsSubmission.StrategyMultiplier> strategies) {
    this.writer = writer;
    this.operatorSetId = operatorSetId;
    this.token = token;
    this.strategies = List.copyOf(strategies);
  }

  /** The submission for {@code period}, or empty when nobody earned anything (nothing is sent). */
  public Optional<RewardsSubmission> build(
      RewardPeriod period, BigInteger pool, Collection<SignedTask> tasks, Set<String> excluded) {
    List<SignedTask> inPeriod =
        tasks.stream().filter(t -> period.contains(t.respondedTimestamp())).toList();
    List<RewardsSubmission.OperatorReward> rewards = RewardSplit.split(pool, inPeriod, excluded);
    if (rewards.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RewardsSubmission(
            strategies,
            token,
            rewards,
            period.start(),
            period.duration(),
            "cvm-avs task fees " + period.start() + "+" + period.duration()));
  }

  /** Builds and sends the submission; returns what was sent. */
  public Optional<RewardsSubmission> submit(
      RewardPeriod period, BigInteger pool, Collection<SignedTask> tasks, Set<String> excluded) {
    Optional<RewardsSubmission> s = build(period, pool, tasks, excluded);
    s.ifPresent(x -> writer.submit(operatorSetId, List.of(x)));
    return s;
  }
}
