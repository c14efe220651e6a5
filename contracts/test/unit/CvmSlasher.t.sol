// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmServiceManagerErrors, ICvmServiceManagerEvents} from "../../src/interfaces/avs/ICvmServiceManager.sol";
import {ICvmSlasherErrors, ICvmSlasherEvents} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {IAllocationManagerErrors, IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";

contract CvmSlasherTestBase is CvmFixture {
    address internal audits = makeAddr("storageAudits");
    Op internal op;

    function setUp() public virtual override {
        super.setUp();
        op = _newOperator(1, RESTAKE, C_STAKE);
        _register(op);
    }

    function _set0() internal view returns (OperatorSet memory) {
        return OperatorSet(address(d.serviceManager), 0);
    }
}

contract CvmSlasher_Wiring is CvmSlasherTestBase {
    function test_IsTheSlasherOfQuorumSetsAndAllowsTheTaskManager() public view {
        assertEq(d.core.allocationManager.getSlasher(_set0()), address(d.slasher));
        assertTrue(d.slasher.isAllowed(address(d.taskManager)));
        assertFalse(d.slasher.isAllowed(audits));
        assertEq(d.slasher.owner(), address(this));
        assertEq(address(d.slasher.serviceManager()), address(d.serviceManager));
        assertEq(address(d.slasher.allocationManager()), address(d.core.allocationManager));
        assertEq(address(d.taskManager.slasher()), address(d.slasher));
    }

    function test_Revert_WhenTheServiceManagerSlashesDirectly() public {
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint256[] memory w = new uint256[](1);
        w[0] = 0.1e18;
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(address(d.serviceManager));
        d.core.allocationManager
            .slashOperator(address(d.serviceManager), IAllocationManagerTypes.SlashingParams(op.addr, 0, s, w, "x"));
    }

    function test_Revert_WhenTheTaskManagerSlashesDirectly() public {
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint256[] memory w = new uint256[](1);
        w[0] = 0.1e18;
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(address(d.taskManager));
        d.core.allocationManager
            .slashOperator(address(d.serviceManager), IAllocationManagerTypes.SlashingParams(op.addr, 0, s, w, "x"));
    }
}

contract CvmSlasher_SetAllowed is CvmSlasherTestBase {
    function test_OwnerAllowsAndDisallows() public {
        vm.expectEmit(address(d.slasher));
        emit ICvmSlasherEvents.SlashingContractSet(audits, true);
        d.slasher.setAllowed(audits, true);
        assertTrue(d.slasher.isAllowed(audits));
        d.slasher.setAllowed(audits, false);
        assertFalse(d.slasher.isAllowed(audits));
    }

    function test_Revert_WhenNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, audits));
        vm.prank(audits);
        d.slasher.setAllowed(audits, true);
    }

    function test_Revert_WhenZeroAddress() public {
        vm.expectRevert(ICvmSlasherErrors.ZeroAddress.selector);
        d.slasher.setAllowed(address(0), true);
    }
}

contract CvmSlasher_SlashOperator is CvmSlasherTestBase {
    function test_AllowedContractSlashesEveryStrategyOfTheSet() public {
        d.slasher.setAllowed(audits, true);
        vm.expectEmit(address(d.slasher));
        emit ICvmSlasherEvents.SlashRouted(audits, op.addr, 0, 1);
        vm.prank(audits);
        (uint256 slashId, uint256[] memory shares) = d.slasher.slashOperator(op.addr, 0, 0.1e18, "audit");
        assertEq(slashId, 1);
        assertEq(shares.length, 1);
        assertEq(shares[0], RESTAKE / 10);
        assertEq(d.core.delegationManager.operatorShares(op.addr, d.core.strategy), RESTAKE - RESTAKE / 10);
        (, uint256[] memory pending) = d.core.strategyManager.getBurnOrRedistributableShares(_set0(), 1);
        assertEq(pending[0], RESTAKE / 10);
    }

    function test_NothingWhenNotSlashable() public {
        Op memory outsider = _newOperator(2, RESTAKE, 0);
        vm.prank(address(d.taskManager));
        (uint256 slashId, uint256[] memory shares) = d.slasher.slashOperator(outsider.addr, 0, 0.1e18, "x");
        assertEq(slashId, 0);
        assertEq(shares.length, 0);
        assertEq(d.core.allocationManager.getSlashCount(_set0()), 0);
    }

    function test_Revert_WhenCallerNotAllowed() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmSlasherErrors.NotAllowedToSlash.selector, audits));
        vm.prank(audits);
        d.slasher.slashOperator(op.addr, 0, 0.1e18, "x");
    }

    function test_Revert_WhenDisallowedAgain() public {
        d.slasher.setAllowed(audits, true);
        d.slasher.setAllowed(audits, false);
        vm.expectRevert(abi.encodeWithSelector(ICvmSlasherErrors.NotAllowedToSlash.selector, audits));
        vm.prank(audits);
        d.slasher.slashOperator(op.addr, 0, 0.1e18, "x");
    }
}

contract CvmSlasher_EjectOperator is CvmSlasherTestBase {
    function test_AllowedContractEjectsThroughTheServiceManager() public {
        uint32[] memory ids = new uint32[](1);
        vm.expectEmit(address(d.serviceManager));
        emit ICvmServiceManagerEvents.OperatorEjected(op.addr, ids);
        vm.prank(address(d.taskManager));
        d.slasher.ejectOperator(op.addr);
        assertFalse(d.core.allocationManager.isMemberOfOperatorSet(op.addr, _set0()));
    }

    function test_Revert_WhenCallerNotAllowed() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmSlasherErrors.NotAllowedToSlash.selector, audits));
        vm.prank(audits);
        d.slasher.ejectOperator(op.addr);
    }

    function test_Revert_WhenTheTaskManagerEjectsDirectly() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmServiceManagerErrors.OnlyEjector.selector, address(d.taskManager)));
        vm.prank(address(d.taskManager));
        d.serviceManager.ejectOperator(op.addr);
    }
}
