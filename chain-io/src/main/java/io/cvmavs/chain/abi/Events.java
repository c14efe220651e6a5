package io.cvmavs.chain.abi;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Every contract event this code reads, once: each as declared in the contract's interface
 * (parameter names and {@code indexed} kept), from which {@link EventSpec} derives the canonical
 * signature, the topic and a decoder. {@code EventsTest} checks each against forge's compiled
 * artifacts, {@code indexed} flags included.
 */
public final class Events {
  private Events() {}

  // ---------------------------------------------------------------- CvmTaskManager

  /** {@code NewTaskCreated(uint32 indexed taskIndex, Task task)}. */
  public static final EventSpec NEW_TASK_CREATED =
      EventSpec.parse(
          "NewTaskCreated(uint32 indexed taskIndex,"
              + " (uint64,bytes32,bytes32,bytes,uint32,uint32) task)");

  /** {@code TaskResponded(uint32 indexed taskIndex, TaskResponse, TaskResponseMetadata)}. */
  public static final EventSpec TASK_RESPONDED =
      EventSpec.parse(
          "TaskResponded(uint32 indexed taskIndex, (uint32,bytes32,bytes32,bytes32) taskResponse,"
              + " (uint32,bytes32,uint96[],uint96[]) taskResponseMetadata)");

  public static final EventSpec EQUIVOCATION_SLASHED =
      EventSpec.parse(
          "EquivocationSlashed(uint32 indexed taskIndex, address indexed operator,"
              + " address reporter)");

  public static final EventSpec CHALLENGE_RAISED =
      EventSpec.parse(
          "ChallengeRaised(uint256 indexed requestId, uint32 indexed taskIndex,"
              + " address indexed challenger, (uint32,bytes32,bytes32,bytes32) claimedResponse)");

  public static final EventSpec SIGNATURE_CHALLENGE_RAISED =
      EventSpec.parse(
          "SignatureChallengeRaised(uint256 indexed requestId, uint32 indexed taskIndex,"
              + " address indexed operator, address challenger,"
              + " (uint32,bytes32,bytes32,bytes32) signedResponse,"
              + " (uint32,bytes32,bytes32,bytes32) claimedResponse)");

  public static final EventSpec SLASHING_REQUEST_VETOED =
      EventSpec.parse(
          "SlashingRequestVetoed(uint256 indexed requestId, uint32 indexed taskIndex,"
              + " uint256 bondForfeited)");

  public static final EventSpec SLASHING_REQUEST_FULFILLED =
      EventSpec.parse(
          "SlashingRequestFulfilled(uint256 indexed requestId, uint32 indexed taskIndex,"
              + " uint256 operatorsSlashed)");

  public static final EventSpec OPERATOR_SLASHED_FOR_WRONG_RESULT =
      EventSpec.parse(
          "OperatorSlashedForWrongResult(uint256 indexed requestId, address indexed operator,"
              + " uint8 quorumNumber)");

  public static final EventSpec LIVENESS_THRESHOLD_REACHED =
      EventSpec.parse("LivenessThresholdReached(bytes32 indexed operatorId, uint16 missedStreak)");

  public static final EventSpec OPERATOR_EJECTED_FOR_LIVENESS =
      EventSpec.parse(
          "OperatorEjectedForLiveness(address indexed operator, bytes32 indexed operatorId,"
              + " uint16 missedStreak)");

  // ---------------------------------------------------------------- CvmRegistry

  /** {@code NewPubkeyRegistration(address indexed operator, G1Point, G2Point)}. */
  public static final EventSpec NEW_PUBKEY_REGISTRATION =
      EventSpec.parse(
          "NewPubkeyRegistration(address indexed operator, (uint256,uint256) pubkeyG1,"
              + " (uint256[2],uint256[2]) pubkeyG2)");

  // ---------------------------------------------------------------- EigenLayer core

  /** {@code AllocationManager}'s slash of an operator in an operator set. */
  public static final EventSpec OPERATOR_SLASHED =
      EventSpec.parse(
          "OperatorSlashed(address operator, (address,uint32) operatorSet, address[] strategies,"
              + " uint256[] wadSlashed, string description)");

  // ---------------------------------------------------------------- CStaking

  public static final EventSpec OPERATOR_STAKE_SLASHED =
      EventSpec.parse(
          "OperatorStakeSlashed(address indexed operator, uint256 wad, uint256 activeSlashed,"
              + " uint256 unbondingSlashed)");

  // ---------------------------------------------------------------- CvmTaskFees (issue 21)

