// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice register → stake → task → respond → wrong-result challenge → veto, or → fulfil (signers only slashed).
contract ChallengeFlow is CvmFixture {
    ICvmTaskManagerTypes.Task internal task;
    ICvmTaskManagerTypes.TaskResponse internal resp;
    ICvmTaskManagerTypes.TaskResponseMetadata internal meta;
    uint32 internal idx;
    uint256 internal requestId;

    function setUp() public override {
        super.setUp();
        _addOperators(4);
        (ICvmTaskManagerTypes.Task memory t, uint32 i) = _createTask(60);
        task = t;
        idx = i;
        vm.roll(block.number + 1);
        resp = _response(idx, "wrong");
        _respond(task, resp, _sign(task, resp, _list(3)));
        meta = _meta(_list(3), 450 ether, 600 ether, uint32(block.number));
        vm.prank(challenger);
        requestId = d.taskManager.raiseChallenge{value: 1 ether}(task, resp, meta, _response(idx, "right"));
    }

    function _signers() internal view returns (ICvmTaskManagerTypes.SignerSet[] memory sets) {
        bytes32[] memory ids = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            ids[i] = ops[i].key.id;
        }
        for (uint256 i = 1; i < 3; ++i) {
            for (uint256 j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
                (ids[j - 1], ids[j]) = (ids[j], ids[j - 1]);
            }
        }
        sets = new ICvmTaskManagerTypes.SignerSet[](1);
        sets[0].operatorIds = ids;
        sets[0].stakeIndices = new uint32[](3);
    }

    function _nonSignerIds() internal view returns (bytes32[] memory ids) {
        ids = new bytes32[](1);
        ids[0] = ops[3].key.id;
    }

    function test_ChallengeRecordsPendingRequest() public view {
        ICvmTaskManagerTypes.SlashingRequest memory r = d.taskManager.getSlashingRequest(requestId);
        assertEq(uint8(r.status), uint8(ICvmTaskManagerTypes.SlashingRequestStatus.Pending));
        assertEq(r.challenger, challenger);
        assertEq(r.bond, 1 ether);
        assertEq(r.taskIndex, idx);
        assertTrue(d.taskManager.taskChallenged(idx));
        assertEq(address(d.taskManager).balance, 1 ether);
    }

    function test_VetoForfeitsBondAndSlashesNobody() public {
        vm.roll(block.number + 10);
        vm.prank(vetoCommittee);
        d.taskManager.vetoSlashingRequest(requestId);
        assertEq(treasury.balance, 1 ether);
        assertEq(uint8(d.taskManager.getSlashingRequest(requestId).status), 2);
        assertFalse(d.taskManager.taskChallenged(idx));
        for (uint256 i; i < 4; ++i) {
            assertEq(d.registry.getCurrentStake(ops[i].key.id, 0), 150 ether);
        }
        // a vetoed request can no longer be fulfilled
        vm.roll(block.number + 100);
        vm.expectRevert(abi.encodeWithSignature("RequestNotPending(uint256)", requestId));
        d.taskManager.fulfilSlashingRequest(requestId, task, resp, meta, _nonSignerIds(), _signers());
    }

    function test_FulfilSlashesOnlySignersAndReturnsBond() public {
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        uint256 before = challenger.balance;
        d.taskManager.fulfilSlashingRequest(requestId, task, resp, meta, _nonSignerIds(), _signers());
        assertEq(challenger.balance, before + 1 ether);
        assertTrue(d.taskManager.responseInvalidated(idx));
        for (uint256 i; i < 3; ++i) {
            // 10 % of 100 restaked shares and of 50 $C
            assertEq(d.core.delegationManager.operatorShares(ops[i].addr, d.core.strategy), 90 ether);
            assertEq(d.cStaking.operatorStake(ops[i].addr), 45 ether);
            assertEq(d.registry.getCurrentStake(ops[i].key.id, 0), 135 ether);
        }
        // the non-signer is untouched
        assertEq(d.core.delegationManager.operatorShares(ops[3].addr, d.core.strategy), 100 ether);
        assertEq(d.cStaking.operatorStake(ops[3].addr), 50 ether);
        assertEq(d.registry.getCurrentStake(ops[3].key.id, 0), 150 ether);
        assertEq(uint8(d.taskManager.getSlashingRequest(requestId).status), 3);
    }

    function test_Revert_WhenFulfilOmitsASigner() public {
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        ICvmTaskManagerTypes.SignerSet[] memory sets = _signers();
        bytes32[] memory two = new bytes32[](2);
        two[0] = sets[0].operatorIds[0];
        two[1] = sets[0].operatorIds[1];
        sets[0].operatorIds = two;
        sets[0].stakeIndices = new uint32[](2);
        vm.expectRevert(abi.encodeWithSignature("SignerSetIncomplete(uint8,uint96,uint96)", 0, 300 ether, 450 ether));
        d.taskManager.fulfilSlashingRequest(requestId, task, resp, meta, _nonSignerIds(), sets);
    }

    function test_Revert_WhenFulfilListsTheNonSigner() public {
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        ICvmTaskManagerTypes.SignerSet[] memory sets = _signers();
        sets[0].operatorIds = _nonSignerIds();
        sets[0].stakeIndices = new uint32[](1);
        vm.expectRevert(abi.encodeWithSignature("SignerIsNonSigner(bytes32)", ops[3].key.id));
        d.taskManager.fulfilSlashingRequest(requestId, task, resp, meta, _nonSignerIds(), sets);
    }

    function test_Revert_WhenFulfilDuringVetoWindow() public {
        uint256 end = block.number + cfg.taskConfig.vetoWindowBlock;
        vm.expectRevert(abi.encodeWithSignature("VetoWindowActive(uint256,uint256)", requestId, end));
        d.taskManager.fulfilSlashingRequest(requestId, task, resp, meta, _nonSignerIds(), _signers());
    }
}
