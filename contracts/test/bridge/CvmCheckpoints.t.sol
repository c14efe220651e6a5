// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICvmCheckpointsErrors, ICvmCheckpointsEvents, ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {CheckpointKeys} from "./BridgeTestUtils.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Shared setup: a checkpoints contract for chain "cvm-1" with a 4-validator genesis set (powers 100..103)
///         and helpers to sign checkpoints with it. Registry and slasher are placeholders here (only
///         `reportEquivocation` calls them; it is tested against the real AVS in CvmCheckpoints_ReportEquivocation).
abstract contract CheckpointsTestBase is Test, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    CvmCheckpoints internal cps;
    CheckpointKeys.Set internal set0;
    address internal owner = makeAddr("owner");

    function setUp() public virtual {
        cps = new CvmCheckpoints(
            owner, CHAIN, ICvmRegistry(makeAddr("registry")), ICvmSlasher(makeAddr("slasher")), 0, 0.5e18
        );
        _storeSet(set0, CheckpointKeys.makeSet(1, 4, new uint256[](0)));
        vm.prank(owner);
        cps.setGenesisValidatorSet(set0.entries, 1);
    }

    function _storeSet(CheckpointKeys.Set storage dst, CheckpointKeys.Set memory src) internal {
        delete dst.sks;
        delete dst.entries;
        for (uint256 i; i < src.sks.length; ++i) {
            dst.sks.push(src.sks[i]);
            dst.entries.push(src.entries[i]);
        }
    }

    function _cp(uint64 height, bytes32 next) internal pure returns (Checkpoint memory) {
        return Checkpoint({
            height: height,
            appHash: keccak256(abi.encode("app", height)),
            cvmBlockHash: keccak256(abi.encode("block", height)),
            cumulativeRoot: keccak256(abi.encode("cum", height)),
            withdrawalsRoot: keccak256(abi.encode("wd", height)),
            nextValidatorSetHash: next
        });
    }

    function _cp(uint64 height) internal view returns (Checkpoint memory) {
        return _cp(height, CheckpointKeys.setHash(set0.entries));
    }

    function _submit(CheckpointKeys.Set memory s, Checkpoint memory cp, uint256[] memory nonSigners) internal {
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(s, nonSigners, CheckpointKeys.digest(CHAIN, cp));
        cps.submitCheckpoint(cp, sigma, apkG2, nonSigners);
    }

    function _list(uint256 a) internal pure returns (uint256[] memory l) {
        l = new uint256[](1);
        l[0] = a;
    }

    function _list(uint256 a, uint256 b) internal pure returns (uint256[] memory l) {
        l = new uint256[](2);
        l[0] = a;
        l[1] = b;
    }
}

