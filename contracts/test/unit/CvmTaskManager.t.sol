// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmManuscriptRegistry} from "../../src/avs/CvmManuscriptRegistry.sol";
import {ICvmManuscriptRegistry} from "../../src/interfaces/avs/ICvmManuscriptRegistry.sol";
import {
    ICvmTaskManagerErrors,
    ICvmTaskManagerEvents,
    ICvmTaskManagerTypes
} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";

contract RejectingReceiver {
    receive() external payable {
        revert("no");
    }
}

contract CvmTaskManagerTestBase is CvmFixture {
    ICvmTaskManagerTypes.Task internal task;
    uint32 internal idx;
    ICvmTaskManagerTypes.TaskResponse internal resp;

    function setUp() public virtual override {
        super.setUp();
        _addOperators(4);
        (ICvmTaskManagerTypes.Task memory t, uint32 i) = _createTask(60);
        task = t;
        idx = i;
        resp = _response(idx, "r");
        vm.roll(block.number + 1);
    }

    function _sig(uint256[] memory nonSigners)
        internal
        view
        returns (ICvmTaskManagerTypes.NonSignerStakesAndSignature memory)
    {
        return _sign(task, resp, nonSigners);
    }

    function _expectRespondRevert(ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s, bytes memory err)
        internal
    {
        vm.expectRevert(err);
        vm.prank(aggregator);
        d.taskManager.respondToTask(task, resp, s);
    }
}

contract CvmTaskManager_CreateTask is CvmTaskManagerTestBase {
    function test_StoresHashAndEmits() public {
        vm.expectEmit(true, false, false, false, address(d.taskManager));
        emit ICvmTaskManagerEvents.NewTaskCreated(1, task);
        (ICvmTaskManagerTypes.Task memory t, uint32 i) = _createTask(70);
        assertEq(i, 1);
        assertEq(d.taskManager.latestTaskNum(), 2);
        assertEq(d.taskManager.taskHash(i), keccak256(abi.encode(t)));
    }

    function test_Revert_WhenNotTaskGenerator() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.OnlyTaskGenerator.selector, address(this)));
        d.taskManager.createTask(1, 0, 0, hex"00", 50);
    }

    function test_Revert_WhenPaused() public {
        vm.prank(pauser);
        d.serviceManager.setPaused(true);
        vm.expectRevert(ICvmTaskManagerErrors.ServicePaused.selector);
        vm.prank(taskGenerator);
        d.taskManager.createTask(1, 0, 0, hex"00", 50);
    }

    function test_Revert_WhenThresholdInvalid() public {
        vm.startPrank(taskGenerator);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidThreshold.selector, 0));
        d.taskManager.createTask(1, 0, 0, hex"00", 0);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidThreshold.selector, 101));
        d.taskManager.createTask(1, 0, 0, hex"00", 101);
        vm.stopPrank();
    }

    function test_Revert_WhenQuorumNumbersInvalid() public {
        vm.startPrank(taskGenerator);
        vm.expectRevert(ICvmTaskManagerErrors.InvalidQuorumNumbers.selector);
        d.taskManager.createTask(1, 0, 0, "", 50);
        vm.expectRevert(ICvmTaskManagerErrors.InvalidQuorumNumbers.selector);
        d.taskManager.createTask(1, 0, 0, hex"01", 50);
        vm.expectRevert(ICvmTaskManagerErrors.InvalidQuorumNumbers.selector);
        d.taskManager.createTask(1, 0, 0, hex"0000", 50);
        vm.stopPrank();
    }
}

