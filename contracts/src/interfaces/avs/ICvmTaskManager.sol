// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../libraries/BN254.sol";
import {ICvmManuscriptRegistry} from "./ICvmManuscriptRegistry.sol";

interface ICvmTaskManagerTypes {
    /// @notice A CVM re-execution task. `quorumNumbers`: one byte per quorum, strictly ascending.
    struct Task {
        uint64 cvmBlockHeight;
        bytes32 manuscriptHash;
        bytes32 inputCommitment;
        bytes quorumNumbers;
        uint32 quorumThresholdPercentage;
        uint32 taskCreatedBlock;
    }

    /// @notice What operators attest. They sign `responseDigest(response)`.
    struct TaskResponse {
        uint32 referenceTaskIndex;
        bytes32 cvmBlockHash;
        bytes32 datasetRoot;
        bytes32 stateRoot;
    }

    /// @notice Recorded with a response; `hashOfNonSigners = keccak256(abi.encodePacked(nonSignerIds))` (ascending).
    struct TaskResponseMetadata {
        uint32 taskRespondedBlock;
        bytes32 hashOfNonSigners;
        uint96[] signedStakeForQuorum;
        uint96[] totalStakeForQuorum;
    }

    /// @notice The aggregate signature and the hints to check it at the task's reference block.
    /// @dev `nonSignerPubkeys` sorted by operatorId ascending; per-quorum arrays follow `task.quorumNumbers`;
    ///      `nonSignerStakeIndices[i][j]` is non-signer j's checkpoint index in quorum i.
    struct NonSignerStakesAndSignature {
        BN254.G1Point[] nonSignerPubkeys;
        BN254.G1Point[] quorumApks;
        BN254.G2Point apkG2;
        BN254.G1Point sigma;
        uint32[] quorumApkIndices;
        uint32[] totalStakeIndices;
        uint32[][] nonSignerStakeIndices;
    }

    /// @notice Two signatures of one operator over two different responses to the same task.
    /// @dev `stakeIndices[i]`: the operator's checkpoint index in task quorum i at the reference block.
    struct EquivocationProof {
        BN254.G1Point pubkeyG1;
        BN254.G2Point pubkeyG2;
        BN254.G1Point signatureA;
        BN254.G1Point signatureB;
        uint32[] stakeIndices;
    }

    /// @notice One operator's BLS signature over one response (signature challenge).
    /// @dev `stakeIndices[i]`: the operator's checkpoint index in task quorum i at the reference block.
    struct SignatureProof {
        BN254.G1Point pubkeyG1;
        BN254.G2Point pubkeyG2;
        BN254.G1Point signature;
        uint32[] stakeIndices;
    }

    /// @notice Signers of one quorum of a challenged response (operatorIds ascending) with checkpoint hints.
    struct SignerSet {
        bytes32[] operatorIds;
        uint32[] stakeIndices;
    }

    enum SlashingRequestStatus {
        None,
        Pending,
        Vetoed,
        Fulfilled
    }

    /// @notice `WrongResult`: the signers of a landed response (`raiseChallenge`). `Signature`: one operator's
    ///         signature over a wrong response, landed or not (`raiseSignatureChallenge`).
    enum SlashingRequestKind {
        WrongResult,
        Signature
    }

    /// @dev Storage: `kind` fills spare bytes of the first slot and `operator` those of the second, so requests
    ///      stored before these fields existed read as `WrongResult` with `operator == address(0)`.
    ///      `operator`: the accused operator of a `Signature` request (zero for `WrongResult`).
    struct SlashingRequest {
        uint32 taskIndex;
        SlashingRequestStatus status;
        uint32 createdBlock;
        address challenger;
        SlashingRequestKind kind;
        uint96 bond;
        address operator;
        bytes32 claimedResponseHash;
    }

    /// @notice `lastMissedResponse` counts responses (1-based); `missedStreak` consecutive misses.
    struct Liveness {
        uint32 lastMissedResponse;
        uint16 missedStreak;
        bool ejectable;
        bool initialized;
    }

