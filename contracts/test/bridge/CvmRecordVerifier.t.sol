// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmAccumulator} from "../../src/bridge/CvmAccumulator.sol";
import {CvmCheckpointVerifier} from "../../src/bridge/CvmCheckpointVerifier.sol";
import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {CvmRecordConsumer} from "../../src/bridge/examples/CvmRecordConsumer.sol";
import {ICvmAttestedRecordsTypes} from "../../src/interfaces/avs/ICvmAttestedRecords.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManager, ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {DatasetProofs} from "../../src/libraries/DatasetProofs.sol";
import {CvmRecordVerifier} from "../../src/verifiers/CvmRecordVerifier.sol";
import {CheckpointKeys, NaiveAccumulator} from "./BridgeTestUtils.sol";
import {Test} from "forge-std/Test.sol";

/// @notice The checkpoint path with a dataset proof, on the Java vector `attested-records.json` (a CVM block with two
///         datasets, written by `AttestedRecordsFixtureTest`, whose `responseDatasetRoot` is the Java
///         `CvmTaskComputer.datasetRoot` of the block, i.e. the third field of its accumulator leaf): the block is
///         accumulator leaf 1 of 3 under a signed checkpoint and every record of both datasets verifies through
///         `CvmCheckpointVerifier.verifyDatasetRecord` and the `CvmRecordVerifier` entry point.
contract CvmRecordVerifierTestBase is Test, ICvmCheckpointsTypes, ICvmAttestedRecordsTypes {
    string internal constant CHAIN = "cvm-1";
    string internal constant TOTALS = ".attested.datasets[1]";
    CvmCheckpoints internal cps;
    CvmCheckpointVerifier internal cpVerifier;
    CvmRecordVerifier internal verifier;
    string internal json;
    bytes32[] internal blockLeaves;
    Checkpoint internal cp;
    bytes32 internal blockHash;
    bytes32 internal blockDatasetRoot;

    function setUp() public virtual {
        json = vm.readFile(string.concat(vm.projectRoot(), "/cvm/src/test/resources/fixtures/attested-records.json"));
        blockHash = vm.parseJsonBytes32(json, ".attested.blockHash");
        blockDatasetRoot = vm.parseJsonBytes32(json, ".attested.responseDatasetRoot");
        cps = new CvmCheckpoints(address(this), CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        cpVerifier = new CvmCheckpointVerifier(ICvmCheckpoints(address(cps)));
        verifier = new CvmRecordVerifier(ICvmTaskManager(address(0)), ICvmCheckpoints(address(cps)));
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 4, new uint256[](0));
        cps.setGenesisValidatorSet(s.entries, 1);
        blockLeaves.push(CvmAccumulator.blockLeaf(0, keccak256("cvm block 0"), keccak256("dataset 0")));
        blockLeaves.push(CvmAccumulator.blockLeaf(1, blockHash, blockDatasetRoot));
        blockLeaves.push(CvmAccumulator.blockLeaf(2, keccak256("cvm block 2"), keccak256("dataset 2")));
        (bytes32 cumulativeRoot,) = NaiveAccumulator.rootAndProof(blockLeaves, type(uint256).max);
        cp = Checkpoint({
            height: 10,
            appHash: keccak256("app"),
            cvmBlockHash: bytes32(0),
            cumulativeRoot: cumulativeRoot,
            withdrawalsRoot: NaiveAccumulator.zero(32),
            nextValidatorSetHash: CheckpointKeys.setHash(s.entries)
        });
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(s, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, cp));
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
    }

    function _blk() internal view returns (CvmCheckpointVerifier.CvmBlockRef memory) {
        return CvmCheckpointVerifier.CvmBlockRef(1, blockHash, blockDatasetRoot, 1);
    }

    function _blockProof() internal view returns (bytes32[] memory p) {
        (, p) = NaiveAccumulator.rootAndProof(blockLeaves, 1);
        p = NaiveAccumulator.shorten(p, 2);
    }

    function _anchor() internal view returns (bytes memory) {
        return abi.encode(
            CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(0, cp, _blk(), _blockProof())
        );
    }

    function _ds(uint256 s) internal pure returns (string memory) {
        return string.concat(".attested.datasets[", vm.toString(s), "]");
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

    function _entry(bytes memory anchor, DatasetProof memory dp, RecordProof memory rp, bytes memory record)
        internal
        view
        returns (CvmRecordVerifier.Anchor kind)
    {
        bytes32 h;
        (kind, h) = verifier.verifyRecord(anchor, dp, rp, record);
        if (kind == CvmRecordVerifier.Anchor.None) assertEq(h, bytes32(0), "no block hash for an unproven record");
        else assertEq(h, blockHash, "the record's block");
    }
}