contract CvmTaskManager_RespondToTask is CvmTaskManagerTestBase {
    function test_RecordsResponseAndMetadata() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_list(2));
        vm.expectEmit(true, false, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.TaskResponded(idx, resp, _meta(_list(2), 450 ether, 600 ether, uint32(block.number)));
        _respond(task, resp, s);
        assertEq(
            d.taskManager.taskResponseHash(idx),
            keccak256(abi.encode(resp, _meta(_list(2), 450 ether, 600 ether, uint32(block.number))))
        );
        assertEq(d.taskManager.responseCount(), 1);
        assertEq(d.taskManager.liveness(ops[2].key.id).missedStreak, 1);
    }

    function test_Revert_WhenNotAggregator() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.OnlyAggregator.selector, address(this)));
        d.taskManager.respondToTask(task, resp, s);
    }

    function test_Revert_WhenTaskDoesNotMatch() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        task.cvmBlockHeight = 8;
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.TaskMismatch.selector, idx));
    }

    function test_Revert_WhenAlreadyResponded() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        _respond(task, resp, s);
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.TaskAlreadyResponded.selector, idx));
    }

    function test_Revert_WhenSameBlock() public {
        vm.roll(task.taskCreatedBlock);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s;
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.ResponseTooEarly.selector, idx));
    }

    function test_Revert_WhenWindowExpired() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        uint256 deadline = task.taskCreatedBlock + cfg.taskConfig.taskResponseWindowBlock;
        vm.roll(deadline + 1);
        _expectRespondRevert(
            s, abi.encodeWithSelector(ICvmTaskManagerErrors.ResponseWindowExpired.selector, idx, deadline)
        );
    }

    function test_Revert_WhenArrayLengthsMismatch() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        s.quorumApks = new BN254.G1Point[](0);
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.InputLengthMismatch.selector));
        s = _sig(_list(1));
        s.nonSignerStakeIndices[0] = new uint32[](0);
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.InputLengthMismatch.selector));
    }

    function test_Revert_WhenTooManyNonSigners() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        s.nonSignerPubkeys = new BN254.G1Point[](257);
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.TooManyNonSigners.selector, 257));
    }

    function test_Revert_WhenNonSignersUnsorted() public {
        uint256[] memory ns = new uint256[](2);
        ns[0] = 0;
        ns[1] = 1;
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(ns);
        (s.nonSignerPubkeys[0], s.nonSignerPubkeys[1]) = (s.nonSignerPubkeys[1], s.nonSignerPubkeys[0]);
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.NonSignersNotSorted.selector, 1));
    }

    function test_Revert_WhenNonSignerUnknown() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        BlsTestKeys.Key memory stranger = BlsTestKeys.make(777);
        s.nonSignerPubkeys = new BN254.G1Point[](1);
        s.nonSignerPubkeys[0] = stranger.pk1;
        s.nonSignerStakeIndices[0] = new uint32[](1);
        _expectRespondRevert(
            s, abi.encodeWithSelector(ICvmTaskManagerErrors.NonSignerNotRegistered.selector, stranger.id)
        );
    }

    function test_Revert_WhenQuorumApkWrong() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        s.quorumApks[0] = BN254.generatorG1();
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.QuorumApkMismatch.selector, 0));
    }

    function test_Revert_WhenSignatureWrong() public {
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        s.sigma = BlsTestKeys.sign(ops[0].key.sk, keccak256("something else"));
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    function test_Revert_WhenNonSignerStillCountedInSignature() public {
        // claims operator 1 did not sign, but the aggregate includes its signature
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s1 = _sig(_list(1));
        s.nonSignerPubkeys = s1.nonSignerPubkeys;
        s.nonSignerStakeIndices = s1.nonSignerStakeIndices;
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    function test_Revert_WhenThresholdNotMet() public {
        uint256[] memory ns = new uint256[](2);
        ns[0] = 0;
        ns[1] = 3;
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(ns);
        _expectRespondRevert(
            s, abi.encodeWithSelector(ICvmTaskManagerErrors.QuorumThresholdNotMet.selector, 0, 300 ether, 600 ether)
        );
    }

    function test_StakeIsReadAtTheTaskBlock() public {
        // an operator joining after the task neither counts nor may be listed as a non-signer
        Op memory late = _newOperator(50, RESTAKE, C_STAKE);
        _register(late);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        _respond(task, resp, s);
        assertTrue(d.taskManager.taskResponseHash(idx) != bytes32(0));
    }

    /// Verifier inputs: any single-field corruption of a valid signature bundle is rejected.
    function testFuzz_Revert_WhenSigmaPerturbed(uint256 k) public {
        k = bound(k, 1, BN254.FR_MODULUS - 1);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        s.sigma = BN254.plus(s.sigma, BN254.scalarMul(BN254.generatorG1(), k));
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    function testFuzz_Revert_WhenResponseFieldChanged(bytes32 root) public {
        vm.assume(root != resp.datasetRoot);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sig(_none());
        resp.datasetRoot = root;
        _expectRespondRevert(s, abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }
}

contract CvmTaskManager_SlashEquivocation is CvmTaskManagerTestBase {
    ICvmTaskManagerTypes.TaskResponse internal other;

    function setUp() public override {
        super.setUp();
        other = _response(idx, "other");
    }

    function _proof(Op memory op) internal view returns (ICvmTaskManagerTypes.EquivocationProof memory) {
        return ICvmTaskManagerTypes.EquivocationProof({
            pubkeyG1: op.key.pk1,
            pubkeyG2: op.key.pk2,
            signatureA: BlsTestKeys.sign(op.key.sk, d.taskManager.responseDigest(resp)),
            signatureB: BlsTestKeys.sign(op.key.sk, d.taskManager.responseDigest(other)),
            stakeIndices: new uint32[](1)
        });
    }

    function test_SlashesOnceAndRefreshesStake() public {
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(ops[0]);
        vm.expectEmit(true, true, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.EquivocationSlashed(idx, ops[0].addr, address(this));
        d.taskManager.slashEquivocation(task, resp, other, p);
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 75 ether);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.AlreadySlashedForTask.selector, idx, ops[0].addr));
        d.taskManager.slashEquivocation(task, resp, other, p);
    }

    function test_Revert_WhenResponsesIdentical() public {
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(ops[0]);
        vm.expectRevert(ICvmTaskManagerErrors.NotEquivocation.selector);
        d.taskManager.slashEquivocation(task, resp, resp, p);
    }

    function test_Revert_WhenDifferentTasks() public {
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(ops[0]);
        other.referenceTaskIndex = idx + 1;
        vm.expectRevert(ICvmTaskManagerErrors.NotEquivocation.selector);
        d.taskManager.slashEquivocation(task, resp, other, p);
    }

    function test_Revert_WhenTaskMismatch() public {
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(ops[0]);
        task.inputCommitment = bytes32(uint256(1));
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.TaskMismatch.selector, idx));
        d.taskManager.slashEquivocation(task, resp, other, p);
    }

    function test_Revert_WhenKeyUnknown() public {
        Op memory stranger;
        stranger.key = BlsTestKeys.make(555);
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(stranger);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.UnknownOperator.selector, stranger.key.id));
        d.taskManager.slashEquivocation(task, resp, other, p);
    }

    function test_Revert_WhenSignatureInvalid() public {
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(ops[0]);
        p.signatureB = p.signatureA;
        vm.expectRevert(ICvmTaskManagerErrors.InvalidSignature.selector);
        d.taskManager.slashEquivocation(task, resp, other, p);
    }

    function test_Revert_WhenStakeIndicesMissing() public {
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(ops[0]);
        p.stakeIndices = new uint32[](0);
        vm.expectRevert(ICvmTaskManagerErrors.InputLengthMismatch.selector);
        d.taskManager.slashEquivocation(task, resp, other, p);
    }

    function test_Revert_WhenOperatorJoinedAfterTask() public {
        Op memory late = _newOperator(60, RESTAKE, C_STAKE);
        _register(late);
        ICvmTaskManagerTypes.EquivocationProof memory p = _proof(late);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.OperatorNotInTaskQuorums.selector, late.addr, idx));
        d.taskManager.slashEquivocation(task, resp, other, p);
    }
}

