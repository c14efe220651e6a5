// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title DatasetProofs — inclusion of a record in an attested `datasetRoot` (docs/PROOFS.md).
/// @notice Tree shape (shared with the Java side, RFC 6962): leaves in canonical record order,
///         `leaf = keccak256(0x00 ‖ record)`, `node = keccak256(0x01 ‖ left ‖ right)`, a range of n > 1 leaves is
///         split at k = the largest power of two < n (left k leaves, right n − k), no duplicated odd leaves;
///         empty tree root = keccak256(""). A proof is (leafIndex, leafCount, siblings bottom-up).
library DatasetProofs {
    /// @notice The proof's index, count or sibling count is inconsistent with the RFC 6962 shape.
    error MalformedProof(uint256 leafIndex, uint256 leafCount, uint256 siblingCount);

    function hashLeaf(bytes memory record) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), record));
    }

    function hashNode(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore8(m, 0x01)
            mstore(add(m, 1), left)
            mstore(add(m, 33), right)
            h := keccak256(m, 65)
        }
    }

    /// @notice Root of the empty tree.
    function emptyRoot() internal pure returns (bytes32) {
        return keccak256("");
    }

    /// @notice Root implied by a leaf hash and its audit path. Reverts with `MalformedProof` on a bad shape.
    function computeRoot(bytes32 leafHash, uint256 leafIndex, uint256 leafCount, bytes32[] memory siblings)
        internal
        pure
        returns (bytes32)
    {
        if (leafIndex >= leafCount) revert MalformedProof(leafIndex, leafCount, siblings.length);
        return _root(leafHash, leafIndex, leafCount, siblings, siblings.length);
    }

    /// @dev Walks top-down (recursively) so the split points match RFC 6962; siblings are consumed from the end
    ///      (the top sibling is the last element, since the array is bottom-up).
    function _root(bytes32 leafHash, uint256 index, uint256 count, bytes32[] memory siblings, uint256 remaining)
        private
        pure
        returns (bytes32)
    {
        if (count == 1) {
            if (remaining != 0) revert MalformedProof(index, count, siblings.length);
            return leafHash;
        }
        if (remaining == 0) revert MalformedProof(index, count, siblings.length);
        uint256 k = _largestPowerOfTwoBelow(count);
        bytes32 sibling = siblings[remaining - 1];
        if (index < k) {
            return hashNode(_root(leafHash, index, k, siblings, remaining - 1), sibling);
        }
        return hashNode(sibling, _root(leafHash, index - k, count - k, siblings, remaining - 1));
    }

    /// @notice Whether `record` is the leaf at `leafIndex` of the `leafCount`-leaf tree with root `root`.
    function verify(bytes32 root, bytes memory record, uint256 leafIndex, uint256 leafCount, bytes32[] memory siblings)
        internal
        pure
        returns (bool)
    {
        return computeRoot(hashLeaf(record), leafIndex, leafCount, siblings) == root;
    }

    /// @dev Largest power of two strictly below n (n ≥ 2).
    function _largestPowerOfTwoBelow(uint256 n) private pure returns (uint256 k) {
        k = 1;
        while (k << 1 < n) {
            k <<= 1;
        }
    }
}
