// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {DatasetProofs} from "../../src/libraries/DatasetProofs.sol";
import {Test} from "forge-std/Test.sol";

contract DatasetProofsHarness {
    function verify(bytes32 root, bytes memory record, uint256 index, uint256 count, bytes32[] memory siblings)
        external
        pure
        returns (bool)
    {
        return DatasetProofs.verify(root, record, index, count, siblings);
    }
}

/// @dev Reference tree built top-down in the test, straight from the RFC 6962 definition (independent of the
///      library's proof walk).
contract DatasetProofs_Verify is Test {
    DatasetProofsHarness internal h = new DatasetProofsHarness();

    function _record(uint256 i) internal pure returns (bytes memory) {
        return abi.encodePacked("record-", i);
    }

    function _k(uint256 n) internal pure returns (uint256 k) {
        k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
    }

    function _root(uint256 lo, uint256 hi) internal pure returns (bytes32) {
        uint256 n = hi - lo;
        if (n == 0) return keccak256("");
        if (n == 1) return keccak256(abi.encodePacked(bytes1(0x00), _record(lo)));
        uint256 k = _k(n);
        return keccak256(abi.encodePacked(bytes1(0x01), _root(lo, lo + k), _root(lo + k, hi)));
    }

    /// Audit path bottom-up.
    function _path(uint256 index, uint256 lo, uint256 hi) internal pure returns (bytes32[] memory p) {
        uint256 n = hi - lo;
        if (n == 1) return new bytes32[](0);
        uint256 k = _k(n);
        bytes32[] memory sub;
        bytes32 sibling;
        if (index < lo + k) {
            sub = _path(index, lo, lo + k);
            sibling = _root(lo + k, hi);
        } else {
            sub = _path(index, lo + k, hi);
            sibling = _root(lo, lo + k);
        }
        p = new bytes32[](sub.length + 1);
        for (uint256 i; i < sub.length; ++i) {
            p[i] = sub[i];
        }
        p[sub.length] = sibling;
    }

    function test_EmptyRootAndSingleLeaf() public view {
        assertEq(DatasetProofs.emptyRoot(), keccak256(""));
        bytes32 leaf = DatasetProofs.hashLeaf(_record(0));
        assertTrue(h.verify(leaf, _record(0), 0, 1, new bytes32[](0)));
    }

    function test_ThreeLeafShape() public view {
        // n = 3: root = node(node(l0, l1), l2) — the odd leaf is promoted, not duplicated
        bytes32 l0 = DatasetProofs.hashLeaf(_record(0));
        bytes32 l1 = DatasetProofs.hashLeaf(_record(1));
        bytes32 l2 = DatasetProofs.hashLeaf(_record(2));
        bytes32 root = DatasetProofs.hashNode(DatasetProofs.hashNode(l0, l1), l2);
        assertEq(root, _root(0, 3));
        bytes32[] memory p = new bytes32[](1);
        p[0] = DatasetProofs.hashNode(l0, l1);
        assertTrue(h.verify(root, _record(2), 2, 3, p));
    }

    function test_EveryLeafOfSmallTrees() public view {
        for (uint256 n = 1; n <= 9; ++n) {
            bytes32 root = _root(0, n);
            for (uint256 i; i < n; ++i) {
                assertTrue(h.verify(root, _record(i), i, n, _path(i, 0, n)));
                assertFalse(h.verify(root, _record(i + 100), i, n, _path(i, 0, n)));
            }
        }
    }

    function testFuzz_ProofVerifies(uint256 n, uint256 i) public view {
        n = bound(n, 1, 40);
        i = bound(i, 0, n - 1);
        assertTrue(h.verify(_root(0, n), _record(i), i, n, _path(i, 0, n)));
    }

    function test_Revert_WhenIndexOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, 3, 3, 0));
        h.verify(bytes32(0), _record(0), 3, 3, new bytes32[](0));
    }

    function test_Revert_WhenTooFewSiblings() public {
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, 0, 2, 0));
        h.verify(bytes32(0), _record(0), 0, 2, new bytes32[](0));
    }

    function test_Revert_WhenTooManySiblings() public {
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, 0, 1, 1));
        h.verify(bytes32(0), _record(0), 0, 1, new bytes32[](1));
    }
}
