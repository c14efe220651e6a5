// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmAttestedRecordsTypes} from "../interfaces/avs/ICvmAttestedRecords.sol";
import {DatasetProofs} from "./DatasetProofs.sol";

/// @title BlockDatasets — from a record to a CVM block's combined dataset root (docs/PROOFS.md).
/// @notice A CVM block's dataset root — the `datasetRoot` of a task response and the third field of the block's
///         checkpoint-accumulator leaf, both `CvmTaskComputer.datasetRoot(header)` in Java — is the only dataset's root
///         for a manuscript with one dataset sink, else the `DatasetProofs` tree over `encode(name, recordCount, root)`
///         sorted by name. Shared by the task path (`CvmAttestedRecords`) and the checkpoint path
///         (`CvmCheckpointVerifier`, `CvmRecordVerifier`).
library BlockDatasets {
    /// @notice The block dataset root implied by `record` and its two proofs, or bytes32(0) when the dataset proof
    ///         names a record count that is not the record proof's `leafCount`. Reverts with
    ///         `DatasetProofs.MalformedProof` on a proof of the wrong shape.
    function blockRoot(
        bytes calldata record,
        ICvmAttestedRecordsTypes.RecordProof calldata rp,
        ICvmAttestedRecordsTypes.DatasetProof calldata dp
    ) internal pure returns (bytes32) {
        if (dp.leafCount != 0 && rp.leafCount != dp.recordCount) {
            return bytes32(0);
        }
        bytes32 datasetRoot =
            DatasetProofs.computeRoot(DatasetProofs.hashLeaf(record), rp.leafIndex, rp.leafCount, rp.siblings);
        return fromDatasetRoot(datasetRoot, dp);
    }

    /// @notice The block dataset root implied by one dataset's root and its dataset proof (`leafCount = 0`: the
    ///         block has this one dataset, the proof must be empty).
    function fromDatasetRoot(bytes32 datasetRoot, ICvmAttestedRecordsTypes.DatasetProof calldata p)
        internal
        pure
        returns (bytes32)
    {
        if (p.leafCount == 0) {
            if (p.siblings.length != 0 || p.leafIndex != 0) {
                revert DatasetProofs.MalformedProof(p.leafIndex, p.leafCount, p.siblings.length);
            }
            return datasetRoot;
        }
        return DatasetProofs.computeRoot(
            DatasetProofs.hashLeaf(entry(p.name, p.recordCount, datasetRoot)), p.leafIndex, p.leafCount, p.siblings
        );
    }

    /// @notice `encode(name, recordCount, root)` in the canonical record encoding: 3 fields, STRING, INTEGER, BYTES.
    function entry(string calldata name, uint64 recordCount, bytes32 root) internal pure returns (bytes memory) {
        bytes calldata n = bytes(name);
        return abi.encodePacked(
            uint32(3), bytes1(0x05), uint32(n.length), n, bytes1(0x02), recordCount, bytes1(0x06), uint32(32), root
        );
    }
}
