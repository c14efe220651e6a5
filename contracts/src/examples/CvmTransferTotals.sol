// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmAttestedRecords, ICvmAttestedRecordsTypes} from "../interfaces/avs/ICvmAttestedRecords.sol";
import {ICvmTaskManager, ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {CvmRecordCodec} from "../libraries/CvmRecordCodec.sol";

/// @title CvmTransferTotals — example consumer: an ERC-20 transfer total per address, accepted only from the dataset
///        the operators attested for a responded task of one manuscript.
/// @notice The dataset's records are `(address STRING "0x…", total DECIMAL, …)`: column 0 is the address, column 1 the
///         uint256 total (e.g. a manuscript `SELECT to_address, SUM(value) … GROUP BY to_address`). A record is
///         accepted when the task is one of `manuscriptHash`, the response is the stored one, the record is in the
///         dataset `datasetName` (by name when the manuscript has several datasets) and, if `requireFinal`, the
///         challenge window has passed. Later tasks overwrite earlier totals only with a higher task index.
contract CvmTransferTotals is ICvmAttestedRecordsTypes {
    using CvmRecordCodec for bytes;

    error NotTheManuscriptsTask(uint32 taskIndex);
    error WrongDataset(string name);
    error RecordNotAttested(uint32 taskIndex);
    error NotFinal(uint32 taskIndex);
    error StaleTask(uint32 taskIndex, uint32 acceptedTaskIndex);

    event TotalAccepted(address indexed account, uint256 total, uint32 indexed taskIndex);

    struct Total {
        uint256 total;
        uint32 taskIndex;
        bool known;
    }

    ICvmAttestedRecords public immutable attested;
    ICvmTaskManager public immutable taskManager;
    bytes32 public immutable manuscriptHash;
    /// @notice True when the manuscript has one dataset sink (its root is the response's `datasetRoot`).
    bool public immutable singleDataset;
    bool public immutable requireFinal;
    bytes32 public immutable datasetNameHash;

    mapping(address account => Total) public totals;

    constructor(
        ICvmAttestedRecords attested_,
        ICvmTaskManager taskManager_,
        bytes32 manuscriptHash_,
        string memory datasetName,
        bool singleDataset_,
        bool requireFinal_
    ) {
        attested = attested_;
        taskManager = taskManager_;
        manuscriptHash = manuscriptHash_;
        datasetNameHash = keccak256(bytes(datasetName));
        singleDataset = singleDataset_;
        requireFinal = requireFinal_;
    }

    /// @notice Accepts the record's (address, total); returns true (so an `eth_call` shows acceptance) or reverts.
    function accept(
        ICvmTaskManagerTypes.Task calldata task,
        ICvmTaskManagerTypes.TaskResponse calldata response,
        ICvmTaskManagerTypes.TaskResponseMetadata calldata meta,
        DatasetProof calldata datasetProof,
        RecordProof calldata recordProof,
        bytes calldata record
    ) external returns (bool) {
        uint32 taskIndex = response.referenceTaskIndex;
        if (task.manuscriptHash != manuscriptHash || !attested.isTask(taskManager, taskIndex, task)) {
            revert NotTheManuscriptsTask(taskIndex);
        }
        // The mode is the manuscript's, not the caller's: a single-dataset proof against a multi-dataset response
        // would pass off a dataset entry as a record.
        if (singleDataset != (datasetProof.leafCount == 0)) revert WrongDataset(datasetProof.name);
        if (!singleDataset && keccak256(bytes(datasetProof.name)) != datasetNameHash) {
            revert WrongDataset(datasetProof.name);
        }
        if (!attested.verifyAttestedRecord(taskManager, response, meta, datasetProof, recordProof, record)) {
            revert RecordNotAttested(taskIndex);
        }
        if (requireFinal && !attested.isFinal(taskManager, meta, taskIndex)) revert NotFinal(taskIndex);
        bytes memory r = record;
        address account = r.readAddress(0);
        uint256 total = r.readUint256(1);
        Total storage t = totals[account];
        if (t.known && t.taskIndex > taskIndex) revert StaleTask(taskIndex, t.taskIndex);
        t.total = total;
        t.taskIndex = taskIndex;
        t.known = true;
        emit TotalAccepted(account, total, taskIndex);
        return true;
    }
}
