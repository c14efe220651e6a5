// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CBridge} from "../../src/bridge/CBridge.sol";
import {CvmAccumulator} from "../../src/bridge/CvmAccumulator.sol";
import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICBridgeErrors, ICBridgeEvents} from "../../src/bridge/ICBridge.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CToken} from "../../src/token/CToken.sol";
import {CheckpointKeys, NaiveAccumulator} from "./BridgeTestUtils.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Test} from "forge-std/Test.sol";

/// @notice A real CToken and CvmCheckpoints (4-validator set); withdrawals of the CVM side are modelled as a list of
///         leaves whose root goes into checkpoints signed in the test.
abstract contract CBridgeTestBase is Test, ICvmCheckpointsTypes, ICBridgeEvents {
    string internal constant CHAIN = "cvm-1";
    uint64 internal constant PERIOD = 1 days;
    uint256 internal constant LIMIT = 1000 ether;

    CToken internal c;
    CvmCheckpoints internal cps;
    CBridge internal bridge;
    CheckpointKeys.Set internal set;
    address internal guardian = makeAddr("guardian");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    bytes32[] internal leaves;
    uint64 internal height;

    function setUp() public virtual {
        c = new CToken(address(this), 1e9 ether);
        cps = new CvmCheckpoints(address(this), CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 4, new uint256[](0));
        for (uint256 i; i < 4; ++i) {
            set.sks.push(s.sks[i]);
            set.entries.push(s.entries[i]);
        }
        cps.setGenesisValidatorSet(s.entries, 1);
        bridge = new CBridge(address(this), IERC20(address(c)), ICvmCheckpoints(address(cps)), guardian, PERIOD, LIMIT);
        c.mint(alice, 10_000 ether);
        vm.prank(alice);
        c.approve(address(bridge), type(uint256).max);
        vm.prank(alice);
        bridge.deposit(bytes32(uint256(0xa11ce)), 5000 ether); // funds the bridge
    }

    /// @notice The CVM chain burns a withdrawal: its leaf is appended with the next nonce.
    function _burn(address recipient, uint256 amount) internal returns (uint64 nonce) {
        nonce = uint64(leaves.length);
        leaves.push(CvmAccumulator.withdrawalLeaf(nonce, recipient, amount));
    }

    /// @notice A checkpoint covering every withdrawal so far, accepted by the checkpoints contract.
    function _checkpoint() internal returns (Checkpoint memory cp) {
        (bytes32 root,) = NaiveAccumulator.rootAndProof(leaves, type(uint256).max);
        cp = Checkpoint({
            height: ++height,
            appHash: keccak256(abi.encode("app", height)),
            cvmBlockHash: bytes32(0),
            cumulativeRoot: keccak256(abi.encode("cum", height)),
            withdrawalsRoot: root,
            nextValidatorSetHash: CheckpointKeys.setHash(set.entries)
        });
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, cp));
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
    }

    /// @dev One checkpoint per height from height 1 on: checkpoint index = height − 1.
    function _idx(Checkpoint memory cp) internal pure returns (uint64) {
        return cp.height - 1;
    }

    function _proof(uint64 nonce) internal view returns (bytes32[] memory p) {
        (, p) = NaiveAccumulator.rootAndProof(leaves, nonce);
    }
}

contract CBridge_Constructor is CBridgeTestBase {
    function test_Revert_WhenTokenCheckpointsOrGuardianIsZero() public {
        vm.expectRevert(ICBridgeErrors.ZeroAddress.selector);
        new CBridge(address(this), IERC20(address(0)), cps, guardian, PERIOD, LIMIT);
        vm.expectRevert(ICBridgeErrors.ZeroAddress.selector);
        new CBridge(address(this), IERC20(address(c)), ICvmCheckpoints(address(0)), guardian, PERIOD, LIMIT);
        vm.expectRevert(ICBridgeErrors.ZeroAddress.selector);
        new CBridge(address(this), IERC20(address(c)), cps, address(0), PERIOD, LIMIT);
    }

    function test_Revert_WhenPeriodIsZeroOrLimitTooLarge() public {
        vm.expectRevert(ICBridgeErrors.InvalidPeriod.selector);
        new CBridge(address(this), IERC20(address(c)), cps, guardian, 0, LIMIT);
        vm.expectRevert(ICBridgeErrors.InvalidPeriod.selector);
        new CBridge(address(this), IERC20(address(c)), cps, guardian, PERIOD, uint256(type(uint128).max) + 1);
    }
}

