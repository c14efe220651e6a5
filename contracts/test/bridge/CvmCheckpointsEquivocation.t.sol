// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICvmCheckpointsErrors, ICvmCheckpointsEvents, ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmSlasherErrors} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {CheckpointKeys} from "./BridgeTestUtils.sol";

/// @notice `reportEquivocation` against the real AVS (registry, slasher router, AllocationManager stand-in): the CVM
///         validators are the AVS operators 1..4 (same BLS keys), each with 100 dETH restaked in operator set 0.
contract CvmCheckpoints_ReportEquivocation is CvmFixture, ICvmCheckpointsTypes, ICvmCheckpointsEvents {
    string internal constant CHAIN = "cvm-1";
    CvmCheckpoints internal cps;
    CheckpointKeys.Set internal set;
    Checkpoint internal accepted;

    function setUp() public override {
        super.setUp();
        _addOperators(4);
        cps = new CvmCheckpoints(address(this), CHAIN, d.registry, d.slasher, 0, 0.5e18);
        d.slasher.setAllowed(address(cps), true);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 4, new uint256[](0));
        for (uint256 i; i < 4; ++i) {
            set.sks.push(s.sks[i]);
            set.entries.push(s.entries[i]);
        }
        cps.setGenesisValidatorSet(s.entries, 1);
        accepted = _cp(7, "app");
        _sign(accepted, CheckpointKeys.none(), true);
    }

    function _cp(uint64 h, string memory app) internal view returns (Checkpoint memory) {
        return Checkpoint({
            height: h,
            appHash: keccak256(bytes(app)),
            cvmBlockHash: keccak256("block"),
            cumulativeRoot: keccak256("cum"),
            withdrawalsRoot: keccak256("wd"),
            nextValidatorSetHash: CheckpointKeys.setHash(set.entries)
        });
    }

    function _sign(Checkpoint memory cp, uint256[] memory ns, bool submit)
        internal
        returns (BN254.G1Point memory sigma, BN254.G2Point memory apkG2)
    {
        (sigma, apkG2) = CheckpointKeys.sign(set, ns, CheckpointKeys.digest(CHAIN, cp));
        if (submit) cps.submitCheckpoint(cp, sigma, apkG2, ns);
    }

    function _operatorOf(uint256 i) internal view returns (address) {
        return d.registry.getOperatorFromId(CheckpointKeys.id(set.entries[i]));
    }

    function _one(uint256 a) internal pure returns (uint256[] memory l) {
        l = new uint256[](1);
        l[0] = a;
    }

    function test_SlashesEverySignerOfAConflictingCheckpointOnce() public {
        Checkpoint memory bad = _cp(7, "forged app hash");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(bad, _one(2), false); // 3 of 4 signed
        uint64[4] memory before;
        for (uint256 i; i < 4; ++i) {
            before[i] = d.core.allocationManager.getMaxMagnitude(_operatorOf(i), d.core.strategy);
            assertTrue(_operatorOf(i) != address(0));
        }
        vm.expectEmit(address(cps));
        emit EquivocationSlashed(7, CheckpointKeys.id(set.entries[0]), _operatorOf(0));
        cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, _one(2), 100);
        for (uint256 i; i < 4; ++i) {
            uint64 afterMag = d.core.allocationManager.getMaxMagnitude(_operatorOf(i), d.core.strategy);
            if (i == 2) {
                assertEq(afterMag, before[i], "the non-signer is not slashed");
                assertFalse(cps.equivocationSlashed(7, CheckpointKeys.id(set.entries[i])));
            } else {
                assertEq(afterMag, before[i] / 2, "half of each signer's allocation");
                assertTrue(cps.equivocationSlashed(7, CheckpointKeys.id(set.entries[i])));
            }
        }
        // The same evidence again slashes nobody twice; a second conflicting checkpoint reaches only the new signer.
        cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, _one(2), 100);
        Checkpoint memory bad2 = _cp(7, "another forged app hash");
        (sigma, apkG2) = _sign(bad2, CheckpointKeys.none(), false);
        cps.reportEquivocation(0, accepted, bad2, 0, sigma, apkG2, CheckpointKeys.none(), 100);
        for (uint256 i; i < 4; ++i) {
            assertEq(
                d.core.allocationManager.getMaxMagnitude(_operatorOf(i), d.core.strategy), before[i] / 2, "once each"
            );
        }
    }

    function test_SlashesInBatchesOfMaxSlashes() public {
        Checkpoint memory bad = _cp(7, "forged app hash");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(bad, CheckpointKeys.none(), false);
        assertEq(cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, CheckpointKeys.none(), 3), 3);
        assertTrue(cps.equivocationSlashed(7, CheckpointKeys.id(set.entries[2])));
        assertFalse(cps.equivocationSlashed(7, CheckpointKeys.id(set.entries[3])), "not yet: set order, 3 per call");
        assertEq(cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, CheckpointKeys.none(), 3), 1);
        assertTrue(cps.equivocationSlashed(7, CheckpointKeys.id(set.entries[3])));
        assertEq(cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, CheckpointKeys.none(), 3), 0);
    }

    function test_AKeyThatIsNoOperatorIsReportedWithoutSlash() public {
        // A validator key that no AVS operator registered: the evidence is recorded, nothing can be slashed.
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(900, 1, new uint256[](0));
        CvmCheckpoints c = new CvmCheckpoints(address(this), CHAIN, d.registry, d.slasher, 0, 0.5e18);
        d.slasher.setAllowed(address(c), true);
        c.setGenesisValidatorSet(s.entries, 1);
        Checkpoint memory a = _cp(3, "a");
        a.nextValidatorSetHash = CheckpointKeys.setHash(s.entries);
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(s, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, a));
        c.submitCheckpoint(a, sigma, apkG2, CheckpointKeys.none());
        Checkpoint memory b = _cp(3, "b");
        b.nextValidatorSetHash = a.nextValidatorSetHash;
        (sigma, apkG2) = CheckpointKeys.sign(s, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, b));
        vm.expectEmit(address(c));
        emit EquivocationSlashed(3, CheckpointKeys.id(s.entries[0]), address(0));
        c.reportEquivocation(0, a, b, 0, sigma, apkG2, CheckpointKeys.none(), 100);
    }

    function test_Revert_WhenTheAcceptedCheckpointIsNotAcceptedAtThatIndex() public {
        Checkpoint memory bad = _cp(7, "x");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(bad, CheckpointKeys.none(), false);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.CheckpointNotAccepted.selector, 1));
        cps.reportEquivocation(1, accepted, bad, 0, sigma, apkG2, CheckpointKeys.none(), 100);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.CheckpointNotAccepted.selector, 0));
        cps.reportEquivocation(0, bad, accepted, 0, sigma, apkG2, CheckpointKeys.none(), 100);
    }

    function test_Revert_WhenOnlyTheCvmBlockHashDiffers() public {
        // Honest validators sign one checkpoint per round; the proposed block may differ between rounds.
        Checkpoint memory other = _cp(7, "app");
        other.cvmBlockHash = keccak256("round 1 block");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(other, CheckpointKeys.none(), false);
        vm.expectRevert(ICvmCheckpointsErrors.NotEquivocation.selector);
        cps.reportEquivocation(0, accepted, other, 0, sigma, apkG2, CheckpointKeys.none(), 100);
    }

    function test_Revert_WhenTheHeightsDiffer() public {
        Checkpoint memory other = _cp(8, "other");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(other, CheckpointKeys.none(), false);
        vm.expectRevert(ICvmCheckpointsErrors.NotEquivocation.selector);
        cps.reportEquivocation(0, accepted, other, 0, sigma, apkG2, CheckpointKeys.none(), 100);
    }

    function test_Revert_WhenTheSetDidNotSignThatHeight() public {
        Checkpoint memory bad = _cp(7, "x");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(bad, CheckpointKeys.none(), false);
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.WrongValidatorSet.selector, 1, 7));
        cps.reportEquivocation(0, accepted, bad, 1, sigma, apkG2, CheckpointKeys.none(), 100);
    }

    function test_Revert_WhenAnEarlierSetIsNamedForALaterHeight() public {
        // Rotate at height 7 to a new set; a height-8 checkpoint is signed by set 1, not set 0.
        CheckpointKeys.Set memory s1 = CheckpointKeys.makeSet(40, 2, new uint256[](0));
        Checkpoint memory r = _cp(8, "rot");
        r.nextValidatorSetHash = CheckpointKeys.setHash(s1.entries);
        _sign(r, CheckpointKeys.none(), true);
        cps.rotateValidatorSet(s1.entries);
        Checkpoint memory a9 = _cp(9, "a9");
        a9.nextValidatorSetHash = r.nextValidatorSetHash;
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(s1, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, a9));
        cps.submitCheckpoint(a9, sigma, apkG2, CheckpointKeys.none());
        Checkpoint memory b9 = _cp(9, "b9");
        b9.nextValidatorSetHash = r.nextValidatorSetHash;
        (sigma, apkG2) = _sign(b9, CheckpointKeys.none(), false); // signed by set 0, which no longer signs 9
        vm.expectRevert(abi.encodeWithSelector(ICvmCheckpointsErrors.WrongValidatorSet.selector, 0, 9));
        cps.reportEquivocation(2, a9, b9, 0, sigma, apkG2, CheckpointKeys.none(), 100);
        // Set 0 did sign height 8: a conflicting height-8 checkpoint by set 0 is evidence.
        Checkpoint memory b8 = _cp(8, "b8");
        b8.nextValidatorSetHash = r.nextValidatorSetHash;
        (sigma, apkG2) = _sign(b8, CheckpointKeys.none(), false);
        cps.reportEquivocation(1, r, b8, 0, sigma, apkG2, CheckpointKeys.none(), 100);
        assertTrue(cps.equivocationSlashed(8, CheckpointKeys.id(set.entries[0])));
    }

    function test_Revert_WhenTheSignatureIsNotTheClaimedSigners() public {
        Checkpoint memory bad = _cp(7, "x");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(bad, _one(1), false);
        vm.expectRevert(ICvmCheckpointsErrors.InvalidSignature.selector);
        cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, CheckpointKeys.none(), 100);
    }

    function test_Revert_WhenTheCheckpointsContractIsNotAllowedToSlash() public {
        d.slasher.setAllowed(address(cps), false);
        Checkpoint memory bad = _cp(7, "x");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = _sign(bad, CheckpointKeys.none(), false);
        vm.expectRevert(abi.encodeWithSelector(ICvmSlasherErrors.NotAllowedToSlash.selector, address(cps)));
        cps.reportEquivocation(0, accepted, bad, 0, sigma, apkG2, CheckpointKeys.none(), 100);
    }
}