    /// @notice Windows in blocks; slash amounts in WAD (1e18 = 100 %); bond in wei.
    struct Config {
        uint32 taskResponseWindowBlock;
        uint32 challengeWindowBlock;
        uint32 vetoWindowBlock;
        uint16 maxMissedResponses;
        uint64 equivocationSlashWad;
        uint64 wrongResultSlashWad;
        uint96 challengeBond;
    }
}

interface ICvmTaskManagerErrors is ICvmTaskManagerTypes {
    error OnlyTaskGenerator(address caller);
    error OnlyAggregator(address caller);
    error OnlyVetoCommittee(address caller);
    error OnlyRegistry(address caller);
    error ServicePaused();
    error InvalidConfig();
    error InvalidThreshold(uint32 quorumThresholdPercentage);
    error InvalidQuorumNumbers();
    error TaskMismatch(uint32 taskIndex);
    error TaskAlreadyResponded(uint32 taskIndex);
    error ResponseTooEarly(uint32 taskIndex);
    error ResponseWindowExpired(uint32 taskIndex, uint256 deadlineBlock);
    error InputLengthMismatch();
    error TooManyNonSigners(uint256 count);
    error NonSignersNotSorted(uint256 position);
    error NonSignerNotRegistered(bytes32 operatorId);
    error QuorumApkMismatch(uint8 quorumNumber);
    error InvalidSignature();
    error QuorumThresholdNotMet(uint8 quorumNumber, uint96 signedStake, uint96 totalStake);
    error NotEquivocation();
    error UnknownOperator(bytes32 operatorId);
    error AlreadySlashedForTask(uint32 taskIndex, address operator);
    error OperatorNotInTaskQuorums(address operator, uint32 taskIndex);
    error ResponseMismatch(uint32 taskIndex);
    error ChallengeWindowExpired(uint32 taskIndex, uint256 deadlineBlock);
    error WrongBond(uint256 sent, uint256 required);
    error InvalidClaim();
    error TaskAlreadyChallenged(uint32 taskIndex);
    error SignatureAlreadyChallenged(uint32 taskIndex, address operator);
    error AlreadySlashedForWrongResult(uint32 taskIndex, address operator);
    error WrongRequestKind(uint256 requestId, SlashingRequestKind kind);
    error RequestNotPending(uint256 requestId);
    error VetoWindowExpired(uint256 requestId, uint256 deadlineBlock);
    error VetoWindowActive(uint256 requestId, uint256 endBlock);
    error NonSignersMismatch();
    error SignersNotSorted(uint8 quorumNumber, uint256 position);
    error SignerIsNonSigner(bytes32 operatorId);
    error SignerNotActive(bytes32 operatorId, uint8 quorumNumber);
    error SignerSetIncomplete(uint8 quorumNumber, uint96 provenStake, uint96 signedStake);
    error NotEjectable(address operator);
    error TransferFailed(address to, uint256 amount);
    /// @notice `createTask` names a manuscript that is not Active in the manuscript registry (unknown, deprecated or
    ///         revoked).
    error ManuscriptNotActive(bytes32 manuscriptHash);
    /// @notice No manuscript registry is set (a proxy upgraded from before issue 14 until the owner sets one), or
    ///         the zero address was given as the registry.
    error ManuscriptRegistryNotSet();
}

