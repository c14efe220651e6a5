package io.cvmavs.operator.cvmtasks;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.cvm.task.TaskInput;
import io.cvmavs.cvm.task.TaskResult;

/**
 * The operator's task manager types ↔ the CVM's task values: a task on chain becomes the CVM's
 * {@link TaskInput} (the quorum fields stay behind), the CVM's {@link TaskResult} the {@code
 * TaskResponse} operators sign.
 */
public final class CvmTasks {
  private CvmTasks() {}

  public static TaskInput input(CvmTask task) {
    return new TaskInput(
        task.taskIndex(), task.cvmBlockHeight(), task.manuscriptHash(), task.inputCommitment());
  }

  public static TaskResponse response(TaskResult result) {
    return new TaskResponse(
        result.taskIndex(), result.cvmBlockHash(), result.datasetRoot(), result.stateRoot());
  }
}
