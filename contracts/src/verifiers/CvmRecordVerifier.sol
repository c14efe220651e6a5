// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmAccumulator} from "../bridge/CvmAccumulator.sol";
import {CvmCheckpointVerifier} from "../bridge/CvmCheckpointVerifier.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "../bridge/ICvmCheckpoints.sol";
import {ICvmAttestedRecordsTypes} from "../interfaces/avs/ICvmAttestedRecords.sol";
import {ICvmTaskManager, ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {BlockDatasets} from "../libraries/BlockDatasets.sol";

/// @title CvmRecordVerifier — one entry point for a CVM dataset record proven against either anchor on Ethereum.
/// @notice A record is trusted through its block's dataset root (record proof, then dataset proof: `BlockDatasets`),
///         which is anchored either by a `CvmTaskManager` response (the AVS-task path: the response must be the stored
///         one and not invalidated by a challenge) or by the CVM-block accumulator of an accepted `CvmCheckpoints`
///         checkpoint (the checkpoint path). `verifyRecord` takes the anchor as bytes — `taskAnchor(…)` or
///         `checkpointAnchor(…)`, i.e. `abi.encode(Anchor kind, TaskAnchor | CheckpointAnchor)` — and answers which
///         anchor proved the record, so a consumer can accept one path or both (docs/PROOFS.md).
/// @dev Stateless apart from the two immutable anchors; either may be zero (that path is then refused).
contract CvmRecordVerifier is ICvmAttestedRecordsTypes, ICvmCheckpointsTypes {
    enum Anchor {
        None,
        Task,
        Checkpoint
    }

    /// @notice A task response as in the `TaskResponded` event.
    struct TaskAnchor {
        ICvmTaskManagerTypes.TaskResponse response;
        ICvmTaskManagerTypes.TaskResponseMetadata meta;
    }

    /// @notice An accepted checkpoint and the record's block in its cumulative root.
    struct CheckpointAnchor {
        uint64 checkpointIndex;
        Checkpoint checkpoint;
        CvmCheckpointVerifier.CvmBlockRef blk;
        bytes32[] blockSiblings;
    }

    /// @notice The anchor's first word `kind` is neither `Task` (1) nor `Checkpoint` (2).
    error UnknownAnchor(uint256 kind);
    /// @notice This verifier was deployed without a contract for anchors of `kind`.
    error AnchorNotConfigured(Anchor kind);
    /// @notice The anchor has `length` bytes, fewer than a kind word and an encoded anchor.
    error MalformedAnchor(uint256 length);

    ICvmTaskManager public immutable taskManager;
    ICvmCheckpoints public immutable checkpoints;

    constructor(ICvmTaskManager taskManager_, ICvmCheckpoints checkpoints_) {
        taskManager = taskManager_;
        checkpoints = checkpoints_;
    }

    /// @notice Which anchor proves `record` (with `datasetProof` and `recordProof` to its block's dataset root), and
    ///         the CVM block hash it vouches for; `(None, 0)` when the proofs or the anchor do not verify. Reverts
    ///         with `UnknownAnchor`, `AnchorNotConfigured`, `MalformedAnchor` (a shorter anchor; a longer one that is
    ///         no ABI encoding of its kind reverts in the ABI decoder), `DatasetProofs.MalformedProof` or
    ///         `CvmAccumulator.MalformedAccumulatorProof` (a proof of the wrong shape).
    function verifyRecord(
        bytes calldata anchor,
        DatasetProof calldata datasetProof,
        RecordProof calldata recordProof,
        bytes calldata record
    ) external view returns (Anchor kind, bytes32 cvmBlockHash) {
        if (anchor.length < 64) revert MalformedAnchor(anchor.length);
        uint256 k = uint256(bytes32(anchor[:32]));
        if (k == uint256(Anchor.None) || k > uint256(Anchor.Checkpoint)) revert UnknownAnchor(k);
        kind = Anchor(k);
        if (kind == Anchor.Task ? address(taskManager) == address(0) : address(checkpoints) == address(0)) {
            revert AnchorNotConfigured(kind);
        }
        bytes32 root = BlockDatasets.blockRoot(record, recordProof, datasetProof);
        bool ok;
        if (kind == Anchor.Task) {
            (, TaskAnchor memory t) = abi.decode(anchor, (uint256, TaskAnchor));
            (ok, cvmBlockHash) = (_taskVouches(t, root), t.response.cvmBlockHash);
        } else {
            (, CheckpointAnchor memory c) = abi.decode(anchor, (uint256, CheckpointAnchor));
            (ok, cvmBlockHash) = (_checkpointVouches(c, root), c.blk.cvmBlockHash);
        }
        if (!ok) return (Anchor.None, bytes32(0));
    }

    /// @notice The anchor bytes of a task response.
    function taskAnchor(TaskAnchor calldata a) external pure returns (bytes memory) {
        return abi.encode(Anchor.Task, a);
    }

    /// @notice The anchor bytes of a checkpoint and a block in it.
    function checkpointAnchor(CheckpointAnchor calldata a) external pure returns (bytes memory) {
        return abi.encode(Anchor.Checkpoint, a);
    }

    function _taskVouches(TaskAnchor memory t, bytes32 root) private view returns (bool) {
        if (root == bytes32(0) || root != t.response.datasetRoot) return false;
        uint32 taskIndex = t.response.referenceTaskIndex;
        bytes32 stored = taskManager.taskResponseHash(taskIndex);
        // An unknown or unanswered task stores zero, which no keccak256 output equals in practice.
        if (stored == bytes32(0) || keccak256(abi.encode(t.response, t.meta)) != stored) return false;
        return !taskManager.responseInvalidated(taskIndex);
    }

    function _checkpointVouches(CheckpointAnchor memory c, bytes32 root) private view returns (bool) {
        if (root == bytes32(0) || root != c.blk.datasetRoot) return false;
        bytes32 leaf = CvmAccumulator.blockLeaf(c.blk.cvmHeight, c.blk.cvmBlockHash, c.blk.datasetRoot);
        return CvmAccumulator.computeRootMemory(leaf, c.blk.blockIndex, c.blockSiblings) == c.checkpoint.cumulativeRoot
            && checkpoints.isAccepted(c.checkpointIndex, c.checkpoint);
    }
}
