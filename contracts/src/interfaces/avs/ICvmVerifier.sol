// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../libraries/BN254.sol";

/// @title ICvmVerifier — stateless checks for data consumers and tooling.
/// @notice Lets anyone verify, with a plain `eth_call` on any chain where it is deployed, what the AVS contracts
///         verify internally: EigenLayer-style BLS signatures on BN254 and inclusion of a record in an attested
///         dataset root (`docs/PROOFS.md`). Nothing is stored; every function is a view.
interface ICvmVerifier {
    /// @notice Try-and-increment hash of a 32-byte digest to G1, exactly as signatures are made.
    function hashToG1(bytes32 digest) external view returns (BN254.G1Point memory);

    /// @notice Checks `sigma` as a (possibly aggregate) signature over `digest` by the key whose G1 and G2 halves are
    ///         `apk` and `apkG2`, with the γ-randomised pairing check used by `CvmTaskManager.respondToTask`.
    /// @return pairingSuccessful false when an input is not a valid curve point (the precompile rejected it).
    /// @return signatureIsValid true only when the pairing check holds.
    function verifySignature(
        bytes32 digest,
        BN254.G1Point calldata apk,
        BN254.G2Point calldata apkG2,
        BN254.G1Point calldata sigma
    ) external view returns (bool pairingSuccessful, bool signatureIsValid);

    /// @notice Leaf hash of a canonical record: keccak256(0x00 ‖ record).
    function recordLeafHash(bytes calldata record) external pure returns (bytes32);

    /// @notice Whether `record` is leaf `leafIndex` of the `leafCount`-leaf dataset tree with root `root`.
    /// @dev Reverts with `DatasetProofs.MalformedProof` when `leafIndex >= leafCount` or the number of siblings does
    ///      not fit the tree's shape.
    function verifyRecord(
        bytes32 root,
        bytes calldata record,
        uint256 leafIndex,
        uint256 leafCount,
        bytes32[] calldata siblings
    ) external pure returns (bool);
}
