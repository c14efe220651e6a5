package io.cvmavs.operator.cvm;

import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.cvm.block.RecordProof;
import io.cvmavs.cvm.block.RecordProofCalldata;
import java.net.URI;
import java.util.Optional;

/**
 * The chain half of {@code cvm prove --calldata}: a task's response and metadata as its {@code
 * TaskResponded} event recorded them, turned into {@code verifyAttestedRecord} calldata.
 */
final class AttestedResponses {
  private AttestedResponses() {}

  /** The {@code TaskResponded} event of {@code taskIndex} in [fromBlock, head]. */
  static TaskManagerAbi.TaskResponded find(
      URI rpc, String taskManager, long taskIndex, long fromBlock) {
    TaskManagerReader reader =
        new TaskManagerReader(ChainAccess.read(rpc, Optional.empty()), taskManager);
    long head = reader.blockNumber();
    return reader.responses(fromBlock, head).stream()
        .filter(r -> r.taskIndex() == taskIndex)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "task "
                        + taskIndex
                        + " has no TaskResponded event of "
                        + taskManager
                        + " in blocks "
                        + fromBlock
                        + "-"
                        + head
                        + " (not responded yet, or give --from-block)"));
  }

  static String calldata(String taskManager, TaskManagerAbi.TaskResponded r, RecordProof proof) {
    var response =
        new RecordProofCalldata.Response(
            r.response().referenceTaskIndex(),
            r.response().cvmBlockHash(),
            r.response().datasetRoot(),
            r.response().stateRoot());
    var meta =
        new RecordProofCalldata.Metadata(
            r.taskRespondedBlock(),
            r.hashOfNonSigners(),
            r.signedStakeForQuorum(),
            r.totalStakeForQuorum());
    return RecordProofCalldata.encode(taskManager, response, meta, proof);
  }
}