contract CvmTaskManager_Challenge is CvmTaskManagerTestBase {
    ICvmTaskManagerTypes.TaskResponseMetadata internal meta;

    function setUp() public override {
        super.setUp();
        _respond(task, resp, _sig(_list(3)));
        meta = _meta(_list(3), 450 ether, 600 ether, uint32(block.number));
    }

    function _raise() internal returns (uint256) {
        vm.prank(challenger);
        return d.taskManager.raiseChallenge{value: 1 ether}(task, resp, meta, _response(idx, "claim"));
    }

    function test_Revert_WhenMetadataWrong() public {
        meta.signedStakeForQuorum[0] = 600 ether;
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ResponseMismatch.selector, idx));
        _raise();
    }

    function test_Revert_WhenWindowClosed() public {
        uint256 deadline = meta.taskRespondedBlock + cfg.taskConfig.challengeWindowBlock;
        vm.roll(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ChallengeWindowExpired.selector, idx, deadline));
        _raise();
    }

    function test_Revert_WhenBondWrong() public {
        ICvmTaskManagerTypes.TaskResponse memory claim = _response(idx, "claim");
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.WrongBond.selector, 2 ether, 1 ether));
        vm.prank(challenger);
        d.taskManager.raiseChallenge{value: 2 ether}(task, resp, meta, claim);
    }

    function test_Revert_WhenClaimInvalid() public {
        vm.expectRevert(ICvmTaskManagerErrors.InvalidClaim.selector);
        vm.prank(challenger);
        d.taskManager.raiseChallenge{value: 1 ether}(task, resp, meta, resp);
        ICvmTaskManagerTypes.TaskResponse memory claim = _response(idx + 1, "claim");
        vm.expectRevert(ICvmTaskManagerErrors.InvalidClaim.selector);
        vm.prank(challenger);
        d.taskManager.raiseChallenge{value: 1 ether}(task, resp, meta, claim);
    }

    function test_Revert_WhenAlreadyChallenged() public {
        _raise();
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.TaskAlreadyChallenged.selector, idx));
        _raise();
    }

    function test_Revert_WhenVetoByOthers() public {
        uint256 id = _raise();
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.OnlyVetoCommittee.selector, address(this)));
        d.taskManager.vetoSlashingRequest(id);
    }

    function test_Revert_WhenVetoUnknownRequest() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.RequestNotPending.selector, 42));
        vm.prank(vetoCommittee);
        d.taskManager.vetoSlashingRequest(42);
    }

    function test_Revert_WhenVetoTooLate() public {
        uint256 id = _raise();
        uint256 deadline = block.number + cfg.taskConfig.vetoWindowBlock;
        vm.roll(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.VetoWindowExpired.selector, id, deadline));
        vm.prank(vetoCommittee);
        d.taskManager.vetoSlashingRequest(id);
    }

    function test_Revert_WhenTreasuryRejectsBond() public {
        uint256 id = _raise();
        RejectingReceiver rr = new RejectingReceiver();
        d.taskManager.setRoles(taskGenerator, aggregator, vetoCommittee, address(rr));
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.TransferFailed.selector, address(rr), 1 ether));
        vm.prank(vetoCommittee);
        d.taskManager.vetoSlashingRequest(id);
    }

    function _signerSet(uint256[] memory which) internal view returns (ICvmTaskManagerTypes.SignerSet[] memory sets) {
        bytes32[] memory ids = new bytes32[](which.length);
        for (uint256 i; i < which.length; ++i) {
            ids[i] = ops[which[i]].key.id;
        }
        for (uint256 i = 1; i < ids.length; ++i) {
            for (uint256 j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
                (ids[j - 1], ids[j]) = (ids[j], ids[j - 1]);
            }
        }
        sets = new ICvmTaskManagerTypes.SignerSet[](1);
        sets[0].operatorIds = ids;
        sets[0].stakeIndices = new uint32[](ids.length);
    }

    function _nonSignerIds() internal view returns (bytes32[] memory ids) {
        ids = new bytes32[](1);
        ids[0] = ops[3].key.id;
    }

    function _three() internal pure returns (uint256[] memory l) {
        l = new uint256[](3);
        l[1] = 1;
        l[2] = 2;
    }

    function test_Revert_WhenFulfilNonSignersWrong() public {
        uint256 id = _raise();
        vm.roll(block.number + 100);
        vm.expectRevert(ICvmTaskManagerErrors.NonSignersMismatch.selector);
        d.taskManager.fulfilSlashingRequest(id, task, resp, meta, new bytes32[](0), _signerSet(_three()));
    }

    function test_Revert_WhenFulfilSignerSetsMissing() public {
        uint256 id = _raise();
        vm.roll(block.number + 100);
        vm.expectRevert(ICvmTaskManagerErrors.InputLengthMismatch.selector);
        d.taskManager
            .fulfilSlashingRequest(id, task, resp, meta, _nonSignerIds(), new ICvmTaskManagerTypes.SignerSet[](0));
    }

    function test_Revert_WhenFulfilSignersUnsorted() public {
        uint256 id = _raise();
        vm.roll(block.number + 100);
        ICvmTaskManagerTypes.SignerSet[] memory sets = _signerSet(_three());
        (sets[0].operatorIds[0], sets[0].operatorIds[1]) = (sets[0].operatorIds[1], sets[0].operatorIds[0]);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.SignersNotSorted.selector, 0, 1));
        d.taskManager.fulfilSlashingRequest(id, task, resp, meta, _nonSignerIds(), sets);
    }

    function test_Revert_WhenFulfilSignerNotActive() public {
        uint256 id = _raise();
        vm.roll(block.number + 100);
        ICvmTaskManagerTypes.SignerSet[] memory sets = new ICvmTaskManagerTypes.SignerSet[](1);
        sets[0].operatorIds = new bytes32[](1);
        sets[0].operatorIds[0] = keccak256("nobody");
        sets[0].stakeIndices = new uint32[](1);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.SignerNotActive.selector, keccak256("nobody"), 0));
        d.taskManager.fulfilSlashingRequest(id, task, resp, meta, _nonSignerIds(), sets);
    }

    function test_Revert_WhenFulfilIndicesMismatch() public {
        uint256 id = _raise();
        vm.roll(block.number + 100);
        ICvmTaskManagerTypes.SignerSet[] memory sets = _signerSet(_three());
        sets[0].stakeIndices = new uint32[](1);
        vm.expectRevert(ICvmTaskManagerErrors.InputLengthMismatch.selector);
        d.taskManager.fulfilSlashingRequest(id, task, resp, meta, _nonSignerIds(), sets);
    }

    function test_Revert_WhenFulfilResponseOfAnotherTask() public {
        uint256 id = _raise();
        vm.roll(block.number + 100);
        resp.referenceTaskIndex = idx + 1;
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ResponseMismatch.selector, idx));
        d.taskManager.fulfilSlashingRequest(id, task, resp, meta, _nonSignerIds(), _signerSet(_three()));
    }
}