contract CvmCheckpoints_Constructor is Test {
    function test_Revert_WhenRegistryOrSlasherIsZero() public {
        vm.expectRevert(ICvmCheckpointsErrors.ZeroAddress.selector);
        new CvmCheckpoints(address(this), "cvm-1", ICvmRegistry(address(0)), ICvmSlasher(address(1)), 0, 1);
        vm.expectRevert(ICvmCheckpointsErrors.ZeroAddress.selector);
        new CvmCheckpoints(address(this), "cvm-1", ICvmRegistry(address(1)), ICvmSlasher(address(0)), 0, 1);
    }

    function test_ChainIdIsTheHashOfTheChainIdString() public {
        CvmCheckpoints c =
            new CvmCheckpoints(address(this), "cvm-1", ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        assertEq(c.cvmChainId(), keccak256("cvm-1"));
        assertEq(c.owner(), address(this));
    }
}

contract CvmCheckpoints_SetGenesisValidatorSet is CheckpointsTestBase, ICvmCheckpointsEvents {
    CvmCheckpoints internal fresh;

    function setUp() public override {
        super.setUp();
        fresh = new CvmCheckpoints(owner, CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
    }

    function test_StoresTheSetItsAggregateKeyAndHash() public view {
        ValidatorSetInfo memory info = cps.validatorSet(0);
        assertEq(info.hash, CheckpointKeys.setHash(set0.entries));
        assertEq(info.totalPower, 100 + 101 + 102 + 103);
        assertEq(info.size, 4);
        assertEq(info.startHeight, 1);
        uint256 sum;
        for (uint256 i; i < 4; ++i) {
            sum = addmod(sum, set0.sks[i], BN254.FR_MODULUS);
            ValidatorEntry memory e = cps.validatorEntry(0, i);
            assertEq(e.g1x, set0.entries[i].g1x);
            assertEq(e.power, set0.entries[i].power);
        }
        BN254.G1Point memory apk = BN254.scalarMul(BN254.generatorG1(), sum);
        assertEq(info.apkX, apk.X);
        assertEq(info.apkY, apk.Y);
        assertEq(cps.latestHeight(), 0);
        assertEq(cps.currentSetId(), 0);
    }

    function test_EmitsValidatorSetCommitted() public {
        vm.expectEmit(address(fresh));
        emit ValidatorSetCommitted(0, CheckpointKeys.setHash(set0.entries), 7, 406);
        vm.prank(owner);
        fresh.setGenesisValidatorSet(set0.entries, 7);
        assertEq(fresh.latestHeight(), 6);
    }

    function test_Revert_WhenNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        fresh.setGenesisValidatorSet(set0.entries, 1);
    }

    function test_Revert_WhenAlreadySet() public {
        vm.expectRevert(ICvmCheckpointsErrors.GenesisAlreadySet.selector);
        vm.prank(owner);
        cps.setGenesisValidatorSet(set0.entries, 1);
    }

    function test_Revert_WhenStartHeightIsZero() public {
        vm.expectRevert(ICvmCheckpointsErrors.InvalidStartHeight.selector);
        vm.prank(owner);
        fresh.setGenesisValidatorSet(set0.entries, 0);
    }

    function test_Revert_WhenEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidValidatorEntry.selector, 0));
        vm.prank(owner);
        fresh.setGenesisValidatorSet(new ValidatorEntry[](0), 1);
    }

    function test_Revert_WhenNotSortedOrDuplicated() public {
        ValidatorEntry[] memory e = set0.entries;
        (e[1], e[2]) = (e[2], e[1]);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidValidatorEntry.selector, 2));
        vm.prank(owner);
        fresh.setGenesisValidatorSet(e, 1);
        e = set0.entries;
        e[2] = e[1];
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidValidatorEntry.selector, 2));
        vm.prank(owner);
        fresh.setGenesisValidatorSet(e, 1);
    }

    function test_Revert_WhenAPowerIsZero() public {
        ValidatorEntry[] memory e = set0.entries;
        e[3].power = 0;
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidValidatorEntry.selector, 3));
        vm.prank(owner);
        fresh.setGenesisValidatorSet(e, 1);
    }

    function test_Revert_WhenAKeyIsTheInfinityPoint() public {
        ValidatorEntry[] memory e = new ValidatorEntry[](1);
        e[0] = ValidatorEntry(0, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidValidatorEntry.selector, 0));
        vm.prank(owner);
        fresh.setGenesisValidatorSet(e, 1);
    }

    function test_Revert_WhenAKeyIsOffTheCurve() public {
        ValidatorEntry[] memory e = new ValidatorEntry[](1);
        e[0] = ValidatorEntry(1, 3, 1);
        vm.expectRevert(abi.encodeWithSelector(BN254.BN254PrecompileFailed.selector, 6));
        vm.prank(owner);
        fresh.setGenesisValidatorSet(e, 1);
    }
}

