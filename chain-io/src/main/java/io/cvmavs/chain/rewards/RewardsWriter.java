package io.cvmavs.chain.rewards;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint96;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions of the rewards flow, each through the one {@link Transactor}: the service manager's
 * submission (rewards initiator), the coordinator's {@code submitRoot} (rewards updater: the
 * devnet's local root poster) and {@code processClaim} (earner or its claimer), and the fee
 * escrow's {@code escrow} / {@code release} / {@code refund}.
 */
public record RewardsWriter(Transactor tx, RewardsContracts at) {

  /**
   * Pays {@code submissions} for operator set {@code operatorSetId} from the service manager. A
   * revert with one of the coordinator's errors is rethrown with the error's name and rule ({@link
   * CoordinatorErrors}).
   */
  public TransactionReceipt submit(long operatorSetId, List<RewardsSubmission> submissions) {
    if (submissions.isEmpty()) {
      throw new IllegalArgumentException("no rewards submission to send");
    }
    try {
      return sendSubmission(operatorSetId, submissions);
    } catch (ChainException.Reverted e) {
      var rule = CoordinatorErrors.explain(e.getMessage());
      if (rule.isEmpty()) {
        throw e;
      }
      throw new ChainException.Reverted(
          e.getMessage() + " — RewardsCoordinator " + rule.get(), e.mined());
    }
  }

  private TransactionReceipt sendSubmission(
      long operatorSetId, List<RewardsSubmission> submissions) {
    return tx.send(
        at.serviceManager(),
        Abi.call(
            RewardsAbi.SM_SUBMIT,
            List.of(
                new Uint32(operatorSetId),
                new DynamicArray<>(
                    RewardsAbi.SubmissionStruct.class,
                    submissions.stream().map(RewardsAbi.SubmissionStruct::of).toList()))),
        "CvmServiceManager.createOperatorDirectedOperatorSetRewardsSubmission");
  }

  public TransactionReceipt submitRoot(byte[] root, long rewardsCalculationEndTimestamp) {
    return tx.send(
        at.rewardsCoordinator(),
        Abi.call(
            RewardsAbi.SUBMIT_ROOT,
            List.of(new Bytes32(root), new Uint32(rewardsCalculationEndTimestamp))),
        "RewardsCoordinator.submitRoot");
  }

  public TransactionReceipt processClaim(RewardsClaim claim, String recipient) {
    return tx.send(
        at.rewardsCoordinator(),
        Abi.call(
            RewardsAbi.PROCESS_CLAIM,
            List.of(RewardsAbi.ClaimStruct.of(claim), new Address(recipient))),
        "RewardsCoordinator.processClaim");
  }

  /** Escrows a fee for {@code task} (the caller must have approved the escrow for the token). */
  public TransactionReceipt escrow(
      CvmTask task, String token, BigInteger amount, String refundCollector) {
    return tx.send(
        at.taskFees(),
        Abi.call(
            RewardsAbi.FEE_ESCROW,
            List.of(
                new Uint32(task.taskIndex()),
                TaskManagerAbi.TaskStruct.of(task),
                new Address(token),
                new Uint96(amount),
                new Address(refundCollector))),
        "CvmTaskFees.escrow");
  }

  public TransactionReceipt release(long taskIndex) {
    return tx.send(
        at.taskFees(),
        Abi.call(RewardsAbi.FEE_RELEASE, List.of(new Uint32(taskIndex))),
        "CvmTaskFees.release");
  }

  public TransactionReceipt refund(CvmTask task) {
    return tx.send(
        at.taskFees(),
        Abi.call(
            RewardsAbi.FEE_REFUND,
            List.of(new Uint32(task.taskIndex()), TaskManagerAbi.TaskStruct.of(task))),
        "CvmTaskFees.refund");
  }
}
