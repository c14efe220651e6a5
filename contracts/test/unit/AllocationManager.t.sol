// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAVSRegistrar} from "../../src/interfaces/core/IAVSRegistrar.sol";
import {
    IAllocationManager,
    IAllocationManagerErrors,
    IAllocationManagerEvents,
    IAllocationManagerTypes
} from "../../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

contract AcceptingRegistrar is IAVSRegistrar {
    uint256 public registrations;
    uint256 public deregistrations;

    function registerOperator(address, address, uint32[] calldata, bytes calldata) external {
        registrations++;
    }

    function deregisterOperator(address, address, uint32[] calldata) external {
        deregistrations++;
    }

    function supportsAVS(address) external pure virtual returns (bool) {
        return true;
    }
}

contract AllocationManagerTestBase is CvmFixture {
    address internal avs = makeAddr("testAvs");
    address internal op = makeAddr("plainOperator");
    AcceptingRegistrar internal registrar = new AcceptingRegistrar();
    IStrategy internal strategy;

    function setUp() public virtual override {
        super.setUp();
        _afterDeploy();
    }

    function _afterDeploy() internal {
        strategy = d.core.strategy;
        vm.startPrank(avs);
        d.core.allocationManager.updateAVSMetadataURI(avs, "meta");
        d.core.allocationManager.setAVSRegistrar(avs, registrar);
        d.core.allocationManager.createOperatorSets(avs, _setParams(1));
        d.core.allocationManager.createOperatorSets(avs, _setParams(2));
        vm.stopPrank();
        _plainOperator(op, 0);
    }

    function _plainOperator(address who, uint32 delay) internal {
        d.underlyingToken.mint(who, 100 ether);
        vm.startPrank(who);
        d.underlyingToken.approve(address(d.core.strategyManager), 100 ether);
        d.core.strategyManager.depositIntoStrategy(strategy, d.underlyingToken, 100 ether);
        d.core.delegationManager.registerAsOperator(address(0), delay, "uri");
        vm.stopPrank();
    }

    function _setParams(uint32 id) internal view returns (IAllocationManagerTypes.CreateSetParams[] memory p) {
        p = new IAllocationManagerTypes.CreateSetParams[](1);
        p[0].operatorSetId = id;
        p[0].strategies = _one();
    }

    function _one() internal view returns (IStrategy[] memory s) {
        s = new IStrategy[](1);
        s[0] = strategy;
    }

    function _ids(uint32 id) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](1);
        ids[0] = id;
    }

    function _alloc(uint32 setId, uint64 magnitude)
        internal
        view
        returns (IAllocationManagerTypes.AllocateParams[] memory p)
    {
        p = new IAllocationManagerTypes.AllocateParams[](1);
        uint64[] memory m = new uint64[](1);
        m[0] = magnitude;
        p[0] = IAllocationManagerTypes.AllocateParams(OperatorSet(avs, setId), _one(), m);
    }

    function _registerOp(uint32 setId) internal {
        vm.prank(op);
        d.core.allocationManager
            .registerForOperatorSets(op, IAllocationManagerTypes.RegisterParams(avs, _ids(setId), ""));
    }

    function _slashParams(uint256 wad) internal view returns (IAllocationManagerTypes.SlashingParams memory p) {
        uint256[] memory w = new uint256[](1);
        w[0] = wad;
        p = IAllocationManagerTypes.SlashingParams(op, 1, _one(), w, "test");
    }
}