contract CvmCheckpoints_SubmitCheckpoint is CheckpointsTestBase, ICvmCheckpointsEvents {
    function test_AcceptsACheckpointSignedByEveryone() public {
        Checkpoint memory cp = _cp(5);
        bytes32 d = CheckpointKeys.digest(CHAIN, cp);
        vm.expectEmit(address(cps));
        emit CheckpointAccepted(0, 5, d, cp.cumulativeRoot, cp.withdrawalsRoot);
        _submit(set0, cp, CheckpointKeys.none());
        assertEq(cps.latestHeight(), 5);
        assertEq(cps.checkpointCount(), 1);
        assertEq(cps.acceptedDigest(0), d);
        assertTrue(cps.isAccepted(0, cp));
        assertFalse(cps.isAccepted(1, cp));
        cp.appHash = bytes32(uint256(1));
        assertFalse(cps.isAccepted(0, cp));
    }

    function test_AcceptsWithNonSignersBelowOneThird() public {
        // total 406; missing 100 + 101 = 201 would be too much, one missing (≤ 103) is fine.
        _submit(set0, _cp(2), _list(3));
        assertEq(cps.latestHeight(), 2);
    }

    function test_Revert_WhenExactlyTwoThirdsSign() public {
        uint256[] memory powers = new uint256[](3);
        (powers[0], powers[1], powers[2]) = (1, 1, 1);
        CvmCheckpoints c = new CvmCheckpoints(owner, CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(50, 3, powers);
        vm.prank(owner);
        c.setGenesisValidatorSet(s.entries, 1);
        Checkpoint memory cp = _cp(1, CheckpointKeys.setHash(s.entries));
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(s, _list(0), CheckpointKeys.digest(CHAIN, cp));
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.QuorumNotReached.selector, 2, 3));
        c.submitCheckpoint(cp, sigma, apkG2, _list(0));
    }

    function test_Revert_WhenSignersHoldTooLittlePower() public {
        Checkpoint memory cp = _cp(2);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, _list(0, 1), CheckpointKeys.digest(CHAIN, cp));
        uint256 missing = set0.entries[0].power + set0.entries[1].power;
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.QuorumNotReached.selector, 406 - missing, 406));
        cps.submitCheckpoint(cp, sigma, apkG2, _list(0, 1));
    }

    function test_Revert_WhenNotInitialised() public {
        CvmCheckpoints c = new CvmCheckpoints(owner, CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        Checkpoint memory cp = _cp(1);
        vm.expectRevert(ICvmCheckpointsErrors.NotInitialised.selector);
        c.submitCheckpoint(cp, BN254.G1Point(0, 0), BN254.negGeneratorG2(), CheckpointKeys.none());
    }

    function test_Revert_WhenHeightIsNotAboveTheLatest() public {
        _submit(set0, _cp(5), CheckpointKeys.none());
        Checkpoint memory same = _cp(5);
        same.cvmBlockHash = bytes32(uint256(9)); // a validly signed different checkpoint for the same height
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, same));
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.StaleHeight.selector, 5, 5));
        cps.submitCheckpoint(same, sigma, apkG2, CheckpointKeys.none());
        Checkpoint memory older = _cp(4);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.StaleHeight.selector, 4, 5));
        cps.submitCheckpoint(older, sigma, apkG2, CheckpointKeys.none());
    }

    function test_Revert_WhenHeightIsBelowTheGenesisStart() public {
        CvmCheckpoints c = new CvmCheckpoints(owner, CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        vm.prank(owner);
        c.setGenesisValidatorSet(set0.entries, 10);
        Checkpoint memory cp = _cp(9);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.StaleHeight.selector, 9, 9));
        c.submitCheckpoint(cp, BN254.G1Point(0, 0), BN254.negGeneratorG2(), CheckpointKeys.none());
    }

    function test_Revert_WhenARotationIsPending() public {
        bytes32 next = keccak256("another set");
        _submit(set0, _cp(3, next), CheckpointKeys.none());
        Checkpoint memory cp = _cp(4);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.RotationPending.selector, next));
        cps.submitCheckpoint(cp, BN254.G1Point(0, 0), BN254.negGeneratorG2(), CheckpointKeys.none());
    }

    function test_Revert_WhenNonSignerIndicesAreNotStrictlyAscendingOrOutOfRange() public {
        Checkpoint memory cp = _cp(2);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidNonSignerIndex.selector, 1, 1));
        cps.submitCheckpoint(cp, BN254.G1Point(0, 0), BN254.negGeneratorG2(), _list(1, 1));
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidNonSignerIndex.selector, 1, 0));
        cps.submitCheckpoint(cp, BN254.G1Point(0, 0), BN254.negGeneratorG2(), _list(2, 0));
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidNonSignerIndex.selector, 0, 4));
        cps.submitCheckpoint(cp, BN254.G1Point(0, 0), BN254.negGeneratorG2(), _list(4));
    }

    function test_Revert_WhenTheSignatureIsOverAnotherCheckpointOrChain() public {
        Checkpoint memory cp = _cp(2);
        Checkpoint memory other = _cp(2);
        other.withdrawalsRoot = bytes32(0);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, other));
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
        (sigma, apkG2) = CheckpointKeys.sign(set0, CheckpointKeys.none(), CheckpointKeys.digest("cvm-2", cp));
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
    }

    function test_Revert_WhenANonSignerIsClaimedToHaveSigned() public {
        // The signature lacks validator 3's share but the certificate says everyone signed.
        Checkpoint memory cp = _cp(2);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, _list(3), CheckpointKeys.digest(CHAIN, cp));
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
    }

    function test_Revert_WhenSignersKeysSumToInfinity() public {
        // A set {P, −P, Q}: with Q a non-signer the signers' key is the point at infinity, for which σ = 0 and
        // apkG2 = 0 would pass the pairing for any message. Refused.
        uint256 sk = CheckpointKeys.secretKey(77);
        BN254.G1Point memory p = BN254.scalarMul(BN254.generatorG1(), sk);
        BN254.G1Point memory q = BN254.scalarMul(BN254.generatorG1(), sk + 1);
        ValidatorEntry[] memory e = new ValidatorEntry[](3);
        e[0] = ValidatorEntry(p.X, p.Y, 100);
        e[1] = ValidatorEntry(p.X, BN254.FP_MODULUS - p.Y, 100);
        e[2] = ValidatorEntry(q.X, q.Y, 1);
        // sort by id
        for (uint256 i = 1; i < 3; ++i) {
            for (uint256 j = i; j > 0 && CheckpointKeys.id(e[j - 1]) > CheckpointKeys.id(e[j]); --j) {
                (e[j - 1], e[j]) = (e[j], e[j - 1]);
            }
        }
        uint256 qIndex;
        for (uint256 i; i < 3; ++i) {
            if (e[i].power == 1) qIndex = i;
        }
        CvmCheckpoints c = new CvmCheckpoints(owner, CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        vm.prank(owner);
        c.setGenesisValidatorSet(e, 1);
        BN254.G2Point memory zero2;
        Checkpoint memory cp = _cp(1);
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        c.submitCheckpoint(cp, BN254.G1Point(0, 0), zero2, _list(qIndex));
    }

    function testFuzz_AcceptsAnySubsetAboveTwoThirds(uint8 mask, uint64 height) public {
        height = uint64(bound(height, 1, type(uint64).max));
        mask &= 0x0f;
        uint256 count;
        uint256 missing;
        for (uint256 i; i < 4; ++i) {
            if (mask >> i & 1 == 1) {
                ++count;
                missing += set0.entries[i].power;
            }
        }
        uint256[] memory ns = new uint256[](count);
        uint256 k;
        for (uint256 i; i < 4; ++i) {
            if (mask >> i & 1 == 1) ns[k++] = i;
        }
        Checkpoint memory cp = _cp(height);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, ns, CheckpointKeys.digest(CHAIN, cp));
        if (missing * 3 >= 406) {
            vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.QuorumNotReached.selector, 406 - missing, 406));
        }
        cps.submitCheckpoint(cp, sigma, apkG2, ns);
        if (missing * 3 < 406) assertEq(cps.acceptedDigest(0), CheckpointKeys.digest(CHAIN, cp));
    }

    function testFuzz_RejectsATamperedField(uint8 field, bytes32 value) public {
        Checkpoint memory cp = _cp(9);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, cp));
        Checkpoint memory t = _cp(9);
        field %= 6;
        if (field == 0) {
            t.height = uint64(bound(uint256(value), 10, type(uint64).max));
        } else if (field == 1) {
            vm.assume(value != t.appHash);
            t.appHash = value;
        } else if (field == 2) {
            vm.assume(value != t.cvmBlockHash);
            t.cvmBlockHash = value;
        } else if (field == 3) {
            vm.assume(value != t.cumulativeRoot);
            t.cumulativeRoot = value;
        } else if (field == 4) {
            vm.assume(value != t.withdrawalsRoot);
            t.withdrawalsRoot = value;
        } else {
            vm.assume(value != t.nextValidatorSetHash);
            t.nextValidatorSetHash = value;
        }
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.submitCheckpoint(t, sigma, apkG2, CheckpointKeys.none());
    }

    function testFuzz_RejectsASignatureByOtherKeys(uint256 seed) public {
        seed = bound(seed, 1000, type(uint128).max);
        CheckpointKeys.Set memory other = CheckpointKeys.makeSet(seed, 4, new uint256[](0));
        Checkpoint memory cp = _cp(3);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(other, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, cp));
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
    }
}

