// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {
    ICvmTaskManagerErrors,
    ICvmTaskManagerEvents,
    ICvmTaskManagerTypes
} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice A wrong response lands with operators 0..2 signing (operator 3 does not). Operator 0's signature over it
///         is one fault, reachable through both slashing paths (wrong-result challenge of the landed response, and a
///         signature challenge with `signedResponse` = the landed response); whichever is fulfilled first slashes
///         it, the other one does not slash it again.
contract OneSlashPerFaultFlow is CvmFixture {
    ICvmTaskManagerTypes.Task internal task;
    ICvmTaskManagerTypes.TaskResponse internal landed;
    ICvmTaskManagerTypes.TaskResponse internal right;
    ICvmTaskManagerTypes.TaskResponseMetadata internal meta;
    ICvmTaskManagerTypes.SignatureProof internal proof;
    uint32 internal idx;

    function setUp() public override {
        super.setUp();
        _addOperators(4);
        (ICvmTaskManagerTypes.Task memory t, uint32 i) = _createTask(60);
        task = t;
        idx = i;
        vm.roll(block.number + 1);
        landed = _response(idx, "wrong");
        right = _response(idx, "right");
        _respond(task, landed, _sign(task, landed, _list(3)));
        meta = _meta(_list(3), 450 ether, 600 ether, uint32(block.number));
        proof = ICvmTaskManagerTypes.SignatureProof({
            pubkeyG1: ops[0].key.pk1,
            pubkeyG2: ops[0].key.pk2,
            signature: BlsTestKeys.sign(ops[0].key.sk, d.taskManager.responseDigest(landed)),
            stakeIndices: new uint32[](1)
        });
    }

    function _raiseSignature() internal returns (uint256) {
        vm.prank(challenger);
        return d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, landed, proof, right);
    }

    function _raiseWrongResult() internal returns (uint256) {
        vm.prank(challenger);
        return d.taskManager.raiseChallenge{value: 1 ether}(task, landed, meta, right);
    }

    function _fulfilWrongResult(uint256 requestId) internal {
        bytes32[] memory ids = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            ids[i] = ops[i].key.id;
        }
        for (uint256 i = 1; i < 3; ++i) {
            for (uint256 j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
                (ids[j - 1], ids[j]) = (ids[j], ids[j - 1]);
            }
        }
        ICvmTaskManagerTypes.SignerSet[] memory sets = new ICvmTaskManagerTypes.SignerSet[](1);
        sets[0].operatorIds = ids;
        sets[0].stakeIndices = new uint32[](3);
        bytes32[] memory nonSignerIds = new bytes32[](1);
        nonSignerIds[0] = ops[3].key.id;
        d.taskManager.fulfilSlashingRequest(requestId, task, landed, meta, nonSignerIds, sets);
    }

    function _afterVetoWindow() internal {
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
    }

    /// Operators 0..2 slashed exactly once (10 % of the allocation, so of 100 restaked shares, and of 50 $C),
    /// operator 3 never.
    function _assertEachSignerSlashedOnce() internal view {
        for (uint256 i; i < 4; ++i) {
            bool signer = i < 3;
            assertEq(d.core.allocationManager.getMaxMagnitude(ops[i].addr, d.core.strategy), signer ? 0.9e18 : 1e18);
            assertEq(
                d.core.delegationManager.operatorShares(ops[i].addr, d.core.strategy), signer ? 90 ether : 100 ether
            );
            assertEq(d.cStaking.operatorStake(ops[i].addr), signer ? 45 ether : 50 ether);
            assertEq(d.registry.getCurrentStake(ops[i].key.id, 0), signer ? 135 ether : 150 ether);
        }
        assertEq(address(d.taskManager).balance, 0);
    }

    function _countWrongResultSlashes(uint256 requestId, address operator) internal returns (uint256 n) {
        bytes32 sig = ICvmTaskManagerEvents.OperatorSlashedForWrongResult.selector;
        vm.recordLogs();
        _fulfilWrongResult(requestId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter == address(d.taskManager) && logs[i].topics[0] == sig
                    && logs[i].topics[2] == bytes32(uint256(uint160(operator)))
            ) ++n;
        }
    }

    function test_SignatureFirstThenWrongResultSkipsTheSlashedSigner() public {
        uint256 sigId = _raiseSignature();
        _afterVetoWindow();
        d.taskManager.fulfilSignatureChallenge(sigId, task, new uint32[](1));
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[0].addr), sigId);

        // the landed response is still open to a wrong-result challenge, which must slash the other signers only
        uint256 wrId = _raiseWrongResult();
        _afterVetoWindow();
        uint256 before = challenger.balance;
        assertEq(_countWrongResultSlashes(wrId, ops[0].addr), 0);
        assertEq(challenger.balance, before + 1 ether);
        assertTrue(d.taskManager.responseInvalidated(idx));
        assertEq(uint8(d.taskManager.getSlashingRequest(wrId).status), 3);
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[0].addr), sigId);
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[1].addr), wrId);
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[2].addr), wrId);
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[3].addr), 0);
        _assertEachSignerSlashedOnce();
    }

    function test_WrongResultFirstThenSignatureChallengeRefused() public {
        uint256 wrId = _raiseWrongResult();
        _afterVetoWindow();
        assertEq(_countWrongResultSlashes(wrId, ops[0].addr), 1);
        for (uint256 i; i < 3; ++i) {
            assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[i].addr), wrId);
        }

        vm.expectRevert(
            abi.encodeWithSelector(ICvmTaskManagerErrors.AlreadySlashedForWrongResult.selector, idx, ops[0].addr)
        );
        _raiseSignature();
        _assertEachSignerSlashedOnce();
    }

    function test_PendingSignatureChallengeClosedWithoutSlashAfterWrongResult() public {
        // both raised before either is fulfilled; the wrong-result request is fulfilled first
        uint256 sigId = _raiseSignature();
        uint256 wrId = _raiseWrongResult();
        _afterVetoWindow();
        _fulfilWrongResult(wrId);

        uint256 before = challenger.balance;
        vm.expectEmit(true, true, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.SlashingRequestFulfilled(sigId, idx, 0);
        vm.recordLogs();
        d.taskManager.fulfilSignatureChallenge(sigId, task, new uint32[](1));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(logs[i].topics[0] != ICvmTaskManagerEvents.OperatorSlashedForWrongResult.selector);
        }
        // the challenger was right: its bond comes back, the request is closed
        assertEq(challenger.balance, before + 1 ether);
        assertEq(uint8(d.taskManager.getSlashingRequest(sigId).status), 3);
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[0].addr), wrId);
        _assertEachSignerSlashedOnce();
    }
}