contract AllocationManager_CreateOperatorSets is AllocationManagerTestBase {
    function test_CreatesSetWithStrategies() public view {
        assertTrue(d.core.allocationManager.isOperatorSet(OperatorSet(avs, 1)));
        assertEq(
            address(d.core.allocationManager.getStrategiesInOperatorSet(OperatorSet(avs, 1))[0]), address(strategy)
        );
        assertEq(address(d.core.allocationManager.getAVSRegistrar(avs)), address(registrar));
        assertEq(address(d.core.allocationManager.getAVSRegistrar(op)), op);
    }

    function test_Revert_WhenNoMetadata() public {
        address other = makeAddr("noMeta");
        vm.expectRevert(IAllocationManagerErrors.NonexistentAVSMetadata.selector);
        vm.prank(other);
        d.core.allocationManager.createOperatorSets(other, _setParams(1));
    }

    function test_Revert_WhenSetExists() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(avs);
        d.core.allocationManager.createOperatorSets(avs, _setParams(1));
    }

    function test_Revert_WhenStrategyAlreadyInSet() public {
        vm.expectRevert(IAllocationManagerErrors.StrategyAlreadyInOperatorSet.selector);
        vm.prank(avs);
        d.core.allocationManager.addStrategiesToOperatorSet(avs, 1, _one());
    }

    function test_Revert_WhenAddingToUnknownSet() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(avs);
        d.core.allocationManager.addStrategiesToOperatorSet(avs, 9, _one());
    }

    function test_Revert_WhenCallerIsNotTheAvs() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        d.core.allocationManager.createOperatorSets(avs, _setParams(3));
    }
}

contract AllocationManager_Registration is AllocationManagerTestBase {
    function test_RegistersAndCallsRegistrar() public {
        vm.expectEmit(true, false, false, true, address(d.core.allocationManager));
        emit IAllocationManagerEvents.OperatorAddedToOperatorSet(op, OperatorSet(avs, 1));
        _registerOp(1);
        assertTrue(d.core.allocationManager.isMemberOfOperatorSet(op, OperatorSet(avs, 1)));
        assertEq(d.core.allocationManager.getMemberCount(OperatorSet(avs, 1)), 1);
        assertEq(d.core.allocationManager.getMembers(OperatorSet(avs, 1))[0], op);
        assertEq(registrar.registrations(), 1);
    }

    function test_DeregisterKeepsSlashableForDeallocationDelay() public {
        _registerOp(1);
        vm.prank(avs);
        d.core.allocationManager.deregisterFromOperatorSets(IAllocationManagerTypes.DeregisterParams(op, avs, _ids(1)));
        assertFalse(d.core.allocationManager.isMemberOfOperatorSet(op, OperatorSet(avs, 1)));
        assertTrue(d.core.allocationManager.isOperatorSlashable(op, OperatorSet(avs, 1)));
        vm.roll(block.number + d.core.allocationManager.DEALLOCATION_DELAY() + 1);
        assertFalse(d.core.allocationManager.isOperatorSlashable(op, OperatorSet(avs, 1)));
        assertEq(registrar.deregistrations(), 1);
    }

    function test_Revert_WhenNotAnOperator() public {
        address nobody = makeAddr("nobody");
        vm.expectRevert(IAllocationManagerErrors.InvalidOperator.selector);
        vm.prank(nobody);
        d.core.allocationManager
            .registerForOperatorSets(nobody, IAllocationManagerTypes.RegisterParams(avs, _ids(1), ""));
    }

    function test_Revert_WhenSetUnknown() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(op);
        d.core.allocationManager.registerForOperatorSets(op, IAllocationManagerTypes.RegisterParams(avs, _ids(7), ""));
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(op);
        d.core.allocationManager.deregisterFromOperatorSets(IAllocationManagerTypes.DeregisterParams(op, avs, _ids(7)));
    }

    function test_Revert_WhenAlreadyMember() public {
        _registerOp(1);
        vm.expectRevert(IAllocationManagerErrors.AlreadyMemberOfSet.selector);
        vm.prank(op);
        d.core.allocationManager.registerForOperatorSets(op, IAllocationManagerTypes.RegisterParams(avs, _ids(1), ""));
    }

    function test_Revert_WhenDeregisteringNonMember() public {
        vm.expectRevert(IAllocationManagerErrors.NotMemberOfSet.selector);
        vm.prank(op);
        d.core.allocationManager.deregisterFromOperatorSets(IAllocationManagerTypes.DeregisterParams(op, avs, _ids(1)));
    }

    function test_Revert_WhenThirdPartyDeregisters() public {
        _registerOp(1);
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        d.core.allocationManager.deregisterFromOperatorSets(IAllocationManagerTypes.DeregisterParams(op, avs, _ids(1)));
    }
}

