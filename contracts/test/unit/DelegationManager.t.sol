// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {DelegationManager} from "../../src/core/DelegationManager.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {IDelegationManagerErrors, IDelegationManagerEvents} from "../../src/interfaces/core/IDelegationManager.sol";
import {ISignatureUtilsMixinTypes} from "../../src/interfaces/core/ISignatureUtilsMixin.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

contract DelegationManagerTestBase is CvmFixture {
    address internal alice = makeAddr("alice");
    address internal approver;
    uint256 internal approverKey;

    function setUp() public virtual override {
        super.setUp();
        (approver, approverKey) = makeAddrAndKey("approver");
    }

    function _sig(address staker, address operator, bytes32 salt, uint256 expiry)
        internal
        view
        returns (ISignatureUtilsMixinTypes.SignatureWithExpiry memory)
    {
        bytes32 digest = d.core.delegationManager
        .calculateDelegationApprovalDigestHash(staker, operator, approver, salt, expiry);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(approverKey, digest);
        return ISignatureUtilsMixinTypes.SignatureWithExpiry(abi.encodePacked(r, s, v), expiry);
    }

    function _noSig() internal pure returns (ISignatureUtilsMixinTypes.SignatureWithExpiry memory) {
        return ISignatureUtilsMixinTypes.SignatureWithExpiry("", 0);
    }

    function _operatorWithApprover() internal returns (address op) {
        op = makeAddr("approvedOperator");
        vm.prank(op);
        d.core.delegationManager.registerAsOperator(approver, 0, "uri");
    }
}

contract DelegationManager_RegisterAsOperator is DelegationManagerTestBase {
    function test_RegistersAndDelegatesToSelf() public {
        vm.expectEmit(true, false, false, true, address(d.core.delegationManager));
        emit IDelegationManagerEvents.OperatorRegistered(alice, approver);
        vm.prank(alice);
        d.core.delegationManager.registerAsOperator(approver, 5, "uri");
        assertTrue(d.core.delegationManager.isOperator(alice));
        assertEq(d.core.delegationManager.delegatedTo(alice), alice);
        assertEq(d.core.delegationManager.delegationApprover(alice), approver);
        (bool isSet, uint32 delay) = d.core.allocationManager.getAllocationDelay(alice);
        assertTrue(isSet);
        assertEq(delay, 5);
    }

    function test_Revert_WhenAlreadyDelegated() public {
        vm.startPrank(alice);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
        vm.expectRevert(IDelegationManagerErrors.ActivelyDelegated.selector);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
        vm.stopPrank();
    }

    function test_UpdateMetadataURI() public {
        vm.startPrank(alice);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
        vm.expectEmit(true, false, false, true, address(d.core.delegationManager));
        emit IDelegationManagerEvents.OperatorMetadataURIUpdated(alice, "new");
        d.core.delegationManager.updateOperatorMetadataURI(alice, "new");
        vm.stopPrank();
    }

    function test_Revert_WhenUpdatingMetadataOfNonOperator() public {
        vm.expectRevert(IDelegationManagerErrors.OperatorNotRegistered.selector);
        d.core.delegationManager.updateOperatorMetadataURI(alice, "new");
    }

    function test_Revert_WhenUpdatingMetadataOfAnotherOperator() public {
        vm.prank(alice);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
        vm.expectRevert(IDelegationManagerErrors.InvalidPermissions.selector);
        d.core.delegationManager.updateOperatorMetadataURI(alice, "new");
    }
}

