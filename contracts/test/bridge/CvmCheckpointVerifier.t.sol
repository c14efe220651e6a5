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
import {ICvmTaskManager} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {DatasetProofs} from "../../src/libraries/DatasetProofs.sol";
import {CvmRecordVerifier} from "../../src/verifiers/CvmRecordVerifier.sol";
import {CheckpointKeys, NaiveAccumulator} from "./BridgeTestUtils.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Datasets and record proofs made by the Java implementation (cvm/src/test/resources/fixtures/
///         dataset-proofs.json: one tree per CVM block here, block h = tree h − 1), a CVM-block accumulator over them
///         built by the naive tree, and a checkpoint signed in the test: every Java proof verifies through the
///         checkpoint, at every block up to it.
contract CvmCheckpointVerifierTestBase is Test, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    CvmCheckpoints internal cps;
    CvmCheckpointVerifier internal verifier;
    CvmRecordVerifier internal entry;
    CheckpointKeys.Set internal set;
    string internal json;
    bytes32[] internal blockLeaves;
    Checkpoint internal cp;

    function setUp() public virtual {
        json = vm.readFile(string.concat(vm.projectRoot(), "/cvm/src/test/resources/fixtures/dataset-proofs.json"));
        cps = new CvmCheckpoints(address(this), CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        verifier = new CvmCheckpointVerifier(ICvmCheckpoints(address(cps)));
        entry = new CvmRecordVerifier(ICvmTaskManager(address(0)), ICvmCheckpoints(address(cps)));
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 4, new uint256[](0));
        for (uint256 i; i < 4; ++i) {
            set.sks.push(s.sks[i]);
            set.entries.push(s.entries[i]);
        }
        cps.setGenesisValidatorSet(s.entries, 1);
        for (uint256 t = 0; vm.keyExistsJson(json, _tree(t)); t++) {
            blockLeaves.push(CvmAccumulator.blockLeaf(uint64(t + 1), _blockHash(t), _root(t)));
        }
        (bytes32 cumulativeRoot,) = NaiveAccumulator.rootAndProof(blockLeaves, type(uint256).max);
        cp = Checkpoint({
            height: 100,
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

    function _tree(uint256 t) internal pure returns (string memory) {
        return string.concat(".trees[", vm.toString(t), "]");
    }

    function _root(uint256 t) internal view returns (bytes32) {
        return vm.parseJsonBytes32(json, string.concat(_tree(t), ".root"));
    }

    function _blockHash(uint256 t) internal pure returns (bytes32) {
        return keccak256(abi.encode("cvm block", t + 1));
    }

    function _blk(uint256 t) internal view returns (CvmCheckpointVerifier.CvmBlockRef memory) {
        return CvmCheckpointVerifier.CvmBlockRef(uint64(t + 1), _blockHash(t), _root(t), t);
    }

    function _blockProof(uint256 t) internal view returns (bytes32[] memory p) {
        (, p) = NaiveAccumulator.rootAndProof(blockLeaves, t);
    }

    struct RecordProof {
        bytes record;
        uint256 leafIndex;
        uint256 leafCount;
        bytes32[] siblings;
    }

    function _record(uint256 t, uint256 l) internal view returns (RecordProof memory r) {
        string memory leaf = string.concat(_tree(t), ".leaves[", vm.toString(l), "]");
        r.record = vm.parseJsonBytes(json, string.concat(leaf, ".record"));
        r.leafIndex = vm.parseJsonUint(json, string.concat(leaf, ".leafIndex"));
        r.leafCount = vm.parseJsonUint(json, string.concat(_tree(t), ".leafCount"));
        r.siblings = vm.parseJsonBytes32Array(json, string.concat(leaf, ".siblings"));
    }

    function _anchor(uint256 t) internal view returns (bytes memory) {
        return abi.encode(
            CvmRecordVerifier.Anchor.Checkpoint, CvmRecordVerifier.CheckpointAnchor(0, cp, _blk(t), _blockProof(t))
        );
    }

    /// @dev The dataset proof of a block's only dataset: empty.
    function _single() internal pure returns (ICvmAttestedRecordsTypes.DatasetProof memory dp) {}

    function _rp(RecordProof memory r) internal pure returns (ICvmAttestedRecordsTypes.RecordProof memory) {
        return ICvmAttestedRecordsTypes.RecordProof(r.leafIndex, r.leafCount, r.siblings);
    }
}

contract CvmCheckpointVerifier_VerifyRecord is CvmCheckpointVerifierTestBase {
    function test_EveryJavaProofVerifiesThroughTheCheckpoint() public view {
        uint256 checked;
        for (uint256 t; t < blockLeaves.length; t++) {
            bytes32[] memory bp = _blockProof(t);
            assertTrue(verifier.verifyBlock(0, cp, _blk(t), bp), "block in the cumulative root");
            for (uint256 l; vm.keyExistsJson(json, string.concat(_tree(t), ".leaves[", vm.toString(l), "]")); l++) {
                RecordProof memory r = _record(t, l);
                assertTrue(verifier.verifyRecord(0, cp, _blk(t), bp, r.record, r.leafIndex, r.leafCount, r.siblings));
                assertFalse(
                    verifier.verifyRecord(
                        0, cp, _blk(t), bp, bytes.concat(r.record, hex"00"), r.leafIndex, r.leafCount, r.siblings
                    ),
                    "tampered record"
                );
                checked++;
            }
        }
        assertGt(checked, 10);
    }

    /// @notice Single-dataset blocks through the dataset-proof call and the entry point (empty dataset proof).
    function test_EveryJavaProofVerifiesWithAnEmptyDatasetProof() public view {
        uint256 checked;
        for (uint256 t; t < blockLeaves.length; t++) {
            bytes32[] memory bp = _blockProof(t);
            bytes memory anchor = _anchor(t);
            for (uint256 l; vm.keyExistsJson(json, string.concat(_tree(t), ".leaves[", vm.toString(l), "]")); l++) {
                RecordProof memory r = _record(t, l);
                assertTrue(verifier.verifyDatasetRecord(0, cp, _blk(t), bp, _single(), _rp(r), r.record));
                (CvmRecordVerifier.Anchor kind, bytes32 h) = entry.verifyRecord(anchor, _single(), _rp(r), r.record);
                assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.Checkpoint));
                assertEq(h, _blockHash(t));
                (kind, h) = entry.verifyRecord(anchor, _single(), _rp(r), bytes.concat(r.record, hex"00"));
                assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.None), "tampered record");
                assertEq(h, bytes32(0));
                checked++;
            }
        }
        assertGt(checked, 10);
    }

    function test_RejectsABlockWithAnotherHashHeightOrIndex() public view {
        bytes32[] memory bp = _blockProof(1);
        CvmCheckpointVerifier.CvmBlockRef memory b = _blk(1);
        b.cvmBlockHash = keccak256("other");
        assertFalse(verifier.verifyBlock(0, cp, b, bp));
        b = _blk(1);
        b.cvmHeight = 9;
        assertFalse(verifier.verifyBlock(0, cp, b, bp));
        b = _blk(1);
        b.blockIndex = 0;
        assertFalse(verifier.verifyBlock(0, cp, b, bp));
    }

    function test_RejectsAnUnacceptedCheckpoint() public view {
        Checkpoint memory other = cp;
        other.appHash = keccak256("other app");
        assertFalse(verifier.verifyBlock(0, other, _blk(0), _blockProof(0)));
        assertFalse(verifier.verifyBlock(1, cp, _blk(0), _blockProof(0)));
    }

    function test_Revert_WhenTheRecordProofHasTheWrongShape() public {
        RecordProof memory r = _record(1, 0);
        bytes32[] memory bp = _blockProof(1);
        vm.expectRevert(
            abi.encodeWithSelector(DatasetProofs.MalformedProof.selector, r.leafCount, r.leafCount, r.siblings.length)
        );
        verifier.verifyRecord(0, cp, _blk(1), bp, r.record, r.leafCount, r.leafCount, r.siblings);
    }

    function testFuzz_ATamperedBlockProofFails(uint8 t, uint8 level) public view {
        t = uint8(bound(t, 0, blockLeaves.length - 1));
        bytes32[] memory bp = _blockProof(t);
        bp[level % 32] = bytes32(uint256(bp[level % 32]) ^ 1);
        assertFalse(verifier.verifyBlock(0, cp, _blk(t), bp));
    }
}

