// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmManuscriptRegistry} from "../interfaces/avs/ICvmManuscriptRegistry.sol";
import {ICvmRegistry, ICvmRegistryTypes} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManager} from "../interfaces/avs/ICvmServiceManager.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManager} from "../interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../libraries/BN254.sol";
import {CvmTaskManagerStorage} from "./CvmTaskManagerStorage.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title CvmTaskManager — CVM tasks, BLS quorum attestations, challenges, slashing and liveness.
contract CvmTaskManager is Initializable, OwnableUpgradeable, ReentrancyGuardTransient, CvmTaskManagerStorage {
    using BN254 for BN254.G1Point;

    uint256 internal constant WAD = 1e18;
    string internal constant EQUIVOCATION = "cvm-avs: equivocation";
    string internal constant WRONG_RESULT = "cvm-avs: wrong result";

    constructor(ICvmRegistry registry_, ICvmServiceManager serviceManager_, ICvmSlasher slasher_, ICStaking cStaking_)
        CvmTaskManagerStorage(registry_, serviceManager_, slasher_, cStaking_)
    {
        _disableInitializers();
    }

    function initialize(
        address initialOwner,
        address taskGenerator_,
        address aggregator_,
        address vetoCommittee_,
        address treasury_,
        Config calldata config_,
        ICvmManuscriptRegistry manuscriptRegistry_
    ) external initializer {
        __Ownable_init(initialOwner);
        _setRoles(taskGenerator_, aggregator_, vetoCommittee_, treasury_);
        _setConfig(config_);
        _setManuscriptRegistry(manuscriptRegistry_);
    }

    // ---------------------------------------------------------------- tasks

    /// @inheritdoc ICvmTaskManager
    function createTask(
        uint64 cvmBlockHeight,
        bytes32 manuscriptHash,
        bytes32 inputCommitment,
        bytes calldata quorumNumbers,
        uint32 quorumThresholdPercentage
    ) external returns (uint32 taskIndex) {
        if (msg.sender != taskGenerator) revert OnlyTaskGenerator(msg.sender);
        if (serviceManager.paused()) revert ServicePaused();
        if (quorumThresholdPercentage == 0 || quorumThresholdPercentage > 100) {
            revert InvalidThreshold(quorumThresholdPercentage);
        }
        uint8 qc = registry.quorumCount();
        if (quorumNumbers.length == 0) revert InvalidQuorumNumbers();
        for (uint256 i; i < quorumNumbers.length; ++i) {
            uint8 q = uint8(quorumNumbers[i]);
            if (q >= qc || (i != 0 && q <= uint8(quorumNumbers[i - 1]))) revert InvalidQuorumNumbers();
        }
        ICvmManuscriptRegistry m = manuscriptRegistry;
        if (address(m) == address(0)) revert ManuscriptRegistryNotSet();
        if (!m.isActive(manuscriptHash)) revert ManuscriptNotActive(manuscriptHash);
        Task memory task = Task({
            cvmBlockHeight: cvmBlockHeight,
            manuscriptHash: manuscriptHash,
            inputCommitment: inputCommitment,
            quorumNumbers: quorumNumbers,
            quorumThresholdPercentage: quorumThresholdPercentage,
            taskCreatedBlock: uint32(block.number)
        });
        taskIndex = latestTaskNum;
        _taskHashes[taskIndex] = keccak256(abi.encode(task));
        latestTaskNum = taskIndex + 1;
        emit NewTaskCreated(taskIndex, task);
    }

    /// @inheritdoc ICvmTaskManager
    function respondToTask(
        Task calldata task,
        TaskResponse calldata taskResponse,
        NonSignerStakesAndSignature calldata nonSignerStakesAndSignature
    ) external {
        HotSlot memory hot = _hot;
        if (msg.sender != hot.aggregator) revert OnlyAggregator(msg.sender);
        uint32 taskIndex = taskResponse.referenceTaskIndex;
        _checkTask(task, taskIndex);
        if (_taskResponses[taskIndex] != bytes32(0)) revert TaskAlreadyResponded(taskIndex);
        if (block.number <= task.taskCreatedBlock) revert ResponseTooEarly(taskIndex);
        uint256 deadline = uint256(task.taskCreatedBlock) + hot.taskResponseWindowBlock;
        if (block.number > deadline) revert ResponseWindowExpired(taskIndex, deadline);

        (TaskResponseMetadata memory meta, bytes32[] memory nonSignerIds) =
            _checkSignatures(responseDigest(taskResponse), task, nonSignerStakesAndSignature);

        _taskResponses[taskIndex] = keccak256(abi.encode(taskResponse, meta));
        hot.responseCount += 1;
        _hot = hot;
        if (nonSignerIds.length != 0) _recordMisses(nonSignerIds, hot.responseCount, hot.maxMissedResponses);
        emit TaskResponded(taskIndex, taskResponse, meta);
    }

    // ---------------------------------------------------------------- slashing

    /// @inheritdoc ICvmTaskManager
    function slashEquivocation(
        Task calldata task,
        TaskResponse calldata responseA,
        TaskResponse calldata responseB,
        EquivocationProof calldata proof
    ) external nonReentrant {
        (uint32 taskIndex, bytes32 operatorId, address operator) =
            _verifyEquivocation(task, responseA, responseB, proof);
        equivocationSlashed[taskIndex][operator] = true;
        _slashInTaskQuorums(task, taskIndex, operatorId, operator, proof.stakeIndices, 0);
        emit EquivocationSlashed(taskIndex, operator, msg.sender);
        _refreshStake(operator);
    }

    /// @inheritdoc ICvmTaskManager
    function raiseChallenge(
        Task calldata task,
        TaskResponse calldata taskResponse,
        TaskResponseMetadata calldata taskResponseMetadata,
        TaskResponse calldata claimed
    ) external payable nonReentrant returns (uint256 requestId) {
        uint32 taskIndex = taskResponse.referenceTaskIndex;
        _checkResponse(task, taskResponse, taskResponseMetadata, taskIndex);
        uint256 deadline = uint256(taskResponseMetadata.taskRespondedBlock) + _config.challengeWindowBlock;
        if (block.number > deadline) revert ChallengeWindowExpired(taskIndex, deadline);
        if (taskChallenged[taskIndex]) revert TaskAlreadyChallenged(taskIndex);
        taskChallenged[taskIndex] = true;
        requestId = _queueRequest(taskIndex, taskResponse, claimed, SlashingRequestKind.WrongResult, address(0));
        emit ChallengeRaised(requestId, taskIndex, msg.sender, claimed);
    }

    /// @inheritdoc ICvmTaskManager
    function raiseSignatureChallenge(
        Task calldata task,
        TaskResponse calldata signedResponse,
        SignatureProof calldata proof,
        TaskResponse calldata claimed
    ) external payable nonReentrant returns (uint256 requestId) {
        (uint32 taskIndex, address operator) = _verifySignatureChallenge(task, signedResponse, proof);
        uint256 deadline =
            uint256(task.taskCreatedBlock) + _config.taskResponseWindowBlock + _config.challengeWindowBlock;
        if (block.number > deadline) revert ChallengeWindowExpired(taskIndex, deadline);
        if (signatureChallenged[taskIndex][operator]) revert SignatureAlreadyChallenged(taskIndex, operator);
        if (wrongResultSlashedBy[taskIndex][operator] != 0) revert AlreadySlashedForWrongResult(taskIndex, operator);
        signatureChallenged[taskIndex][operator] = true;
        requestId = _queueRequest(taskIndex, signedResponse, claimed, SlashingRequestKind.Signature, operator);
        emit SignatureChallengeRaised(requestId, taskIndex, operator, msg.sender, signedResponse, claimed);
    }

    /// @inheritdoc ICvmTaskManager
    function vetoSlashingRequest(uint256 requestId) external nonReentrant {
        if (msg.sender != vetoCommittee) revert OnlyVetoCommittee(msg.sender);
        SlashingRequest memory r = _requests[requestId];
        if (r.status != SlashingRequestStatus.Pending) revert RequestNotPending(requestId);
        uint256 deadline = uint256(r.createdBlock) + _config.vetoWindowBlock;
        if (block.number > deadline) revert VetoWindowExpired(requestId, deadline);
        _requests[requestId].status = SlashingRequestStatus.Vetoed;
        // The claim was judged wrong: the task (or the operator's signature on it) may be challenged again.
        if (r.kind == SlashingRequestKind.Signature) {
            signatureChallenged[r.taskIndex][r.operator] = false;
        } else {
            taskChallenged[r.taskIndex] = false;
        }
        emit SlashingRequestVetoed(requestId, r.taskIndex, r.bond);
        _send(treasury, r.bond);
    }

    /// @inheritdoc ICvmTaskManager
    function fulfilSlashingRequest(
        uint256 requestId,
        Task calldata task,
        TaskResponse calldata taskResponse,
        TaskResponseMetadata calldata taskResponseMetadata,
        bytes32[] calldata nonSignerIds,
        SignerSet[] calldata signers
    ) external nonReentrant {
        SlashingRequest memory r = _validateFulfil(requestId, task, taskResponse, taskResponseMetadata, nonSignerIds);
        if (signers.length != task.quorumNumbers.length) revert InputLengthMismatch();

        _requests[requestId].status = SlashingRequestStatus.Fulfilled;
        responseInvalidated[r.taskIndex] = true;
        uint256 slashedCount;
        for (uint256 i; i < signers.length; ++i) {
            slashedCount += _slashQuorumSigners(
                requestId,
                uint8(task.quorumNumbers[i]),
                task.taskCreatedBlock,
                taskResponseMetadata.signedStakeForQuorum[i],
                nonSignerIds,
                signers[i]
            );
        }
        emit SlashingRequestFulfilled(requestId, r.taskIndex, slashedCount);
        _send(r.challenger, r.bond);
    }

    /// @inheritdoc ICvmTaskManager
    function fulfilSignatureChallenge(uint256 requestId, Task calldata task, uint32[] calldata stakeIndices)
        external
        nonReentrant
    {
        SlashingRequest memory r = _pendingAfterVeto(requestId, SlashingRequestKind.Signature);
        _checkTask(task, r.taskIndex);
        _requests[requestId].status = SlashingRequestStatus.Fulfilled;
        // One fault, one slash: a fulfilled wrong-result request this operator signed may have slashed it meanwhile.
        uint256 slashed;
        if (wrongResultSlashedBy[r.taskIndex][r.operator] == 0) {
            wrongResultSlashedBy[r.taskIndex][r.operator] = requestId;
            _slashInTaskQuorums(
                task, r.taskIndex, registry.getOperatorId(r.operator), r.operator, stakeIndices, requestId
            );
            _refreshStake(r.operator);
            slashed = 1;
        }
        emit SlashingRequestFulfilled(requestId, r.taskIndex, slashed);
        _send(r.challenger, r.bond);
    }

    // ---------------------------------------------------------------- liveness

    /// @inheritdoc ICvmTaskManager
    function ejectInactiveOperator(address operator) external nonReentrant {
        bytes32 operatorId = registry.getOperatorId(operator);
        Liveness memory l = _liveness[operatorId];
        if (operatorId == bytes32(0) || !l.ejectable) revert NotEjectable(operator);
        l.ejectable = false;
        _liveness[operatorId] = l;
        emit OperatorEjectedForLiveness(operator, operatorId, l.missedStreak);
        slasher.ejectOperator(operator);
    }

    /// @inheritdoc ICvmTaskManager
    function onOperatorRegistered(bytes32 operatorId) external {
        if (msg.sender != address(registry)) revert OnlyRegistry(msg.sender);
        // Non-zero from the first registration on, so recording a miss never pays for a fresh slot.
        _liveness[operatorId] = Liveness({lastMissedResponse: 0, missedStreak: 0, ejectable: false, initialized: true});
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc ICvmTaskManager
    function setRoles(address taskGenerator_, address aggregator_, address vetoCommittee_, address treasury_)
        external
        onlyOwner
    {
        _setRoles(taskGenerator_, aggregator_, vetoCommittee_, treasury_);
    }

    /// @inheritdoc ICvmTaskManager
    function setConfig(Config calldata config_) external onlyOwner {
        _setConfig(config_);
    }

    /// @inheritdoc ICvmTaskManager
    function setManuscriptRegistry(ICvmManuscriptRegistry manuscriptRegistry_) external onlyOwner {
        _setManuscriptRegistry(manuscriptRegistry_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICvmTaskManager
    function responseDigest(TaskResponse calldata taskResponse) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), taskResponse));
    }

    /// @inheritdoc ICvmTaskManager
    function responseCount() external view returns (uint32) {
        return _hot.responseCount;
    }

    /// @inheritdoc ICvmTaskManager
    function aggregator() external view returns (address) {
        return _hot.aggregator;
    }

    /// @inheritdoc ICvmTaskManager
    function taskHash(uint32 taskIndex) external view returns (bytes32) {
        return _taskHashes[taskIndex];
    }

    /// @inheritdoc ICvmTaskManager
    function taskResponseHash(uint32 taskIndex) external view returns (bytes32) {
        return _taskResponses[taskIndex];
    }

    /// @inheritdoc ICvmTaskManager
    function getSlashingRequest(uint256 requestId) external view returns (SlashingRequest memory) {
        return _requests[requestId];
    }

    /// @inheritdoc ICvmTaskManager
    function liveness(bytes32 operatorId) external view returns (Liveness memory) {
        return _liveness[operatorId];
    }

    /// @inheritdoc ICvmTaskManager
    function config() external view returns (Config memory) {
        return _config;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Checks the aggregate signature of the task's quorums at the reference block and their thresholds.
    function _checkSignatures(bytes32 msgHash, Task calldata task, NonSignerStakesAndSignature calldata sig)
        internal
        view
        returns (TaskResponseMetadata memory meta, bytes32[] memory nonSignerIds)
    {
        uint256 qn = task.quorumNumbers.length;
        if (
            sig.quorumApks.length != qn || sig.quorumApkIndices.length != qn || sig.totalStakeIndices.length != qn
                || sig.nonSignerStakeIndices.length != qn
        ) revert InputLengthMismatch();
        nonSignerIds = _nonSignerIds(sig.nonSignerPubkeys);
        meta.signedStakeForQuorum = new uint96[](qn);
        meta.totalStakeForQuorum = new uint96[](qn);
        BN254.G1Point memory apk;
        uint256 membership;
        for (uint256 i; i < qn; ++i) {
            uint256 bitmap;
            (apk, bitmap) = _applyQuorum(task, sig, i, nonSignerIds, meta, apk);
            membership |= bitmap;
        }
        _checkMembership(nonSignerIds, membership);
        if (!BN254.verifyAggregate(msgHash, apk, sig.apkG2, sig.sigma)) revert InvalidSignature();
        meta.taskRespondedBlock = uint32(block.number);
        meta.hashOfNonSigners = keccak256(abi.encodePacked(nonSignerIds));
    }

    function _verifyEquivocation(
        Task calldata task,
        TaskResponse calldata responseA,
        TaskResponse calldata responseB,
        EquivocationProof calldata proof
    ) internal view returns (uint32 taskIndex, bytes32 operatorId, address operator) {
        taskIndex = responseA.referenceTaskIndex;
        if (responseB.referenceTaskIndex != taskIndex) revert NotEquivocation();
        _checkTask(task, taskIndex);
        bytes32 digestA = responseDigest(responseA);
        bytes32 digestB = responseDigest(responseB);
        if (digestA == digestB) revert NotEquivocation();
        (operatorId, operator) = _signer(digestA, proof.pubkeyG1, proof.pubkeyG2, proof.signatureA);
        if (!BN254.verifyAggregate(digestB, proof.pubkeyG1, proof.pubkeyG2, proof.signatureB)) {
            revert InvalidSignature();
        }
        if (equivocationSlashed[taskIndex][operator]) revert AlreadySlashedForTask(taskIndex, operator);
    }

    /// @dev Checks a signature challenge's proof: task, signature over the signed response, a registered operator
    ///      active in at least one task quorum at the reference block.
    function _verifySignatureChallenge(
        Task calldata task,
        TaskResponse calldata signedResponse,
        SignatureProof calldata proof
    ) internal view returns (uint32 taskIndex, address operator) {
        taskIndex = signedResponse.referenceTaskIndex;
        _checkTask(task, taskIndex);
        bytes32 operatorId;
        (operatorId, operator) =
            _signer(responseDigest(signedResponse), proof.pubkeyG1, proof.pubkeyG2, proof.signature);
        _activeQuorums(task, taskIndex, operatorId, operator, proof.stakeIndices);
    }

    /// @dev The registered operator whose key signed `digest`. The randomised pairing over both keys also proves
    ///      that `pkG2` belongs to `pkG1`.
    function _signer(bytes32 digest, BN254.G1Point calldata pk, BN254.G2Point calldata pkG2, BN254.G1Point calldata sig)
        internal
        view
        returns (bytes32 operatorId, address operator)
    {
        operatorId = BN254.hashG1Point(pk);
        operator = registry.getOperatorFromId(operatorId);
        if (operator == address(0)) revert UnknownOperator(operatorId);
        if (!BN254.verifyAggregate(digest, pk, pkG2, sig)) revert InvalidSignature();
    }

    /// @dev Bond and claim checks shared by both challenge kinds; stores a pending request.
    function _queueRequest(
        uint32 taskIndex,
        TaskResponse calldata challenged,
        TaskResponse calldata claimed,
        SlashingRequestKind kind,
        address operator
    ) internal returns (uint256 requestId) {
        uint96 bond = _config.challengeBond;
        if (msg.value != bond) revert WrongBond(msg.value, bond);
        bytes32 claimedHash = keccak256(abi.encode(claimed));
        if (claimed.referenceTaskIndex != taskIndex || claimedHash == keccak256(abi.encode(challenged))) {
            revert InvalidClaim();
        }
        requestId = ++slashingRequestCount;
        _requests[requestId] = SlashingRequest({
            taskIndex: taskIndex,
            status: SlashingRequestStatus.Pending,
            createdBlock: uint32(block.number),
            challenger: msg.sender,
            kind: kind,
            bond: bond,
            operator: operator,
            claimedResponseHash: claimedHash
        });
    }

    /// @dev Slashes one operator in every task quorum it was active in at the reference block, and its `$C` once:
    ///      `equivocationSlashWad` when `requestId == 0` (equivocation), else `wrongResultSlashWad` with an
    ///      `OperatorSlashedForWrongResult` per quorum.
    function _slashInTaskQuorums(
        Task calldata task,
        uint32 taskIndex,
        bytes32 operatorId,
        address operator,
        uint32[] calldata stakeIndices,
        uint256 requestId
    ) internal {
        uint256 active = _activeQuorums(task, taskIndex, operatorId, operator, stakeIndices);
        uint256 wad = requestId == 0 ? _config.equivocationSlashWad : _config.wrongResultSlashWad;
        for (uint256 i; i < stakeIndices.length; ++i) {
            if ((active >> i) & 1 == 0) continue;
            _slashInSet(operator, uint8(task.quorumNumbers[i]), wad, requestId, false);
        }
        cStaking.slash(operator, wad);
    }

    /// @dev Bit i set: the operator was active in task quorum i at the reference block (`stakeIndices[i]` its
    ///      checkpoint there). Reverts unless it was active in at least one.
    function _activeQuorums(
        Task calldata task,
        uint32 taskIndex,
        bytes32 operatorId,
        address operator,
        uint32[] calldata stakeIndices
    ) internal view returns (uint256 bitmap) {
        if (stakeIndices.length != task.quorumNumbers.length) revert InputLengthMismatch();
        for (uint256 i; i < stakeIndices.length; ++i) {
            (, bool active) = registry.getStakeAtBlockAndIndex(
                operatorId, uint8(task.quorumNumbers[i]), task.taskCreatedBlock, stakeIndices[i]
            );
            if (active) bitmap |= 1 << i;
        }
        if (bitmap == 0) revert OperatorNotInTaskQuorums(operator, taskIndex);
    }

    /// @dev A pending request of `kind` whose veto window is over.
    function _pendingAfterVeto(uint256 requestId, SlashingRequestKind kind)
        internal
        view
        returns (SlashingRequest memory r)
    {
        r = _requests[requestId];
        if (r.status != SlashingRequestStatus.Pending) revert RequestNotPending(requestId);
        if (r.kind != kind) revert WrongRequestKind(requestId, r.kind);
        uint256 vetoEnd = uint256(r.createdBlock) + _config.vetoWindowBlock;
        if (block.number <= vetoEnd) revert VetoWindowActive(requestId, vetoEnd);
    }

    /// @dev Adds quorum i's APK minus its active non-signers to `apk`, checks its threshold, fills `meta`.
    function _applyQuorum(
        Task calldata task,
        NonSignerStakesAndSignature calldata sig,
        uint256 i,
        bytes32[] memory nonSignerIds,
        TaskResponseMetadata memory meta,
        BN254.G1Point memory apk
    ) internal view returns (BN254.G1Point memory, uint256) {
        ICvmRegistryTypes.QuorumSnapshot memory snap = _snapshot(task, sig, i, nonSignerIds);
        apk = i == 0 ? sig.quorumApks[i] : apk.plus(sig.quorumApks[i]);
        if (snap.nonSignerActiveBitmap != 0) {
            apk = apk.plus(_sumSelected(sig.nonSignerPubkeys, snap.nonSignerActiveBitmap).negate());
        }
        uint96 signed = snap.totalStake - snap.nonSignerStake;
        if (snap.totalStake == 0 || uint256(signed) * 100 < uint256(snap.totalStake) * task.quorumThresholdPercentage) {
            revert QuorumThresholdNotMet(uint8(task.quorumNumbers[i]), signed, snap.totalStake);
        }
        meta.signedStakeForQuorum[i] = signed;
        meta.totalStakeForQuorum[i] = snap.totalStake;
        return (apk, snap.nonSignerActiveBitmap);
    }

    /// @dev Quorum i's state at the reference block; checks the supplied quorum APK against its checkpoint.
    function _snapshot(Task calldata task, NonSignerStakesAndSignature calldata sig, uint256 i, bytes32[] memory ids)
        internal
        view
        returns (ICvmRegistryTypes.QuorumSnapshot memory snap)
    {
        uint8 q = uint8(task.quorumNumbers[i]);
        if (sig.nonSignerStakeIndices[i].length != ids.length) revert InputLengthMismatch();
        snap = registry.quorumSnapshot(
            q,
            task.taskCreatedBlock,
            sig.quorumApkIndices[i],
            sig.totalStakeIndices[i],
            ids,
            sig.nonSignerStakeIndices[i]
        );
        if (bytes24(keccak256(abi.encodePacked(sig.quorumApks[i].X, sig.quorumApks[i].Y))) != snap.apkHash) {
            revert QuorumApkMismatch(q);
        }
    }

    /// @dev operatorIds of the non-signers, which must be strictly ascending.
    function _nonSignerIds(BN254.G1Point[] calldata pubkeys) internal pure returns (bytes32[] memory ids) {
        uint256 n = pubkeys.length;
        if (n > 256) revert TooManyNonSigners(n);
        ids = new bytes32[](n);
        bytes32 prev;
        for (uint256 j; j < n; ++j) {
            bytes32 id;
            // keccak256(X ‖ Y) of the calldata point, hashed in scratch space (no memory allocation per key)
            assembly ("memory-safe") {
                calldatacopy(0x00, add(pubkeys.offset, mul(j, 0x40)), 0x40)
                id := keccak256(0x00, 0x40)
            }
            if (j != 0 && id <= prev) revert NonSignersNotSorted(j);
            ids[j] = id;
            prev = id;
        }
    }

    /// @dev Σ of the pubkeys whose bit is set in `bitmap`.
    function _sumSelected(BN254.G1Point[] calldata pubkeys, uint256 bitmap)
        internal
        view
        returns (BN254.G1Point memory sum)
    {
        bool first = true;
        for (uint256 j; j < pubkeys.length; ++j) {
            if ((bitmap >> j) & 1 == 0) continue;
            if (first) {
                sum = pubkeys[j];
                first = false;
            } else {
                sum = sum.plus(pubkeys[j]);
            }
        }
    }

    /// @dev Every non-signer must have been active in at least one of the task's quorums.
    function _checkMembership(bytes32[] memory ids, uint256 membership) internal pure {
        for (uint256 j; j < ids.length; ++j) {
            if ((membership >> j) & 1 == 0) revert NonSignerNotRegistered(ids[j]);
        }
    }

    /// @dev One slot read and one slot write per non-signer: the liveness slot is non-zero from registration on.
    ///      Packed layout of `Liveness` (low bits first): lastMissedResponse (32) ‖ missedStreak (16) ‖
    ///      ejectable (8) ‖ initialized (8). Written as one word in assembly to avoid per-field read-modify-writes.
    function _recordMisses(bytes32[] memory ids, uint32 rc, uint16 maxMissed) internal {
        for (uint256 j; j < ids.length; ++j) {
            bytes32 id = ids[j];
            uint256 slot;
            uint256 w;
            assembly ("memory-safe") {
                mstore(0x00, id)
                mstore(0x20, _liveness.slot)
                slot := keccak256(0x00, 0x40)
                w := sload(slot)
            }
            uint256 streak = uint32(w) + 1 == rc ? uint16(w >> 32) : 0;
            if (streak < type(uint16).max) streak += 1;
            uint256 ejectable = (w >> 48) & 0xff;
            if (ejectable == 0 && streak >= maxMissed) {
                ejectable = 1;
                emit LivenessThresholdReached(id, uint16(streak));
            }
            w = uint256(rc) | (streak << 32) | (ejectable << 48) | (uint256(1) << 56);
            assembly ("memory-safe") {
                sstore(slot, w)
            }
        }
    }

    function _validateFulfil(
        uint256 requestId,
        Task calldata task,
        TaskResponse calldata taskResponse,
        TaskResponseMetadata calldata taskResponseMetadata,
        bytes32[] calldata nonSignerIds
    ) internal view returns (SlashingRequest memory r) {
        r = _pendingAfterVeto(requestId, SlashingRequestKind.WrongResult);
        if (taskResponse.referenceTaskIndex != r.taskIndex) revert ResponseMismatch(r.taskIndex);
        _checkResponse(task, taskResponse, taskResponseMetadata, r.taskIndex);
        if (keccak256(abi.encodePacked(nonSignerIds)) != taskResponseMetadata.hashOfNonSigners) {
            revert NonSignersMismatch();
        }
    }

    function _slashQuorumSigners(
        uint256 requestId,
        uint8 q,
        uint32 referenceBlock,
        uint96 signedStake,
        bytes32[] calldata nonSignerIds,
        SignerSet calldata set
    ) internal returns (uint256) {
        if (set.operatorIds.length != set.stakeIndices.length) revert InputLengthMismatch();
        uint256 p;
        uint96 proven;
        for (uint256 j; j < set.operatorIds.length; ++j) {
            bytes32 id = set.operatorIds[j];
            if (j != 0 && id <= set.operatorIds[j - 1]) revert SignersNotSorted(q, j);
            while (p < nonSignerIds.length && nonSignerIds[p] < id) {
                ++p;
            }
            if (p < nonSignerIds.length && nonSignerIds[p] == id) revert SignerIsNonSigner(id);
            proven += _slashSigner(requestId, id, q, referenceBlock, set.stakeIndices[j]);
        }
        if (proven != signedStake) revert SignerSetIncomplete(q, proven, signedStake);
        return set.operatorIds.length;
    }

    /// @dev Slashes one signer of a wrong response (its allocation in set q, and its `$C` once per request) unless
    ///      another request (a fulfilled signature challenge) already slashed it for this task; returns its stake
    ///      at the reference block either way.
    function _slashSigner(uint256 requestId, bytes32 id, uint8 q, uint32 referenceBlock, uint32 stakeIndex)
        internal
        returns (uint96 stake)
    {
        bool active;
        (stake, active) = registry.getStakeAtBlockAndIndex(id, q, referenceBlock, stakeIndex);
        if (!active) revert SignerNotActive(id, q);
        address operator = registry.getOperatorFromId(id);
        mapping(address => uint256) storage slashedBy = wrongResultSlashedBy[_requests[requestId].taskIndex];
        uint256 by = slashedBy[operator];
        if (by != 0 && by != requestId) return stake;
        uint256 wad = _config.wrongResultSlashWad;
        if (by == 0) slashedBy[operator] = requestId;
        _slashInSet(operator, q, wad, requestId, by == 0);
        _refreshStake(operator);
    }

    /// @dev Slashes `wad` of the operator's allocation in operator set `q` through the slasher router (the set's
    ///      slasher; it does nothing if the operator is no longer slashable there), for equivocation when
    ///      `requestId == 0`, else for a wrong result; then `wad` of its `$C` if `slashC`, then
    ///      `OperatorSlashedForWrongResult` (wrong result only).
    function _slashInSet(address operator, uint8 q, uint256 wad, uint256 requestId, bool slashC) internal {
        slasher.slashOperator(operator, q, wad, requestId == 0 ? EQUIVOCATION : WRONG_RESULT);
        if (slashC) cStaking.slash(operator, wad);
        if (requestId != 0) emit OperatorSlashedForWrongResult(requestId, operator, q);
    }

    function _refreshStake(address operator) internal {
        address[] memory ops = new address[](1);
        ops[0] = operator;
        registry.updateOperators(ops);
    }

    function _checkTask(Task calldata task, uint32 taskIndex) internal view {
        if (keccak256(abi.encode(task)) != _taskHashes[taskIndex]) revert TaskMismatch(taskIndex);
    }

    /// @dev Checks the task, then the response and its metadata against the recorded response.
    function _checkResponse(
        Task calldata task,
        TaskResponse calldata r,
        TaskResponseMetadata calldata meta,
        uint32 taskIndex
    ) internal view {
        _checkTask(task, taskIndex);
        if (keccak256(abi.encode(r, meta)) != _taskResponses[taskIndex]) revert ResponseMismatch(taskIndex);
    }

    function _send(address to, uint256 amount) internal {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed(to, amount);
    }

    function _setRoles(address taskGenerator_, address aggregator_, address vetoCommittee_, address treasury_)
        internal
    {
        taskGenerator = taskGenerator_;
        _hot.aggregator = aggregator_;
        vetoCommittee = vetoCommittee_;
        treasury = treasury_;
        emit RolesSet(taskGenerator_, aggregator_, vetoCommittee_, treasury_);
    }

    function _setConfig(Config calldata c) internal {
        if (
            c.taskResponseWindowBlock == 0 || c.maxMissedResponses == 0 || c.equivocationSlashWad == 0
                || c.equivocationSlashWad > WAD || c.wrongResultSlashWad == 0 || c.wrongResultSlashWad > WAD
        ) revert InvalidConfig();
        _config = c;
        _hot.taskResponseWindowBlock = c.taskResponseWindowBlock;
        _hot.maxMissedResponses = c.maxMissedResponses;
        emit ConfigSet(c);
    }

    function _setManuscriptRegistry(ICvmManuscriptRegistry r) internal {
        if (address(r) == address(0)) revert ManuscriptRegistryNotSet();
        manuscriptRegistry = r;
        emit ManuscriptRegistrySet(address(r));
    }
}
