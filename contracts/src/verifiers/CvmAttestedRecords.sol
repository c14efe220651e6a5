// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmAttestedRecords} from "../interfaces/avs/ICvmAttestedRecords.sol";
import {ICvmTaskManager, ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {BlockDatasets} from "../libraries/BlockDatasets.sol";
import {DatasetProofs} from "../libraries/DatasetProofs.sol";

/// @title CvmAttestedRecords — one call from a record to a responded CVM task (see ICvmAttestedRecords).
/// @notice Stateless; a separate contract because `CvmVerifier` is pure by design and `CvmTaskManager` is at the
///         contract-size limit. Works with any task manager that exposes `taskResponseHash`, `taskHash`,
///         `responseInvalidated` and `config`.
contract CvmAttestedRecords is ICvmAttestedRecords {
    /// @inheritdoc ICvmAttestedRecords
    function verifyAttestedRecord(
        ICvmTaskManager taskManager,
        ICvmTaskManagerTypes.TaskResponse calldata response,
        ICvmTaskManagerTypes.TaskResponseMetadata calldata meta,
        DatasetProof calldata datasetProof,
        RecordProof calldata recordProof,
        bytes calldata record
    ) external view returns (bool) {
        uint32 taskIndex = response.referenceTaskIndex;
        bytes32 stored = taskManager.taskResponseHash(taskIndex);
        // An unknown or unanswered task stores zero, which no keccak256 output equals in practice.
        if (stored == bytes32(0) || keccak256(abi.encode(response, meta)) != stored) return false;
        if (taskManager.responseInvalidated(taskIndex)) return false;
        if (datasetProof.leafCount != 0 && recordProof.leafCount != datasetProof.recordCount) return false;
        bytes32 datasetRoot = DatasetProofs.computeRoot(
            DatasetProofs.hashLeaf(record), recordProof.leafIndex, recordProof.leafCount, recordProof.siblings
        );
        return BlockDatasets.fromDatasetRoot(datasetRoot, datasetProof) == response.datasetRoot;
    }

    /// @inheritdoc ICvmAttestedRecords
    function isFinal(
        ICvmTaskManager taskManager,
        ICvmTaskManagerTypes.TaskResponseMetadata calldata meta,
        uint32 taskIndex
    ) external view returns (bool) {
        uint256 deadline = uint256(meta.taskRespondedBlock) + taskManager.config().challengeWindowBlock;
        return block.number > deadline && !taskManager.responseInvalidated(taskIndex);
    }

    /// @inheritdoc ICvmAttestedRecords
    function isTask(ICvmTaskManager taskManager, uint32 taskIndex, ICvmTaskManagerTypes.Task calldata task)
        external
        view
        returns (bool)
    {
        bytes32 stored = taskManager.taskHash(taskIndex);
        return stored != bytes32(0) && keccak256(abi.encode(task)) == stored;
    }

    /// @inheritdoc ICvmAttestedRecords
    function responseDatasetRoot(bytes32 datasetRoot, DatasetProof calldata datasetProof)
        external
        pure
        returns (bytes32)
    {
        return BlockDatasets.fromDatasetRoot(datasetRoot, datasetProof);
    }

    /// @notice `encode(name, recordCount, root)` in the canonical record encoding: 3 fields, STRING, INTEGER, BYTES.
    function datasetEntry(string calldata name, uint64 recordCount, bytes32 root) public pure returns (bytes memory) {
        return BlockDatasets.entry(name, recordCount, root);
    }
}