contract AllocationManager_ModifyAllocations is AllocationManagerTestBase {
    function test_IncreaseTakesEffectAfterDelay() public {
        address slow = makeAddr("slowOperator");
        _plainOperator(slow, 10);
        vm.prank(slow);
        d.core.allocationManager.modifyAllocations(slow, _alloc(1, 5e17));
        IAllocationManagerTypes.Allocation memory a =
            d.core.allocationManager.getAllocation(slow, OperatorSet(avs, 1), strategy);
        assertEq(a.currentMagnitude, 0);
        assertEq(a.pendingDiff, 5e17);
        assertEq(d.core.allocationManager.getEncumberedMagnitude(slow, strategy), 5e17);
        assertEq(d.core.allocationManager.getAllocatableMagnitude(slow, strategy), 5e17);
        vm.roll(block.number + 10);
        a = d.core.allocationManager.getAllocation(slow, OperatorSet(avs, 1), strategy);
        assertEq(a.currentMagnitude, 5e17);
        assertEq(a.pendingDiff, 0);
    }

    function test_DecreaseWhileSlashableIsDelayed() public {
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 1e18));
        _registerOp(1);
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 25e16));
        address[] memory ops_ = new address[](1);
        ops_[0] = op;
        uint32 delay = d.core.allocationManager.DEALLOCATION_DELAY();
        // now: full stake is still allocated; the minimum over the next delay+1 blocks already counts the decrease
        assertEq(
            d.core.allocationManager
            .getMinimumSlashableStake(OperatorSet(avs, 1), ops_, _one(), uint32(block.number))[0][0],
            100 ether
        );
        assertEq(
            d.core.allocationManager
                .getMinimumSlashableStake(OperatorSet(avs, 1), ops_, _one(), uint32(block.number + delay + 1))[0][0],
            25 ether
        );
        vm.roll(block.number + delay + 1);
        assertEq(d.core.allocationManager.getAllocation(op, OperatorSet(avs, 1), strategy).currentMagnitude, 25e16);
        // freed on the next modification
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(2, 75e16));
        assertEq(d.core.allocationManager.getEncumberedMagnitude(op, strategy), 1e18);
    }

    function test_Revert_WhenDelayUninitialized() public {
        address nobody = makeAddr("nobody");
        vm.expectRevert(IAllocationManagerErrors.UninitializedAllocationDelay.selector);
        vm.prank(nobody);
        d.core.allocationManager.modifyAllocations(nobody, _alloc(1, 1));
    }

    function test_Revert_WhenSetUnknown() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(9, 1));
    }

    function test_Revert_WhenLengthsMismatch() public {
        IAllocationManagerTypes.AllocateParams[] memory p = _alloc(1, 1);
        p[0].newMagnitudes = new uint64[](2);
        vm.expectRevert(IAllocationManagerErrors.InputArrayLengthMismatch.selector);
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, p);
    }

    function test_Revert_WhenStrategyNotInSet() public {
        IAllocationManagerTypes.AllocateParams[] memory p = _alloc(1, 1);
        p[0].strategies[0] = IStrategy(makeAddr("otherStrategy"));
        vm.expectRevert(IAllocationManagerErrors.StrategyNotInOperatorSet.selector);
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, p);
    }

    function test_Revert_WhenModificationPending() public {
        address slow = makeAddr("slowOperator");
        _plainOperator(slow, 10);
        vm.startPrank(slow);
        d.core.allocationManager.modifyAllocations(slow, _alloc(1, 5e17));
        vm.expectRevert(IAllocationManagerErrors.ModificationAlreadyPending.selector);
        d.core.allocationManager.modifyAllocations(slow, _alloc(1, 6e17));
        vm.stopPrank();
    }

    function test_Revert_WhenSameMagnitude() public {
        vm.startPrank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 5e17));
        vm.expectRevert(IAllocationManagerErrors.SameMagnitude.selector);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 5e17));
        vm.stopPrank();
    }

    function test_Revert_WhenOverAllocating() public {
        vm.startPrank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 1e18));
        vm.expectRevert(IAllocationManagerErrors.InsufficientMagnitude.selector);
        d.core.allocationManager.modifyAllocations(op, _alloc(2, 1));
        vm.stopPrank();
    }

    function test_SetAllocationDelayByOperatorAfterConfigurationDelayPlusOne() public {
        vm.prank(op);
        d.core.allocationManager.setAllocationDelay(op, 7);
        (, uint32 delay) = d.core.allocationManager.getAllocationDelay(op);
        assertEq(delay, 0); // ALLOCATION_CONFIGURATION_DELAY (0 here) + 1 blocks
        vm.roll(block.number + 1);
        (, delay) = d.core.allocationManager.getAllocationDelay(op);
        assertEq(delay, 7);
    }

    function test_Revert_WhenDelaySetForNonOperator() public {
        address nobody = makeAddr("nobody");
        vm.expectRevert(IAllocationManagerErrors.InvalidOperator.selector);
        vm.prank(nobody);
        d.core.allocationManager.setAllocationDelay(nobody, 1);
    }
}

