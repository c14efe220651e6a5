package io.cvmavs.cvm.task;

/**
 * Re-executes a task with the CVM's own data: what the node signs and what the challenger judges
 * signatures against.
 *
 * @throws TaskRefusedException when this CVM cannot or must not answer the task (unknown or
 *     unrunnable manuscript, input commitment differs from its own): the caller must not sign
 */
@FunctionalInterface
public interface TaskComputer {
  TaskResult compute(TaskInput task);
}
