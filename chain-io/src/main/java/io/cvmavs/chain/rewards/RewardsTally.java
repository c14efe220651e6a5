package io.cvmavs.chain.rewards;

import io.cvmavs.chain.rpc.ScanCursor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Operators' rewards in one token, kept up to date incrementally: each {@link #read} scans only the
 * submission logs of settled blocks it has not scanned yet (a {@link ScanCursor} up to {@link
 * #CONFIRMATIONS} below the head) and adds them to running totals per operator (every operator a
 * submission pays, so an operator asked about later has its earlier submissions); the unsettled
 * tail (the last {@link #CONFIRMATIONS} blocks) is scanned again at every read and never kept, so a
 * submission a reorganisation drops or moves is counted as the chain now has it. The claimed sums
 * and the coordinator's roots, cover time and split are read at each call. Used by the monitor,
 * which refreshes on every submission or claim event; {@link OperatorRewards#read} is one read of a
 * fresh tally. Thread-safe.
 */
public final class RewardsTally {
  /** The chain reads a tally needs ({@link RewardsReader} in production). */
  public interface Chain {
    long head();

    /** The submissions made for {@code avs}'s operator sets in {@code [fromBlock, toBlock]}. */
    List<RewardsReader.Submitted> submissions(String avs, long fromBlock, long toBlock);

    long distributionRootsLength();

    long currRewardsCalculationEndTimestamp();

    int defaultOperatorSplitBips();

    BigInteger cumulativeClaimed(String earner, String token);
  }

  /** Blocks below the head after which a submission is kept in the running totals. */
  public static final long CONFIRMATIONS = 12;

  private final Chain chain;
  private final String avs;
  private final String token;
  private final ScanCursor cursor;
  private final Map<String, List<OperatorRewards.Paid>> paid = new HashMap<>();
  private final Map<String, BigInteger> earned = new HashMap<>();

  /**
   * @param avs the service manager whose submissions count
   * @param token the fee token (other tokens' submissions are left out)
   * @param fromBlock the first block a submission can be in
   */
  public RewardsTally(Chain chain, String avs, String token, long fromBlock) {
    this.chain = chain;
    this.avs = avs;
    this.token = token.toLowerCase(Locale.ROOT);
    this.cursor = new ScanCursor(fromBlock);
  }

  /** A tally of {@code source}'s token and service manager, read through {@code chain}. */
  public static RewardsTally of(Chain chain, OperatorRewards.Source source) {
    return new RewardsTally(
        chain, source.contracts().serviceManager(), source.token(), source.fromBlock());
  }

  /** The last block whose submissions are kept in the running totals (settled). */
  public synchronized long scannedTo() {
    return cursor.scannedTo();
  }

  /**
   * The rewards of {@code operators} at the head, after scanning the blocks mined since the last
   * call; keyed by lower-case address, in the order given.
   */
  public synchronized Map<String, OperatorRewards> read(Collection<String> operators) {
    long head = chain.head();
    cursor.advance(head - CONFIRMATIONS, () -> head, (f, t) -> count(f, t, paid, earned));
    Map<String, List<OperatorRewards.Paid>> tailPaid = new HashMap<>();
    Map<String, BigInteger> tailEarned = new HashMap<>();
    if (head > cursor.scannedTo()) {
      count(cursor.scannedTo() + 1, head, tailPaid, tailEarned);
    }
    long roots = chain.distributionRootsLength();
    long coverUntil = chain.currRewardsCalculationEndTimestamp();
    int split = chain.defaultOperatorSplitBips();
    Map<String, OperatorRewards> out = new LinkedHashMap<>();
    for (String o : operators) {
      String op = o.toLowerCase(Locale.ROOT);
      BigInteger e =
          earned
              .getOrDefault(op, BigInteger.ZERO)
              .add(tailEarned.getOrDefault(op, BigInteger.ZERO));
      List<OperatorRewards.Paid> all = new ArrayList<>(paid.getOrDefault(op, List.of()));
      all.addAll(tailPaid.getOrDefault(op, List.of()));
      BigInteger claimed = chain.cumulativeClaimed(op, token);
      out.put(
          op,
          new OperatorRewards(
              op,
              token,
              List.copyOf(all),
              e,
              claimed,
              e.subtract(claimed).max(BigInteger.ZERO),
              roots,
              coverUntil,
              split));
    }
    return out;
  }

  private void count(
      long fromBlock,
      long toBlock,
      Map<String, List<OperatorRewards.Paid>> paid,
      Map<String, BigInteger> earned) {
    for (RewardsReader.Submitted s : chain.submissions(avs, fromBlock, toBlock)) {
      if (!s.submission().token().equalsIgnoreCase(token)) {
        continue;
      }
      for (RewardsSubmission.OperatorReward r : s.submission().rewards()) {
        String op = r.operator().toLowerCase(Locale.ROOT);
        paid.computeIfAbsent(op, k -> new ArrayList<>())
            .add(
                new OperatorRewards.Paid(
                    s.submission().startTimestamp(),
                    s.submission().duration(),
                    r.amount(),
                    s.txHash()));
        earned.merge(op, r.amount(), BigInteger::add);
      }
    }
  }
}
