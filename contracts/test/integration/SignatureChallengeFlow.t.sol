// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice 3 operators of equal stake, one faulty: its wrong signature never reaches the quorum, the honest two
///         answer the task; a signature challenge against the faulty one → veto → challenge again → fulfil slashes
///         exactly that operator.
contract SignatureChallengeFlow is CvmFixture {
    ICvmTaskManagerTypes.Task internal task;
    ICvmTaskManagerTypes.TaskResponse internal honest;
    ICvmTaskManagerTypes.TaskResponse internal wrong;
    ICvmTaskManagerTypes.SignatureProof internal proof;
    uint32 internal idx;

    function setUp() public override {
        super.setUp();
        _addOperators(3);
        (ICvmTaskManagerTypes.Task memory t, uint32 i) = _createTask(66);
        task = t;
        idx = i;
        vm.roll(block.number + 1);
        honest = _response(idx, "honest");
        wrong = _response(idx, "wrong");
        // operator 2 signed the wrong result; the aggregator lists it as a non-signer of the honest one
        _respond(task, honest, _sign(task, honest, _list(2)));
        proof = ICvmTaskManagerTypes.SignatureProof({
            pubkeyG1: ops[2].key.pk1,
            pubkeyG2: ops[2].key.pk2,
            signature: BlsTestKeys.sign(ops[2].key.sk, d.taskManager.responseDigest(wrong)),
            stakeIndices: new uint32[](1)
        });
    }

    function _raise() internal returns (uint256) {
        vm.prank(challenger);
        return d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, wrong, proof, honest);
    }

    function test_VetoThenChallengeAgainThenFulfilSlashesOnlyTheFaultyOperator() public {
        uint256 first = _raise();
        vm.roll(block.number + 1);
        vm.prank(vetoCommittee);
        d.taskManager.vetoSlashingRequest(first);
        assertEq(treasury.balance, 1 ether);

        uint256 second = _raise();
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        uint256 before = challenger.balance;
        d.taskManager.fulfilSignatureChallenge(second, task, new uint32[](1));
        assertEq(challenger.balance, before + 1 ether);

        assertEq(d.core.delegationManager.operatorShares(ops[2].addr, d.core.strategy), 90 ether);
        assertEq(d.cStaking.operatorStake(ops[2].addr), 45 ether);
        assertEq(d.registry.getCurrentStake(ops[2].key.id, 0), 135 ether);
        for (uint256 i; i < 2; ++i) {
            assertEq(d.core.delegationManager.operatorShares(ops[i].addr, d.core.strategy), 100 ether);
            assertEq(d.cStaking.operatorStake(ops[i].addr), 50 ether);
            assertEq(d.registry.getCurrentStake(ops[i].key.id, 0), 150 ether);
        }
        assertFalse(d.taskManager.responseInvalidated(idx));
        assertEq(address(d.taskManager).balance, 0);
    }
}
