// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStakingErrors, ICStakingEvents} from "../../src/interfaces/avs/ICStaking.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";

contract CStakingTestBase is CvmFixture {
    address internal operator = makeAddr("cOperator");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    bytes32 internal constant KEY = keccak256("ed25519 pubkey");

    function setUp() public virtual override {
        super.setUp();
        vm.prank(operator);
        d.cStaking.setConsensusKey(KEY);
    }

    function _stake(address who, uint256 amount) internal returns (uint256 shares) {
        d.cToken.mint(who, amount);
        vm.startPrank(who);
        d.cToken.approve(address(d.cStaking), amount);
        shares = d.cStaking.stake(operator, amount);
        vm.stopPrank();
    }

    function _slash(uint256 wad) internal {
        vm.prank(address(d.taskManager));
        d.cStaking.slash(operator, wad);
    }
}

contract CStaking_ConsensusKey is CStakingTestBase {
    function test_BindsAndRotates() public {
        assertEq(d.cStaking.consensusKeyOf(operator), KEY);
        assertEq(d.cStaking.operatorOfConsensusKey(KEY), operator);
        vm.expectEmit(true, true, false, true, address(d.cStaking));
        emit ICStakingEvents.ConsensusKeySet(operator, keccak256("new"));
        vm.prank(operator);
        d.cStaking.setConsensusKey(keccak256("new"));
        assertEq(d.cStaking.consensusKeyOf(operator), keccak256("new"));
        assertEq(d.cStaking.operatorOfConsensusKey(keccak256("new")), operator);
        // The rotated-out key stays the operator's: misbehaviour signed with it is still slashable.
        assertEq(d.cStaking.operatorOfConsensusKey(KEY), operator);
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.ConsensusKeyUnavailable.selector, KEY, operator));
        vm.prank(alice);
        d.cStaking.setConsensusKey(KEY);
        // ... and the operator may take it back.
        vm.prank(operator);
        d.cStaking.setConsensusKey(KEY);
        assertEq(d.cStaking.consensusKeyOf(operator), KEY);
    }

    function test_Revert_WhenKeyTaken() public {
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.ConsensusKeyUnavailable.selector, KEY, operator));
        vm.prank(alice);
        d.cStaking.setConsensusKey(KEY);
    }

    function test_Revert_WhenKeyZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICStakingErrors.ConsensusKeyUnavailable.selector, bytes32(0), address(0))
        );
        vm.prank(alice);
        d.cStaking.setConsensusKey(bytes32(0));
    }
}

contract CStaking_Stake is CStakingTestBase {
    function test_StakesAndEmits() public {
        d.cToken.mint(alice, 10 ether);
        vm.startPrank(alice);
        d.cToken.approve(address(d.cStaking), 10 ether);
        vm.expectEmit(true, true, false, true, address(d.cStaking));
        emit ICStakingEvents.Staked(alice, operator, KEY, 10 ether, 10 ether);
        d.cStaking.stake(operator, 10 ether);
        vm.stopPrank();
        assertEq(d.cStaking.operatorStake(operator), 10 ether);
        assertEq(d.cStaking.stakeOf(alice, operator), 10 ether);
        assertEq(d.cStaking.sharesOf(alice, operator), 10 ether);
        assertEq(d.cToken.balanceOf(address(d.cStaking)), 10 ether);
    }

    function test_Revert_WhenZero() public {
        vm.expectRevert(ICStakingErrors.ZeroAmount.selector);
        d.cStaking.stake(operator, 0);
    }

    function test_Revert_WhenOperatorHasNoKey() public {
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.NoConsensusKey.selector, alice));
        d.cStaking.stake(alice, 1);
    }

    function test_Revert_WhenPoolFullySlashed() public {
        _stake(alice, 1 ether);
        _slash(1e18);
        d.cToken.mint(bob, 1 ether);
        vm.startPrank(bob);
        d.cToken.approve(address(d.cStaking), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.PoolFullySlashed.selector, operator));
        d.cStaking.stake(operator, 1 ether);
        vm.stopPrank();
    }
}

