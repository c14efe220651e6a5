package io.cvmavs.operator.challenger;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.operator.aggregatorapi.Evidence;
import java.util.List;
import java.util.Optional;

/** What the challenger needs of the chain (STYLE 5: a port; {@link ChainChallengerPorts} is it). */
public interface ChallengerChain {
  /** A slashing request on the task manager. */
  record Raised(long requestId, long createdBlock, String transactionHash) {}

  enum RequestStatus {
    PENDING,
    VETOED,
    FULFILLED
  }

  long blockNumber();

  /** A transaction of the challenger's account is still in the pool. */
  boolean hasPendingTransactions();

  /**
   * Checks what the chain can check of a piece of evidence before anything is sent: the operator
   * has a registered key, the signatures are points on the curve.
   *
   * @throws IllegalArgumentException saying what is wrong with the evidence (it is then dropped)
   */
  void checkEvidence(String operatorId, List<String> signatures);

  List<TaskManagerAbi.TaskResponded> responses(long fromBlock, long toBlock);

  Optional<CvmTask> task(long taskIndex);

  /** Blocks after a request's creation during which the veto committee may veto it. */
  long vetoWindowBlocks();

  /**
   * {@code raiseChallenge}: the landed response of {@code task} is wrong; {@code claimed} is right.
   */
  Raised raiseChallenge(CvmTask task, TaskManagerAbi.TaskResponded landed, TaskResponse claimed);

  /** The signature challenge: one operator signed {@code dissent.response()}, a wrong result. */
  Raised raiseSignatureChallenge(CvmTask task, Evidence.Dissent dissent, TaskResponse claimed);

  /**
   * A request this challenger raised earlier for the task (and operator, for a signature challenge)
   * — so an action whose transaction was sent but not recorded before a crash is not sent twice.
   */
  Optional<Raised> findRaised(Action.Kind kind, long taskIndex, String operatorId);

  RequestStatus requestStatus(long requestId);

  /** Slashes the signers of a challenged landed response (after the veto window). */
  String fulfilWrongResult(long requestId, CvmTask task, TaskManagerAbi.TaskResponded landed);

  /** Slashes the operator of a signature challenge (after the veto window). */
  String fulfilSignatureChallenge(long requestId, CvmTask task, String operatorId);

  /**
   * {@code slashEquivocation}; returns the transaction hash, or empty when the chain says the
   * operator was already slashed for this task.
   */
  Optional<String> slashEquivocation(Evidence.Equivocation evidence);
}
