// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {RewardsCoordinator} from "../../src/core/RewardsCoordinator.sol";
import {ICvmServiceManagerErrors, ICvmServiceManagerEvents} from "../../src/interfaces/avs/ICvmServiceManager.sol";
import {IAllocationManager} from "../../src/interfaces/core/IAllocationManager.sol";
import {IPermissionController} from "../../src/interfaces/core/IPermissionController.sol";
import {
    IRewardsCoordinator,
    IRewardsCoordinatorErrors,
    IRewardsCoordinatorEvents,
    IRewardsCoordinatorTypes
} from "../../src/interfaces/core/IRewardsCoordinator.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../../src/interfaces/core/IStrategyManager.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract RewardsCoordinatorTestBase is CvmFixture, IRewardsCoordinatorEvents {
    uint32 internal constant NOW = 10_000_000;
    IRewardsCoordinator internal rc;
    IERC20 internal token;
    address internal opA = address(0xA11);
    address internal opB = address(0xB22);
    address internal opC = address(0xC33);

    function setUp() public virtual override {
        super.setUp();
        vm.warp(NOW);
        rc = d.rewardsCoordinator;
        token = IERC20(address(d.cToken));
        d.cToken.mint(address(d.serviceManager), 1000 ether);
    }

    function _sub(address[] memory operators, uint256[] memory amounts)
        internal
        view
        returns (IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s)
    {
        s = new IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[](1);
        s[0].strategiesAndMultipliers = new IRewardsCoordinatorTypes.StrategyAndMultiplier[](1);
        s[0].strategiesAndMultipliers[0] = IRewardsCoordinatorTypes.StrategyAndMultiplier(d.core.strategy, 1e18);
        s[0].token = token;
        s[0].operatorRewards = new IRewardsCoordinatorTypes.OperatorReward[](operators.length);
        for (uint256 i; i < operators.length; ++i) {
            s[0].operatorRewards[i] = IRewardsCoordinatorTypes.OperatorReward(operators[i], amounts[i]);
        }
        s[0].startTimestamp = NOW - 100;
        s[0].duration = 50;
        s[0].description = "cvm-avs fees";
    }

    function _two() internal view returns (IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory) {
        address[] memory o = new address[](2);
        (o[0], o[1]) = (opA, opB);
        uint256[] memory a = new uint256[](2);
        (a[0], a[1]) = (3 ether, 1 ether);
        return _sub(o, a);
    }

    function _submit(IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s) internal {
        d.serviceManager.createOperatorDirectedOperatorSetRewardsSubmission(0, s);
    }
}

