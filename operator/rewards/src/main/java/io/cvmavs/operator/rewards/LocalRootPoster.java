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

  /**
   * Devnet: rebuilds the tree of everything submitted up to the head and, if its root is the latest
   * posted one (the local root poster's), returns {@code earner}'s claim against it. Against
   * EigenLayer's own coordinator the proofs come from its rewards service, and this refuses.
   */
  public RewardsClaimOrReason claimFor(String earner) {
    Map<String, Map<String, BigInteger>> cumulative = cumulative(reader.head());
    long roots = reader.distributionRootsLength();
    if (roots == 0 || cumulative.isEmpty()) {
      return new RewardsClaimOrReason(null, "no distribution root or no submission yet");
    }
    DistributionTree tree = new DistributionTree(cumulative);
    if (!java.util.Arrays.equals(tree.root(), reader.currentRoot())) {
      return new RewardsClaimOrReason(
          null,
          "the latest root is not the tree of the submissions so far (a newer submission, or a root"
              + " from EigenLayer's rewards service, whose proofs this command cannot build)");
    }
    if (!tree.earners().contains(earner.toLowerCase(java.util.Locale.ROOT))) {
      return new RewardsClaimOrReason(null, "nothing submitted for " + earner);
    }
    return new RewardsClaimOrReason(tree.claim(earner, roots - 1), null);
  }

  /** A claim, or why there is none. */
  public record RewardsClaimOrReason(io.cvmavs.chain.rewards.RewardsClaim claim, String reason) {}
}
