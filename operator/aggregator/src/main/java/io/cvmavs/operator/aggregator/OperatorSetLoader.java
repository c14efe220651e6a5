package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.avs.CvmTask;

/** Loads the operator set of a task's quorums at its reference block. */
@FunctionalInterface
public interface OperatorSetLoader {
  OperatorSetSnapshot load(CvmTask task);
}
