// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManager, ICvmTaskManagerTypes} from "./ICvmTaskManager.sol";

interface ICvmAttestedRecordsTypes {
    /// @notice From a dataset's root to the `datasetRoot` a task response carries (docs/PROOFS.md).
    ///         A manuscript with one dataset sink attests that dataset's root itself: `leafCount == 0`, no siblings,
    ///         and `name`/`recordCount` are not bound by the response. With several, `datasetRoot` is the Merkle root
    ///         over `encode(name, recordCount, root)` (canonical record encoding) sorted by name, and this is the
    ///         inclusion proof of the entry for `name` (`leafIndex` of `leafCount` entries).
    struct DatasetProof {
        string name;
        uint64 recordCount;
        uint256 leafIndex;
        uint256 leafCount;
        bytes32[] siblings;
    }

    /// @notice From a record to its dataset's root: leaf `leafIndex` of `leafCount` records, siblings bottom-up.
    struct RecordProof {
        uint256 leafIndex;
        uint256 leafCount;
        bytes32[] siblings;
    }
}

/// @title ICvmAttestedRecords — is a record in a dataset that the operators attested for a responded task?
interface ICvmAttestedRecords is ICvmAttestedRecordsTypes {
    /// @notice True when `response`/`meta` are what `taskManager` stored for task `response.referenceTaskIndex`
    ///         (`taskResponseHash`), the response was not invalidated by a fulfilled challenge, `datasetProof` leads
    ///         from the dataset's root to `response.datasetRoot` and `recordProof` from `record` to that dataset
    ///         root (with `recordProof.leafCount == datasetProof.recordCount` when several datasets are attested).
    ///         False for an unknown task or any mismatch; reverts only on a proof whose shape is malformed
    ///         (`DatasetProofs.MalformedProof`). Does not check the challenge window: see `isFinal`.
    function verifyAttestedRecord(
        ICvmTaskManager taskManager,
        ICvmTaskManagerTypes.TaskResponse calldata response,
        ICvmTaskManagerTypes.TaskResponseMetadata calldata meta,
        DatasetProof calldata datasetProof,
        RecordProof calldata recordProof,
        bytes calldata record
    ) external view returns (bool);

    /// @notice True once the response's challenge window has passed (`block.number > taskRespondedBlock +
    ///         challengeWindowBlock`, the bound `raiseChallenge` enforces) and it was not invalidated. A pending
    ///         challenge may still invalidate it during the veto window; callers that need more wait longer.
    function isFinal(
        ICvmTaskManager taskManager,
        ICvmTaskManagerTypes.TaskResponseMetadata calldata meta,
        uint32 taskIndex
    ) external view returns (bool);

    /// @notice True when `task` is what `taskManager` stored for `taskIndex` (`taskHash`): binds a response to the
    ///         manuscript (`task.manuscriptHash`) and input it was computed from.
    function isTask(ICvmTaskManager taskManager, uint32 taskIndex, ICvmTaskManagerTypes.Task calldata task)
        external
        view
        returns (bool);

    /// @notice The response's `datasetRoot` implied by a dataset root and its `DatasetProof`.
    function responseDatasetRoot(bytes32 datasetRoot, DatasetProof calldata datasetProof)
        external
        pure
        returns (bytes32);
}