contract CvmRecordVerifier_Checkpoint is CvmRecordVerifierTestBase {
    /// @notice Pinned on the Java side too (`BridgeVectorTest.aMultiDatasetBlocksAccumulatorLeafMatchesTheContractVector`,
    ///         from the app's `AbiWords` / `IncrementalMerkleTree` and the fixture's dataset entries).
    function test_MultiDatasetAccumulatorVector() public view {
        assertEq(blockLeaves[1], 0x32781fbd1a0c9a8d7d9dc49ad761d243d0c776f1b3942fe83f5db787dcf29756);
        assertEq(cp.cumulativeRoot, 0x35d9af644d10ca48aba0a98318a1222d96a9e0f8fd9cfb1f4e42c7e28c6baa51);
    }

    function test_EveryRecordOfBothDatasetsVerifiesThroughTheCheckpoint() public view {
        uint256 checked;
        bytes memory anchor = _anchor();
        for (uint256 s; s < 2; ++s) {
            DatasetProof memory dp = _datasetProof(_ds(s));
            for (uint256 i; i < dp.recordCount; ++i) {
                (bytes memory record, RecordProof memory rp) = _record(_ds(s), i);
                assertTrue(cpVerifier.verifyDatasetRecord(0, cp, _blk(), _blockProof(), dp, rp, record));
                assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(CvmRecordVerifier.Anchor.Checkpoint));
                // The single-dataset call cannot prove a record of a block with several datasets.
                assertFalse(
                    cpVerifier.verifyRecord(
                        0, cp, _blk(), _blockProof(), record, rp.leafIndex, rp.leafCount, rp.siblings
                    )
                );
                checked++;
            }
        }
        assertEq(checked, 8);
    }

    function test_TheAnchorHelperEncodesWhatVerifyRecordTakes() public view {
        assertEq(verifier.checkpointAnchor(CvmRecordVerifier.CheckpointAnchor(0, cp, _blk(), _blockProof())), _anchor());
    }

    function test_RefusesATamperedRecordDatasetEntryOrBlock() public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes memory anchor = _anchor();
        CvmRecordVerifier.Anchor none = CvmRecordVerifier.Anchor.None;
        assertEq(uint8(_entry(anchor, dp, rp, bytes.concat(record, hex"00"))), uint8(none), "record");
        dp.name = "token_counts";
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(none), "dataset name");
        dp = _datasetProof(TOTALS);
        dp.recordCount = 6;
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(none), "record count");
        assertFalse(cpVerifier.verifyDatasetRecord(0, cp, _blk(), _blockProof(), dp, rp, record), "record count");
        dp = _datasetProof(TOTALS);
        dp.leafIndex = 0;
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(none), "dataset index");
        dp = _datasetProof(TOTALS);
        // A block ref whose datasetRoot is not the one the proofs imply.
        CvmCheckpointVerifier.CvmBlockRef memory b = _blk();
        b.datasetRoot = keccak256("other");
        assertFalse(cpVerifier.verifyDatasetRecord(0, cp, b, _blockProof(), dp, rp, record), "block dataset root");
        anchor = abi.encode(
            CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(0, cp, b, _blockProof())
        );
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(none), "block dataset root");
        // Another checkpoint index, an unaccepted checkpoint.
        anchor = abi.encode(
            CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(1, cp, _blk(), _blockProof())
        );
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(none), "checkpoint index");
        Checkpoint memory other = cp;
        other.appHash = keccak256("other app");
        anchor = abi.encode(
            CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(0, other, _blk(), _blockProof())
        );
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(none), "unaccepted checkpoint");
    }

    /// @notice Any one bit flipped in any hash of the three proofs (record, dataset, accumulator) is refused.
    function testFuzz_ATamperedProofIsRefused(uint8 which, uint8 pos, uint8 bit) public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes32[] memory bp = _blockProof();
        bytes32 mask = bytes32(uint256(1) << bit);
        which %= 3;
        if (which == 0) rp.siblings[pos % rp.siblings.length] ^= mask;
        else if (which == 1) dp.siblings[pos % dp.siblings.length] ^= mask;
        else bp[pos % bp.length] ^= mask;
        bytes memory anchor =
            abi.encode(CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(0, cp, _blk(), bp));
        assertEq(uint8(_entry(anchor, dp, rp, record)), uint8(CvmRecordVerifier.Anchor.None));
        assertFalse(cpVerifier.verifyDatasetRecord(0, cp, _blk(), bp, dp, rp, record));
    }

    /// @notice A flipped byte anywhere in the record is refused.
    function testFuzz_ATamperedRecordIsRefused(uint16 at, uint8 x) public view {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        x = uint8(bound(x, 1, 255));
        record[at % record.length] ^= bytes1(x);
        assertEq(uint8(_entry(_anchor(), _datasetProof(TOTALS), rp, record)), uint8(CvmRecordVerifier.Anchor.None));
    }

    // ---------------------------------------------------------------------------------------------------- reverts

    function test_Revert_UnknownAnchor() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        vm.expectRevert(abi.encodeWithSelector(CvmRecordVerifier.UnknownAnchor.selector, 0));
        verifier.verifyRecord(abi.encode(uint256(0), uint256(0)), dp, rp, record);
        vm.expectRevert(abi.encodeWithSelector(CvmRecordVerifier.UnknownAnchor.selector, 3));
        verifier.verifyRecord(abi.encode(uint256(3), uint256(0)), dp, rp, record);
    }

    function test_Revert_AnchorNotConfigured() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        vm.expectRevert(
            abi.encodeWithSelector(CvmRecordVerifier.AnchorNotConfigured.selector, CvmRecordVerifier.Anchor.Task)
        );
        verifier.verifyRecord(abi.encode(CvmRecordVerifier.Anchor.Task, uint256(0)), dp, rp, record);
        CvmRecordVerifier taskOnly = new CvmRecordVerifier(ICvmTaskManager(address(1)), ICvmCheckpoints(address(0)));
        vm.expectRevert(
            abi.encodeWithSelector(CvmRecordVerifier.AnchorNotConfigured.selector, CvmRecordVerifier.Anchor.Checkpoint)
        );
        taskOnly.verifyRecord(_anchor(), dp, rp, record);
    }

    function test_Revert_MalformedAnchor() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        vm.expectRevert(abi.encodeWithSelector(CvmRecordVerifier.MalformedAnchor.selector, 32));
        verifier.verifyRecord(abi.encode(CvmRecordVerifier.Anchor.Checkpoint), dp, rp, record);
        vm.expectRevert(abi.encodeWithSelector(CvmRecordVerifier.MalformedAnchor.selector, 0));
        verifier.verifyRecord("", dp, rp, record);
    }

    function test_Revert_MalformedDatasetProof() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        dp.leafCount = 0; // "single dataset" with a sibling left in
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, dp.leafIndex, 0, 1));
        verifier.verifyRecord(_anchor(), dp, rp, record);
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, dp.leafIndex, 0, 1));
        cpVerifier.verifyDatasetRecord(0, cp, _blk(), _blockProof(), dp, rp, record);
        dp = _datasetProof(TOTALS);
        dp.leafIndex = 2; // of 2
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, 2, 2, 1));
        verifier.verifyRecord(_anchor(), dp, rp, record);
    }

    function test_Revert_MalformedRecordProof() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        rp.leafIndex = 5; // of 5
        vm.expectRevert(abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, 5, 5, rp.siblings.length));
        verifier.verifyRecord(_anchor(), dp, rp, record);
    }

    function test_Revert_MalformedAccumulatorProof() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes memory anchor = abi.encode(
            CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(0, cp, _blk(), new bytes32[](33))
        );
        vm.expectRevert(abi.encodeWithSelector(CvmAccumulator.MalformedAccumulatorProof.selector, 1, 33));
        verifier.verifyRecord(anchor, dp, rp, record);
    }
}