contract CvmCheckpoints_RotateValidatorSet is CheckpointsTestBase, ICvmCheckpointsEvents {
    CheckpointKeys.Set internal set1;

    function setUp() public override {
        super.setUp();
        _storeSet(set1, CheckpointKeys.makeSet(20, 5, new uint256[](0)));
    }

    function test_WritesTheCommittedSetWhichSignsFromTheNextHeight() public {
        bytes32 h1 = CheckpointKeys.setHash(set1.entries);
        vm.expectEmit(address(cps));
        emit RotationRequired(3, h1);
        _submit(set0, _cp(3, h1), CheckpointKeys.none());
        assertEq(cps.pendingSetHash(), h1);
        vm.expectEmit(address(cps));
        emit ValidatorSetCommitted(1, h1, 4, 100 + 101 + 102 + 103 + 104);
        cps.rotateValidatorSet(set1.entries);
        assertEq(cps.currentSetId(), 1);
        assertEq(cps.pendingSetHash(), bytes32(0));
        assertEq(cps.validatorSet(1).startHeight, 4);

        // The old set no longer signs; the new one does.
        Checkpoint memory cp = _cp(4, h1);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set0, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, cp));
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
        _submit(set1, cp, _list(4));
        assertTrue(cps.isAccepted(1, cp));
    }

    function test_Revert_WhenNoRotationIsPending() public {
        vm.expectRevert(ICvmCheckpointsErrors.NoRotationPending.selector);
        cps.rotateValidatorSet(set1.entries);
    }

    function test_Revert_WhenEntriesDoNotHashToTheCommittedSet() public {
        bytes32 h1 = CheckpointKeys.setHash(set1.entries);
        _submit(set0, _cp(3, h1), CheckpointKeys.none());
        ValidatorEntry[] memory e = set1.entries;
        e[0].power += 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICvmCheckpointsErrors.ValidatorSetHashMismatch.selector, h1, CheckpointKeys.setHash(e)
            )
        );
        cps.rotateValidatorSet(e);
    }

    function test_Revert_WhenTheCommittedSetIsMalformed() public {
        // The CVM chain committed an unsorted set: rotation refuses it with the index.
        ValidatorEntry[] memory e = set1.entries;
        (e[0], e[1]) = (e[1], e[0]);
        _submit(set0, _cp(3, CheckpointKeys.setHash(e)), CheckpointKeys.none());
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.InvalidValidatorEntry.selector, 1));
        cps.rotateValidatorSet(e);
    }
}

