package io.cvmavs.operator.monitoring;

import java.math.BigInteger;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the gauges read from the chain — {@code eigen_registered_stakes} and {@code
 * eigen_slashing_status} — when run (schedule it; scrapes never wait for the chain). A failed read
 * keeps the previous values and is logged.
 */
public final class ChainGauges implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainGauges.class);

  /** The chain reads the gauges need (STYLE 5). */
  public interface Source {
    int quorumCount();

    /** The stake to report for {@code quorum} (the operator's, or the quorum's total). */
    BigInteger stake(int quorum);

    /** Whether the operator has been slashed; empty when it does not apply (the aggregator). */
    Optional<Boolean> slashed();
  }

  private final Source source;
  private final CvmAvsMetrics metrics;
  private volatile boolean failing;

  public ChainGauges(Source source, CvmAvsMetrics metrics) {
    this.source = source;
    this.metrics = metrics;
  }

  /** The {@code quorum_name} label: the registry names no quorums, so {@code quorum-<n>}. */
  public static String quorumName(int quorum) {
    return "quorum-" + quorum;
  }

  @Override
  public void run() {
    try {
      int quorums = source.quorumCount();
      for (int q = 0; q < quorums; q++) {
        metrics.registeredStake(q, quorumName(q), source.stake(q).doubleValue());
      }
      source.slashed().ifPresent(metrics::slashed);
      if (failing) {
        LOG.info("stake / slashing gauges refreshed again");
        failing = false;
      }
    } catch (RuntimeException e) {
      // Once per outage: the node logs the RPC outage itself; a line a minute would only repeat it.
      if (!failing) {
        LOG.warn("cannot refresh stake / slashing gauges (retrying quietly): {}", e.getMessage());
        failing = true;
      } else {
        LOG.debug("cannot refresh stake / slashing gauges: {}", e.toString());
      }
    }
  }
}