contract CStaking_UnstakeWithdraw is CStakingTestBase {
    function test_UnbondsThenWithdraws() public {
        _stake(alice, 10 ether);
        vm.prank(alice);
        uint256 id = d.cStaking.unstake(operator, 4 ether);
        assertEq(d.cStaking.operatorStake(operator), 6 ether);
        assertEq(d.cStaking.unbondingAmount(id), 4 ether);
        vm.expectRevert(
            abi.encodeWithSelector(ICStakingErrors.StillUnbonding.selector, id, uint64(block.timestamp + 7 days))
        );
        vm.prank(alice);
        d.cStaking.withdraw(id);
        vm.warp(block.timestamp + 7 days);
        vm.prank(alice);
        assertEq(d.cStaking.withdraw(id), 4 ether);
        assertEq(d.cToken.balanceOf(alice), 4 ether);
        assertEq(d.cStaking.unbondingAmount(id), 0);
    }

    function test_UnbondingStakeIsSlashable() public {
        _stake(alice, 10 ether);
        vm.prank(alice);
        uint256 id = d.cStaking.unstake(operator, 10 ether);
        _slash(0.5e18);
        vm.warp(block.timestamp + 7 days);
        vm.prank(alice);
        assertEq(d.cStaking.withdraw(id), 5 ether);
    }

    function test_FullySlashedUnbondingStartsNewEpoch() public {
        _stake(alice, 10 ether);
        vm.prank(alice);
        uint256 oldId = d.cStaking.unstake(operator, 5 ether);
        _slash(1e18);
        assertEq(d.cStaking.unbondingAmount(oldId), 0);
        // the active pool is empty too, so new stake is refused; a new unbonding epoch starts for fresh requests
        assertEq(d.cStaking.operatorStake(operator), 0);
        address carol = makeAddr("carol");
        vm.prank(carol);
        d.cStaking.setConsensusKey(keccak256("carol"));
        d.cToken.mint(alice, 2 ether);
        vm.startPrank(alice);
        d.cToken.approve(address(d.cStaking), 2 ether);
        d.cStaking.stake(carol, 2 ether);
        uint256 newId = d.cStaking.unstake(carol, 2 ether);
        vm.stopPrank();
        assertEq(d.cStaking.unbondingAmount(newId), 2 ether);
        vm.warp(block.timestamp + 7 days);
        vm.prank(alice);
        assertEq(d.cStaking.withdraw(oldId), 0);
    }

    function test_Revert_WhenUnstakeZero() public {
        vm.expectRevert(ICStakingErrors.ZeroAmount.selector);
        d.cStaking.unstake(operator, 0);
    }

    function test_Revert_WhenUnstakingMoreThanHeld() public {
        _stake(alice, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(ICStakingErrors.InsufficientShares.selector, alice, operator, 2 ether, 1 ether)
        );
        vm.prank(alice);
        d.cStaking.unstake(operator, 2 ether);
    }

    function test_Revert_WhenWithdrawingOthersRequest() public {
        _stake(alice, 1 ether);
        vm.prank(alice);
        uint256 id = d.cStaking.unstake(operator, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.NotRequestOwner.selector, id, bob));
        vm.prank(bob);
        d.cStaking.withdraw(id);
    }
}