  public static final EventSpec FEE_ESCROWED =
      EventSpec.parse(
          "FeeEscrowed(uint32 indexed taskIndex, address indexed payer, address indexed token,"
              + " uint256 amount, address refundCollector, uint32 deadlineBlock)");

  public static final EventSpec FEE_RELEASED =
      EventSpec.parse(
          "FeeReleased(uint32 indexed taskIndex, address indexed token, address rewardPool,"
              + " uint256 amount)");

  public static final EventSpec FEE_REFUNDED =
      EventSpec.parse(
          "FeeRefunded(uint32 indexed taskIndex, address indexed token, address refundCollector,"
              + " uint256 amount)");

  // ---------------------------------------------------------------- RewardsCoordinator (issue 21)

  /** EigenLayer's event; the submission tuple is {@code OperatorDirectedRewardsSubmission}. */
  public static final EventSpec OPERATOR_DIRECTED_OPERATOR_SET_REWARDS_SUBMISSION_CREATED =
      EventSpec.parse(
          "OperatorDirectedOperatorSetRewardsSubmissionCreated(address indexed caller,"
              + " bytes32 indexed operatorDirectedRewardsSubmissionHash,"
              + " (address,uint32) operatorSet, uint256 submissionNonce,"
              + " ((address,uint96)[],address,(address,uint256)[],uint32,uint32,string)"
              + " operatorDirectedRewardsSubmission)");

  public static final EventSpec DISTRIBUTION_ROOT_SUBMITTED =
      EventSpec.parse(
          "DistributionRootSubmitted(uint32 indexed rootIndex, bytes32 indexed root,"
              + " uint32 indexed rewardsCalculationEndTimestamp, uint32 activatedAt)");

  public static final EventSpec REWARDS_CLAIMED =
      EventSpec.parse(
          "RewardsClaimed(bytes32 root, address indexed earner, address indexed claimer,"
              + " address indexed recipient, address token, uint256 claimedAmount)");

  // ---------------------------------------------------------------- AnchorRegistry (storage)

  /** A stored CVM block group's receipt ({@code storage-adapters}' anchoring service). */
  // ---------------------------------------------------------------- CvmCheckpoints (issue 19)

  /** Checkpoint number {@code index} accepted (consumers prove against {@code (index, cp)}). */
  public static final EventSpec CHECKPOINT_ACCEPTED =
      EventSpec.parse(
          "CheckpointAccepted(uint64 indexed index, uint64 indexed height, bytes32 digest,"
              + " bytes32 cumulativeRoot, bytes32 withdrawalsRoot)");

  public static final EventSpec GROUP_ANCHORED =
      EventSpec.parse(
          "GroupAnchored(bytes32 indexed stream, uint64 indexed firstHeight,"
              + " bytes32 indexed groupHash, uint64 lastHeight, uint64 fileSize, bytes32 dataRoot,"
              + " bytes32 auditRoot, bytes32 locatorsHash, bytes locators)");

  // ---------------------------------------------------------------- CvmManuscriptRegistry (issue
  // 14)

  public static final EventSpec MANUSCRIPT_REGISTERED =
      EventSpec.parse(
          "ManuscriptRegistered(bytes32 indexed manuscriptHash, address indexed owner,"
              + " bytes32 contentHash, string locator)");

  public static final EventSpec MANUSCRIPT_DEPRECATED =
      EventSpec.parse("ManuscriptDeprecated(bytes32 indexed manuscriptHash, address indexed by)");

  public static final EventSpec MANUSCRIPT_REVOKED =
      EventSpec.parse(
          "ManuscriptRevoked(bytes32 indexed manuscriptHash, address indexed by, string reason)");

  public static final EventSpec REGISTRAR_SET =
      EventSpec.parse("RegistrarSet(address indexed registrar, bool allowed)");

  /** Every event above, in declaration order. */
  // ---------------------------------------------------------------- CBridge, CvmCheckpoints (issue
  // 19)

  public static final EventSpec DEPOSITED =
      EventSpec.parse(
          "Deposited(uint64 indexed nonce, address indexed sender, bytes32 indexed cvmRecipient,"
              + " uint256 amount)");

  public static final EventSpec WITHDRAWAL_CLAIMED =
      EventSpec.parse(
          "WithdrawalClaimed(uint64 indexed nonce, address indexed recipient, uint256 amount,"
              + " uint64 checkpointHeight)");

  public static List<EventSpec> all() {
    List<EventSpec> out = new ArrayList<>();
    for (Field f : Events.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == EventSpec.class) {
        try {
          out.add((EventSpec) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return List.copyOf(out);
  }
}
