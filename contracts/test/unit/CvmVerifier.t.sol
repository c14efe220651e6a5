// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../src/libraries/BN254.sol";
import {DatasetProofs} from "../../src/libraries/DatasetProofs.sol";
import {CvmVerifier} from "../../src/verifiers/CvmVerifier.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {G2Math} from "../utils/G2Math.sol";
import {Test} from "forge-std/Test.sol";

contract CvmVerifier_HashToG1 is Test {
    CvmVerifier internal verifier = new CvmVerifier();

    function testFuzz_ReturnsAPointOnTheCurveAtOrAfterTheDigest(bytes32 digest) public view {
        BN254.G1Point memory p = verifier.hashToG1(digest);
        uint256 q = BN254.FP_MODULUS;
        assertEq(mulmod(p.Y, p.Y, q), addmod(mulmod(mulmod(p.X, p.X, q), p.X, q), 3, q), "y^2 = x^3 + 3");
        assertGe(p.X, uint256(digest) % q, "try-and-increment only moves x forward");
    }
}

contract CvmVerifier_VerifySignature is Test {
    using BN254 for BN254.G1Point;

    CvmVerifier internal verifier = new CvmVerifier();

    function testFuzz_AcceptsSignaturesAndAggregatesMadeInTheTest(uint256 seed, bytes32 digest) public view {
        BlsTestKeys.Key memory a = BlsTestKeys.make(seed);
        (bool ok, bool valid) = verifier.verifySignature(digest, a.pk1, a.pk2, BlsTestKeys.sign(a.sk, digest));
        assertTrue(ok);
        assertTrue(valid);
    }

    function test_AcceptsAnAggregateOfTwoKeys() public view {
        BlsTestKeys.Key memory a = BlsTestKeys.make(1);
        BlsTestKeys.Key memory b = BlsTestKeys.make(2);
        bytes32 digest = keccak256("aggregate");
        BN254.G2Point memory apkG2 = G2Math.mulGenerator(addmod(a.sk, b.sk, BN254.FR_MODULUS));
        BN254.G1Point memory sigma = BlsTestKeys.sign(a.sk, digest).plus(BlsTestKeys.sign(b.sk, digest));
        (bool ok, bool valid) = verifier.verifySignature(digest, a.pk1.plus(b.pk1), apkG2, sigma);
        assertTrue(ok && valid);
    }

    function test_RejectsAWrongDigestOrKey() public view {
        BlsTestKeys.Key memory a = BlsTestKeys.make(3);
        BlsTestKeys.Key memory other = BlsTestKeys.make(4);
        BN254.G1Point memory sigma = BlsTestKeys.sign(a.sk, keccak256("m"));
        (bool ok, bool valid) = verifier.verifySignature(keccak256("not m"), a.pk1, a.pk2, sigma);
        assertTrue(ok);
        assertFalse(valid);
        (ok, valid) = verifier.verifySignature(keccak256("m"), a.pk1, other.pk2, sigma);
        assertTrue(ok);
        assertFalse(valid, "G1 and G2 halves of different keys");
    }

    function test_ReportsAPointOffTheCurveAsUnsuccessfulPairing() public view {
        BlsTestKeys.Key memory a = BlsTestKeys.make(5);
        BN254.G1Point memory offCurve = BN254.G1Point(1, 3);
        (bool ok, bool valid) = verifier.verifySignature(keccak256("m"), a.pk1, a.pk2, offCurve);
        assertFalse(ok);
        assertFalse(valid);
    }

    function test_ARejectedPointCostsAtMostTheCappedGas() public view {
        BlsTestKeys.Key memory a = BlsTestKeys.make(6);
        uint256 before = gasleft();
        verifier.verifySignature(keccak256("m"), a.pk1, a.pk2, BN254.G1Point(1, 3));
        assertLt(before - gasleft(), verifier.VERIFY_GAS() + 100_000);
    }
}

/// @notice Proofs produced by the Java implementation (cvm module, DatasetProofsFixtureTest keeps the file in sync)
///         verify here: one tree, the same in Java and Solidity.
contract CvmVerifier_JavaProofFixture is Test {
    CvmVerifier internal verifier = new CvmVerifier();
    string internal json;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), "/cvm/src/test/resources/fixtures/dataset-proofs.json"));
    }

    function test_EveryJavaProofVerifiesAndATamperedRecordDoesNot() public view {
        assertEq(vm.parseJsonBytes32(json, ".emptyRoot"), DatasetProofs.emptyRoot());
        uint256 checked;
        for (uint256 t = 0; vm.keyExistsJson(json, string.concat(".trees[", vm.toString(t), "]")); t++) {
            string memory tree = string.concat(".trees[", vm.toString(t), "]");
            bytes32 root = vm.parseJsonBytes32(json, string.concat(tree, ".root"));
            uint256 leafCount = vm.parseJsonUint(json, string.concat(tree, ".leafCount"));
            for (uint256 l = 0; vm.keyExistsJson(json, string.concat(tree, ".leaves[", vm.toString(l), "]")); l++) {
                string memory leaf = string.concat(tree, ".leaves[", vm.toString(l), "]");
                bytes memory record = vm.parseJsonBytes(json, string.concat(leaf, ".record"));
                uint256 index = vm.parseJsonUint(json, string.concat(leaf, ".leafIndex"));
                bytes32[] memory siblings = vm.parseJsonBytes32Array(json, string.concat(leaf, ".siblings"));
                assertEq(verifier.recordLeafHash(record), vm.parseJsonBytes32(json, string.concat(leaf, ".leafHash")));
                assertTrue(verifier.verifyRecord(root, record, index, leafCount, siblings), "Java proof verifies");
                bytes memory tampered = bytes.concat(record, hex"00");
                assertFalse(verifier.verifyRecord(root, tampered, index, leafCount, siblings), "tampered record");
                checked++;
            }
        }
        assertGt(checked, 10, "fixture has proofs");
    }
}