contract CStaking_Slash is CStakingTestBase {
    function test_SlashesProRataAndBurns() public {
        _stake(alice, 30 ether);
        _stake(bob, 10 ether);
        uint256 supply = d.cToken.totalSupply();
        _slash(0.25e18);
        assertEq(d.cStaking.operatorStake(operator), 30 ether);
        assertEq(d.cStaking.stakeOf(alice, operator), 22.5 ether);
        assertEq(d.cStaking.stakeOf(bob, operator), 7.5 ether);
        assertEq(d.cToken.totalSupply(), supply - 10 ether);
    }

    function test_Revert_WhenNotSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.OnlySlasher.selector, address(this)));
        d.cStaking.slash(operator, 1);
    }

    function test_Revert_WhenWadInvalid() public {
        vm.prank(address(d.taskManager));
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.InvalidWad.selector, 0));
        d.cStaking.slash(operator, 0);
        vm.prank(address(d.taskManager));
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.InvalidWad.selector, 1e18 + 1));
        d.cStaking.slash(operator, 1e18 + 1);
    }

    function test_OwnerSetsSlasherAndPeriod() public {
        d.cStaking.setSlasher(alice);
        d.cStaking.setUnbondingPeriod(1 days);
        assertEq(d.cStaking.slasher(), alice);
        assertEq(d.cStaking.unbondingPeriod(), 1 days);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        d.cStaking.setSlasher(alice);
    }

    function test_AnAllowedSlasherSlashesUntilRemoved() public {
        address extra = makeAddr("misbehaviourSlasher");
        _stake(alice, 40 ether);
        assertTrue(d.cStaking.isSlasher(address(d.taskManager)));
        assertFalse(d.cStaking.isSlasher(extra));
        vm.expectEmit(true, false, false, true, address(d.cStaking));
        emit ICStakingEvents.SlasherAllowed(extra, true);
        d.cStaking.setSlasherAllowed(extra, true);
        assertTrue(d.cStaking.isSlasher(extra));
        vm.prank(extra);
        assertEq(d.cStaking.slash(operator, 0.25e18), 10 ether);
        assertEq(d.cStaking.operatorStake(operator), 30 ether);
        // The task manager stays the slasher next to it.
        _slash(0.5e18);
        assertEq(d.cStaking.operatorStake(operator), 15 ether);

        vm.expectEmit(true, false, false, true, address(d.cStaking));
        emit ICStakingEvents.SlasherAllowed(extra, false);
        d.cStaking.setSlasherAllowed(extra, false);
        assertFalse(d.cStaking.isSlasher(extra));
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.OnlySlasher.selector, extra));
        vm.prank(extra);
        d.cStaking.slash(operator, 0.25e18);
        assertEq(d.cStaking.operatorStake(operator), 15 ether);
    }

    function test_Revert_SetSlasherAllowedIsOwnerOnlyAndRefusesZero() public {
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        d.cStaking.setSlasherAllowed(alice, true);
        assertFalse(d.cStaking.isSlasher(alice));
        vm.expectRevert(ICStakingErrors.ZeroSlasher.selector);
        d.cStaking.setSlasherAllowed(address(0), true);
        assertFalse(d.cStaking.isSlasher(address(0)));
    }

    /// Stake math: tokens held always equal active + unbonding value (up to rounding dust), and no staker's value
    /// ever grows from a slash.
    function testFuzz_StakeUnstakeSlashConserveTokens(uint96 a, uint96 b, uint96 unstakeShares, uint64 wad) public {
        a = uint96(bound(a, 1, 4e26));
        b = uint96(bound(b, 1, 4e26));
        wad = uint64(bound(wad, 1, 1e18 - 1));
        _stake(alice, a);
        _stake(bob, b);
        unstakeShares = uint96(bound(unstakeShares, 1, d.cStaking.sharesOf(alice, operator)));
        vm.prank(alice);
        uint256 id = d.cStaking.unstake(operator, unstakeShares);
        uint256 bobBefore = d.cStaking.stakeOf(bob, operator);
        _slash(wad);
        assertLe(d.cStaking.stakeOf(bob, operator), bobBefore);
        uint256 held = d.cToken.balanceOf(address(d.cStaking));
        uint256 accounted = d.cStaking.operatorStake(operator) + d.cStaking.unbondingAmount(id);
        assertEq(held, accounted);
        vm.warp(block.timestamp + 7 days);
        vm.prank(alice);
        d.cStaking.withdraw(id);
        assertEq(d.cToken.balanceOf(address(d.cStaking)), d.cStaking.operatorStake(operator));
        assertLe(
            d.cStaking.stakeOf(alice, operator) + d.cStaking.stakeOf(bob, operator), d.cStaking.operatorStake(operator)
        );
    }
}