contract AllocationManager_SlashOperator is AllocationManagerTestBase {
    function setUp() public override {
        super.setUp();
        vm.prank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 5e17));
        _registerOp(1);
    }

    function test_SlashesMagnitudeAndShares() public {
        uint256[] memory wad = new uint256[](1);
        wad[0] = 0.5e18; // half of the allocated half → a quarter of the maximum
        vm.expectEmit(false, false, false, true, address(d.core.allocationManager));
        emit IAllocationManagerEvents.OperatorSlashed(op, OperatorSet(avs, 1), _one(), _wads(0.25e18), "test");
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, _slashParams(0.5e18));
        assertEq(d.core.allocationManager.getAllocation(op, OperatorSet(avs, 1), strategy).currentMagnitude, 25e16);
        assertEq(d.core.allocationManager.getMaxMagnitude(op, strategy), 75e16);
        assertEq(d.core.allocationManager.getEncumberedMagnitude(op, strategy), 25e16);
        assertEq(d.core.delegationManager.operatorShares(op, strategy), 75 ether);
        assertEq(d.core.strategyManager.getPendingSlashedShares(strategy), 25 ether);
        wad;
    }

    function _wads(uint256 w) internal pure returns (uint256[] memory a) {
        a = new uint256[](1);
        a[0] = w;
    }

    function test_SlashOfUnallocatedSetSlashesNothing() public {
        vm.prank(op);
        d.core.allocationManager.registerForOperatorSets(op, IAllocationManagerTypes.RegisterParams(avs, _ids(2), ""));
        IAllocationManagerTypes.SlashingParams memory p = _slashParams(1e18);
        p.operatorSetId = 2;
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, p);
        assertEq(d.core.delegationManager.operatorShares(op, strategy), 100 ether);
    }

    function test_Revert_WhenCallerNotAvs() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        d.core.allocationManager.slashOperator(avs, _slashParams(1));
    }

    function test_Revert_WhenSetUnknown() public {
        IAllocationManagerTypes.SlashingParams memory p = _slashParams(1);
        p.operatorSetId = 9;
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, p);
    }

    function test_Revert_WhenLengthsMismatch() public {
        IAllocationManagerTypes.SlashingParams memory p = _slashParams(1);
        p.wadsToSlash = new uint256[](2);
        vm.expectRevert(IAllocationManagerErrors.InputArrayLengthMismatch.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, p);
    }

    function test_Revert_WhenNotSlashable() public {
        IAllocationManagerTypes.SlashingParams memory p = _slashParams(1);
        p.operatorSetId = 2;
        vm.expectRevert(IAllocationManagerErrors.OperatorNotSlashable.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, p);
    }

    function test_Revert_WhenStrategiesNotAscending() public {
        IAllocationManagerTypes.SlashingParams memory p = _slashParams(1);
        p.strategies = new IStrategy[](2);
        p.strategies[0] = strategy;
        p.strategies[1] = strategy;
        p.wadsToSlash = new uint256[](2);
        p.wadsToSlash[0] = 1;
        p.wadsToSlash[1] = 1;
        vm.expectRevert(IAllocationManagerErrors.StrategiesMustBeInAscendingOrder.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, p);
    }

    function test_Revert_WhenStrategyNotInSet() public {
        IAllocationManagerTypes.SlashingParams memory p = _slashParams(1);
        p.strategies[0] = IStrategy(makeAddr("otherStrategy"));
        vm.expectRevert(IAllocationManagerErrors.StrategyNotInOperatorSet.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, p);
    }

    function test_Revert_WhenWadInvalid() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidWadToSlash.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, _slashParams(0));
        vm.expectRevert(IAllocationManagerErrors.InvalidWadToSlash.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, _slashParams(1e18 + 1));
    }

    function testFuzz_SlashNeverIncreasesSharesOrMagnitude(uint256 wad) public {
        wad = bound(wad, 1, 1e18);
        uint256 sharesBefore = d.core.delegationManager.operatorShares(op, strategy);
        uint64 maxBefore = d.core.allocationManager.getMaxMagnitude(op, strategy);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, _slashParams(wad));
        uint256 sharesAfter = d.core.delegationManager.operatorShares(op, strategy);
        assertLe(sharesAfter, sharesBefore);
        assertLe(d.core.allocationManager.getMaxMagnitude(op, strategy), maxBefore);
        assertEq(sharesAfter + d.core.strategyManager.getPendingSlashedShares(strategy), sharesBefore);
    }
}

