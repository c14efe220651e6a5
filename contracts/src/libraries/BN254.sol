// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title BN254 — alt_bn128 G1/G2 helpers over the EVM precompiles.
/// @notice Conventions follow eigenlayer-middleware / eigensdk (DESIGN §3): G2 coordinates are encoded imaginary
///         part first (`X = [X.a1, X.a0]`), hash-to-G1 is try-and-increment with `y = β^((p+1)/4)`, and the
///         aggregate check uses the randomiser γ so that one pairing checks both signature and G1/G2 key agreement.
/// @dev Precompiles: 0x05 modexp (square root), 0x06 ecAdd, 0x07 ecMul, 0x08 pairing. The point at infinity is (0, 0).
library BN254 {
    /// @notice Base field modulus p.
    uint256 internal constant FP_MODULUS =
        21_888_242_871_839_275_222_246_405_745_257_275_088_696_311_157_297_823_662_689_037_894_645_226_208_583;
    /// @notice Scalar field (group order) r.
    uint256 internal constant FR_MODULUS =
        21_888_242_871_839_275_222_246_405_745_257_275_088_548_364_400_416_034_343_698_204_186_575_808_495_617;
    /// @dev (p + 1) / 4, the square-root exponent (p ≡ 3 mod 4).
    uint256 private constant SQRT_EXPONENT = 0xc19139cb84c680a6e14116da060561765e05aa45a1c72a34f082305b61f3f52;

    // G2 generator, imaginary part first.
    uint256 internal constant G2_X1 =
        11_559_732_032_986_387_107_991_004_021_392_285_783_925_812_861_821_192_530_917_403_151_452_391_805_634;
    uint256 internal constant G2_X0 =
        10_857_046_999_023_057_135_944_570_762_232_829_481_370_756_359_578_518_086_990_519_993_285_655_852_781;
    uint256 internal constant G2_Y1 =
        4_082_367_875_863_433_681_332_203_403_145_435_568_316_851_327_593_401_208_105_741_076_214_120_093_531;
    uint256 internal constant G2_Y0 =
        8_495_653_923_123_431_417_604_973_247_489_272_438_418_190_587_263_600_148_770_280_649_306_958_101_930;
    // −G2: same X, Y negated in both components.
    uint256 internal constant NEG_G2_Y1 =
        17_805_874_995_975_841_540_914_202_342_111_839_520_379_459_829_704_422_454_583_296_818_431_106_115_052;
    uint256 internal constant NEG_G2_Y0 =
        13_392_588_948_715_843_804_641_432_497_768_002_650_278_120_570_034_223_513_918_757_245_338_268_106_653;

    struct G1Point {
        uint256 X;
        uint256 Y;
    }

    /// @dev Encoding as expected by the pairing precompile: `X = [X.a1, X.a0]`, `Y = [Y.a1, Y.a0]`.
    struct G2Point {
        uint256[2] X;
        uint256[2] Y;
    }

    /// @notice A precompile call failed (invalid point encoding or not on the curve).
    error BN254PrecompileFailed(uint256 precompile);

    function generatorG1() internal pure returns (G1Point memory) {
        return G1Point(1, 2);
    }

    function generatorG2() internal pure returns (G2Point memory) {
        return G2Point([G2_X1, G2_X0], [G2_Y1, G2_Y0]);
    }

    function negGeneratorG2() internal pure returns (G2Point memory) {
        return G2Point([G2_X1, G2_X0], [NEG_G2_Y1, NEG_G2_Y0]);
    }

    /// @notice keccak256(X ‖ Y); for a public key this is the `operatorId`.
    function hashG1Point(G1Point memory p) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(p, 0x40)
        }
    }

    function negate(G1Point memory p) internal pure returns (G1Point memory) {
        if (p.X == 0 && p.Y == 0) return G1Point(0, 0);
        return G1Point(p.X, FP_MODULUS - (p.Y % FP_MODULUS));
    }

    function plus(G1Point memory a, G1Point memory b) internal view returns (G1Point memory r) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(a))
            mstore(add(m, 0x20), mload(add(a, 0x20)))
            mstore(add(m, 0x40), mload(b))
            mstore(add(m, 0x60), mload(add(b, 0x20)))
            ok := staticcall(gas(), 0x06, m, 0x80, r, 0x40)
        }
        if (!ok) revert BN254PrecompileFailed(6);
    }

    function scalarMul(G1Point memory p, uint256 s) internal view returns (G1Point memory r) {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(p))
            mstore(add(m, 0x20), mload(add(p, 0x20)))
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, r, 0x40)
        }
        if (!ok) revert BN254PrecompileFailed(7);
    }

    /// @notice Returns whether e(a1, a2) · e(b1, b2) == 1. Reverts if an input is not a valid point.
    function pairing(G1Point memory a1, G2Point memory a2, G1Point memory b1, G2Point memory b2)
        internal
        view
        returns (bool result)
    {
        bool ok;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, mload(a1))
            mstore(add(m, 0x20), mload(add(a1, 0x20)))
            let x := mload(a2)
            let y := mload(add(a2, 0x20))
            mstore(add(m, 0x40), mload(x))
            mstore(add(m, 0x60), mload(add(x, 0x20)))
            mstore(add(m, 0x80), mload(y))
            mstore(add(m, 0xa0), mload(add(y, 0x20)))
            mstore(add(m, 0xc0), mload(b1))
            mstore(add(m, 0xe0), mload(add(b1, 0x20)))
            x := mload(b2)
            y := mload(add(b2, 0x20))
            mstore(add(m, 0x100), mload(x))
            mstore(add(m, 0x120), mload(add(x, 0x20)))
            mstore(add(m, 0x140), mload(y))
            mstore(add(m, 0x160), mload(add(y, 0x20)))
            ok := staticcall(gas(), 0x08, m, 0x180, m, 0x20)
            result := mload(m)
        }
        if (!ok) revert BN254PrecompileFailed(8);
    }

    /// @notice Try-and-increment hash to G1: x = uint(h) mod p; while x³+3 is not a square, x += 1; y = β^((p+1)/4).
    function hashToG1(bytes32 h) internal view returns (G1Point memory) {
        uint256 x = uint256(h) % FP_MODULUS;
        while (true) {
            uint256 beta = addmod(mulmod(mulmod(x, x, FP_MODULUS), x, FP_MODULUS), 3, FP_MODULUS);
            uint256 y = expMod(beta, SQRT_EXPONENT, FP_MODULUS);
            if (mulmod(y, y, FP_MODULUS) == beta) return G1Point(x, y);
            x = addmod(x, 1, FP_MODULUS);
        }
        // unreachable: about half of all x are valid abscissas
        return G1Point(0, 0);
    }

    /// @notice base^e mod m through the modexp precompile.
    function expMod(uint256 base, uint256 e, uint256 m) internal view returns (uint256 r) {
        bool ok;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, 0x20)
            mstore(add(p, 0x20), 0x20)
            mstore(add(p, 0x40), 0x20)
            mstore(add(p, 0x60), base)
            mstore(add(p, 0x80), e)
            mstore(add(p, 0xa0), m)
            ok := staticcall(gas(), 0x05, p, 0xc0, p, 0x20)
            r := mload(p)
        }
        if (!ok) revert BN254PrecompileFailed(5);
    }

    /// @notice Randomised aggregate check of DESIGN §3:
    ///         γ = keccak256(msgHash, apk.X, apk.Y, apkG2.X[0], apkG2.X[1], apkG2.Y[0], apkG2.Y[1], σ.X, σ.Y) mod r,
    ///         e(σ + γ·apk, −G2) · e(H(m) + γ·G1, apkG2) == 1.
    ///         It verifies the signature and that `apk` (G1) and `apkG2` hold the same secret.
    function verifyAggregate(bytes32 msgHash, G1Point memory apk, G2Point memory apkG2, G1Point memory sigma)
        internal
        view
        returns (bool)
    {
        uint256 gamma = uint256(keccak256(abi.encodePacked(msgHash, apk.X, apk.Y, apkG2.X, apkG2.Y, sigma.X, sigma.Y)))
        % FR_MODULUS;
        return _randomisedPairing(hashToG1(msgHash), apk, apkG2, sigma, gamma);
    }

    /// @notice Proof-of-possession check (eigenlayer-middleware order):
    ///         γ = keccak256(σ.X, σ.Y, pk.X, pk.Y, pkG2.X[0], pkG2.X[1], pkG2.Y[0], pkG2.Y[1], H.X, H.Y) mod r,
    ///         e(σ + γ·pk, −G2) · e(H + γ·G1, pkG2) == 1, with H the already-hashed message point.
    function verifyPossession(G1Point memory h, G1Point memory pk, G2Point memory pkG2, G1Point memory sigma)
        internal
        view
        returns (bool)
    {
        uint256 gamma = uint256(keccak256(abi.encodePacked(sigma.X, sigma.Y, pk.X, pk.Y, pkG2.X, pkG2.Y, h.X, h.Y)))
        % FR_MODULUS;
        return _randomisedPairing(h, pk, pkG2, sigma, gamma);
    }

    function _randomisedPairing(
        G1Point memory h,
        G1Point memory apk,
        G2Point memory apkG2,
        G1Point memory sigma,
        uint256 gamma
    ) private view returns (bool) {
        return pairing(
            plus(sigma, scalarMul(apk, gamma)), negGeneratorG2(), plus(h, scalarMul(generatorG1(), gamma)), apkG2
        );
    }
}
