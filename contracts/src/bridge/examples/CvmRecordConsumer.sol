// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmCheckpointVerifier} from "../CvmCheckpointVerifier.sol";
import {ICvmCheckpointsTypes} from "../ICvmCheckpoints.sol";

/// @title CvmRecordConsumer — example: a contract that acts only on CVM dataset records proven by a checkpoint.
/// @notice `prove` stores, per record hash, the CVM height whose dataset holds it; a real consumer would act on the
///         record's content (e.g. pay out on an observed transfer) instead of only recording it.
contract CvmRecordConsumer is ICvmCheckpointsTypes {
    error RecordNotProven();

    event RecordProven(bytes32 indexed recordHash, uint64 indexed cvmHeight, bytes32 datasetRoot);

    CvmCheckpointVerifier public immutable verifier;
    /// @notice CVM height at which a record was proven (0: never).
    mapping(bytes32 recordHash => uint64 cvmHeight) public provenAt;

    constructor(CvmCheckpointVerifier verifier_) {
        verifier = verifier_;
    }

    function prove(
        uint64 checkpointIndex,
        Checkpoint calldata cp,
        CvmCheckpointVerifier.CvmBlockRef calldata blk,
        bytes32[] calldata blockSiblings,
        bytes calldata record,
        uint256 leafIndex,
        uint256 leafCount,
        bytes32[] calldata recordSiblings
    ) external {
        if (!verifier.verifyRecord(
                checkpointIndex, cp, blk, blockSiblings, record, leafIndex, leafCount, recordSiblings
            )) revert RecordNotProven();
        bytes32 h = keccak256(record);
        provenAt[h] = blk.cvmHeight;
        emit RecordProven(h, blk.cvmHeight, blk.datasetRoot);
    }
}
