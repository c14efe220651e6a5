// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AnchorRegistry} from "../../src/storage/AnchorRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Test} from "forge-std/Test.sol";

contract AnchorRegistry_Base is Test {
    AnchorRegistry internal registry;
    address internal owner = address(0x0A);
    address internal submitter = address(0x5B);
    bytes32 internal constant STREAM = keccak256("manuscript");
    bytes internal constant LOCATORS = hex"01056c6f63616c0004abcd";

    function setUp() public virtual {
        registry = new AnchorRegistry(owner, submitter);
    }

    function _anchor(uint64 first, uint64 last, bytes32 groupHash) internal {
        vm.prank(submitter);
        registry.anchor(STREAM, first, last, 1000, groupHash, keccak256("data"), keccak256("audit"), LOCATORS);
    }
}

contract AnchorRegistry_Anchor is AnchorRegistry_Base {
    function test_AnchorsContiguousGroupsAndEmitsTheReceipt() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit AnchorRegistry.GroupAnchored(
            STREAM, 0, keccak256("g0"), 9, 1000, keccak256("data"), keccak256("audit"), keccak256(LOCATORS), LOCATORS
        );
        _anchor(0, 9, keccak256("g0"));
        _anchor(10, 10, keccak256("g1"));
        assertEq(registry.nextHeight(STREAM), 11);
        assertEq(registry.groupCount(STREAM), 2);
        AnchorRegistry.Anchor memory a = registry.anchorOf(keccak256("g1"));
        assertEq(a.firstHeight, 10);
        assertEq(a.lastHeight, 10);
        assertEq(a.blockNumber, block.number);
        assertEq(a.stream, STREAM);
        assertEq(a.fileSize, 1000);
        assertEq(a.auditRoot, keccak256("audit"));
        assertEq(a.locatorsHash, keccak256(LOCATORS));
        assertEq(registry.anchorOf(keccak256("never")).blockNumber, 0);
    }

    function test_StreamsAreIndependent() public {
        _anchor(0, 4, keccak256("g0"));
        vm.prank(submitter);
        registry.anchor(keccak256("other"), 0, 2, 1000, keccak256("o0"), keccak256("d"), keccak256("a"), LOCATORS);
        assertEq(registry.nextHeight(keccak256("other")), 3);
        assertEq(registry.nextHeight(STREAM), 5);
    }

    function test_Revert_When_NotSubmitter() public {
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.NotSubmitter.selector, owner));
        vm.prank(owner);
        registry.anchor(STREAM, 0, 1, 1000, keccak256("g0"), keccak256("d"), keccak256("a"), LOCATORS);
    }

    function test_Revert_When_AlreadyAnchored() public {
        _anchor(0, 9, keccak256("g0"));
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.AlreadyAnchored.selector, keccak256("g0"), 0));
        _anchor(0, 9, keccak256("g0"));
    }

    function test_Revert_When_HeightsNotContiguous_Gap() public {
        _anchor(0, 9, keccak256("g0"));
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.HeightsNotContiguous.selector, 11, 10));
        _anchor(11, 12, keccak256("g1"));
    }

    function test_Revert_When_HeightsNotContiguous_Overlap() public {
        _anchor(0, 9, keccak256("g0"));
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.HeightsNotContiguous.selector, 9, 10));
        _anchor(9, 12, keccak256("g1"));
    }

    function test_Revert_When_EmptyRange() public {
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.EmptyRange.selector, 5, 4));
        _anchor(5, 4, keccak256("g0"));
    }

    function test_Revert_When_ZeroRoot() public {
        vm.expectRevert(AnchorRegistry.ZeroRoot.selector);
        vm.prank(submitter);
        registry.anchor(STREAM, 0, 1, 1000, keccak256("g0"), bytes32(0), keccak256("a"), LOCATORS);
    }

    function test_Revert_When_ZeroFileSize() public {
        vm.expectRevert(AnchorRegistry.ZeroFileSize.selector);
        vm.prank(submitter);
        registry.anchor(STREAM, 0, 1, 0, keccak256("g0"), keccak256("d"), keccak256("a"), LOCATORS);
    }

    function test_Revert_When_NoLocators() public {
        vm.expectRevert(AnchorRegistry.NoLocators.selector);
        vm.prank(submitter);
        registry.anchor(STREAM, 0, 1, 1000, keccak256("g0"), keccak256("d"), keccak256("a"), "");
    }

    function testFuzz_AnyContiguousSplitIsAcceptedAndAnyOtherStartRefused(uint8[8] memory lengths, uint64 wrong)
        public
    {
        uint64 next;
        for (uint256 i; i < lengths.length; ++i) {
            uint64 last = next + uint64(lengths[i]);
            bytes32 g = keccak256(abi.encode(i));
            if (wrong != next) {
                vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.HeightsNotContiguous.selector, wrong, next));
                vm.prank(submitter);
                registry.anchor(STREAM, wrong, wrong, 1000, g, keccak256("d"), keccak256("a"), LOCATORS);
            }
            _anchor(next, last, g);
            next = last + 1;
            assertEq(registry.nextHeight(STREAM), next);
        }
        assertEq(registry.groupCount(STREAM), lengths.length);
    }
}

contract AnchorRegistry_Submitter is AnchorRegistry_Base {
    function test_OwnerReplacesTheSubmitter() public {
        vm.expectEmit(true, true, false, false, address(registry));
        emit AnchorRegistry.SubmitterChanged(submitter, address(0x77));
        vm.prank(owner);
        registry.setSubmitter(address(0x77));
        assertEq(registry.submitter(), address(0x77));
        vm.expectRevert(abi.encodeWithSelector(AnchorRegistry.NotSubmitter.selector, submitter));
        _anchor(0, 1, keccak256("g0"));
    }

    function test_Revert_When_SetSubmitterByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, submitter));
        vm.prank(submitter);
        registry.setSubmitter(submitter);
    }

    function test_Revert_When_ZeroSubmitter() public {
        vm.expectRevert(AnchorRegistry.ZeroSubmitter.selector);
        vm.prank(owner);
        registry.setSubmitter(address(0));
        vm.expectRevert(AnchorRegistry.ZeroSubmitter.selector);
        new AnchorRegistry(owner, address(0));
    }
}
