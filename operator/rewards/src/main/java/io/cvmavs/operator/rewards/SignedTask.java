package io.cvmavs.operator.rewards;

import java.math.BigInteger;
import java.util.Map;

/**
 * One responded task as the chain records it: the time of its response and, for each operator in
 * its aggregate signature (members at the reference block minus the recorded non-signers), the
 * stake it signed with (summed over the task's quorums, weights at the reference block). Operators
 * are lower-case addresses.
 */
public record SignedTask(long taskIndex, long respondedTimestamp, Map<String, BigInteger> signers) {
  public SignedTask {
    signers = Map.copyOf(signers);
  }
}