contract CvmCheckpoints_Views is CheckpointsTestBase {
    function test_TypehashesAreTheSpecStrings() public view {
        assertEq(cps.CHECKPOINT_TYPEHASH(), CheckpointKeys.CHECKPOINT_TYPEHASH);
        assertEq(cps.VALIDATOR_SET_TYPEHASH(), CheckpointKeys.VALIDATOR_SET_TYPEHASH);
    }

    function testFuzz_DigestMatchesTheStructEncoding(Checkpoint memory cp) public view {
        assertEq(cps.checkpointDigest(cp), CheckpointKeys.digest(CHAIN, cp));
    }

    function testFuzz_SetHashMatchesThePackedEncoding(uint256[3][] memory raw) public view {
        ValidatorEntry[] memory e = new ValidatorEntry[](raw.length);
        for (uint256 i; i < raw.length; ++i) {
            e[i] = ValidatorEntry(raw[i][0], raw[i][1], raw[i][2]);
        }
        assertEq(cps.validatorSetHash(e), CheckpointKeys.setHash(e));
    }

    function test_IsAcceptedIsFalseForAnUnacceptedIndex() public view {
        assertFalse(cps.isAccepted(0, _cp(1)));
        assertEq(cps.acceptedDigest(0), bytes32(0));
    }
}