interface ICvmTaskManagerEvents is ICvmTaskManagerTypes {
    event NewTaskCreated(uint32 indexed taskIndex, Task task);
    event TaskResponded(uint32 indexed taskIndex, TaskResponse taskResponse, TaskResponseMetadata taskResponseMetadata);
    event EquivocationSlashed(uint32 indexed taskIndex, address indexed operator, address reporter);
    event ChallengeRaised(
        uint256 indexed requestId, uint32 indexed taskIndex, address indexed challenger, TaskResponse claimedResponse
    );
    event SignatureChallengeRaised(
        uint256 indexed requestId,
        uint32 indexed taskIndex,
        address indexed operator,
        address challenger,
        TaskResponse signedResponse,
        TaskResponse claimedResponse
    );
    event SlashingRequestVetoed(uint256 indexed requestId, uint32 indexed taskIndex, uint256 bondForfeited);
    event SlashingRequestFulfilled(uint256 indexed requestId, uint32 indexed taskIndex, uint256 operatorsSlashed);
    event OperatorSlashedForWrongResult(uint256 indexed requestId, address indexed operator, uint8 quorumNumber);
    event LivenessThresholdReached(bytes32 indexed operatorId, uint16 missedStreak);
    event OperatorEjectedForLiveness(address indexed operator, bytes32 indexed operatorId, uint16 missedStreak);
    event RolesSet(address taskGenerator, address aggregator, address vetoCommittee, address treasury);
    event ConfigSet(Config config);
    event ManuscriptRegistrySet(address manuscriptRegistry);
}

/// @title ICvmTaskManager — CVM tasks, BLS quorum attestations, challenges, slashing and liveness.
/// @notice Roles: owner (config, roles), task generator (`createTask`), aggregator (`respondToTask`), veto
///         committee (`vetoSlashingRequest`); anyone may report equivocation, challenge (with a bond), fulfil a
///         slashing request after the veto window, and eject an operator that crossed the liveness threshold.
///         Signed message: `responseDigest(r) = keccak256(abi.encode(block.chainid, address(this), r))`, signed as
///         `hashToG1(responseDigest(r))`. Stake and APK are read at `task.taskCreatedBlock`.
interface ICvmTaskManager is ICvmTaskManagerErrors, ICvmTaskManagerEvents {
    /// @notice Task generator: creates a task referencing the current block; returns its index. The manuscript must be
    ///         Active in `manuscriptRegistry` (`ManuscriptNotActive` otherwise).
    function createTask(
        uint64 cvmBlockHeight,
        bytes32 manuscriptHash,
        bytes32 inputCommitment,
        bytes calldata quorumNumbers,
        uint32 quorumThresholdPercentage
    ) external returns (uint32 taskIndex);

    /// @notice Aggregator: records the response after checking the aggregate BLS signature against stake and APK
    ///         at `task.taskCreatedBlock`, the threshold of every quorum and the response window. Once per task.
    ///         Non-signers' missed-response streaks are updated (liveness).
    function respondToTask(
        Task calldata task,
        TaskResponse calldata taskResponse,
        NonSignerStakesAndSignature calldata nonSignerStakesAndSignature
    ) external;

    /// @notice Anyone: proves an operator signed two different responses to one task; slashes it at once
    ///         (`equivocationSlashWad`) in every task quorum it was active in at the reference block, and its `$C`.
    function slashEquivocation(
        Task calldata task,
        TaskResponse calldata responseA,
        TaskResponse calldata responseB,
        EquivocationProof calldata proof
    ) external;

    /// @notice Anyone, with `challengeBond` wei, within `challengeWindowBlock` of the response: claims `claimed` is
    ///         the correct response. Queues a slashing request; returns its id.
    function raiseChallenge(
        Task calldata task,
        TaskResponse calldata taskResponse,
        TaskResponseMetadata calldata taskResponseMetadata,
        TaskResponse calldata claimed
    ) external payable returns (uint256 requestId);

    /// @notice Anyone, with `challengeBond` wei: shows that one operator signed `signedResponse` (its own BLS
    ///         signature, checked like an equivocation proof) and claims `claimed` is the correct response. A signed
    ///         wrong result is attributable whether or not it reached the quorum, so this also reaches operators
    ///         whose signature never landed. The operator must have been active in at least one task quorum at the
    ///         reference block. Deadline: block `taskCreatedBlock + taskResponseWindowBlock + challengeWindowBlock`
    ///         (the challenge window counted from the end of the response window, so it does not depend on whether
    ///         or when a response landed). At most one pending or fulfilled signature challenge per (task,
    ///         operator); a vetoed one frees it. Refused (`AlreadySlashedForWrongResult`) once the operator was
    ///         slashed for a wrong result to this task by either path (`wrongResultSlashedBy`). Queues a `Signature`
    ///         slashing request; returns its id.
    function raiseSignatureChallenge(
        Task calldata task,
        TaskResponse calldata signedResponse,
        SignatureProof calldata proof,
        TaskResponse calldata claimed
    ) external payable returns (uint256 requestId);

