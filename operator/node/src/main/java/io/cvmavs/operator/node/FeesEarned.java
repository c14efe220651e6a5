package io.cvmavs.operator.node;

import io.cvmavs.chain.rewards.RewardsReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@code eigen_fees_earned_total{token}}: each run adds what the AVS submitted to this
 * operator in the fee token since the last run (rewards submission events, scanned in bounded
 * ranges from the deployment block on), in whole tokens (18 decimals). A failed scan is retried
 * from the same block on the next run.
 */
final class FeesEarned implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FeesEarned.class);
  private static final BigDecimal UNIT = new BigDecimal(BigInteger.TEN.pow(18));

  private final RewardsReader reader;
  private final String avs;
  private final Supplier<String> operator;
  private final String token;
  private final String tokenLabel;
  private final LongSupplier head;
  private final BiConsumer<String, Double> sink;
  private long next;

  FeesEarned(
      RewardsReader reader,
      String avs,
      Supplier<String> operator,
      String token,
      String tokenLabel,
      long fromBlock,
      LongSupplier head,
      BiConsumer<String, Double> sink) {
    this.reader = reader;
    this.avs = avs;
    this.operator = operator;
    this.token = token;
    this.tokenLabel = tokenLabel;
    this.next = fromBlock;
    this.head = head;
    this.sink = sink;
  }

  @Override
  public void run() {
    try {
      String op = operator.get();
      if (op == null || new BigInteger(op.substring(2), 16).signum() == 0) {
        return; // not registered yet: nothing can have been submitted to it
      }
      long to = head.getAsLong();
      if (to < next) {
        return;
      }
      BigInteger earned = reader.earnedBy(avs, op, token, next, to);
      next = to + 1;
      if (earned.signum() > 0) {
        sink.accept(tokenLabel, new BigDecimal(earned).divide(UNIT).doubleValue());
      }
    } catch (RuntimeException e) {
      LOG.debug("fees earned: {}", e.getMessage());
    }
  }
}
