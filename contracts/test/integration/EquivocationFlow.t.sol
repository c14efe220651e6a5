// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {IAllocationManagerEvents} from "../../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice register → stake → task → respond → equivocation slash.
contract EquivocationFlow is CvmFixture {
    function test_RegisterStakeRespondThenSlashEquivocator() public {
        _addOperators(3);
        // stake = restaked shares allocated to set 0 (100e18 × 1) + $C (50e18 × 1)
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 150 ether);
        assertEq(d.registry.getCurrentTotalStake(0), 450 ether);

        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(66);
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory good = _response(idx, "good");
        _respond(task, good, _sign(task, good, _none()));
        assertTrue(d.taskManager.taskResponseHash(idx) != bytes32(0));

        // Operator 1 also signed a different response to the same task.
        ICvmTaskManagerTypes.TaskResponse memory bad = _response(idx, "bad");
        ICvmTaskManagerTypes.EquivocationProof memory proof = ICvmTaskManagerTypes.EquivocationProof({
            pubkeyG1: ops[1].key.pk1,
            pubkeyG2: ops[1].key.pk2,
            signatureA: BlsTestKeys.sign(ops[1].key.sk, d.taskManager.responseDigest(good)),
            signatureB: BlsTestKeys.sign(ops[1].key.sk, d.taskManager.responseDigest(bad)),
            stakeIndices: new uint32[](1)
        });
        uint256 sharesBefore = d.core.delegationManager.operatorShares(ops[1].addr, d.core.strategy);
        vm.expectEmit(false, false, false, false, address(d.core.allocationManager));
        emit IAllocationManagerEvents.OperatorSlashed(
            ops[1].addr, OperatorSet(address(d.serviceManager), 0), new IStrategy[](0), new uint256[](0), ""
        );
        d.taskManager.slashEquivocation(task, good, bad, proof);

        assertEq(d.core.delegationManager.operatorShares(ops[1].addr, d.core.strategy), sharesBefore / 2);
        assertEq(d.cStaking.operatorStake(ops[1].addr), C_STAKE / 2);
        assertEq(d.core.strategyManager.getPendingSlashedShares(d.core.strategy), sharesBefore / 2);
        // registry weight follows the slash: 50 + 25
        assertEq(d.registry.getCurrentStake(ops[1].key.id, 0), 75 ether);
        assertEq(d.registry.getCurrentTotalStake(0), 375 ether);
        assertTrue(d.taskManager.equivocationSlashed(idx, ops[1].addr));
        // other operators untouched
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 150 ether);
    }
}