contract CvmRecordConsumer_Prove is CvmCheckpointVerifierTestBase {
    CvmRecordConsumer internal consumer;

    function setUp() public override {
        super.setUp();
        consumer = new CvmRecordConsumer(entry);
    }

    function test_RecordsAProvenRecord() public {
        uint256 t = blockLeaves.length - 1;
        RecordProof memory r = _record(t, 0);
        vm.expectEmit(address(consumer));
        emit CvmRecordConsumer.RecordProven(keccak256(r.record), _blockHash(t), CvmRecordVerifier.Anchor.Checkpoint);
        consumer.prove(_anchor(t), _single(), _rp(r), r.record);
        (bytes32 h, CvmRecordVerifier.Anchor kind) = consumer.proven(keccak256(r.record));
        assertEq(h, _blockHash(t));
        assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.Checkpoint));
    }

    function test_Revert_WhenTheRecordIsNotProven() public {
        RecordProof memory r = _record(1, 0);
        vm.expectRevert(CvmRecordConsumer.RecordNotProven.selector);
        consumer.prove(_anchor(1), _single(), _rp(r), bytes.concat(r.record, hex"01"));
    }
}

/// @notice Gas of the checkpoint path, next to the AVS-task path's `attestedRecords` snapshot (docs/PROOFS.md): a record
///         of the 5-record dataset (tree 4) in a 10-block accumulator (4 siblings). The accumulator proof costs the same
///         execution for any accumulator size (32 levels are always hashed); only calldata grows, by 32 bytes per
///         sibling (⌈log2 blocks⌉ of them).
contract CvmCheckpointVerifier_Gas is CvmCheckpointVerifierTestBase {
    uint256 internal constant T = 4;

    function _r() internal view returns (RecordProof memory r) {
        r = _record(T, 1);
        assertEq(r.leafCount, 5);
        assertEq(blockLeaves.length, 10);
    }

    /// @dev One measured call per test: each starts with the checkpoints contract cold, as a consumer's transaction.
    function test_GasOfVerifyRecord() public {
        RecordProof memory r = _r();
        assertTrue(
            verifier.verifyRecord(0, cp, _blk(T), _blockProof(T), r.record, r.leafIndex, r.leafCount, r.siblings)
        );
        vm.snapshotGasLastCall("checkpointRecords", "verifyRecord_5records_10blocks");
    }

    function test_GasOfVerifyDatasetRecordWithOneDataset() public {
        RecordProof memory r = _r();
        assertTrue(verifier.verifyDatasetRecord(0, cp, _blk(T), _blockProof(T), _single(), _rp(r), r.record));
        vm.snapshotGasLastCall("checkpointRecords", "verifyDatasetRecord_1dataset_5records_10blocks");
    }

    function test_GasOfTheEntryWithOneDataset() public {
        RecordProof memory r = _r();
        (CvmRecordVerifier.Anchor kind,) = entry.verifyRecord(_anchor(T), _single(), _rp(r), r.record);
        vm.snapshotGasLastCall("checkpointRecords", "entry_checkpoint_1dataset_5records_10blocks");
        assertEq(uint8(kind), uint8(CvmRecordVerifier.Anchor.Checkpoint));
    }

    function test_GasOfTheExampleConsumer() public {
        RecordProof memory r = _r();
        CvmRecordConsumer consumer = new CvmRecordConsumer(entry);
        bytes memory anchor = _anchor(T);
        consumer.prove(anchor, _single(), _rp(r), r.record);
        vm.snapshotGasLastCall("checkpointRecords", "CvmRecordConsumer_prove_first");
        (bytes32 h,) = consumer.proven(keccak256(r.record));
        assertEq(h, _blockHash(T));
    }
}