contract RewardsCoordinator_Submission is RewardsCoordinatorTestBase {
    function test_ServiceManagerSubmitsFromItsBalance() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        bytes32 hash = keccak256(abi.encode(address(d.serviceManager), uint256(0), s[0]));
        vm.expectEmit(address(rc));
        emit OperatorDirectedOperatorSetRewardsSubmissionCreated(
            address(d.serviceManager), hash, OperatorSet(address(d.serviceManager), 0), 0, s[0]
        );
        _submit(s);
        assertEq(token.balanceOf(address(rc)), 4 ether);
        assertEq(token.balanceOf(address(d.serviceManager)), 996 ether);
        assertEq(rc.submissionNonce(address(d.serviceManager)), 1);
        assertTrue(rc.isOperatorDirectedOperatorSetRewardsSubmissionHash(address(d.serviceManager), hash));
        assertEq(token.allowance(address(d.serviceManager), address(rc)), 0);
    }

    function test_ParametersAndDefaultSplit() public view {
        assertEq(rc.CALCULATION_INTERVAL_SECONDS(), 10);
        assertEq(rc.MAX_REWARDS_DURATION(), 7 days);
        assertEq(rc.MAX_RETROACTIVE_LENGTH(), 30 days);
        assertEq(rc.GENESIS_REWARDS_TIMESTAMP(), 0);
        assertEq(rc.defaultOperatorSplitBips(), 1000);
        assertEq(rc.getOperatorSetSplit(opA, OperatorSet(address(d.serviceManager), 0)), 1000);
        assertEq(rc.rewardsUpdater(), address(this));
        assertEq(address(d.serviceManager.rewardsCoordinator()), address(rc));
        assertEq(d.serviceManager.rewardsInitiator(), address(this));
    }

    function test_AnAppointeeMaySubmitForTheAvs() public {
        address appointee = makeAddr("appointee");
        d.serviceManager
            .setAppointee(
                appointee, address(rc), IRewardsCoordinator.createOperatorDirectedOperatorSetRewardsSubmission.selector
            );
        d.cToken.mint(appointee, 4 ether);
        vm.startPrank(appointee);
        token.approve(address(rc), 4 ether);
        rc.createOperatorDirectedOperatorSetRewardsSubmission(OperatorSet(address(d.serviceManager), 0), _two());
        vm.stopPrank();
        assertEq(token.balanceOf(address(rc)), 4 ether);
    }

    function test_Revert_WhenCallerIsNotTheAvs() public {
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        rc.createOperatorDirectedOperatorSetRewardsSubmission(OperatorSet(address(d.serviceManager), 0), _two());
    }

    function test_Revert_WhenNotRewardsInitiator() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmServiceManagerErrors.OnlyRewardsInitiator.selector, address(0xbad)));
        vm.prank(address(0xbad));
        d.serviceManager.createOperatorDirectedOperatorSetRewardsSubmission(0, _two());
    }

    function test_Revert_WhenCoordinatorNotSet() public {
        d.serviceManager.setRewardsCoordinator(IRewardsCoordinator(address(0)));
        vm.expectRevert(ICvmServiceManagerErrors.RewardsCoordinatorNotSet.selector);
        _submit(_two());
    }

    function test_Revert_WhenOperatorSetUnknown() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidOperatorSet.selector);
        d.serviceManager.createOperatorDirectedOperatorSetRewardsSubmission(9, s);
    }

    function test_Revert_WhenNoStrategies() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].strategiesAndMultipliers = new IRewardsCoordinatorTypes.StrategyAndMultiplier[](0);
        vm.expectRevert(IRewardsCoordinatorErrors.InputArrayLengthZero.selector);
        _submit(s);
    }

    function test_Revert_WhenNoOperators() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].operatorRewards = new IRewardsCoordinatorTypes.OperatorReward[](0);
        vm.expectRevert(IRewardsCoordinatorErrors.InputArrayLengthZero.selector);
        _submit(s);
    }

    function test_Revert_WhenDurationExceedsMax() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].startTimestamp = NOW - 8 days;
        s[0].duration = 7 days + 10;
        vm.expectRevert(IRewardsCoordinatorErrors.DurationExceedsMax.selector);
        _submit(s);
    }

    function test_Revert_WhenDurationNotAligned() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].duration = 55;
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidDurationRemainder.selector);
        _submit(s);
    }

    function test_Revert_WhenDurationIsZero() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].duration = 0;
        vm.expectRevert(IRewardsCoordinatorErrors.DurationIsZero.selector);
        _submit(s);
    }

    function test_Revert_WhenStartNotAligned() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].startTimestamp = NOW - 95;
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidStartTimestampRemainder.selector);
        _submit(s);
    }

    function test_Revert_WhenStartTooFarInPast() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].startTimestamp = NOW - 30 days - 10;
        vm.expectRevert(IRewardsCoordinatorErrors.StartTimestampTooFarInPast.selector);
        _submit(s);
    }

    function test_Revert_WhenStrategyNotWhitelisted() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].strategiesAndMultipliers[0].strategy = IStrategy(address(0x5757));
        vm.expectRevert(IRewardsCoordinatorErrors.StrategyNotWhitelisted.selector);
        _submit(s);
    }

    function test_Revert_WhenStrategiesNotAscending() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        IRewardsCoordinatorTypes.StrategyAndMultiplier[] memory sm =
            new IRewardsCoordinatorTypes.StrategyAndMultiplier[](2);
        (sm[0], sm[1]) = (s[0].strategiesAndMultipliers[0], s[0].strategiesAndMultipliers[0]);
        s[0].strategiesAndMultipliers = sm;
        vm.expectRevert(IRewardsCoordinatorErrors.StrategiesNotInAscendingOrder.selector);
        _submit(s);
    }

    function test_Revert_WhenNotRetroactive() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].duration = 100;
        vm.expectRevert(IRewardsCoordinatorErrors.SubmissionNotRetroactive.selector);
        _submit(s);
    }

    function test_Revert_WhenOperatorIsZero() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].operatorRewards[0].operator = address(0);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidAddressZero.selector);
        _submit(s);
    }

    function test_Revert_WhenOperatorsNotAscending() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].operatorRewards[1].operator = opA;
        vm.expectRevert(IRewardsCoordinatorErrors.OperatorsNotInAscendingOrder.selector);
        _submit(s);
    }

    function test_Revert_WhenAmountIsZero() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].operatorRewards[1].amount = 0;
        vm.expectRevert(IRewardsCoordinatorErrors.AmountIsZero.selector);
        _submit(s);
    }

    function test_Revert_WhenAmountExceedsMax() public {
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _two();
        s[0].operatorRewards[0].amount = 1e38;
        vm.expectRevert(IRewardsCoordinatorErrors.AmountExceedsMax.selector);
        vm.prank(address(d.serviceManager));
        rc.createOperatorDirectedOperatorSetRewardsSubmission(OperatorSet(address(d.serviceManager), 0), s);
    }

    /// @dev Any split between three operators moves exactly its sum, whatever the shares.
    function testFuzz_SplitMovesExactlyTheSum(uint256 a, uint256 b, uint256 c) public {
        address[] memory o = new address[](3);
        (o[0], o[1], o[2]) = (opA, opB, opC);
        uint256[] memory amt = new uint256[](3);
        (amt[0], amt[1], amt[2]) = (bound(a, 1, 300 ether), bound(b, 1, 300 ether), bound(c, 1, 300 ether));
        _submit(_sub(o, amt));
        assertEq(token.balanceOf(address(rc)), amt[0] + amt[1] + amt[2]);
        assertEq(token.balanceOf(address(d.serviceManager)), 1000 ether - amt[0] - amt[1] - amt[2]);
    }
}