contract DelegationManager_DelegateTo is DelegationManagerTestBase {
    function test_DelegatesWithApproverSignature() public {
        address op = _operatorWithApprover();
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory s = _sig(alice, op, "salt", block.timestamp + 1);
        vm.prank(alice);
        d.core.delegationManager.delegateTo(op, s, "salt");
        assertEq(d.core.delegationManager.delegatedTo(alice), op);
        assertTrue(d.core.delegationManager.isDelegated(alice));
        assertTrue(DelegationManager(address(d.core.delegationManager)).delegationApproverSaltIsSpent(approver, "salt"));
    }

    function test_Revert_WhenOperatorNotRegistered() public {
        vm.expectRevert(IDelegationManagerErrors.OperatorNotRegistered.selector);
        vm.prank(alice);
        d.core.delegationManager.delegateTo(makeAddr("nobody"), _noSig(), bytes32(0));
    }

    function test_Revert_WhenStakerAlreadyDelegated() public {
        address op = _operatorWithApprover();
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory s = _sig(alice, op, "s1", block.timestamp + 1);
        vm.startPrank(alice);
        d.core.delegationManager.delegateTo(op, s, "s1");
        vm.expectRevert(IDelegationManagerErrors.ActivelyDelegated.selector);
        d.core.delegationManager.delegateTo(op, _noSig(), bytes32(0));
        vm.stopPrank();
    }

    function test_Revert_WhenApproverSignatureExpired() public {
        address op = _operatorWithApprover();
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory s = _sig(alice, op, "salt", block.timestamp - 1);
        vm.expectRevert(IDelegationManagerErrors.SignatureExpired.selector);
        vm.prank(alice);
        d.core.delegationManager.delegateTo(op, s, "salt");
    }

    function test_Revert_WhenApproverSignatureInvalid() public {
        address op = _operatorWithApprover();
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory s = _sig(makeAddr("bob"), op, "salt", block.timestamp);
        vm.expectRevert(IDelegationManagerErrors.InvalidSignature.selector);
        vm.prank(alice);
        d.core.delegationManager.delegateTo(op, s, "salt");
    }

    function test_Revert_WhenApproverSaltSpent() public {
        address op = _operatorWithApprover();
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory s = _sig(alice, op, "salt", block.timestamp);
        vm.prank(alice);
        d.core.delegationManager.delegateTo(op, s, "salt");
        address bob = makeAddr("bob");
        s = _sig(bob, op, "salt", block.timestamp);
        vm.expectRevert(IDelegationManagerErrors.SaltSpent.selector);
        vm.prank(bob);
        d.core.delegationManager.delegateTo(op, s, "salt");
    }

    function test_Revert_WhenOperatorFullySlashed() public {
        Op memory op = _newOperator(1, 10 ether, 0);
        _register(op);
        // slash the whole allocated magnitude: max magnitude drops to 0
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint256[] memory w = new uint256[](1);
        w[0] = 1e18;
        vm.prank(address(d.slasher)); // the set's slasher (EigenLayer v1.9+)
        d.core.allocationManager
            .slashOperator(address(d.serviceManager), IAllocationManagerTypes.SlashingParams(op.addr, 0, s, w, "all"));
        assertEq(d.core.allocationManager.getMaxMagnitude(op.addr, d.core.strategy), 0);
        assertEq(d.core.delegationManager.operatorShares(op.addr, d.core.strategy), 0);
        d.underlyingToken.mint(op.addr, 1 ether);
        vm.startPrank(op.addr);
        d.underlyingToken.approve(address(d.core.strategyManager), 1 ether);
        vm.expectRevert(IDelegationManagerErrors.FullySlashed.selector);
        d.core.strategyManager.depositIntoStrategy(d.core.strategy, d.underlyingToken, 1 ether);
        vm.stopPrank();
    }
}

contract DelegationManager_Hooks is DelegationManagerTestBase {
    function test_Revert_WhenIncreaseNotFromStrategyManager() public {
        vm.expectRevert(IDelegationManagerErrors.OnlyStrategyManagerOrEigenPodManager.selector);
        d.core.delegationManager.increaseDelegatedShares(alice, d.core.strategy, 0, 1);
    }

    function test_Revert_WhenSlashNotFromAllocationManager() public {
        vm.expectRevert(IDelegationManagerErrors.OnlyAllocationManager.selector);
        d.core.delegationManager.slashOperatorShares(alice, OperatorSet(alice, 0), 1, d.core.strategy, 1e18, 5e17);
    }

    function testFuzz_SlashScalesSharesAndBurnsTheRest(uint96 shares, uint64 newMax) public {
        shares = uint96(bound(shares, 1, type(uint96).max));
        newMax = uint64(bound(newMax, 0, 1e18));
        address opAddr = makeAddr("fuzzOperator");
        d.underlyingToken.mint(opAddr, shares);
        vm.startPrank(opAddr);
        d.underlyingToken.approve(address(d.core.strategyManager), shares);
        d.core.strategyManager.depositIntoStrategy(d.core.strategy, d.underlyingToken, shares);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
        vm.stopPrank();
        vm.prank(address(d.core.allocationManager));
        d.core.delegationManager.slashOperatorShares(opAddr, OperatorSet(opAddr, 7), 1, d.core.strategy, 1e18, newMax);
        uint256 remaining = d.core.delegationManager.operatorShares(opAddr, d.core.strategy);
        assertEq(remaining, uint256(shares) * newMax / 1e18);
        assertEq(remaining + d.core.strategyManager.getPendingSlashedShares(d.core.strategy), shares);
        (IStrategy[] memory slashed, uint256[] memory slashedShares) =
            d.core.strategyManager.getBurnOrRedistributableShares(OperatorSet(opAddr, 7), 1);
        assertEq(address(slashed[0]), address(d.core.strategy));
        assertEq(slashedShares[0], shares - remaining);
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        assertEq(d.core.delegationManager.getOperatorShares(opAddr, s)[0], remaining);
        address[] memory o = new address[](1);
        o[0] = opAddr;
        assertEq(d.core.delegationManager.getOperatorsShares(o, s)[0][0], remaining);
    }
}
