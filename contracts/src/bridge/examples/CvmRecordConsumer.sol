// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmAttestedRecordsTypes} from "../../interfaces/avs/ICvmAttestedRecords.sol";
import {CvmRecordVerifier} from "../../verifiers/CvmRecordVerifier.sol";

/// @title CvmRecordConsumer — example: a contract that acts only on CVM dataset records proven on Ethereum, by a
///        relayed checkpoint or by an AVS task response (`CvmRecordVerifier`, one call for both).
/// @notice `prove` stores, per record hash, the CVM block hash whose dataset holds it and which anchor proved it; a
///         real consumer would act on the record's content (e.g. pay out on an observed transfer, `CvmRecordCodec`),
///         bind the dataset (`datasetProof.name` for a block with several datasets, or know that its manuscript has
///         one) and may accept one anchor only (e.g. a task response only once `CvmAttestedRecords.isFinal`).
contract CvmRecordConsumer is ICvmAttestedRecordsTypes {
    error RecordNotProven();

    event RecordProven(bytes32 indexed recordHash, bytes32 indexed cvmBlockHash, CvmRecordVerifier.Anchor anchor);

    struct Proven {
        bytes32 cvmBlockHash;
        CvmRecordVerifier.Anchor anchor;
    }

    CvmRecordVerifier public immutable verifier;
    /// @notice Where a record was proven (anchor `None`: never).
    mapping(bytes32 recordHash => Proven) public proven;

    constructor(CvmRecordVerifier verifier_) {
        verifier = verifier_;
    }

    /// @param anchor `CvmRecordVerifier.taskAnchor(…)` or `checkpointAnchor(…)` (what `cvm-avs cvm prove-checkpoint`
    ///        prints as `anchor`)
    function prove(
        bytes calldata anchor,
        DatasetProof calldata datasetProof,
        RecordProof calldata recordProof,
        bytes calldata record
    ) external {
        (CvmRecordVerifier.Anchor kind, bytes32 blockHash) =
            verifier.verifyRecord(anchor, datasetProof, recordProof, record);
        if (kind == CvmRecordVerifier.Anchor.None) revert RecordNotProven();
        bytes32 h = keccak256(record);
        proven[h] = Proven(blockHash, kind);
        emit RecordProven(h, blockHash, kind);
    }
}