contract CvmTaskManager_SignatureChallenge is CvmTaskManagerTestBase {
    ICvmTaskManagerTypes.TaskResponse internal wrong;
    ICvmTaskManagerTypes.SignatureProof internal proof;

    function setUp() public override {
        super.setUp();
        // operator 0 signs a wrong response off-chain; the honest response never needs to land
        wrong = _response(idx, "wrong");
        proof = _proof(ops[0], wrong);
    }

    function _proof(Op memory op, ICvmTaskManagerTypes.TaskResponse memory r)
        internal
        view
        returns (ICvmTaskManagerTypes.SignatureProof memory)
    {
        return ICvmTaskManagerTypes.SignatureProof({
            pubkeyG1: op.key.pk1,
            pubkeyG2: op.key.pk2,
            signature: BlsTestKeys.sign(op.key.sk, d.taskManager.responseDigest(r)),
            stakeIndices: new uint32[](1)
        });
    }

    function _raise() internal returns (uint256) {
        vm.prank(challenger);
        return d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, wrong, proof, resp);
    }

    function _expectRaiseRevert(bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(challenger);
        d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, wrong, proof, resp);
    }

    function _deadline() internal view returns (uint256) {
        return
            uint256(task.taskCreatedBlock) + cfg.taskConfig.taskResponseWindowBlock
                + cfg.taskConfig.challengeWindowBlock;
    }

    function test_RecordsPendingRequestAndEmits() public {
        vm.expectEmit(true, true, true, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.SignatureChallengeRaised(1, idx, ops[0].addr, challenger, wrong, resp);
        uint256 id = _raise();
        assertEq(id, 1);
        ICvmTaskManagerTypes.SlashingRequest memory r = d.taskManager.getSlashingRequest(id);
        assertEq(uint8(r.status), uint8(ICvmTaskManagerTypes.SlashingRequestStatus.Pending));
        assertEq(uint8(r.kind), uint8(ICvmTaskManagerTypes.SlashingRequestKind.Signature));
        assertEq(r.operator, ops[0].addr);
        assertEq(r.challenger, challenger);
        assertEq(r.bond, 1 ether);
        assertEq(r.taskIndex, idx);
        assertEq(r.createdBlock, block.number);
        assertEq(r.claimedResponseHash, keccak256(abi.encode(resp)));
        assertTrue(d.taskManager.signatureChallenged(idx, ops[0].addr));
        assertFalse(d.taskManager.taskChallenged(idx));
        assertEq(address(d.taskManager).balance, 1 ether);
    }

    function test_OpenUntilTheDeadlineEvenAfterAResponseLanded() public {
        _respond(task, resp, _sig(_list(0)));
        vm.roll(_deadline());
        _raise();
    }

    function test_OtherOperatorsOfTheSameTaskMayBeChallenged() public {
        _raise();
        proof = _proof(ops[1], wrong);
        vm.prank(challenger);
        uint256 id = d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, wrong, proof, resp);
        assertEq(d.taskManager.getSlashingRequest(id).operator, ops[1].addr);
    }

    function test_Revert_WhenTaskMismatch() public {
        task.inputCommitment = bytes32(uint256(1));
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.TaskMismatch.selector, idx));
    }

    function test_Revert_WhenStakeIndicesMissing() public {
        proof.stakeIndices = new uint32[](0);
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InputLengthMismatch.selector));
    }

    function test_Revert_WhenKeyUnknown() public {
        Op memory stranger;
        stranger.key = BlsTestKeys.make(555);
        proof = _proof(stranger, wrong);
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.UnknownOperator.selector, stranger.key.id));
    }

    function test_Revert_WhenSignatureOverAnotherResponse() public {
        proof.signature = BlsTestKeys.sign(ops[0].key.sk, d.taskManager.responseDigest(resp));
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    function test_Revert_WhenSignatureOfAnotherOperator() public {
        proof.signature = BlsTestKeys.sign(ops[1].key.sk, d.taskManager.responseDigest(wrong));
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    function test_Revert_WhenG2KeyOfAnotherOperator() public {
        proof.pubkeyG2 = ops[1].key.pk2;
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    function test_Revert_WhenOperatorJoinedAfterTask() public {
        Op memory late = _newOperator(60, RESTAKE, C_STAKE);
        _register(late);
        proof = _proof(late, wrong);
        _expectRaiseRevert(
            abi.encodeWithSelector(ICvmTaskManagerErrors.OperatorNotInTaskQuorums.selector, late.addr, idx)
        );
    }

    function test_Revert_WhenWindowClosed() public {
        uint256 deadline = _deadline();
        vm.roll(deadline + 1);
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ChallengeWindowExpired.selector, idx, deadline));
    }

    function test_Revert_WhenBondWrong() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.WrongBond.selector, 0, 1 ether));
        vm.prank(challenger);
        d.taskManager.raiseSignatureChallenge(task, wrong, proof, resp);
    }

    function test_Revert_WhenClaimEqualsSignedResponse() public {
        vm.expectRevert(ICvmTaskManagerErrors.InvalidClaim.selector);
        vm.prank(challenger);
        d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, wrong, proof, wrong);
    }

    function test_Revert_WhenClaimForAnotherTask() public {
        resp.referenceTaskIndex = idx + 1;
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidClaim.selector));
    }

    function test_Revert_WhenSignedResponseForAnotherTask() public {
        // the signed response names the task: a response of task idx + 1 does not match this task
        wrong.referenceTaskIndex = idx + 1;
        proof = _proof(ops[0], wrong);
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.TaskMismatch.selector, idx + 1));
    }

    function test_Revert_WhenAlreadyChallenged() public {
        _raise();
        _expectRaiseRevert(
            abi.encodeWithSelector(ICvmTaskManagerErrors.SignatureAlreadyChallenged.selector, idx, ops[0].addr)
        );
    }

    function test_Revert_WhenAlreadySlashedForWrongResult() public {
        // the wrong response landed (operator 3 did not sign) and its signers were slashed through a wrong-result
        // challenge: operator 0's signature over it is the same fault and cannot be charged again
        _respond(task, wrong, _sign(task, wrong, _list(3)));
        ICvmTaskManagerTypes.TaskResponseMetadata memory meta =
            _meta(_list(3), 450 ether, 600 ether, uint32(block.number));
        vm.prank(challenger);
        uint256 wrId = d.taskManager.raiseChallenge{value: 1 ether}(task, wrong, meta, resp);
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        ICvmTaskManagerTypes.SignerSet[] memory sets = new ICvmTaskManagerTypes.SignerSet[](1);
        sets[0].operatorIds = new bytes32[](3);
        sets[0].stakeIndices = new uint32[](3);
        for (uint256 i; i < 3; ++i) {
            sets[0].operatorIds[i] = ops[i].key.id;
            for (uint256 j = i; j > 0 && sets[0].operatorIds[j - 1] > sets[0].operatorIds[j]; --j) {
                (sets[0].operatorIds[j - 1], sets[0].operatorIds[j]) =
                (sets[0].operatorIds[j], sets[0].operatorIds[j - 1]);
            }
        }
        bytes32[] memory nonSignerIds = new bytes32[](1);
        nonSignerIds[0] = ops[3].key.id;
        d.taskManager.fulfilSlashingRequest(wrId, task, wrong, meta, nonSignerIds, sets);
        assertEq(d.taskManager.wrongResultSlashedBy(idx, ops[0].addr), wrId);
        _expectRaiseRevert(
            abi.encodeWithSelector(ICvmTaskManagerErrors.AlreadySlashedForWrongResult.selector, idx, ops[0].addr)
        );
    }

    function test_VetoForfeitsBondAndAllowsAChallengeAgain() public {
        uint256 id = _raise();
        vm.expectEmit(true, true, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.SlashingRequestVetoed(id, idx, 1 ether);
        vm.prank(vetoCommittee);
        d.taskManager.vetoSlashingRequest(id);
        assertEq(treasury.balance, 1 ether);
        assertEq(uint8(d.taskManager.getSlashingRequest(id).status), 2);
        assertFalse(d.taskManager.signatureChallenged(idx, ops[0].addr));
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.RequestNotPending.selector, id));
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](1));
        uint256 again = _raise();
        assertEq(again, id + 1);
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 150 ether);
    }

    function test_FulfilSlashesOnlyTheOperatorAndReturnsBond() public {
        uint256 id = _raise();
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        uint256 before = challenger.balance;
        vm.expectEmit(true, true, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.OperatorSlashedForWrongResult(id, ops[0].addr, 0);
        vm.expectEmit(true, true, false, true, address(d.taskManager));
        emit ICvmTaskManagerEvents.SlashingRequestFulfilled(id, idx, 1);
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](1));
        assertEq(challenger.balance, before + 1 ether);
        assertEq(uint8(d.taskManager.getSlashingRequest(id).status), 3);
        // 10 % of 100 restaked shares and of 50 $C
        assertEq(d.core.delegationManager.operatorShares(ops[0].addr, d.core.strategy), 90 ether);
        assertEq(d.cStaking.operatorStake(ops[0].addr), 45 ether);
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 135 ether);
        for (uint256 i = 1; i < 4; ++i) {
            assertEq(d.registry.getCurrentStake(ops[i].key.id, 0), 150 ether);
        }
        // a signed wrong response says nothing about the task's landed response
        assertFalse(d.taskManager.responseInvalidated(idx));
        // fulfilled: the same (task, operator) cannot be charged twice
        _expectRaiseRevert(
            abi.encodeWithSelector(ICvmTaskManagerErrors.SignatureAlreadyChallenged.selector, idx, ops[0].addr)
        );
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.RequestNotPending.selector, id));
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](1));
    }

    function test_Revert_WhenFulfilDuringVetoWindow() public {
        uint256 id = _raise();
        uint256 end = block.number + cfg.taskConfig.vetoWindowBlock;
        vm.roll(end);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.VetoWindowActive.selector, id, end));
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](1));
    }

    function test_Revert_WhenFulfilTaskMismatch() public {
        uint256 id = _raise();
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        task.cvmBlockHeight += 1;
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.TaskMismatch.selector, idx));
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](1));
    }

    function test_Revert_WhenFulfilIndicesMissing() public {
        uint256 id = _raise();
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        vm.expectRevert(ICvmTaskManagerErrors.InputLengthMismatch.selector);
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](0));
    }

    function test_Revert_WhenFulfilledThroughTheOtherKind() public {
        // a signature request cannot be fulfilled as a wrong-result request, nor the other way round
        uint256 sigId = _raise();
        _respond(task, resp, _sig(_list(3)));
        ICvmTaskManagerTypes.TaskResponseMetadata memory meta =
            _meta(_list(3), 450 ether, 600 ether, uint32(block.number));
        vm.prank(challenger);
        uint256 wrId = d.taskManager.raiseChallenge{value: 1 ether}(task, resp, meta, wrong);
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICvmTaskManagerErrors.WrongRequestKind.selector,
                sigId,
                ICvmTaskManagerTypes.SlashingRequestKind.Signature
            )
        );
        d.taskManager
            .fulfilSlashingRequest(sigId, task, resp, meta, new bytes32[](1), new ICvmTaskManagerTypes.SignerSet[](1));
        vm.expectRevert(
            abi.encodeWithSelector(
                ICvmTaskManagerErrors.WrongRequestKind.selector,
                wrId,
                ICvmTaskManagerTypes.SlashingRequestKind.WrongResult
            )
        );
        d.taskManager.fulfilSignatureChallenge(wrId, task, new uint32[](1));
    }

    /// A signature over any digest other than responseDigest(signedResponse) is refused.
    function testFuzz_Revert_WhenSignedDigestWrong(bytes32 digest) public {
        vm.assume(digest != d.taskManager.responseDigest(wrong));
        proof.signature = BlsTestKeys.sign(ops[0].key.sk, digest);
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }

    /// Changing any field of the signed response after signing invalidates the proof.
    function testFuzz_Revert_WhenSignedResponseChanged(bytes32 root) public {
        vm.assume(root != wrong.stateRoot);
        wrong.stateRoot = root;
        if (keccak256(abi.encode(wrong)) == keccak256(abi.encode(resp))) return;
        _expectRaiseRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.InvalidSignature.selector));
    }
}