contract RewardsCoordinator_Constructor is RewardsCoordinatorTestBase {
    function test_Revert_WhenGenesisNotAligned() public {
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidGenesisRewardsTimestampRemainder.selector);
        new RewardsCoordinator(
            IAllocationManager(address(1)),
            IStrategyManager(address(2)),
            IPermissionController(address(3)),
            10,
            100,
            100,
            5
        );
    }

    function test_Revert_WhenMaxDurationNotAligned() public {
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidCalculationIntervalSecondsRemainder.selector);
        new RewardsCoordinator(
            IAllocationManager(address(1)),
            IStrategyManager(address(2)),
            IPermissionController(address(3)),
            10,
            105,
            100,
            0
        );
    }
}

contract RewardsCoordinator_Settings is RewardsCoordinatorTestBase {
    function test_OwnerSetsUpdaterDelayAndSplit() public {
        vm.expectEmit(address(rc));
        emit RewardsUpdaterSet(address(this), opA);
        rc.setRewardsUpdater(opA);
        vm.expectEmit(address(rc));
        emit ActivationDelaySet(0, 60);
        rc.setActivationDelay(60);
        vm.expectEmit(address(rc));
        emit DefaultOperatorSplitBipsSet(1000, 2000);
        rc.setDefaultOperatorSplit(2000);
        assertEq(rc.rewardsUpdater(), opA);
        assertEq(rc.activationDelay(), 60);
        assertEq(rc.defaultOperatorSplitBips(), 2000);
    }

    function test_Revert_WhenSplitExceedsMax() public {
        vm.expectRevert(IRewardsCoordinatorErrors.SplitExceedsMax.selector);
        rc.setDefaultOperatorSplit(10_001);
    }

    function test_Revert_WhenNotOwner() public {
        vm.prank(opA);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, opA));
        rc.setRewardsUpdater(opA);
    }

    function test_ServiceManagerOwnerSetsInitiator() public {
        vm.expectEmit(address(d.serviceManager));
        emit ICvmServiceManagerEvents.RewardsInitiatorUpdated(address(this), opA);
        d.serviceManager.setRewardsInitiator(opA);
        assertEq(d.serviceManager.rewardsInitiator(), opA);
    }
}

