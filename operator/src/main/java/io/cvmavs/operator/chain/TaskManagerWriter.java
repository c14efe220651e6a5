package io.cvmavs.operator.chain;

import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Transactions to {@code CvmTaskManager} (task generator and aggregator roles). */
public final class TaskManagerWriter {
  private final Transactor tx;
  private final String taskManager;

  public TaskManagerWriter(Transactor tx, String taskManager) {
    this.tx = tx;
    this.taskManager = taskManager;
  }

  /** Task generator: creates a task; returns it as the {@code NewTaskCreated} event recorded it. */
  public CvmTask createTask(
      long cvmBlockHeight,
      byte[] manuscriptHash,
      byte[] inputCommitment,
      byte[] quorumNumbers,
      long quorumThresholdPercentage) {
    TransactionReceipt receipt =
        tx.send(
            taskManager,
            TaskManagerAbi.createTask(
                cvmBlockHeight,
                manuscriptHash,
                inputCommitment,
                quorumNumbers,
                quorumThresholdPercentage),
            "createTask(cvmBlock " + cvmBlockHeight + ")");
    for (Log log : receipt.getLogs()) {
      if (log.getAddress().equalsIgnoreCase(taskManager)
          && !log.getTopics().isEmpty()
          && TaskManagerAbi.NEW_TASK_CREATED_TOPIC.equalsIgnoreCase(log.getTopics().get(0))) {
        return TaskManagerAbi.decodeNewTaskCreated(log);
      }
    }
    throw new ChainException(
        "createTask: transaction " + receipt.getTransactionHash() + " emitted no NewTaskCreated");
  }

  /** Aggregator: submits the aggregate signature; returns the receipt. */
  public TransactionReceipt respondToTask(
      CvmTask task, TaskResponse response, NonSignerStakesAndSignature signature) {
    return tx.send(
        taskManager,
        TaskManagerAbi.respondToTask(task, response, signature),
        "respondToTask(task " + task.taskIndex() + ")");
  }
}
