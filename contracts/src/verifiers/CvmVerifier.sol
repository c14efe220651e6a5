// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmVerifier} from "../interfaces/avs/ICvmVerifier.sol";
import {BN254} from "../libraries/BN254.sol";
import {DatasetProofs} from "../libraries/DatasetProofs.sol";

/// @title CvmVerifier — stateless BLS and dataset-proof checks (see ICvmVerifier).
contract CvmVerifier is ICvmVerifier {
    /// @notice Gas for the inner check: hash-to-G1, two scalar multiplications and a 2-pair pairing need ≈ 200k; a
    ///         precompile that rejects its input consumes all gas it was given, so the inner call is capped.
    uint256 public constant VERIFY_GAS = 1_000_000;

    /// @inheritdoc ICvmVerifier
    function hashToG1(bytes32 digest) external view returns (BN254.G1Point memory) {
        return BN254.hashToG1(digest);
    }

    /// @inheritdoc ICvmVerifier
    function verifySignature(
        bytes32 digest,
        BN254.G1Point calldata apk,
        BN254.G2Point calldata apkG2,
        BN254.G1Point calldata sigma
    ) external view returns (bool pairingSuccessful, bool signatureIsValid) {
        // BN254 reverts when a precompile rejects its input (a point off the curve or outside the subgroup); report
        // that as an unsuccessful pairing instead of reverting, so callers can tell bad points from bad signatures.
        try this.verifyOrRevert{gas: VERIFY_GAS}(digest, apk, apkG2, sigma) returns (bool valid) {
            return (true, valid);
        } catch {
            return (false, false);
        }
    }

    /// @notice The check behind `verifySignature`; reverts on invalid points. External only for the try/catch.
    function verifyOrRevert(
        bytes32 digest,
        BN254.G1Point calldata apk,
        BN254.G2Point calldata apkG2,
        BN254.G1Point calldata sigma
    ) external view returns (bool) {
        return BN254.verifyAggregate(digest, apk, apkG2, sigma);
    }

    /// @inheritdoc ICvmVerifier
    function recordLeafHash(bytes calldata record) external pure returns (bytes32) {
        return DatasetProofs.hashLeaf(record);
    }

    /// @inheritdoc ICvmVerifier
    function verifyRecord(
        bytes32 root,
        bytes calldata record,
        uint256 leafIndex,
        uint256 leafCount,
        bytes32[] calldata siblings
    ) external pure returns (bool) {
        return DatasetProofs.verify(root, record, leafIndex, leafCount, siblings);
    }
}
