// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../src/libraries/BN254.sol";

/// @title G2Math — test-only G2 scalar multiplication (affine double-and-add over Fp2 = Fp[i]/(i² + 1)).
/// @notice There is no G2 multiplication precompile; tests derive `sk·G2` with this and check it against the
///         pairing precompile (e(sk·G1, G2) = e(G1, sk·G2)). Slow (~1M gas); fine for tests.
library G2Math {
    uint256 internal constant P = BN254.FP_MODULUS;

    struct Fp2 {
        uint256 a0; // real
        uint256 a1; // imaginary
    }

    struct Point {
        Fp2 x;
        Fp2 y;
        bool inf;
    }

    function add(Fp2 memory a, Fp2 memory b) internal pure returns (Fp2 memory) {
        return Fp2(addmod(a.a0, b.a0, P), addmod(a.a1, b.a1, P));
    }

    function sub(Fp2 memory a, Fp2 memory b) internal pure returns (Fp2 memory) {
        return Fp2(addmod(a.a0, P - b.a0, P), addmod(a.a1, P - b.a1, P));
    }

    function mul(Fp2 memory a, Fp2 memory b) internal pure returns (Fp2 memory) {
        return Fp2(
            addmod(mulmod(a.a0, b.a0, P), P - mulmod(a.a1, b.a1, P), P),
            addmod(mulmod(a.a0, b.a1, P), mulmod(a.a1, b.a0, P), P)
        );
    }

    function scale(Fp2 memory a, uint256 k) internal pure returns (Fp2 memory) {
        return Fp2(mulmod(a.a0, k, P), mulmod(a.a1, k, P));
    }

    function inv(Fp2 memory a) internal view returns (Fp2 memory) {
        uint256 norm = addmod(mulmod(a.a0, a.a0, P), mulmod(a.a1, a.a1, P), P);
        uint256 ni = BN254.expMod(norm, P - 2, P);
        return Fp2(mulmod(a.a0, ni, P), mulmod(P - a.a1, ni, P));
    }

    function eq(Fp2 memory a, Fp2 memory b) internal pure returns (bool) {
        return a.a0 == b.a0 && a.a1 == b.a1;
    }

    function generator() internal pure returns (Point memory) {
        return Point(Fp2(BN254.G2_X0, BN254.G2_X1), Fp2(BN254.G2_Y0, BN254.G2_Y1), false);
    }

    function double_(Point memory p) internal view returns (Point memory) {
        if (p.inf || (p.y.a0 == 0 && p.y.a1 == 0)) return Point(Fp2(0, 0), Fp2(0, 0), true);
        Fp2 memory lambda = mul(scale(mul(p.x, p.x), 3), inv(scale(p.y, 2)));
        Fp2 memory x3 = sub(mul(lambda, lambda), scale(p.x, 2));
        Fp2 memory y3 = sub(mul(lambda, sub(p.x, x3)), p.y);
        return Point(x3, y3, false);
    }

    function addPoints(Point memory p, Point memory q) internal view returns (Point memory) {
        if (p.inf) return q;
        if (q.inf) return p;
        if (eq(p.x, q.x)) {
            if (eq(p.y, q.y)) return double_(p);
            return Point(Fp2(0, 0), Fp2(0, 0), true);
        }
        Fp2 memory lambda = mul(sub(q.y, p.y), inv(sub(q.x, p.x)));
        Fp2 memory x3 = sub(sub(mul(lambda, lambda), p.x), q.x);
        Fp2 memory y3 = sub(mul(lambda, sub(p.x, x3)), p.y);
        return Point(x3, y3, false);
    }

    /// @notice k·G2 in the EVM encoding (imaginary part first).
    function mulGenerator(uint256 k) internal view returns (BN254.G2Point memory) {
        k %= BN254.FR_MODULUS;
        Point memory acc = Point(Fp2(0, 0), Fp2(0, 0), true);
        Point memory base = generator();
        while (k != 0) {
            if (k & 1 == 1) acc = addPoints(acc, base);
            base = double_(base);
            k >>= 1;
        }
        return BN254.G2Point([acc.x.a1, acc.x.a0], [acc.y.a1, acc.y.a0]);
    }
}
