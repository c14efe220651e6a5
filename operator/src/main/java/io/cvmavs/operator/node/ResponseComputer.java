package io.cvmavs.operator.node;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;

/**
 * Re-executes a task with the node's own CVM and data.
 *
 * @throws NodeException.TaskMismatch when the task's commitments differ from the node's own result
 *     (the node must not sign)
 */
@FunctionalInterface
public interface ResponseComputer {
  TaskResponse compute(CvmTask task);
}
