// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManagerEvents, ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice register → stake → tasks → responses with a silent operator → liveness ejection.
contract LivenessFlow is CvmFixture {
    function setUp() public override {
        super.setUp();
        _addOperators(4);
    }

    function _round(uint256[] memory nonSigners, bytes32 tag) internal {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(60);
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(idx, tag);
        _respond(task, r, _sign(task, r, nonSigners));
    }

    function test_ThreeConsecutiveMissesLeadToEjection() public {
        _round(_list(2), "a");
        _round(_list(2), "b");
        assertEq(d.taskManager.liveness(ops[2].key.id).missedStreak, 2);
        vm.expectRevert(abi.encodeWithSignature("NotEjectable(address)", ops[2].addr));
        d.taskManager.ejectInactiveOperator(ops[2].addr);

        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(60);
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(idx, "c");
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sign(task, r, _list(2));
        vm.expectEmit(true, false, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.LivenessThresholdReached(ops[2].key.id, 3);
        _respond(task, r, s);
        assertTrue(d.taskManager.liveness(ops[2].key.id).ejectable);

        d.taskManager.ejectInactiveOperator(ops[2].addr);
        assertFalse(d.registry.isActive(ops[2].addr, 0));
        assertFalse(
            d.core.allocationManager.isMemberOfOperatorSet(ops[2].addr, OperatorSet(address(d.serviceManager), 0))
        );
        assertEq(d.registry.getCurrentTotalStake(0), 450 ether);
        assertEq(d.registry.operatorCount(0), 3);
        // still slashable during the deallocation delay
        assertTrue(d.core.allocationManager.isOperatorSlashable(ops[2].addr, OperatorSet(address(d.serviceManager), 0)));

        // the quorum keeps working without it
        _round(_none(), "d");
        assertEq(d.taskManager.responseCount(), 4);
    }

    function test_SigningResetsTheStreak() public {
        _round(_list(1), "a");
        _round(_list(1), "b");
        _round(_none(), "c");
        _round(_list(1), "d");
        ICvmTaskManagerTypes.Liveness memory l = d.taskManager.liveness(ops[1].key.id);
        assertEq(l.missedStreak, 1);
        assertEq(l.lastMissedResponse, 4);
        assertFalse(l.ejectable);
    }

    function test_ReRegistrationResetsLiveness() public {
        _round(_list(0), "a");
        _round(_list(0), "b");
        _round(_list(0), "c");
        d.taskManager.ejectInactiveOperator(ops[0].addr);
        _register(ops[0]);
        ICvmTaskManagerTypes.Liveness memory l = d.taskManager.liveness(ops[0].key.id);
        assertEq(l.missedStreak, 0);
        assertFalse(l.ejectable);
        assertTrue(d.registry.isActive(ops[0].addr, 0));
    }
}