contract CBridge_Deposit is CBridgeTestBase {
    function test_LocksAndEmitsConsecutiveNonces() public {
        bytes32 to = bytes32(uint256(0xb0b));
        vm.expectEmit(address(bridge));
        emit Deposited(1, alice, to, 7 ether);
        vm.prank(alice);
        assertEq(bridge.deposit(to, 7 ether), 1);
        vm.prank(alice);
        assertEq(bridge.deposit(to, 1), 2);
        assertEq(bridge.depositCount(), 3);
        assertEq(c.balanceOf(address(bridge)), 5007 ether + 1);
    }

    function test_Revert_WhenAmountIsZero() public {
        vm.expectRevert(ICBridgeErrors.ZeroAmount.selector);
        vm.prank(alice);
        bridge.deposit(bytes32(uint256(1)), 0);
    }

    function test_Revert_WhenRecipientIsZero() public {
        vm.expectRevert(ICBridgeErrors.ZeroRecipient.selector);
        vm.prank(alice);
        bridge.deposit(bytes32(0), 1);
    }

    function test_Revert_WhenPaused() public {
        vm.prank(guardian);
        bridge.pause();
        vm.expectRevert(ICBridgeErrors.BridgePaused.selector);
        vm.prank(alice);
        bridge.deposit(bytes32(uint256(1)), 1);
    }

    function test_Revert_WhenNotApproved() public {
        c.mint(bob, 1 ether);
        vm.expectRevert();
        vm.prank(bob);
        bridge.deposit(bytes32(uint256(1)), 1 ether);
    }
}

contract CBridge_ClaimWithdrawal is CBridgeTestBase {
    function test_PaysOnceWithAFullOrShortenedProof() public {
        _burn(bob, 3 ether);
        uint64 n1 = _burn(alice, 4 ether);
        _burn(bob, 5 ether);
        Checkpoint memory cp = _checkpoint();
        vm.expectEmit(address(bridge));
        emit WithdrawalClaimed(n1, alice, 4 ether, cp.height);
        bridge.claimWithdrawal(_idx(cp), cp, n1, alice, 4 ether, _proof(n1));
        assertTrue(bridge.isClaimed(n1));
        assertEq(c.balanceOf(alice), 5000 ether + 4 ether);
        // 3 leaves: 2 siblings suffice (the other 30 are empty subtrees).
        bridge.claimWithdrawal(_idx(cp), cp, 2, bob, 5 ether, NaiveAccumulator.shorten(_proof(2), 2));
        assertEq(c.balanceOf(bob), 5 ether);
        assertEq(bridge.withdrawnInCurrentPeriod(), 9 ether);
    }

    function test_AWithdrawalIsClaimableAgainstAnyLaterCheckpoint() public {
        uint64 n = _burn(bob, 3 ether);
        _checkpoint();
        _burn(alice, 1 ether);
        Checkpoint memory later = _checkpoint();
        bridge.claimWithdrawal(_idx(later), later, n, bob, 3 ether, _proof(n));
        assertEq(c.balanceOf(bob), 3 ether);
    }

    function test_Revert_WhenClaimedTwice() public {
        uint64 n = _burn(bob, 3 ether);
        Checkpoint memory cp = _checkpoint();
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 3 ether, _proof(n));
        _burn(alice, 1 ether);
        Checkpoint memory later = _checkpoint();
        bytes32[] memory p = _proof(n);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.AlreadyClaimed.selector, n));
        bridge.claimWithdrawal(_idx(later), later, n, bob, 3 ether, p);
    }

    function test_Revert_WhenTheCheckpointIsNotAccepted() public {
        uint64 n = _burn(bob, 3 ether);
        Checkpoint memory cp = _checkpoint();
        bytes32[] memory p = _proof(n);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.CheckpointNotAccepted.selector, 1));
        bridge.claimWithdrawal(1, cp, n, bob, 3 ether, p); // the right fields, the wrong index
        cp.appHash = bytes32(uint256(1)); // same withdrawals root, but not what the validators signed
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.CheckpointNotAccepted.selector, 0));
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 3 ether, p);
    }

    function test_Revert_WhenTheWithdrawalIsNotCoveredByTheCheckpoint() public {
        Checkpoint memory cp = _checkpoint();
        uint64 n = _burn(bob, 3 ether); // burned after the checkpoint
        bytes32[] memory p = _proof(n);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.InvalidWithdrawalProof.selector, n));
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 3 ether, p);
    }

    function test_Revert_WhenAmountRecipientOrNonceDiffer() public {
        uint64 n = _burn(bob, 3 ether);
        _burn(bob, 3 ether);
        Checkpoint memory cp = _checkpoint();
        bytes32[] memory p = _proof(n);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.InvalidWithdrawalProof.selector, n));
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 4 ether, p);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.InvalidWithdrawalProof.selector, n));
        bridge.claimWithdrawal(_idx(cp), cp, n, alice, 3 ether, p);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.InvalidWithdrawalProof.selector, 1));
        bridge.claimWithdrawal(_idx(cp), cp, 1, bob, 3 ether, p);
    }

    function test_Revert_WhenTheProofIsLongerThan32() public {
        uint64 n = _burn(bob, 3 ether);
        Checkpoint memory cp = _checkpoint();
        bytes32[] memory p = new bytes32[](33);
        vm.expectRevert(abi.encodeWithSelector(CvmAccumulator.MalformedAccumulatorProof.selector, n, 33));
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 3 ether, p);
    }

    function test_Revert_WhenPaused() public {
        uint64 n = _burn(bob, 3 ether);
        Checkpoint memory cp = _checkpoint();
        vm.prank(guardian);
        bridge.pause();
        bytes32[] memory p = _proof(n);
        vm.expectRevert(ICBridgeErrors.BridgePaused.selector);
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 3 ether, p);
        bridge.unpause();
        bridge.claimWithdrawal(_idx(cp), cp, n, bob, 3 ether, p);
    }

    function test_Revert_WhenThePeriodLimitWouldBeExceeded() public {
        vm.warp(10 days + 5);
        uint64 a = _burn(bob, 600 ether);
        uint64 b = _burn(bob, 500 ether);
        Checkpoint memory cp = _checkpoint();
        bridge.claimWithdrawal(_idx(cp), cp, a, bob, 600 ether, _proof(a));
        bytes32[] memory p = _proof(b);
        vm.expectRevert(
            abi.encodeWithSelector(ICBridgeErrors.WithdrawalLimitExceeded.selector, 10, 600 ether, 500 ether, LIMIT)
        );
        bridge.claimWithdrawal(_idx(cp), cp, b, bob, 500 ether, p);
        vm.warp(11 days); // next period
        bridge.claimWithdrawal(_idx(cp), cp, b, bob, 500 ether, p);
        assertEq(bridge.withdrawnInCurrentPeriod(), 500 ether);
    }

    function testFuzz_ProofsOfEveryLeafVerifyAndTamperedOnesDoNot(uint8 count, uint8 pick, uint8 flip) public {
        count = uint8(bound(count, 1, 40));
        for (uint256 i; i < count; ++i) {
            _burn(address(uint160(0x1000 + i)), 1 ether + i);
        }
        Checkpoint memory cp = _checkpoint();
        uint64 n = uint64(pick % count);
        address to = address(uint160(0x1000 + n));
        bytes32[] memory p = _proof(n);
        uint256 level = flip % 32;
        bytes32[] memory bad = _proof(n);
        bad[level] = bytes32(uint256(bad[level]) ^ 1);
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.InvalidWithdrawalProof.selector, n));
        bridge.claimWithdrawal(_idx(cp), cp, n, to, 1 ether + n, bad);
        bridge.claimWithdrawal(_idx(cp), cp, n, to, 1 ether + n, p);
        assertEq(c.balanceOf(to), 1 ether + n);
    }
}

