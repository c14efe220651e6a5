// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../src/libraries/BN254.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {G2Math} from "../utils/G2Math.sol";
import {Test} from "forge-std/Test.sol";

/// @dev Exposes the library so reverts surface at a call boundary.
contract BN254Harness {
    function plus(BN254.G1Point memory a, BN254.G1Point memory b) external view returns (BN254.G1Point memory) {
        return BN254.plus(a, b);
    }

    function scalarMul(BN254.G1Point memory p, uint256 s) external view returns (BN254.G1Point memory) {
        return BN254.scalarMul(p, s);
    }

    function pairing(BN254.G1Point memory a1, BN254.G2Point memory a2, BN254.G1Point memory b1, BN254.G2Point memory b2)
        external
        view
        returns (bool)
    {
        return BN254.pairing(a1, a2, b1, b2);
    }
}

contract BN254_Arithmetic is Test {
    using BN254 for BN254.G1Point;

    BN254Harness internal h = new BN254Harness();

    function test_GeneratorTimesOrderIsInfinity() public view {
        BN254.G1Point memory p = BN254.generatorG1().scalarMul(BN254.FR_MODULUS);
        assertEq(p.X, 0);
        assertEq(p.Y, 0);
    }

    function test_NegateAddsToInfinity() public view {
        BN254.G1Point memory p = BN254.generatorG1().scalarMul(12_345);
        BN254.G1Point memory z = p.plus(p.negate());
        assertEq(z.X, 0);
        assertEq(z.Y, 0);
        BN254.G1Point memory inf = BN254.G1Point(0, 0).negate();
        assertEq(inf.Y, 0);
    }

    function test_G2GeneratorPairsWithItsNegation() public view {
        assertTrue(BN254.pairing(BN254.generatorG1(), BN254.generatorG2(), BN254.generatorG1(), BN254.negGeneratorG2()));
    }

    function test_G2MulAgreesWithG1MulThroughPairing() public view {
        uint256 sk = 0xabcdef0123456789;
        BN254.G1Point memory pk1 = BN254.generatorG1().scalarMul(sk);
        BN254.G2Point memory pk2 = G2Math.mulGenerator(sk);
        // e(sk·G1, −G2) · e(G1, sk·G2) = 1
        assertTrue(BN254.pairing(pk1, BN254.negGeneratorG2(), BN254.generatorG1(), pk2));
        // and not with a different scalar
        assertFalse(BN254.pairing(pk1.plus(BN254.generatorG1()), BN254.negGeneratorG2(), BN254.generatorG1(), pk2));
    }

    function test_Revert_WhenAddInputNotOnCurve() public {
        vm.expectRevert(abi.encodeWithSelector(BN254.BN254PrecompileFailed.selector, 6));
        h.plus(BN254.G1Point(1, 3), BN254.generatorG1());
    }

    function test_Revert_WhenMulInputNotOnCurve() public {
        vm.expectRevert(abi.encodeWithSelector(BN254.BN254PrecompileFailed.selector, 7));
        h.scalarMul(BN254.G1Point(1, 3), 2);
    }

    function test_Revert_WhenPairingInputInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(BN254.BN254PrecompileFailed.selector, 8));
        h.pairing(BN254.G1Point(1, 3), BN254.generatorG2(), BN254.generatorG1(), BN254.negGeneratorG2());
    }
}

contract BN254_HashToG1 is Test {
    function testFuzz_HashIsOnCurve(bytes32 m) public view {
        BN254.G1Point memory p = BN254.hashToG1(m);
        uint256 pMod = BN254.FP_MODULUS;
        assertEq(mulmod(p.Y, p.Y, pMod), addmod(mulmod(mulmod(p.X, p.X, pMod), p.X, pMod), 3, pMod));
        // x is the smallest valid abscissa ≥ uint(m) mod p (try-and-increment)
        assertGe(p.X, uint256(m) % pMod);
        // y is exactly β^((p+1)/4)
        uint256 beta = addmod(mulmod(mulmod(p.X, p.X, pMod), p.X, pMod), 3, pMod);
        assertEq(p.Y, BN254.expMod(beta, (pMod + 1) / 4, pMod));
    }
}

contract BN254_VerifyAggregate is Test {
    using BN254 for BN254.G1Point;

    function test_AcceptsValidSignatureAndRejectsOthers() public view {
        BlsTestKeys.Key memory k = BlsTestKeys.make(1);
        bytes32 m = keccak256("message");
        BN254.G1Point memory sig = BlsTestKeys.sign(k.sk, m);
        assertTrue(BN254.verifyAggregate(m, k.pk1, k.pk2, sig));
        assertFalse(BN254.verifyAggregate(keccak256("other"), k.pk1, k.pk2, sig));
        // G1 and G2 keys that do not match are rejected even with a matching signature for the G2 key
        BlsTestKeys.Key memory k2 = BlsTestKeys.make(2);
        assertFalse(BN254.verifyAggregate(m, k2.pk1, k.pk2, sig));
    }

    function testFuzz_AggregateOfTwoSigners(uint256 a, uint256 b, bytes32 m) public view {
        a = bound(a, 1, BN254.FR_MODULUS - 1);
        b = bound(b, 1, BN254.FR_MODULUS - 1);
        BN254.G1Point memory apk = BN254.generatorG1().scalarMul(a).plus(BN254.generatorG1().scalarMul(b));
        BN254.G1Point memory sigma = BlsTestKeys.sign(a, m).plus(BlsTestKeys.sign(b, m));
        BN254.G2Point memory apkG2 = G2Math.mulGenerator(addmod(a, b, BN254.FR_MODULUS));
        assertTrue(BN254.verifyAggregate(m, apk, apkG2, sigma));
        assertFalse(BN254.verifyAggregate(m, apk, apkG2, BlsTestKeys.sign(a, m)));
    }

    function test_VerifyPossession() public view {
        BlsTestKeys.Key memory k = BlsTestKeys.make(3);
        BN254.G1Point memory h = BN254.hashToG1(keccak256("pop"));
        assertTrue(BN254.verifyPossession(h, k.pk1, k.pk2, h.scalarMul(k.sk)));
        assertFalse(BN254.verifyPossession(h, k.pk1, k.pk2, h.scalarMul(k.sk + 1)));
    }
}
