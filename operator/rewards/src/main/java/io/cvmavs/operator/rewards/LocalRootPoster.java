package io.cvmavs.operator.rewards;

import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The devnet's stand-in for EigenLayer's off-chain rewards service: reads every operator-directed
 * submission made for the AVS, credits each operator's amount to the operator as earner (cumulative
 * per token), builds the {@link DistributionTree} and posts its root with {@code submitRoot} (the
 * caller must be the coordinator's rewards updater).
 *
 * <p>Simplification, devnet only: the whole operator-directed amount is credited to the operator.
 * EigenLayer's service gives the operator its split (default 10 %) and the rest to the stakers
 * delegated to it; on the devnet every operator is its only staker, so both agree there.
 */
public final class LocalRootPoster {
  private final RewardsReader reader;
  private final RewardsWriter writer;
  private final String avs;
  private final long fromBlock;

  public LocalRootPoster(RewardsReader reader, RewardsWriter writer, String avs, long fromBlock) {
    this.reader = reader;
    this.writer = writer;
    this.avs = avs;
    this.fromBlock = fromBlock;
  }

  /** A posted root: its index, end timestamp and the tree to claim against. */
  public record Posted(long rootIndex, long calculationEnd, DistributionTree tree) {}

  /**
   * Cumulative earnings (earner → token → amount) of the submissions in {@code [fromBlock,
   * toBlock]}.
   */
  public Map<String, Map<String, BigInteger>> cumulative(long toBlock) {
    Map<String, Map<String, BigInteger>> out = new HashMap<>();
    for (RewardsReader.Submitted s : reader.submissions(avs, fromBlock, toBlock)) {
      for (RewardsSubmission.OperatorReward r : s.submission().rewards()) {
        out.computeIfAbsent(r.operator(), k -> new HashMap<>())
            .merge(s.submission().token(), r.amount(), BigInteger::add);
      }
    }
    return out;
  }

  /**
   * Posts the root of everything submitted up to the head, covering earnings up to {@code
   * calculationEnd} (must be later than the coordinator's current end and in the past). Empty if no
   * submission exists yet.
   */
  public Optional<Posted> post(long calculationEnd) {
    long head = reader.head();
    Map<String, Map<String, BigInteger>> cumulative = cumulative(head);
    if (cumulative.isEmpty()) {
      return Optional.empty();
    }
    DistributionTree tree = new DistributionTree(cumulative);
    long index = reader.distributionRootsLength();
    writer.submitRoot(tree.root(), calculationEnd);
    return Optional.of(new Posted(index, calculationEnd, tree));
  }
}
