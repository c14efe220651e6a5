package io.cvmavs.chain.avs;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions to {@code CvmTaskManager}: task generator and aggregator roles, challenges (anyone,
 * bonded), vetoes (veto committee), fulfilments and equivocation reports (anyone). Each call is
 * estimated before it is sent, so a call the contract would refuse fails with {@link
 * ChainException.Reverted} (not mined) naming the call and carrying the node's revert data.
 */
public record TaskManagerWriter(Transactor tx, String taskManager) {

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

  /**
   * Anyone, with exactly {@code bond} wei (= {@code config().challengeBond}): claims the landed
   * {@code response} (with its recorded {@code metadata}) is wrong and {@code claimed} is right.
   * Returns the request id from {@code ChallengeRaised}.
   */
  public long raiseChallenge(
      CvmTask task,
      TaskResponse response,
      TaskResponseMetadata metadata,
      TaskResponse claimed,
      BigInteger bond) {
    TransactionReceipt receipt =
        tx.send(
            taskManager,
            TaskManagerAbi.raiseChallenge(task, response, metadata, claimed),
            bond,
            "raiseChallenge(task " + task.taskIndex() + ")");
    return one(
            receipt,
            SlashingEvents.CHALLENGE_RAISED_TOPIC,
            SlashingEvents::decodeChallengeRaised,
            "ChallengeRaised")
        .requestId();
  }

  /**
   * Anyone, with exactly {@code bond} wei: shows that the operator of {@code proof} signed {@code
   * signedResponse} and claims {@code claimed} is right (landed or not). Returns the request id
   * from {@code SignatureChallengeRaised}.
   */
  public long raiseSignatureChallenge(
      CvmTask task,
      TaskResponse signedResponse,
      SignatureProof proof,
      TaskResponse claimed,
      BigInteger bond) {
    TransactionReceipt receipt =
        tx.send(
            taskManager,
            TaskManagerAbi.raiseSignatureChallenge(task, signedResponse, proof, claimed),
            bond,
            "raiseSignatureChallenge(task " + task.taskIndex() + ")");
    return one(
            receipt,
            SlashingEvents.SIGNATURE_CHALLENGE_RAISED_TOPIC,
            SlashingEvents::decodeSignatureChallengeRaised,
            "SignatureChallengeRaised")
        .requestId();
  }

  /** Veto committee, within the veto window: cancels a request of either kind. */
  public TransactionReceipt vetoSlashingRequest(long requestId) {
    return tx.send(
        taskManager,
        TaskManagerAbi.vetoSlashingRequest(requestId),
        "vetoSlashingRequest(" + requestId + ")");
  }

  /**
   * Anyone, after the veto window of a wrong-result request: slashes the signers of the challenged
   * response. {@code nonSignerIds} ascending ({@link TaskManagerReader#nonSignerIds}); {@code
   * signers} per task quorum ({@link SlashingProofBuilder#signerSets}). The receipt's {@code
   * OperatorSlashedForWrongResult} events name the slashed operators ({@link
   * SlashingEvents#inReceipt}).
   */
  public TransactionReceipt fulfilSlashingRequest(
      long requestId,
      CvmTask task,
      TaskResponse response,
      TaskResponseMetadata metadata,
      List<byte[]> nonSignerIds,
      List<SignerSet> signers) {
    return tx.send(
        taskManager,
        TaskManagerAbi.fulfilSlashingRequest(
            requestId, task, response, metadata, nonSignerIds, signers),
        "fulfilSlashingRequest(" + requestId + ")");
  }

  /**
   * Anyone, after the veto window of a signature request: slashes the accused operator. {@code
   * stakeIndices}: its checkpoint index per task quorum ({@link
   * SlashingProofBuilder#stakeIndices}).
   */
  public TransactionReceipt fulfilSignatureChallenge(
      long requestId, CvmTask task, List<Long> stakeIndices) {
    return tx.send(
        taskManager,
        TaskManagerAbi.fulfilSignatureChallenge(requestId, task, stakeIndices),
        "fulfilSignatureChallenge(" + requestId + ")");
  }

  /** Anyone: proves one operator signed two different responses to one task; slashes it at once. */
  public TransactionReceipt slashEquivocation(
      CvmTask task, TaskResponse responseA, TaskResponse responseB, EquivocationProof proof) {
    return tx.send(
        taskManager,
        TaskManagerAbi.slashEquivocation(task, responseA, responseB, proof),
        "slashEquivocation(task " + task.taskIndex() + ")");
  }

  private <T> T one(
      TransactionReceipt receipt,
      String topic,
      java.util.function.Function<Log, T> decoder,
      String name) {
    List<T> events = SlashingEvents.inReceipt(receipt, taskManager, topic, decoder);
    if (events.size() != 1) {
      throw new ChainException(
          "transaction "
              + receipt.getTransactionHash()
              + " emitted "
              + events.size()
              + " "
              + name
              + " events, expected 1");
    }
    return events.get(0);
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