    /// @notice Veto committee, within `vetoWindowBlock`: cancels a request of either kind; the bond goes to the
    ///         treasury and the task (`WrongResult`) or the (task, operator) pair (`Signature`) may be challenged
    ///         again.
    function vetoSlashingRequest(uint256 requestId) external;

    /// @notice Anyone, after the veto window of a `WrongResult` request: slashes only the signers of the challenged response
    ///         (`wrongResultSlashWad`) and returns the bond to the challenger. The signer sets must add up to the
    ///         recorded signed stake of each quorum, so no signer can be left out. A signer already slashed for a
    ///         wrong result to this task (a fulfilled signature challenge) is not slashed again, but its stake still
    ///         counts toward the signed stake.
    function fulfilSlashingRequest(
        uint256 requestId,
        Task calldata task,
        TaskResponse calldata taskResponse,
        TaskResponseMetadata calldata taskResponseMetadata,
        bytes32[] calldata nonSignerIds,
        SignerSet[] calldata signers
    ) external;

    /// @notice Anyone, after the veto window of a `Signature` request: slashes the accused operator
    ///         (`wrongResultSlashWad`) in every task quorum it was active in at the reference block and its `$C`
    ///         once, and returns the bond to the challenger. `stakeIndices[i]`: its checkpoint index in task quorum i.
    ///         If the operator was slashed for a wrong result to this task after the challenge was raised (a fulfilled
    ///         `WrongResult` request it signed), the request is closed without a second slash
    ///         (`SlashingRequestFulfilled` with 0 operators) and the bond is returned.
    function fulfilSignatureChallenge(uint256 requestId, Task calldata task, uint32[] calldata stakeIndices) external;

    /// @notice Anyone: ejects an operator whose consecutive missed responses reached `maxMissedResponses`.
    function ejectInactiveOperator(address operator) external;

    /// @notice Registry hook at (re-)registration: resets the operator's liveness record.
    function onOperatorRegistered(bytes32 operatorId) external;

    function setRoles(address taskGenerator, address aggregator, address vetoCommittee, address treasury) external;

    function setConfig(Config calldata config) external;

    /// @notice Owner: the manuscript registry `createTask` checks (non-zero).
    function setManuscriptRegistry(ICvmManuscriptRegistry manuscriptRegistry) external;

    /// @notice The manuscript registry whose Active manuscripts tasks may name (issue 14).
    function manuscriptRegistry() external view returns (ICvmManuscriptRegistry);

    function responseDigest(TaskResponse calldata taskResponse) external view returns (bytes32);

    function latestTaskNum() external view returns (uint32);

    function responseCount() external view returns (uint32);

    function taskHash(uint32 taskIndex) external view returns (bytes32);

    function taskResponseHash(uint32 taskIndex) external view returns (bytes32);

    function getSlashingRequest(uint256 requestId) external view returns (SlashingRequest memory);

    function liveness(bytes32 operatorId) external view returns (Liveness memory);

    function config() external view returns (Config memory);

    /// @notice The request (either kind) that slashed `operator` for a wrong result to task `taskIndex`; 0 if none.
    ///         One operator's signature over a wrong response to a task is one fault: it is slashed once, by whichever
    ///         path is fulfilled first.
    function wrongResultSlashedBy(uint32 taskIndex, address operator) external view returns (uint256 requestId);

    /// @notice True once a challenge against the task's response was fulfilled (the response is wrong).
    function responseInvalidated(uint32 taskIndex) external view returns (bool);

    function aggregator() external view returns (address);
}
