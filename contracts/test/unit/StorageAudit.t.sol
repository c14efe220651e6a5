// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {StorageAudit} from "../../src/storage/StorageAudit.sol";
import {Test} from "forge-std/Test.sol";

/// @dev A 3-chunk file (8192 + 8192 + 100 bytes); the audit tree is built here from the tree's definition
///      (leaf = keccak256(0x00 ‖ chunk), node = keccak256(0x01 ‖ l ‖ r), root = node(node(l0, l1), l2)).
contract StorageAudit_Dispute is Test {
    StorageAudit internal audit;
    address internal holder = address(0xB0B);
    bytes32 internal constant GROUP = keccak256("group");
    bytes[3] internal chunks;
    bytes32[3] internal leaves;
    bytes32 internal root;
    uint64 internal constant SIZE = 8192 * 2 + 100;

    function setUp() public {
        audit = new StorageAudit(address(this), 1 hours);
        for (uint256 i = 0; i < 3; i++) {
            uint256 len = i < 2 ? 8192 : 100;
            bytes memory c = new bytes(len);
            for (uint256 j = 0; j < len; j += 32) {
                bytes32 word = keccak256(abi.encode(i, j));
                for (uint256 k = 0; k < 32 && j + k < len; k++) {
                    c[j + k] = word[k];
                }
            }
            chunks[i] = c;
            leaves[i] = keccak256(abi.encodePacked(bytes1(0x00), c));
        }
        bytes32 left = keccak256(abi.encodePacked(bytes1(0x01), leaves[0], leaves[1]));
        root = keccak256(abi.encodePacked(bytes1(0x01), left, leaves[2]));
        audit.assign(GROUP, root, SIZE, holder);
    }

    function _path(uint32 index) internal view returns (bytes32[] memory s) {
        if (index == 2) {
            s = new bytes32[](1);
            s[0] = keccak256(abi.encodePacked(bytes1(0x01), leaves[0], leaves[1]));
        } else {
            s = new bytes32[](2);
            s[0] = leaves[1 - index];
            s[1] = leaves[2];
        }
    }

    function test_HolderAnswersEveryChunk() public {
        for (uint32 i = 0; i < 3; i++) {
            audit.challenge(GROUP, i);
            bytes memory c = chunks[i];
            bytes32[] memory p = _path(i);
            vm.prank(holder);
            uint256 before = gasleft();
            audit.respond(GROUP, c, p);
            emit log_named_uint("respond gas (call, without the 21k base and calldata)", before - gasleft());
            (address challenger,,) = audit.disputes(GROUP);
            assertEq(challenger, address(0));
        }
    }

    function test_WrongChunkReverts_ThenMissedDeadlineFails() public {
        audit.challenge(GROUP, 1);
        bytes memory bad = chunks[1];
        bad[10] = bad[10] ^ 0x01;
        vm.prank(holder);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongChunk.selector, uint32(1)));
        audit.respond(GROUP, bad, _path(1));

        vm.prank(holder);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongChunkLength.selector, uint256(100), uint256(8192)));
        audit.respond(GROUP, chunks[2], _path(1));

        vm.expectRevert();
        audit.expire(GROUP);
        vm.warp(block.timestamp + 1 hours + 1);
        vm.prank(holder);
        vm.expectRevert();
        audit.respond(GROUP, chunks[1], _path(1));
        vm.expectEmit(true, true, false, true);
        emit StorageAudit.AuditFailed(GROUP, holder, 1);
        audit.expire(GROUP);
    }

    function test_OnlyTheHolderAnswers_OnlyTheOwnerAssigns_IndexInRange() public {
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.IndexOutOfRange.selector, uint32(3), uint256(3)));
        audit.challenge(GROUP, 3);
        audit.challenge(GROUP, 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.DisputeOpen.selector, GROUP));
        audit.challenge(GROUP, 1);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotHolder.selector, address(this)));
        audit.respond(GROUP, chunks[0], _path(0));
        vm.prank(holder);
        vm.expectRevert();
        audit.assign(keccak256("other"), root, SIZE, holder);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AlreadyAssigned.selector, GROUP));
        audit.assign(GROUP, root, SIZE, holder);
    }
}