contract RefusingRegistrar is AcceptingRegistrar {
    function supportsAVS(address) external pure override returns (bool) {
        return false;
    }
}

/// @notice EigenLayer v1.9+ slasher rules: only `getSlasher(set)` may slash; the legacy `createOperatorSets` makes the
///         AVS the slasher, the CreateSetParamsV2 overload names one, `updateSlasher` waits
///         ALLOCATION_CONFIGURATION_DELAY + 1 blocks. Deployed with a 10-block configuration delay.
contract AllocationManager_Slasher is AllocationManagerTestBase {
    uint32 internal constant CONFIG_DELAY = 10;
    address internal router = makeAddr("router");
    address internal appointee = makeAddr("appointee");

    function setUp() public override {
        cfg = defaultConfig(address(this));
        cfg.allocationConfigurationDelay = CONFIG_DELAY;
        CoreAddresses memory none;
        d = deployAll(cfg, none, address(this));
        super._afterDeploy();
        vm.prank(avs);
        d.core.allocationManager.createOperatorSets(avs, _setParamsV2(3, router));
        vm.startPrank(op);
        d.core.allocationManager.modifyAllocations(op, _alloc(1, 5e17));
        d.core.allocationManager.modifyAllocations(op, _alloc(3, 5e17));
        d.core.allocationManager.registerForOperatorSets(op, IAllocationManagerTypes.RegisterParams(avs, _ids(1), ""));
        d.core.allocationManager.registerForOperatorSets(op, IAllocationManagerTypes.RegisterParams(avs, _ids(3), ""));
        vm.stopPrank();
    }

    function _setParamsV2(uint32 id, address slasher)
        internal
        view
        returns (IAllocationManagerTypes.CreateSetParamsV2[] memory p)
    {
        p = new IAllocationManagerTypes.CreateSetParamsV2[](1);
        p[0] = IAllocationManagerTypes.CreateSetParamsV2({operatorSetId: id, strategies: _one(), slasher: slasher});
    }

    function _slash3(uint256 wad) internal view returns (IAllocationManagerTypes.SlashingParams memory p) {
        p = _slashParams(wad);
        p.operatorSetId = 3;
    }

    function test_LegacyCreateMakesTheAvsTheSlasher() public view {
        assertEq(d.core.allocationManager.getSlasher(OperatorSet(avs, 1)), avs);
        assertEq(d.core.allocationManager.getSlasher(OperatorSet(avs, 9)), address(0));
    }

    function test_CreateV2NamesTheSlasherAtOnce() public view {
        assertEq(d.core.allocationManager.getSlasher(OperatorSet(avs, 3)), router);
        (address pending, uint32 effectBlock) = d.core.allocationManager.getPendingSlasher(OperatorSet(avs, 3));
        assertEq(pending, address(0));
        assertEq(effectBlock, 0);
    }

    function test_Revert_WhenCreateV2WithZeroSlasher() public {
        vm.expectRevert(IAllocationManagerErrors.InputAddressZero.selector);
        vm.prank(avs);
        d.core.allocationManager.createOperatorSets(avs, _setParamsV2(4, address(0)));
    }

    function test_SlashBySlasherReturnsSlashIdAndShares() public {
        vm.prank(router);
        (uint256 slashId, uint256[] memory shares) = d.core.allocationManager.slashOperator(avs, _slash3(0.5e18));
        assertEq(slashId, 1);
        assertEq(shares.length, 1);
        assertEq(shares[0], 25 ether); // half of the half allocated to set 3, of 100 ether
        assertEq(d.core.allocationManager.getSlashCount(OperatorSet(avs, 3)), 1);
        (IStrategy[] memory s, uint256[] memory pending) =
            d.core.strategyManager.getBurnOrRedistributableShares(OperatorSet(avs, 3), 1);
        assertEq(address(s[0]), address(strategy));
        assertEq(pending[0], 25 ether);
        vm.prank(router);
        (slashId,) = d.core.allocationManager.slashOperator(avs, _slash3(0.5e18));
        assertEq(slashId, 2);
        // slash ids count per operator set
        vm.prank(avs);
        (slashId,) = d.core.allocationManager.slashOperator(avs, _slashParams(0.1e18));
        assertEq(slashId, 1);
    }

    function test_Revert_WhenTheAvsItselfSlashesASetWithAnotherSlasher() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(avs);
        d.core.allocationManager.slashOperator(avs, _slash3(0.5e18));
    }

    function test_Revert_WhenAPermissionControllerAppointeeSlashes() public {
        vm.prank(avs);
        d.core.permissionController
            .setAppointee(avs, appointee, address(d.core.allocationManager), IAllocationManager.slashOperator.selector);
        assertTrue(
            d.core.permissionController
                .canCall(avs, appointee, address(d.core.allocationManager), IAllocationManager.slashOperator.selector)
        );
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(appointee);
        d.core.allocationManager.slashOperator(avs, _slash3(0.5e18));
        // also on a legacy set, whose slasher is the AVS
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(appointee);
        d.core.allocationManager.slashOperator(avs, _slashParams(0.5e18));
    }

    function test_UpdateSlasherTakesEffectAfterConfigurationDelayPlusOne() public {
        address next = makeAddr("nextSlasher");
        uint32 effect = uint32(block.number) + CONFIG_DELAY + 1;
        vm.expectEmit(address(d.core.allocationManager));
        emit IAllocationManagerEvents.SlasherUpdated(OperatorSet(avs, 3), next, effect);
        vm.prank(avs);
        d.core.allocationManager.updateSlasher(OperatorSet(avs, 3), next);
        (address pending, uint32 effectBlock) = d.core.allocationManager.getPendingSlasher(OperatorSet(avs, 3));
        assertEq(pending, next);
        assertEq(effectBlock, effect);
        assertEq(d.core.allocationManager.SLASHER_CONFIGURATION_DELAY(), CONFIG_DELAY);

        vm.roll(effect - 1);
        // proposing the pending slasher again does not restart the countdown
        vm.prank(avs);
        d.core.allocationManager.updateSlasher(OperatorSet(avs, 3), next);
        assertEq(d.core.allocationManager.getSlasher(OperatorSet(avs, 3)), router);
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(next);
        d.core.allocationManager.slashOperator(avs, _slash3(0.1e18));

        vm.roll(effect);
        assertEq(d.core.allocationManager.getSlasher(OperatorSet(avs, 3)), next);
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(router);
        d.core.allocationManager.slashOperator(avs, _slash3(0.1e18));
        vm.prank(next);
        d.core.allocationManager.slashOperator(avs, _slash3(0.1e18));
    }

    function test_Revert_WhenUpdateSlasherByOtherThanTheAvs() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(router);
        d.core.allocationManager.updateSlasher(OperatorSet(avs, 3), router);
    }

    function test_Revert_WhenUpdateSlasherOfUnknownSet() public {
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(avs);
        d.core.allocationManager.updateSlasher(OperatorSet(avs, 9), router);
    }

    function test_Revert_WhenUpdateSlasherToZero() public {
        vm.expectRevert(IAllocationManagerErrors.InputAddressZero.selector);
        vm.prank(avs);
        d.core.allocationManager.updateSlasher(OperatorSet(avs, 3), address(0));
    }

    function test_NewOperatorsAllocationDelayAppliesAtOnce() public {
        address fresh = makeAddr("freshOperator");
        vm.expectEmit(address(d.core.allocationManager));
        emit IAllocationManagerEvents.AllocationDelaySet(fresh, 5, uint32(block.number));
        vm.prank(fresh);
        d.core.delegationManager.registerAsOperator(address(0), 5, "uri");
        (bool isSet, uint32 delay) = d.core.allocationManager.getAllocationDelay(fresh);
        assertTrue(isSet);
        assertEq(delay, 5);
        // it can allocate in the same block
        IAllocationManagerTypes.AllocateParams[] memory p = _alloc(1, 1e17);
        vm.prank(fresh);
        d.core.allocationManager.modifyAllocations(fresh, p);
    }

    function test_OperatorsLaterDelayChangeWaitsConfigurationDelayPlusOne() public {
        vm.prank(op);
        d.core.allocationManager.setAllocationDelay(op, 9);
        vm.roll(block.number + CONFIG_DELAY);
        (, uint32 delay) = d.core.allocationManager.getAllocationDelay(op);
        assertEq(delay, 0);
        vm.roll(block.number + 1);
        (, delay) = d.core.allocationManager.getAllocationDelay(op);
        assertEq(delay, 9);
    }
}

contract AllocationManager_SetAVSRegistrar is AllocationManagerTestBase {
    function test_Revert_WhenRegistrarDoesNotSupportTheAvs() public {
        RefusingRegistrar refusing = new RefusingRegistrar();
        vm.expectRevert(IAllocationManagerErrors.InvalidAVSRegistrar.selector);
        vm.prank(avs);
        d.core.allocationManager.setAVSRegistrar(avs, refusing);
    }

    function test_SetsASupportingRegistrar() public {
        AcceptingRegistrar other = new AcceptingRegistrar();
        vm.prank(avs);
        d.core.allocationManager.setAVSRegistrar(avs, other);
        assertEq(address(d.core.allocationManager.getAVSRegistrar(avs)), address(other));
    }
}