/// @notice Roots and claims against a three-earner distribution tree built here (padded to four leaves).
contract RewardsCoordinator_Claims is RewardsCoordinatorTestBase {
    bytes32[4] internal earnerLeaves;
    address[3] internal earners;
    uint256[3] internal cumulative = [uint256(3 ether), 1 ether, 2 ether];

    function setUp() public override {
        super.setUp();
        earners = [opA, opB, opC];
        address[] memory o = new address[](3);
        (o[0], o[1], o[2]) = (opA, opB, opC);
        uint256[] memory a = new uint256[](3);
        (a[0], a[1], a[2]) = (cumulative[0], cumulative[1], cumulative[2]);
        _submit(_sub(o, a));
    }

    function _tokenLeaf(uint256 i) internal view returns (IRewardsCoordinatorTypes.TokenTreeMerkleLeaf memory) {
        return IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(token, cumulative[i]);
    }

    function _earnerLeaf(uint256 i) internal view returns (IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf memory) {
        // one token per earner: the token tree is its single leaf
        bytes32 tokenRoot = keccak256(abi.encodePacked(uint8(1), address(token), cumulative[i]));
        return IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(earners[i], tokenRoot);
    }

    function _root() internal returns (bytes32) {
        for (uint256 i; i < 3; ++i) {
            IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf memory l = _earnerLeaf(i);
            earnerLeaves[i] = keccak256(abi.encodePacked(uint8(0), l.earner, l.earnerTokenRoot));
        }
        earnerLeaves[3] = bytes32(0);
        return keccak256(
            abi.encodePacked(
                keccak256(abi.encodePacked(earnerLeaves[0], earnerLeaves[1])),
                keccak256(abi.encodePacked(earnerLeaves[2], earnerLeaves[3]))
            )
        );
    }

    function _claim(uint256 i) internal view returns (IRewardsCoordinatorTypes.RewardsMerkleClaim memory c) {
        uint256 sibling = i ^ 1;
        bytes32 other = i < 2
            ? keccak256(abi.encodePacked(earnerLeaves[2], earnerLeaves[3]))
            : keccak256(abi.encodePacked(earnerLeaves[0], earnerLeaves[1]));
        c.rootIndex = 0;
        c.earnerIndex = uint32(i);
        c.earnerTreeProof = abi.encodePacked(earnerLeaves[sibling], other);
        c.earnerLeaf = _earnerLeaf(i);
        c.tokenIndices = new uint32[](1);
        c.tokenTreeProofs = new bytes[](1);
        c.tokenLeaves = new IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[](1);
        c.tokenLeaves[0] = _tokenLeaf(i);
    }

    function _post() internal returns (bytes32 root) {
        root = _root();
        rc.submitRoot(root, NOW - 50);
    }

    function test_PostsARootAndEveryEarnerClaims() public {
        bytes32 root = _root();
        vm.expectEmit(address(rc));
        emit DistributionRootSubmitted(0, root, NOW - 50, NOW);
        rc.submitRoot(root, NOW - 50);
        assertEq(rc.getDistributionRootsLength(), 1);
        assertEq(rc.getCurrentDistributionRoot().root, root);
        assertEq(rc.getRootIndexFromHash(root), 0);
        assertEq(rc.currRewardsCalculationEndTimestamp(), NOW - 50);
        for (uint256 i; i < 3; ++i) {
            assertTrue(rc.checkClaim(_claim(i)));
            vm.expectEmit(address(rc));
            emit RewardsClaimed(root, earners[i], earners[i], earners[i], token, cumulative[i]);
            vm.prank(earners[i]);
            rc.processClaim(_claim(i), earners[i]);
            assertEq(token.balanceOf(earners[i]), cumulative[i]);
            assertEq(rc.cumulativeClaimed(earners[i], token), cumulative[i]);
        }
        assertEq(token.balanceOf(address(rc)), 0);
    }

    function test_AClaimerClaimsForTheEarner() public {
        _post();
        address claimer = makeAddr("claimer");
        vm.expectEmit(address(rc));
        emit ClaimerForSet(opA, address(0), claimer);
        vm.prank(opA);
        rc.setClaimerFor(claimer);
        vm.prank(claimer);
        rc.processClaim(_claim(0), claimer);
        assertEq(token.balanceOf(claimer), 3 ether);
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        rc.processClaim(_claim(0), opA);
    }

    function test_Revert_WhenNotTheEarner() public {
        _post();
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        rc.processClaim(_claim(0), address(this));
    }

    function test_Revert_WhenClaimedTwice() public {
        _post();
        vm.startPrank(opB);
        rc.processClaim(_claim(1), opB);
        vm.expectRevert(IRewardsCoordinatorErrors.EarningsNotGreaterThanClaimed.selector);
        rc.processClaim(_claim(1), opB);
        vm.stopPrank();
    }

    function test_Revert_WhenProofIsWrong() public {
        _post();
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory c = _claim(0);
        c.tokenLeaves[0].cumulativeEarnings = 4 ether;
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidClaimProof.selector);
        rc.processClaim(c, opA);
        c = _claim(0);
        c.earnerIndex = 1;
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidClaimProof.selector);
        rc.processClaim(c, opA);
    }

    function test_Revert_WhenEarnerIndexTooLarge() public {
        _post();
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory c = _claim(0);
        c.earnerIndex = 4;
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidEarnerLeafIndex.selector);
        rc.processClaim(c, opA);
    }

    function test_Revert_WhenTokenIndexTooLarge() public {
        _post();
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory c = _claim(0);
        c.tokenIndices[0] = 1;
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidTokenLeafIndex.selector);
        rc.processClaim(c, opA);
    }

    function test_Revert_WhenArrayLengthsDiffer() public {
        _post();
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory c = _claim(0);
        c.tokenTreeProofs = new bytes[](0);
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InputArrayLengthMismatch.selector);
        rc.processClaim(c, opA);
    }

    function test_Revert_WhenRootIndexUnknown() public {
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidRootIndex.selector);
        rc.processClaim(_claim(0), opA);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidRoot.selector);
        rc.getRootIndexFromHash(keccak256("nothing"));
    }

    function test_Revert_WhenRootNotActivated() public {
        rc.setActivationDelay(3600);
        _post();
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.RootNotActivated.selector);
        rc.processClaim(_claim(0), opA);
        vm.warp(NOW + 3600);
        vm.prank(opA);
        rc.processClaim(_claim(0), opA);
    }

    function test_DisablesAPendingRoot() public {
        rc.setActivationDelay(3600);
        _post();
        vm.expectEmit(address(rc));
        emit DistributionRootDisabled(0);
        rc.disableRoot(0);
        assertTrue(rc.getDistributionRootAtIndex(0).disabled);
        vm.warp(NOW + 3600);
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.RootDisabled.selector);
        rc.processClaim(_claim(0), opA);
        vm.expectRevert(IRewardsCoordinatorErrors.RootDisabled.selector);
        rc.disableRoot(0);
    }

    function test_Revert_WhenDisablingAnActiveOrUnknownRoot() public {
        _post();
        vm.expectRevert(IRewardsCoordinatorErrors.RootAlreadyActivated.selector);
        rc.disableRoot(0);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidRootIndex.selector);
        rc.disableRoot(1);
    }

    function test_Revert_WhenRootPosterIsNotTheUpdater() public {
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        rc.submitRoot(keccak256("r"), NOW - 50);
        vm.prank(opA);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        rc.disableRoot(0);
    }

    function test_Revert_WhenRootIsNotForANewerPeriod() public {
        _post();
        vm.expectRevert(IRewardsCoordinatorErrors.NewRootMustBeForNewCalculatedPeriod.selector);
        rc.submitRoot(keccak256("r"), NOW - 50);
    }

    function test_Revert_WhenRootEndIsNotInThePast() public {
        vm.expectRevert(IRewardsCoordinatorErrors.RewardsEndTimestampNotElapsed.selector);
        rc.submitRoot(keccak256("r"), NOW);
    }
}