contract CvmTaskManager_Admin is CvmTaskManagerTestBase {
    function test_Revert_WhenRegistryHookCalledByOthers() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.OnlyRegistry.selector, address(this)));
        d.taskManager.onOperatorRegistered(bytes32(0));
    }

    function test_Revert_WhenConfigInvalid() public {
        ICvmTaskManagerTypes.Config memory c = d.taskManager.config();
        c.maxMissedResponses = 0;
        vm.expectRevert(ICvmTaskManagerErrors.InvalidConfig.selector);
        d.taskManager.setConfig(c);
        c = d.taskManager.config();
        c.wrongResultSlashWad = 1e18 + 1;
        vm.expectRevert(ICvmTaskManagerErrors.InvalidConfig.selector);
        d.taskManager.setConfig(c);
    }

    function test_OwnerUpdatesRolesAndConfig() public {
        ICvmTaskManagerTypes.Config memory c = d.taskManager.config();
        c.taskResponseWindowBlock = 7;
        d.taskManager.setConfig(c);
        assertEq(d.taskManager.config().taskResponseWindowBlock, 7);
        d.taskManager.setRoles(address(1), address(2), address(3), address(4));
        assertEq(d.taskManager.taskGenerator(), address(1));
        assertEq(d.taskManager.aggregator(), address(2));
        assertEq(d.taskManager.vetoCommittee(), address(3));
        assertEq(d.taskManager.treasury(), address(4));
    }

    function test_Revert_WhenNotOwner() public {
        ICvmTaskManagerTypes.Config memory c = d.taskManager.config();
        vm.startPrank(aggregator);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, aggregator));
        d.taskManager.setConfig(c);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, aggregator));
        d.taskManager.setRoles(aggregator, aggregator, aggregator, aggregator);
        vm.stopPrank();
    }

    function test_Revert_WhenManuscriptNotRegistered() public {
        bytes32 unknown = keccak256("unregistered");
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ManuscriptNotActive.selector, unknown));
        vm.prank(taskGenerator);
        d.taskManager.createTask(1, unknown, 0, hex"00", 50);
    }

    function test_Revert_WhenManuscriptDeprecated() public {
        bytes32 m = keccak256("manuscript");
        d.manuscriptRegistry.deprecate(m); // the fixture (its owner) registered it
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ManuscriptNotActive.selector, m));
        vm.prank(taskGenerator);
        d.taskManager.createTask(1, m, 0, hex"00", 50);
    }

    function test_Revert_WhenManuscriptRevoked() public {
        bytes32 m = keccak256("m");
        d.manuscriptRegistry.revoke(m, "wrong results");
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ManuscriptNotActive.selector, m));
        vm.prank(taskGenerator);
        d.taskManager.createTask(1, m, 0, hex"00", 50);
    }

    function test_SetManuscriptRegistry() public {
        CvmManuscriptRegistry other = new CvmManuscriptRegistry(address(this));
        vm.expectEmit(address(d.taskManager));
        emit ICvmTaskManagerEvents.ManuscriptRegistrySet(address(other));
        d.taskManager.setManuscriptRegistry(other);
        assertEq(address(d.taskManager.manuscriptRegistry()), address(other));
        // the fixture's manuscript is not in the new registry until registered there
        bytes32 m = keccak256("manuscript");
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskManagerErrors.ManuscriptNotActive.selector, m));
        vm.prank(taskGenerator);
        d.taskManager.createTask(1, m, 0, hex"00", 50);
        other.register(m, keccak256("c"), "ar://tx");
        uint32 next = d.taskManager.latestTaskNum();
        vm.prank(taskGenerator);
        assertEq(d.taskManager.createTask(1, m, 0, hex"00", 50), next);
    }

    function test_Revert_SetManuscriptRegistry_WhenZero() public {
        vm.expectRevert(ICvmTaskManagerErrors.ManuscriptRegistryNotSet.selector);
        d.taskManager.setManuscriptRegistry(ICvmManuscriptRegistry(address(0)));
    }

    function test_Revert_SetManuscriptRegistry_WhenNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, taskGenerator));
        vm.prank(taskGenerator);
        d.taskManager.setManuscriptRegistry(d.manuscriptRegistry);
    }

    function test_Revert_CreateTask_WhenRegistryNotSet() public {
        // A proxy initialised before issue 14 has no registry until the owner sets one: zero the slot holding it.
        bytes32 want = bytes32(uint256(uint160(address(d.manuscriptRegistry))));
        uint256 slot;
        while (slot < 256 && vm.load(address(d.taskManager), bytes32(slot)) != want) ++slot;
        assertLt(slot, 256, "manuscriptRegistry slot not found");
        vm.store(address(d.taskManager), bytes32(slot), 0);
        assertEq(address(d.taskManager.manuscriptRegistry()), address(0));
        vm.expectRevert(ICvmTaskManagerErrors.ManuscriptRegistryNotSet.selector);
        vm.prank(taskGenerator);
        d.taskManager.createTask(1, keccak256("manuscript"), 0, hex"00", 50);
    }
}
