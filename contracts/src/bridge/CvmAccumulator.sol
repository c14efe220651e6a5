// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title CvmAccumulator — proofs against the append-only depth-32 Merkle accumulators of the checkpoint spec.
/// @notice Shape (`/docs/BRIDGE.md`, "Accumulators"; the Ethereum deposit contract's tree without the length mix-in):
///         depth 32, empty leaf = bytes32(0), zero[0] = 0, zero[i+1] = keccak256(zero[i] ‖ zero[i]),
///         node = keccak256(left ‖ right); a proof of leaf i is its sibling hashes bottom up and bit k of i says
///         whether the node at level k is a right child.
/// @dev A proof may leave out its top siblings when they are empty subtrees (zero[k]): a caller with a tree of
///      n ≤ 2^k leaves sends k siblings instead of 32 (calldata is most of a claim's cost). The root is the same
///      depth-32 root either way, so a full 32-sibling proof verifies too.
library CvmAccumulator {
    uint256 internal constant DEPTH = 32;

    /// @notice The proof has more than 32 siblings, or the index does not fit in 32 bits.
    error MalformedAccumulatorProof(uint256 index, uint256 siblingCount);

    /// @notice Leaf of the CVM-block accumulator.
    function blockLeaf(uint64 cvmHeight, bytes32 cvmBlockHash, bytes32 datasetRoot) internal pure returns (bytes32) {
        return keccak256(abi.encode(cvmHeight, cvmBlockHash, datasetRoot));
    }

    /// @notice Leaf of the withdrawals accumulator.
    function withdrawalLeaf(uint64 nonce, address recipient, uint256 amount) internal pure returns (bytes32) {
        return keccak256(abi.encode(nonce, recipient, amount));
    }

    /// @notice Depth-32 root implied by `leaf` at `index` and its (possibly shortened) proof.
    function computeRoot(bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        internal
        pure
        returns (bytes32 node)
    {
        uint256 n = siblings.length;
        if (n > DEPTH || index >> DEPTH != 0) revert MalformedAccumulatorProof(index, n);
        node = leaf;
        bytes32 zero; // zero[level]
        for (uint256 level; level < DEPTH; ++level) {
            bytes32 sibling = level < n ? siblings[level] : zero;
            node = (index >> level) & 1 == 1 ? _hash(sibling, node) : _hash(node, sibling);
            zero = _hash(zero, zero);
        }
    }

    /// @notice `computeRoot` for a proof held in memory (e.g. decoded from an anchor by `CvmRecordVerifier`).
    /// @dev The same fold as `computeRoot`, kept twice on purpose: one memory version for both would make every
    ///      calldata caller copy its proof first, +150..365 gas on `verifyRecord` and ≈ +360 on each `claimWithdrawal`
    ///      (measured when the two were merged and reverted, 2026-12-06).
    ///      `CvmCheckpointVector.testFuzz_CalldataAndMemoryFoldsAgree` checks both agree.
    function computeRootMemory(bytes32 leaf, uint256 index, bytes32[] memory siblings)
        internal
        pure
        returns (bytes32 node)
    {
        uint256 n = siblings.length;
        if (n > DEPTH || index >> DEPTH != 0) revert MalformedAccumulatorProof(index, n);
        node = leaf;
        bytes32 zero; // zero[level]
        for (uint256 level; level < DEPTH; ++level) {
            bytes32 sibling = level < n ? siblings[level] : zero;
            node = (index >> level) & 1 == 1 ? _hash(sibling, node) : _hash(node, sibling);
            zero = _hash(zero, zero);
        }
    }

    function _hash(bytes32 a, bytes32 b) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            h := keccak256(0x00, 0x40)
        }
    }
}