/// @notice The example consumer through the entry point.
contract CvmRecordConsumer_ProveMultiDataset is CvmRecordVerifierTestBase {
    CvmRecordConsumer internal consumer;

    function setUp() public override {
        super.setUp();
        consumer = new CvmRecordConsumer(verifier);
    }

    function test_RecordsARecordOfASecondDataset() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        vm.expectEmit(address(consumer));
        emit CvmRecordConsumer.RecordProven(keccak256(record), blockHash, CvmRecordVerifier.Anchor.Checkpoint);
        consumer.prove(_anchor(), _datasetProof(TOTALS), rp, record);
        (bytes32 h, CvmRecordVerifier.Anchor kind) = consumer.proven(keccak256(record));
        assertEq(h, blockHash);
        assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.Checkpoint));
    }

    function test_Revert_WhenTheRecordIsNotProven() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        vm.expectRevert(CvmRecordConsumer.RecordNotProven.selector);
        consumer.prove(_anchor(), _datasetProof(TOTALS), rp, bytes.concat(record, hex"01"));
    }
}

/// @notice Gas of a record of the 5-record dataset `transfer_totals` (2 datasets, 3-block accumulator).
contract CvmRecordVerifier_Gas is CvmRecordVerifierTestBase {
    function test_GasOfVerifyDatasetRecord() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes32[] memory bp = _blockProof();
        assertTrue(cpVerifier.verifyDatasetRecord(0, cp, _blk(), bp, dp, rp, record));
        vm.snapshotGasLastCall("checkpointDatasetRecords", "verifyDatasetRecord_2datasets_5records_3blocks");
    }

    function test_GasOfTheEntry() public {
        (bytes memory record, RecordProof memory rp) = _record(TOTALS, 1);
        DatasetProof memory dp = _datasetProof(TOTALS);
        bytes memory anchor = _anchor();
        (CvmRecordVerifier.Anchor kind,) = verifier.verifyRecord(anchor, dp, rp, record);
        vm.snapshotGasLastCall("checkpointDatasetRecords", "entry_checkpoint_2datasets_5records_3blocks");
        assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.Checkpoint));
    }
}
