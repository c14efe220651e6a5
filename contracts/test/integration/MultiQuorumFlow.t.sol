// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistryTypes} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice Two quorums (operator sets 0 and 1): operators split their magnitude, one operator is only in quorum 0;
///         a task over both quorums is answered with a non-signer that is a member of one quorum only.
contract MultiQuorumFlow is CvmFixture {
    function setUp() public override {
        super.setUp();
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](1);
        sp[0] = ICvmRegistryTypes.StrategyParams(d.core.strategy, 2e18);
        d.serviceManager.createQuorum(ICvmRegistryTypes.QuorumConfig(16, 1 ether, 0), sp);
        for (uint256 i; i < 4; ++i) {
            Op memory op = _newOperator(i + 1, RESTAKE, C_STAKE);
            ops.push(op);
            // _newOperator allocated everything to set 0; move half of it to set 1 for operators 0..2
            if (i < 3) {
                _allocate(op.addr, 0.5e18);
                _allocateSet1(op.addr, 0.5e18);
            }
            uint32[] memory ids = new uint32[](i < 3 ? 2 : 1);
            if (i < 3) ids[1] = 1;
            IAllocationManagerTypes.RegisterParams memory p = IAllocationManagerTypes.RegisterParams(
                address(d.serviceManager), ids, _registrationData(op.addr, op.key, "127.0.0.1:9000")
            );
            vm.prank(op.addr);
            d.core.allocationManager.registerForOperatorSets(op.addr, p);
        }
    }

    function _allocateSet1(address operator, uint64 magnitude) internal {
        IAllocationManagerTypes.AllocateParams[] memory p = new IAllocationManagerTypes.AllocateParams[](1);
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint64[] memory m = new uint64[](1);
        m[0] = magnitude;
        p[0] = IAllocationManagerTypes.AllocateParams(OperatorSet(address(d.serviceManager), 1), s, m);
        vm.prank(operator);
        d.core.allocationManager.modifyAllocations(operator, p);
    }

    function test_StakesPerQuorum() public view {
        // quorum 0: operators 0..2 have half their shares there (+ $C), operator 3 all of it
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 50 ether + 50 ether);
        assertEq(d.registry.getCurrentStake(ops[3].key.id, 0), 100 ether + 50 ether);
        // quorum 1: multiplier 2, no $C
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 1), 100 ether);
        assertEq(d.registry.getCurrentTotalStake(1), 300 ether);
        assertFalse(d.registry.isActive(ops[3].addr, 1));
        assertEq(d.registry.getActiveQuorums(ops[0].addr).length, 2);
    }

    function test_RespondAcrossTwoQuorumsAndEjectFromBoth() public {
        vm.prank(taskGenerator);
        uint32 idx = d.taskManager.createTask(1, keccak256("m"), keccak256("i"), hex"0001", 60);
        ICvmTaskManagerTypes.Task memory task =
            ICvmTaskManagerTypes.Task(1, keccak256("m"), keccak256("i"), hex"0001", 60, uint32(block.number));
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(idx, "multi");
        // operator 3 (quorum 0 only) does not sign: quorum 0 has 300/450 signed, quorum 1 300/300
        _respond(task, r, _sign(task, r, _list(3)));
        assertTrue(d.taskManager.taskResponseHash(idx) != bytes32(0));
        assertEq(d.taskManager.liveness(ops[3].key.id).missedStreak, 1);

        // operator 0 (both quorums) misses three times in a row and is ejected from both
        for (uint256 k; k < 3; ++k) {
            vm.prank(taskGenerator);
            uint32 j = d.taskManager.createTask(1, keccak256("m"), keccak256("i"), hex"0001", 60);
            task.taskCreatedBlock = uint32(block.number);
            vm.roll(block.number + 1);
            r = _response(j, bytes32(k));
            _respond(task, r, _sign(task, r, _list(0)));
        }
        d.taskManager.ejectInactiveOperator(ops[0].addr);
        assertFalse(d.registry.isActive(ops[0].addr, 0));
        assertFalse(d.registry.isActive(ops[0].addr, 1));
        assertEq(d.registry.getCurrentTotalStake(1), 200 ether);
    }
}
