package io.cvmavs.operator.cvmtasks;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.TaskInput;
import io.cvmavs.cvm.task.TaskResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.Web3j;

/**
 * The operator's task manager types ↔ the CVM's task values: a task on chain becomes the CVM's
 * {@link TaskInput} (the quorum fields stay behind), the CVM's {@link TaskResult} the {@code
 * TaskResponse} operators sign.
 */
public final class CvmTasks {
  private CvmTasks() {}

  /**
   * The CVM task computer a node, challenger or task generator runs: chain {@code eth}, CVM block 0
   * starting at {@code genesisBlock} (default: the block after {@code deploymentBlock}), {@code
   * span} chain blocks per CVM block, ingesting over {@code ingest} into {@code dataDirectory}.
   */
  public static CvmTaskComputer computer(
      Optional<Long> genesisBlock,
      long deploymentBlock,
      long span,
      List<AttestedManuscript> manuscripts,
      Web3j ingest,
      Path dataDirectory) {
    return new CvmTaskComputer(
        new CvmTaskComputer.Settings(
            "eth", new BlockSchedule(genesisBlock.orElse(deploymentBlock + 1), span)),
        manuscripts,
        ingest,
        dataDirectory);
  }

  public static TaskInput input(CvmTask task) {
    return new TaskInput(
        task.taskIndex(), task.cvmBlockHeight(), task.manuscriptHash(), task.inputCommitment());
  }

  public static TaskResponse response(TaskResult result) {
    return new TaskResponse(
        result.taskIndex(), result.cvmBlockHash(), result.datasetRoot(), result.stateRoot());
  }
}
