// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmCheckpoints} from "../../src/bridge/ICvmCheckpoints.sol";
import {CvmTransferTotals} from "../../src/examples/CvmTransferTotals.sol";
import {ICvmAttestedRecordsTypes} from "../../src/interfaces/avs/ICvmAttestedRecords.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {ICvmTaskManager} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {CvmAttestedRecords} from "../../src/verifiers/CvmAttestedRecords.sol";
import {CvmRecordVerifier} from "../../src/verifiers/CvmRecordVerifier.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice register → task → BLS-signed response whose `datasetRoot` is the Java block of
///         `attested-records.json` (two datasets) → every record verifies against the responded task, the example
///         consumer accepts a transfer total, and each tampering is refused.
contract AttestedRecordFlow is CvmFixture, ICvmAttestedRecordsTypes {
    CvmAttestedRecords internal attested;
    CvmTransferTotals internal consumer;
    CvmRecordVerifier internal entry;
    ICvmTaskManagerTypes.Task internal task;
    ICvmTaskManagerTypes.TaskResponse internal resp;
    ICvmTaskManagerTypes.TaskResponseMetadata internal meta;
    uint32 internal idx;
    string internal json;

    string internal constant TOTALS = ".attested.datasets[1]";

    function setUp() public override {
        super.setUp();
        json = vm.readFile(string.concat(vm.projectRoot(), "/cvm/src/test/resources/fixtures/attested-records.json"));
        attested = new CvmAttestedRecords();
        entry = new CvmRecordVerifier(ICvmTaskManager(address(d.taskManager)), ICvmCheckpoints(address(0)));
        consumer =
            new CvmTransferTotals(attested, d.taskManager, keccak256("manuscript"), "transfer_totals", false, false);
        _addOperators(4);
        (ICvmTaskManagerTypes.Task memory t, uint32 i) = _createTask(60);
        task = t;
        idx = i;
        vm.roll(block.number + 1);
        resp = ICvmTaskManagerTypes.TaskResponse({
            referenceTaskIndex: idx,
            cvmBlockHash: vm.parseJsonBytes32(json, ".attested.blockHash"),
            datasetRoot: vm.parseJsonBytes32(json, ".attested.responseDatasetRoot"),
            stateRoot: keccak256("state")
        });
        _respond(task, resp, _sign(task, resp, _none()));
        meta = _meta(_none(), 600 ether, 600 ether, uint32(block.number));
        assertEq(keccak256(abi.encode(resp, meta)), d.taskManager.taskResponseHash(idx), "stored response");
    }

    function _datasetProof(string memory ds) internal view returns (DatasetProof memory p) {
        p.name = vm.parseJsonString(json, string.concat(ds, ".name"));
        p.recordCount = uint64(vm.parseJsonUint(json, string.concat(ds, ".recordCount")));
        p.leafIndex = vm.parseJsonUint(json, string.concat(ds, ".leafIndex"));
        p.leafCount = vm.parseJsonUint(json, string.concat(ds, ".leafCount"));
        p.siblings = vm.parseJsonBytes32Array(json, string.concat(ds, ".siblings"));
    }

    function _record(string memory ds, uint256 i) internal view returns (bytes memory record, RecordProof memory p) {
        string memory r = string.concat(ds, ".records[", vm.toString(i), "]");
        record = vm.parseJsonBytes(json, string.concat(r, ".record"));
        p.leafIndex = vm.parseJsonUint(json, string.concat(r, ".leafIndex"));
        p.leafCount = vm.parseJsonUint(json, string.concat(r, ".leafCount"));
        p.siblings = vm.parseJsonBytes32Array(json, string.concat(r, ".siblings"));
    }

    function _verify(
        ICvmTaskManagerTypes.TaskResponse memory r,
        ICvmTaskManagerTypes.TaskResponseMetadata memory m,
        DatasetProof memory dp,
        RecordProof memory rp,
        bytes memory record
    ) internal view returns (bool) {
        return attested.verifyAttestedRecord(d.taskManager, r, m, dp, rp, record);
    }

    function test_EveryRecordOfEveryDatasetVerifies() public view {
        uint256 checked;
        for (uint256 s; s < 2; ++s) {
            string memory ds = string.concat(".attested.datasets[", vm.toString(s), "]");
            DatasetProof memory dp = _datasetProof(ds);
            for (uint256 i; i < dp.recordCount; ++i) {
                (bytes memory record, RecordProof memory rp) = _record(ds, i);
                assertTrue(_verify(resp, meta, dp, rp, record), "attested record");
                checked++;
            }
        }
        assertEq(checked, 8);
    }

    function _taskAnchor(ICvmTaskManagerTypes.TaskResponse memory r, ICvmTaskManagerTypes.TaskResponseMetadata memory m)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encode(CvmRecordVerifier.Anchor.Task, CvmRecordVerifier.TaskAnchor(r, m));
    }

    function _entryKind(bytes memory anchor, DatasetProof memory dp, RecordProof memory rp, bytes memory record)
        internal
        view
        returns (uint8)
    {
        (CvmRecordVerifier.Anchor kind, bytes32 h) = entry.verifyRecord(anchor, dp, rp, record);
        assertEq(h, kind == CvmRecordVerifier.Anchor.None ? bytes32(0) : resp.cvmBlockHash);
        return uint8(kind);
    }

    /// @notice The one entry point (`CvmRecordVerifier`) answers `Task` for every record of the responded block and
    ///         `None` for a tampered record, response or metadata; `taskAnchor` encodes the anchor it takes.
    function test_TheEntryPointVerifiesEveryRecordAgainstTheTask() public view {
        bytes memory anchor = _taskAnchor(resp, meta);
        assertEq(entry.taskAnchor(CvmRecordVerifier.TaskAnchor(resp, meta)), anchor);
        uint8 viaTask = uint8(CvmRecordVerifier.Anchor.Task);
        for (uint256 s; s < 2; ++s) {
            string memory ds = string.concat(".attested.datasets[", vm.toString(s), "]");
            DatasetProof memory dp = _datasetProof(ds);
            for (uint256 i; i < dp.recordCount; ++i) {
                (bytes memory record, RecordProof memory rp) = _record(ds, i);
                assertEq(_entryKind(anchor, dp, rp, record), viaTask, "attested record");
            }
        }
        (bytes memory rec, RecordProof memory p) = _record(TOTALS, 1);
        DatasetProof memory d1 = _datasetProof(TOTALS);
        assertEq(_entryKind(anchor, d1, p, bytes.concat(rec, hex"00")), 0, "tampered record");
        ICvmTaskManagerTypes.TaskResponse memory r2 = resp;
        r2.stateRoot = keccak256("other");
        assertEq(_entryKind(_taskAnchor(r2, meta), d1, p, rec), 0, "tampered response");
        ICvmTaskManagerTypes.TaskResponseMetadata memory m2 = meta;
        m2.taskRespondedBlock += 1;
        assertEq(_entryKind(_taskAnchor(resp, m2), d1, p, rec), 0, "tampered metadata");
        r2 = resp;
        r2.referenceTaskIndex = idx + 7;
        assertEq(_entryKind(_taskAnchor(r2, meta), d1, p, rec), 0, "unknown task");
    }

    function test_GasOfTheEntryPointOnTheTaskPath() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes memory anchor = _taskAnchor(resp, meta);
        (CvmRecordVerifier.Anchor kind,) = entry.verifyRecord(anchor, dp, rp, record);
        vm.snapshotGasLastCall("attestedRecords", "entry_task_2datasets_5records");
        assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.Task));
    }

    function test_ConsumerAcceptsAnAttestedTotal() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        assertTrue(consumer.accept(task, resp, meta, _datasetProof(TOTALS), rp, record));
        (uint256 total, uint32 taskIndex, bool known) = consumer.totals(0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC);
        assertEq(total, 2 ether);
        assertEq(taskIndex, idx);
        assertTrue(known);
    }

    function test_GasOfVerifyAttestedRecord() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        attested.verifyAttestedRecord(d.taskManager, resp, meta, dp, rp, record);
        vm.snapshotGasLastCall("attestedRecords", "verifyAttestedRecord_2datasets_5records");
        consumer.accept(task, resp, meta, dp, rp, record);
        vm.snapshotGasLastCall("attestedRecords", "CvmTransferTotals_accept_first");
    }

    // ------------------------------------------------------------------------------------------------ tampering

    function test_RefusesATamperedRecordOrValue() public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes memory longer = bytes.concat(record, hex"00");
        assertFalse(_verify(resp, meta, dp, rp, longer), "extra byte");
        // the total "2000000000000000000" → "3000000000000000000": a well-formed record with one value changed
        bytes memory value = record;
        uint256 at = 4 + 1 + 4 + 42 + 1 + 4;
        assertEq(uint8(value[at]), uint8(bytes1("2")));
        value[at] = "3";
        assertFalse(_verify(resp, meta, dp, rp, value), "edited value");
        (bytes memory other,) = _record(TOTALS, 2);
        assertFalse(_verify(resp, meta, dp, rp, other), "another record with this one's proof");
    }

    function test_RefusesATamperedSibling() public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        rp.siblings[1] = bytes32(uint256(rp.siblings[1]) ^ 1);
        assertFalse(_verify(resp, meta, dp, rp, record), "record sibling");
        (, rp) = _record(TOTALS, 1);
        dp.siblings[0] = bytes32(uint256(dp.siblings[0]) ^ 1);
        assertFalse(_verify(resp, meta, dp, rp, record), "dataset sibling");
    }

    function test_RefusesATamperedDatasetEntry() public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        dp.name = "token_counts";
        assertFalse(_verify(resp, meta, dp, rp, record), "name");
        dp = _datasetProof(TOTALS);
        dp.recordCount = 6;
        assertFalse(_verify(resp, meta, dp, rp, record), "record count");
        dp = _datasetProof(TOTALS);
        // a proof claiming one dataset, i.e. a dataset root equal to the response's
        dp.leafCount = 0;
        dp.leafIndex = 0;
        dp.siblings = new bytes32[](0);
        assertFalse(_verify(resp, meta, dp, rp, record), "single-dataset claim");
    }

    function test_RefusesATamperedResponseOrMeta() public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        ICvmTaskManagerTypes.TaskResponse memory r = resp;
        r.stateRoot = keccak256("other state");
        assertFalse(_verify(r, meta, dp, rp, record), "stateRoot");
        r = resp;
        r.cvmBlockHash = bytes32(0);
        assertFalse(_verify(r, meta, dp, rp, record), "cvmBlockHash");
        ICvmTaskManagerTypes.TaskResponseMetadata memory m = meta;
        m.taskRespondedBlock += 1;
        assertFalse(_verify(resp, m, dp, rp, record), "taskRespondedBlock");
        m = meta;
        m.signedStakeForQuorum = new uint96[](1);
        assertFalse(_verify(resp, m, dp, rp, record), "signed stake");
    }

    function test_RefusesAnUnknownTask() public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        ICvmTaskManagerTypes.TaskResponse memory r = resp;
        r.referenceTaskIndex = idx + 1;
        assertFalse(_verify(r, meta, _datasetProof(TOTALS), rp, record));
    }

    function test_Revert_WhenTheConsumerGetsAnotherDatasetOrManuscript() public {
        (bytes memory record, RecordProof memory rp) = _record(".attested.datasets[0]", 0);
        DatasetProof memory tokens = _datasetProof(".attested.datasets[0]");
        vm.expectRevert(abi.encodeWithSelector(CvmTransferTotals.WrongDataset.selector, "token_counts"));
        consumer.accept(task, resp, meta, tokens, rp, record);

        (record, rp) = _record(TOTALS, 1);
        ICvmTaskManagerTypes.Task memory t = task;
        t.manuscriptHash = keccak256("another manuscript");
        vm.expectRevert(abi.encodeWithSelector(CvmTransferTotals.NotTheManuscriptsTask.selector, idx));
        consumer.accept(t, resp, meta, _datasetProof(TOTALS), rp, record);

        CvmTransferTotals other = new CvmTransferTotals(
            attested, d.taskManager, keccak256("another manuscript"), "transfer_totals", false, false
        );
        vm.expectRevert(abi.encodeWithSelector(CvmTransferTotals.NotTheManuscriptsTask.selector, idx));
        other.accept(task, resp, meta, _datasetProof(TOTALS), rp, record);

        ICvmTaskManagerTypes.TaskResponse memory r = resp;
        r.stateRoot = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(CvmTransferTotals.RecordNotAttested.selector, idx));
        consumer.accept(task, r, meta, _datasetProof(TOTALS), rp, record);
    }

    function test_Revert_WhenTheConsumerNeedsAFinalResponse() public {
        CvmTransferTotals strict =
            new CvmTransferTotals(attested, d.taskManager, keccak256("manuscript"), "transfer_totals", false, true);
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        assertFalse(attested.isFinal(d.taskManager, meta, idx));
        vm.expectRevert(abi.encodeWithSelector(CvmTransferTotals.NotFinal.selector, idx));
        strict.accept(task, resp, meta, dp, rp, record);
        vm.roll(uint256(meta.taskRespondedBlock) + cfg.taskConfig.challengeWindowBlock + 1);
        assertTrue(attested.isFinal(d.taskManager, meta, idx));
        assertTrue(strict.accept(task, resp, meta, dp, rp, record));
    }

    /// @notice Issue 16: a response invalidated by a fulfilled wrong-result challenge (the real BLS-signed response of
    ///         `setUp`, challenged and fulfilled through the task manager) is never final, even after the challenge
    ///         window, and none of its records verifies any more; the strict consumer refuses them.
    function test_AResponseInvalidatedByAFulfilledChallengeIsNeitherFinalNorVerified() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        assertTrue(_verify(resp, meta, dp, rp, record), "before the challenge");

        vm.prank(challenger);
        uint256 requestId = d.taskManager.raiseChallenge{value: 1 ether}(task, resp, meta, _response(idx, "right"));
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        d.taskManager.fulfilSlashingRequest(requestId, task, resp, meta, new bytes32[](0), _allSigners());
        assertTrue(d.taskManager.responseInvalidated(idx));

        assertFalse(_verify(resp, meta, dp, rp, record), "the record of an invalidated response");
        assertEq(_entryKind(_taskAnchor(resp, meta), dp, rp, record), 0, "the entry point refuses it too");
        assertFalse(attested.isFinal(d.taskManager, meta, idx), "invalidated, inside the window");
        vm.roll(uint256(meta.taskRespondedBlock) + cfg.taskConfig.challengeWindowBlock + 1);
        assertFalse(attested.isFinal(d.taskManager, meta, idx), "invalidated, after the window");

        CvmTransferTotals strict =
            new CvmTransferTotals(attested, d.taskManager, keccak256("manuscript"), "transfer_totals", false, true);
        vm.expectRevert(abi.encodeWithSelector(CvmTransferTotals.RecordNotAttested.selector, idx));
        strict.accept(task, resp, meta, dp, rp, record);
    }

    /// @dev The four operators of `setUp` (all signed), sorted by operator id, as `fulfilSlashingRequest` takes them.
    function _allSigners() internal view returns (ICvmTaskManagerTypes.SignerSet[] memory sets) {
        bytes32[] memory ids = new bytes32[](4);
        for (uint256 i; i < 4; ++i) {
            ids[i] = ops[i].key.id;
        }
        for (uint256 i = 1; i < 4; ++i) {
            for (uint256 j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
                (ids[j - 1], ids[j]) = (ids[j], ids[j - 1]);
            }
        }
        sets = new ICvmTaskManagerTypes.SignerSet[](1);
        sets[0].operatorIds = ids;
        sets[0].stakeIndices = new uint32[](4);
    }
}
