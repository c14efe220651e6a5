// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistryTypes} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice Two quorums (operator sets 0 and 1): operators split their magnitude, one operator is only in quorum 0;
///         a task over both quorums is answered with a non-signer that is a member of one quorum only; a wrong
///         response signed in both quorums is slashed once per signer, in both sets, across both slashing paths.
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

    /// Operator 0 is slashed through a signature challenge first (both sets, $C once); the wrong-result request
    /// on the same landed response then slashes operators 1 and 2 in both sets and their $C once, and skips
    /// operator 0 while still counting its stake in both quorums.
    function test_WrongResultAcrossTwoQuorumsSlashesEachSignerOnce() public {
        vm.prank(taskGenerator);
        uint32 idx = d.taskManager.createTask(1, keccak256("m"), keccak256("i"), hex"0001", 60);
        ICvmTaskManagerTypes.Task memory task =
            ICvmTaskManagerTypes.Task(1, keccak256("m"), keccak256("i"), hex"0001", 60, uint32(block.number));
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(idx, "wrong");
        _respond(task, r, _sign(task, r, _list(3)));
        ICvmTaskManagerTypes.TaskResponseMetadata memory meta =
            _meta(_list(3), 300 ether, 450 ether, uint32(block.number));
        meta.signedStakeForQuorum = new uint96[](2);
        meta.totalStakeForQuorum = new uint96[](2);
        (meta.signedStakeForQuorum[0], meta.signedStakeForQuorum[1]) = (300 ether, 300 ether);
        (meta.totalStakeForQuorum[0], meta.totalStakeForQuorum[1]) = (450 ether, 300 ether);

        ICvmTaskManagerTypes.SignatureProof memory proof = ICvmTaskManagerTypes.SignatureProof({
            pubkeyG1: ops[0].key.pk1,
            pubkeyG2: ops[0].key.pk2,
            signature: BlsTestKeys.sign(ops[0].key.sk, d.taskManager.responseDigest(r)),
            stakeIndices: new uint32[](2)
        });
        vm.startPrank(challenger);
        uint256 sigId = d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, r, proof, _response(idx, "right"));
        vm.stopPrank();
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        d.taskManager.fulfilSignatureChallenge(sigId, task, new uint32[](2));

        vm.prank(challenger);
        uint256 wrId = d.taskManager.raiseChallenge{value: 1 ether}(task, r, meta, _response(idx, "right"));
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        bytes32[] memory ids = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            ids[i] = ops[i].key.id;
        }
        for (uint256 i = 1; i < 3; ++i) {
            for (uint256 j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
                (ids[j - 1], ids[j]) = (ids[j], ids[j - 1]);
            }
        }
        ICvmTaskManagerTypes.SignerSet[] memory sets = new ICvmTaskManagerTypes.SignerSet[](2);
        for (uint256 k; k < 2; ++k) {
            sets[k].operatorIds = ids;
            sets[k].stakeIndices = new uint32[](3);
        }
        bytes32[] memory nonSignerIds = new bytes32[](1);
        nonSignerIds[0] = ops[3].key.id;
        d.taskManager.fulfilSlashingRequest(wrId, task, r, meta, nonSignerIds, sets);

        for (uint256 i; i < 3; ++i) {
            assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[i].addr), i == 0 ? sigId : wrId);
            // 10 % of each set's half allocation: 0.45 + 0.45 of a max magnitude of 0.9, once
            assertEq(d.core.allocationManager.getMaxMagnitude(ops[i].addr, d.core.strategy), 0.9e18);
            for (uint32 q; q < 2; ++q) {
                IAllocationManagerTypes.Allocation memory a = d.core.allocationManager
                    .getAllocation(ops[i].addr, OperatorSet(address(d.serviceManager), q), d.core.strategy);
                assertEq(a.currentMagnitude, 0.45e18);
            }
            assertEq(d.core.delegationManager.operatorShares(ops[i].addr, d.core.strategy), 90 ether);
            assertEq(d.cStaking.operatorStake(ops[i].addr), 45 ether);
        }
        assertEq(d.core.allocationManager.getMaxMagnitude(ops[3].addr, d.core.strategy), 1e18);
        assertEq(d.cStaking.operatorStake(ops[3].addr), 50 ether);
        assertEq(address(d.taskManager).balance, 0);
    }
}
