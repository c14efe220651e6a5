// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {CvmMisbehaviourSlasher} from "../../src/bridge/CvmMisbehaviourSlasher.sol";
import {ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICStakingErrors} from "../../src/interfaces/avs/ICStaking.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {CheckpointKeys} from "./BridgeTestUtils.sol";

/// @notice `CvmMisbehaviourSlasher.report` against the real AVS (checkpoints, slasher router, CStaking, the
///         AllocationManager stand-in): operators 1..4 (100 dETH restaked in operator set 0, consensus keys
///         keccak256(abi.encode("consensus", i)), 100 `$C` staked in CStaking) are the CVM validators. The app hash is built as the CVM chain
///         builds it: 16 (or 32) leaves, `misbehaviour` at index 13, node = keccak256(left ‖ right).
contract CvmMisbehaviourSlasherTest is CvmFixture, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    CvmCheckpoints internal cps;
    CvmMisbehaviourSlasher internal ms;
    CheckpointKeys.Set internal set;
    uint64 internal nextHeight = 5;
    uint64 internal accepted; // checkpoints accepted so far

    CvmMisbehaviourSlasher.Record[] internal chainRecords; // every record the "CVM chain" holds

    function setUp() public override {
        super.setUp();
        _addOperators(4);
        cps = new CvmCheckpoints(address(this), CHAIN, d.registry, d.slasher, 0, 0.5e18);
        ms = new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 0.25e18, 0.5e18, 0.2e18, 0.4e18, 8);
        d.slasher.setAllowed(address(ms), true);
        d.cStaking.setSlasherAllowed(address(ms), true);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 4, new uint256[](0));
        for (uint256 i; i < 4; ++i) {
            set.sks.push(s.sks[i]);
            set.entries.push(s.entries[i]);
        }
        cps.setGenesisValidatorSet(s.entries, 1);
    }

    // ------------------------------------------------------------ helpers

    function _key(uint256 op) internal pure returns (bytes32) {
        return keccak256(abi.encode("consensus", op));
    }

    function _address(bytes32 key) internal pure returns (bytes32) {
        return bytes32(bytes20(sha256(abi.encodePacked(key))));
    }

    function _record(uint8 t, bytes32 key, uint64 h) internal pure returns (CvmMisbehaviourSlasher.Record memory) {
        return CvmMisbehaviourSlasher.Record({
            misbehaviourType: t, validator: _address(key), height: h, time: 1_700_000_000 + h, totalVotingPower: 400
        });
    }

    function _hash(CvmMisbehaviourSlasher.Record memory r) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(uint256(r.misbehaviourType), r.validator, uint256(r.height), uint256(r.time), r.totalVotingPower)
        );
    }

    function _root(uint256 upTo) internal view returns (bytes32 root) {
        for (uint256 i; i < upTo; ++i) {
            root = keccak256(abi.encodePacked(root, _hash(chainRecords[i])));
        }
    }

    struct Proof {
        uint64 index;
        Checkpoint cp;
        uint64 count;
        bytes32 root;
        bytes32[] siblings;
    }

    /// @dev An app hash over `width` leaves with the misbehaviour leaf of the whole chain at 13, certified by a
    ///      checkpoint the validators sign and CvmCheckpoints accepts.
    function _certify(uint256 width) internal returns (Proof memory p) {
        p.count = uint64(chainRecords.length);
        p.root = _root(chainRecords.length);
        bytes32[] memory leaves = new bytes32[](width);
        for (uint256 i; i < width; ++i) {
            leaves[i] = i < 17 ? keccak256(abi.encode("leaf", i, nextHeight)) : bytes32(0);
        }
        leaves[13] = keccak256(abi.encode(uint256(p.count), p.root));
        (bytes32 appHash, bytes32[] memory siblings) = _tree(leaves, 13);
        p.siblings = siblings;
        p.cp = Checkpoint({
            height: nextHeight++,
            appHash: appHash,
            cvmBlockHash: keccak256("block"),
            cumulativeRoot: keccak256("cum"),
            withdrawalsRoot: keccak256("wd"),
            nextValidatorSetHash: CheckpointKeys.setHash(set.entries)
        });
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, p.cp));
        cps.submitCheckpoint(p.cp, sigma, apkG2, CheckpointKeys.none());
        p.index = accepted++;
    }

    /// @dev Root of a full binary tree over `leaves` (a power of two) and the siblings of `index`, bottom-up.
    function _tree(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32, bytes32[] memory sib) {
        uint256 depth;
        while ((1 << depth) < leaves.length) ++depth;
        sib = new bytes32[](depth);
        bytes32[] memory level = leaves;
        for (uint256 dd; dd < depth; ++dd) {
            sib[dd] = level[index ^ 1];
            bytes32[] memory up = new bytes32[](level.length / 2);
            for (uint256 i; i < up.length; ++i) {
                up[i] = keccak256(abi.encodePacked(level[2 * i], level[2 * i + 1]));
            }
            level = up;
            index >>= 1;
        }
        return (level[0], sib);
    }

    function _records(uint256 from, uint256 n) internal view returns (CvmMisbehaviourSlasher.Record[] memory r) {
        r = new CvmMisbehaviourSlasher.Record[](n);
        for (uint256 i; i < n; ++i) {
            r[i] = chainRecords[from + i];
        }
    }

    function _later(uint256 from) internal view returns (bytes32[] memory h) {
        h = new bytes32[](chainRecords.length - from);
        for (uint256 i; i < h.length; ++i) {
            h[i] = _hash(chainRecords[from + i]);
        }
    }

    function _report(Proof memory p, uint256 from, uint256 n, bytes32[] memory keys) internal returns (uint256) {
        return ms.report(p.index, p.cp, p.count, p.root, p.siblings, _records(from, n), keys, _later(from + n));
    }

    function _keys(bytes32 a) internal pure returns (bytes32[] memory k) {
        k = new bytes32[](1);
        k[0] = a;
    }

    function _magnitude(uint256 op) internal view returns (uint64) {
        return d.core.allocationManager.getMaxMagnitude(ops[op - 1].addr, d.core.strategy);
    }

    function _cStake(uint256 op) internal view returns (uint256) {
        return d.cStaking.operatorStake(ops[op - 1].addr);
    }

    // ------------------------------------------------------------ tests

    function test_ADuplicateVoteSlashesTheOperatorOnce() public {
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        uint64 before = _magnitude(2);
        uint256 cBefore = _cStake(2);
        assertGt(cBefore, 0);
        uint256 supply = d.cToken.totalSupply();
        vm.expectEmit(address(ms));
        emit CvmMisbehaviourSlasher.MisbehaviourSlashed(0, ops[1].addr, _key(2), 1, 40, 0.25e18);
        vm.expectEmit(address(ms));
        emit CvmMisbehaviourSlasher.MisbehaviourCStakeSlashed(0, ops[1].addr, 0.2e18, cBefore / 5);
        assertEq(_report(p, 0, 1, _keys(_key(2))), 1);
        assertEq(_magnitude(2), before - before / 4, "a quarter of the allocation");
        assertEq(_magnitude(1), before, "others untouched");
        assertEq(_cStake(2), cBefore - cBefore / 5, "a fifth of the $C stake");
        assertEq(_cStake(1), cBefore, "others' $C untouched");
        assertEq(d.cToken.totalSupply(), supply - cBefore / 5, "the slashed $C is burnt");
        assertEq(ms.processedCount(), 1);
        assertEq(ms.processedRoot(), p.root);
        // The same report again is refused: the record is processed.
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.NothingNew.selector, 1, 1));
        _report(p, 0, 1, _keys(_key(2)));
        assertEq(_magnitude(2), before - before / 4, "slashed once");
        assertEq(_cStake(2), cBefore - cBefore / 5, "$C slashed once");
    }

    function test_ALightClientAttackSlashesItsWadAndA32LeafAppHashWorks() public {
        chainRecords.push(_record(2, _key(3), 41));
        Proof memory p = _certify(32);
        assertEq(p.siblings.length, 5);
        uint64 before = _magnitude(3);
        uint256 cBefore = _cStake(3);
        _report(p, 0, 1, _keys(_key(3)));
        assertEq(_magnitude(3), before / 2);
        assertEq(_cStake(3), cBefore - cBefore * 2 / 5, "the light-client-attack $C WAD");
    }

    function test_RecordsAreProcessedInOrderAcrossCheckpointsAndInBatches() public {
        chainRecords.push(_record(1, _key(1), 10));
        chainRecords.push(_record(1, _key(2), 11));
        chainRecords.push(_record(1, _key(3), 12));
        Proof memory p = _certify(16);
        // Two now (the third passed as its hash), the third in a later call against the same checkpoint.
        bytes32[] memory k = new bytes32[](2);
        k[0] = _key(1);
        k[1] = _key(2);
        assertEq(_report(p, 0, 2, k), 2);
        assertEq(ms.processedCount(), 2);
        uint64 before3 = _magnitude(3);
        // A later record must not be processed out of order: starting at record 2 as if it were record 0 fails.
        chainRecords.push(_record(1, _key(4), 13));
        Proof memory q = _certify(16);
        assertEq(_report(q, 2, 1, _keys(_key(3))), 1);
        assertEq(_magnitude(3), before3 - before3 / 4);
        assertEq(_report(q, 3, 1, _keys(_key(4))), 1);
        assertEq(ms.processedCount(), 4);
        // An older checkpoint can no longer be used.
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.NothingNew.selector, 3, 4));
        _report(p, 2, 1, _keys(_key(3)));
    }

    function test_AnUnknownKeyOrAMalformedAddressDoesNotBlockLaterRecords() public {
        bytes32 stranger = keccak256("a validator no operator bound");
        chainRecords.push(_record(1, stranger, 20));
        CvmMisbehaviourSlasher.Record memory odd = _record(1, _key(1), 21);
        odd.validator = bytes32(uint256(1)); // not a 20-byte address: no key can match it
        chainRecords.push(odd);
        chainRecords.push(_record(0, _key(1), 22)); // UNKNOWN type: no slash
        chainRecords.push(_record(1, _key(2), 23));
        Proof memory p = _certify(16);
        bytes32[] memory k = new bytes32[](4);
        k[0] = stranger;
        k[3] = _key(2);
        uint64 before = _magnitude(2);
        uint256 cBefore = _cStake(1);
        vm.expectEmit(address(ms));
        emit CvmMisbehaviourSlasher.MisbehaviourUnknownKey(0, stranger, 20);
        vm.expectEmit(address(ms));
        emit CvmMisbehaviourSlasher.MisbehaviourSkipped(1, odd.validator, 1);
        vm.expectEmit(address(ms));
        emit CvmMisbehaviourSlasher.MisbehaviourSkipped(2, chainRecords[2].validator, 0);
        assertEq(_report(p, 0, 4, k), 4);
        assertEq(_magnitude(2), before - before / 4);
        assertEq(_magnitude(1), before, "operator 1's skipped records slash nothing");
        assertEq(_cStake(1), cBefore, "nor its $C");
        assertEq(_cStake(2), cBefore - cBefore / 5);
    }

    function test_Revert_WhenNotAnAllowedCStakingSlasher_TheRecordStaysForLater() public {
        d.cStaking.setSlasherAllowed(address(ms), false);
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        uint64 before = _magnitude(2);
        uint256 cBefore = _cStake(2);
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.OnlySlasher.selector, address(ms)));
        _report(p, 0, 1, _keys(_key(2)));
        assertEq(ms.processedCount(), 0, "not marked processed");
        assertEq(_magnitude(2), before, "nothing slashed");
        // Once the owner allows it again, the same record is slashed on both sides.
        d.cStaking.setSlasherAllowed(address(ms), true);
        _report(p, 0, 1, _keys(_key(2)));
        assertEq(ms.processedCount(), 1);
        assertEq(_magnitude(2), before - before / 4);
        assertEq(_cStake(2), cBefore - cBefore / 5);
    }

    function test_ZeroCWadsLeaveCStakeAloneAndNeedNoCStakingAllowance() public {
        CvmMisbehaviourSlasher ms0 = new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 0.25e18, 0, 0, 0, 8);
        d.slasher.setAllowed(address(ms0), true);
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        uint64 before = _magnitude(2);
        uint256 cBefore = _cStake(2);
        ms0.report(p.index, p.cp, p.count, p.root, p.siblings, _records(0, 1), _keys(_key(2)), _later(1));
        assertEq(_magnitude(2), before - before / 4);
        assertEq(_cStake(2), cBefore, "$C untouched");
    }

    function test_AnOnlyCTypeSlashesOnlyCStake() public {
        // LIGHT_CLIENT_ATTACK with no EigenLayer WAD but a $C WAD: the record is slashed, not skipped.
        CvmMisbehaviourSlasher ms1 = new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 0, 0, 0, 0.5e18, 8);
        d.cStaking.setSlasherAllowed(address(ms1), true);
        chainRecords.push(_record(2, _key(3), 41));
        Proof memory p = _certify(16);
        uint64 before = _magnitude(3);
        uint256 cBefore = _cStake(3);
        ms1.report(p.index, p.cp, p.count, p.root, p.siblings, _records(0, 1), _keys(_key(3)), _later(1));
        assertEq(_magnitude(3), before, "no EigenLayer slash (and ms1 is not on the router's allow-list)");
        assertEq(_cStake(3), cBefore / 2);
    }

    function test_Revert_WhenTheCheckpointIsNotAccepted() public {
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        p.cp.appHash = keccak256("another state");
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.CheckpointNotAccepted.selector, 0));
        _report(p, 0, 1, _keys(_key(2)));
        p = _certify(16);
        p.index = 0; // accepted, but as index 1
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.CheckpointNotAccepted.selector, 0));
        _report(p, 0, 1, _keys(_key(2)));
    }

    function test_Revert_WhenTheProofIsWrong() public {
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        bytes32[] memory s = p.siblings;
        s[2] = keccak256("tampered sibling");
        vm.expectRevert(CvmMisbehaviourSlasher.InvalidAppHashProof.selector);
        _report(p, 0, 1, _keys(_key(2)));
        p = _certify(16);
        p.count = 2; // the leaf's count is not the certified one
        vm.expectRevert(CvmMisbehaviourSlasher.InvalidAppHashProof.selector);
        _report(p, 0, 1, _keys(_key(2)));
        // A proof one level short (an inner node posing as the leaf) is refused by its depth.
        p = _certify(16);
        bytes32[] memory shortProof = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            shortProof[i] = p.siblings[i];
        }
        p.siblings = shortProof;
        vm.expectRevert(CvmMisbehaviourSlasher.InvalidAppHashProof.selector);
        _report(p, 0, 1, _keys(_key(2)));
    }

    function test_Revert_WhenARecordIsTampered() public {
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        CvmMisbehaviourSlasher.Record[] memory r = _records(0, 1);
        r[0].misbehaviourType = 2; // a heavier slash than certified
        vm.expectPartialRevert(CvmMisbehaviourSlasher.RecordChainMismatch.selector);
        ms.report(p.index, p.cp, p.count, p.root, p.siblings, r, _keys(_key(2)), new bytes32[](0));
        r = _records(0, 1);
        r[0].validator = _address(_key(1)); // another operator
        vm.expectPartialRevert(CvmMisbehaviourSlasher.RecordChainMismatch.selector);
        ms.report(p.index, p.cp, p.count, p.root, p.siblings, r, _keys(_key(1)), new bytes32[](0));
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.RecordCountMismatch.selector, 1, 2));
        ms.report(p.index, p.cp, p.count, p.root, p.siblings, _records(0, 1), _keys(_key(2)), new bytes32[](1));
    }

    function test_Revert_WhenTheKeyDoesNotMatchTheAddress() public {
        chainRecords.push(_record(1, _key(2), 40));
        Proof memory p = _certify(16);
        vm.expectRevert(
            abi.encodeWithSelector(
                CvmMisbehaviourSlasher.KeyAddressMismatch.selector, 0, _key(1), chainRecords[0].validator
            )
        );
        _report(p, 0, 1, _keys(_key(1)));
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.KeysLengthMismatch.selector, 1, 0));
        _report(p, 0, 1, new bytes32[](0));
    }

    function test_Revert_WhenMoreThanMaxRecordsPerCall() public {
        for (uint64 i; i < 9; ++i) {
            chainRecords.push(_record(1, _key(1), 50 + i));
        }
        Proof memory p = _certify(16);
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.TooManyRecords.selector, 9, 8));
        _report(p, 0, 9, new bytes32[](9));
    }

    function test_Revert_ConstructorChecks() public {
        vm.expectRevert(CvmMisbehaviourSlasher.ZeroAddress.selector);
        new CvmMisbehaviourSlasher(cps, d.cStaking, ICvmSlasher(address(0)), 0, 1, 1, 1, 1, 1);
        vm.expectRevert(CvmMisbehaviourSlasher.ZeroMaxRecords.selector);
        new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 1, 1, 1, 1, 0);
    }

    function test_Revert_ConstructorRefusesAWadAboveOne() public {
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.InvalidWad.selector, 1e18 + 1));
        new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 1e18 + 1, 1, 1, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.InvalidWad.selector, 1e18 + 1));
        new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 1, 1, 1e18 + 1, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(CvmMisbehaviourSlasher.InvalidWad.selector, 1e18 + 1));
        new CvmMisbehaviourSlasher(cps, d.cStaking, d.slasher, 0, 1, 1, 1, 1e18 + 1, 1);
    }

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_TheChainReHashMatchesAndAnyChangeBreaksIt(uint8 n, uint256 seed, uint256 flip) public {
        n = uint8(bound(n, 1, 8));
        for (uint256 i; i < n; ++i) {
            chainRecords.push(
                CvmMisbehaviourSlasher.Record({
                    misbehaviourType: uint8(uint256(keccak256(abi.encode(seed, i, "t"))) % 3),
                    validator: bytes32(uint256(keccak256(abi.encode(seed, i)))),
                    height: uint64(uint256(keccak256(abi.encode(seed, i, "h")))),
                    time: uint64(uint256(keccak256(abi.encode(seed, i, "s")))),
                    totalVotingPower: uint64(uint256(keccak256(abi.encode(seed, i, "p"))))
                })
            );
        }
        Proof memory p = _certify(16);
        // The contract's chain over the same records reaches the certified root.
        bytes32 root;
        for (uint256 i; i < n; ++i) {
            root = ms.chain(root, _hash(chainRecords[i]));
        }
        assertEq(root, p.root);
        // Changing one field of one record changes the root, so the report is refused.
        CvmMisbehaviourSlasher.Record[] memory r = _records(0, n);
        uint256 at = flip % n;
        uint256 field = (flip >> 8) % 4;
        if (field == 0) r[at].misbehaviourType ^= 1;
        else if (field == 1) r[at].height ^= 1;
        else if (field == 2) r[at].time ^= 1;
        else r[at].totalVotingPower ^= 1;
        vm.expectPartialRevert(CvmMisbehaviourSlasher.RecordChainMismatch.selector);
        ms.report(p.index, p.cp, p.count, p.root, p.siblings, r, new bytes32[](n), new bytes32[](0));
    }
}
