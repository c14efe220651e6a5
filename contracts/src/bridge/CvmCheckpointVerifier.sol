// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmAttestedRecordsTypes} from "../interfaces/avs/ICvmAttestedRecords.sol";
import {BlockDatasets} from "../libraries/BlockDatasets.sol";
import {DatasetProofs} from "../libraries/DatasetProofs.sol";
import {CvmAccumulator} from "./CvmAccumulator.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "./ICvmCheckpoints.sol";

/// @title CvmCheckpointVerifier — a dataset record of any CVM block up to an accepted checkpoint, verified on Ethereum.
/// @notice Two steps: the record is a leaf of the block's `datasetRoot` (DatasetProofs, docs/PROOFS.md), and the
///         block's leaf keccak256(abi.encode(cvmHeight, cvmBlockHash, datasetRoot)) is leaf `blockIndex` of the
///         CVM-block accumulator whose root the checkpoint carries (`cumulativeRoot`, docs/BRIDGE.md). Stateless
///         views over one `CvmCheckpoints`. `verifyRecord` is for a block with one dataset (its root is the leaf's
///         `datasetRoot`); `verifyDatasetRecord` adds the dataset proof of a block with several (the same
///         `DatasetProof` as the task path, `BlockDatasets`). `CvmRecordVerifier` accepts a record proven against a
///         checkpoint or a task response in one call.
/// @dev Named apart from `verifiers/CvmVerifier` (the stateless BLS / dataset-proof views) so that artifacts and
///      Java bindings keep one class per name.
contract CvmCheckpointVerifier is ICvmCheckpointsTypes, ICvmAttestedRecordsTypes {
    /// @notice A CVM block as it enters the accumulator, and its position there (0 = the first finalised block).
    struct CvmBlockRef {
        uint64 cvmHeight;
        bytes32 cvmBlockHash;
        bytes32 datasetRoot;
        uint256 blockIndex;
    }

    ICvmCheckpoints public immutable checkpoints;

    constructor(ICvmCheckpoints checkpoints_) {
        checkpoints = checkpoints_;
    }

    /// @notice Whether `blk` is in the cumulative root of accepted checkpoint number `checkpointIndex` (= `cp`).
    function verifyBlock(
        uint64 checkpointIndex,
        Checkpoint calldata cp,
        CvmBlockRef calldata blk,
        bytes32[] calldata blockSiblings
    ) public view returns (bool) {
        bytes32 leaf = CvmAccumulator.blockLeaf(blk.cvmHeight, blk.cvmBlockHash, blk.datasetRoot);
        return CvmAccumulator.computeRoot(leaf, blk.blockIndex, blockSiblings) == cp.cumulativeRoot
            && checkpoints.isAccepted(checkpointIndex, cp);
    }

    /// @notice Whether `record` is leaf `leafIndex` of the `leafCount`-leaf dataset of block `blk`, and `blk` is in
    ///         the cumulative root of accepted checkpoint number `checkpointIndex`. Reverts with
    ///         `DatasetProofs.MalformedProof` / `CvmAccumulator.MalformedAccumulatorProof` on a proof of the wrong
    ///         shape.
    function verifyRecord(
        uint64 checkpointIndex,
        Checkpoint calldata cp,
        CvmBlockRef calldata blk,
        bytes32[] calldata blockSiblings,
        bytes calldata record,
        uint256 leafIndex,
        uint256 leafCount,
        bytes32[] calldata recordSiblings
    ) external view returns (bool) {
        return DatasetProofs.verify(blk.datasetRoot, record, leafIndex, leafCount, recordSiblings)
            && verifyBlock(checkpointIndex, cp, blk, blockSiblings);
    }

    /// @notice Whether `record` is in a dataset of block `blk` — record proof to the dataset's root, dataset proof to
    ///         the block's `datasetRoot` (`leafCount = 0`: the block's only dataset) — and `blk` is in the cumulative
    ///         root of accepted checkpoint number `checkpointIndex`. A dataset proof's `recordCount` must equal the
    ///         record proof's `leafCount`. Reverts like `verifyRecord` on a proof of the wrong shape.
    function verifyDatasetRecord(
        uint64 checkpointIndex,
        Checkpoint calldata cp,
        CvmBlockRef calldata blk,
        bytes32[] calldata blockSiblings,
        DatasetProof calldata datasetProof,
        RecordProof calldata recordProof,
        bytes calldata record
    ) external view returns (bool) {
        bytes32 root = BlockDatasets.blockRoot(record, recordProof, datasetProof);
        return root != bytes32(0) && root == blk.datasetRoot && verifyBlock(checkpointIndex, cp, blk, blockSiblings);
    }
}