contract CvmCheckpoints_TotalPower is CheckpointsTestBase {
    function test_Revert_WhenTotalPowerExceeds128Bits() public {
        uint256[] memory powers = new uint256[](2);
        (powers[0], powers[1]) = (type(uint128).max, 1);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(60, 2, powers);
        CvmCheckpoints c = new CvmCheckpoints(owner, CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ICvmCheckpointsErrors.TotalPowerTooLarge.selector, uint256(type(uint128).max) + 1)
        );
        vm.prank(owner);
        c.setGenesisValidatorSet(s.entries, 1);
    }
}

contract CvmCheckpoints_History is CheckpointsTestBase {
    /// @dev Signs with the whole set; apkG2 is the same for every checkpoint, so it is computed once.
    function _submitMany(uint64 fromHeight, uint256 n) internal {
        uint256 sum;
        for (uint256 i; i < set0.sks.length; ++i) {
            sum = addmod(sum, set0.sks[i], BN254.FR_MODULUS);
        }
        (, BN254.G2Point memory apkG2) = CheckpointKeys.sign(set0, CheckpointKeys.none(), bytes32(0));
        for (uint256 i; i < n; ++i) {
            Checkpoint memory cp = _cp(uint64(fromHeight + i));
            BN254.G1Point memory sigma = BN254.scalarMul(BN254.hashToG1(CheckpointKeys.digest(CHAIN, cp)), sum);
            cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
        }
    }

    function test_KeepsTheLastHistoryCheckpoints() public {
        uint256 history = cps.HISTORY();
        _submitMany(1, history + 1);
        assertEq(cps.checkpointCount(), history + 1);
        // Index 0 (height 1) was overwritten by index HISTORY (height HISTORY + 1); index 1 is the oldest kept.
        assertFalse(cps.isAccepted(0, _cp(1)));
        assertEq(cps.acceptedDigest(0), bytes32(0));
        assertTrue(cps.isAccepted(1, _cp(2)));
        assertTrue(cps.isAccepted(uint64(history), _cp(uint64(history + 1))));
        assertFalse(cps.isAccepted(uint64(history + 1), _cp(uint64(history + 1))));
    }

    function test_PrefillWritesPlaceholdersThatNoCheckpointMatches() public {
        _submitMany(1, 1);
        cps.prefillHistory(3);
        assertEq(cps.historyPrefilled(), 3);
        assertTrue(cps.isAccepted(0, _cp(1)), "an accepted checkpoint's slot is left alone");
        assertEq(cps.acceptedDigest(1), bytes32(0), "placeholders are not retained checkpoints");
        cps.prefillHistory(type(uint256).max - 10);
        assertEq(cps.historyPrefilled(), cps.HISTORY());
        _submitMany(2, 2);
        assertTrue(cps.isAccepted(2, _cp(3)));
    }
}