contract CBridge_Admin is CBridgeTestBase {
    function test_GuardianOrOwnerPausesOnlyOwnerUnpauses() public {
        vm.expectEmit(address(bridge));
        emit Paused(guardian);
        vm.prank(guardian);
        bridge.pause();
        assertTrue(bridge.paused());
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, guardian));
        vm.prank(guardian);
        bridge.unpause();
        bridge.unpause();
        assertFalse(bridge.paused());
        bridge.pause();
        assertTrue(bridge.paused());
    }

    function test_Revert_WhenAStrangerPauses() public {
        vm.expectRevert(abi.encodeWithSelector(ICBridgeErrors.NotGuardian.selector, bob));
        vm.prank(bob);
        bridge.pause();
    }

    function test_OwnerSetsGuardianAndLimit() public {
        vm.expectEmit(address(bridge));
        emit GuardianSet(bob);
        bridge.setGuardian(bob);
        assertEq(bridge.guardian(), bob);
        vm.expectEmit(address(bridge));
        emit WithdrawalLimitSet(3600, 5 ether);
        bridge.setWithdrawalLimit(3600, 5 ether);
        assertEq(bridge.periodSeconds(), 3600);
        assertEq(bridge.withdrawalLimit(), 5 ether);
    }

    function test_Revert_WhenAStrangerSetsGuardianOrLimit() public {
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        bridge.setGuardian(bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        bridge.setWithdrawalLimit(1, 1);
        vm.stopPrank();
    }

    function test_Revert_WhenGuardianIsZero() public {
        vm.expectRevert(ICBridgeErrors.ZeroAddress.selector);
        bridge.setGuardian(address(0));
    }
}

/// @notice The accumulator proof checker against the naive level-by-level tree.
contract CvmAccumulator_ComputeRoot is Test {
    function root(bytes32 leaf, uint256 index, bytes32[] calldata siblings) external pure returns (bytes32) {
        return CvmAccumulator.computeRoot(leaf, index, siblings);
    }

    function test_EmptyTreeRootIsZero32() public pure {
        (bytes32 r,) = NaiveAccumulator.rootAndProof(new bytes32[](0), 0);
        assertEq(r, NaiveAccumulator.zero(32));
    }

    function testFuzz_MatchesTheNaiveTree(bytes32 seed, uint8 count, uint8 pick) public view {
        count = uint8(bound(count, 1, 70));
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
        uint256 idx = pick % count;
        (bytes32 r, bytes32[] memory p) = NaiveAccumulator.rootAndProof(leaves, idx);
        assertEq(this.root(leaves[idx], idx, p), r);
        uint256 k = 7; // 70 ≤ 2^7
        assertEq(this.root(leaves[idx], idx, NaiveAccumulator.shorten(p, k)), r);
    }

    function test_Revert_WhenTheIndexDoesNotFit32Bits() public {
        vm.expectRevert(abi.encodeWithSelector(CvmAccumulator.MalformedAccumulatorProof.selector, 1 << 32, 0));
        this.root(bytes32(0), 1 << 32, new bytes32[](0));
    }
}
