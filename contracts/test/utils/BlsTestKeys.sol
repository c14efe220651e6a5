// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../../src/libraries/BN254.sol";
import {G2Math} from "./G2Math.sol";

/// @title BlsTestKeys — BLS keys and signatures computed inside the test (precompiles + G2Math), never imported.
library BlsTestKeys {
    using BN254 for BN254.G1Point;

    struct Key {
        uint256 sk;
        BN254.G1Point pk1;
        BN254.G2Point pk2;
        bytes32 id;
    }

    function make(uint256 seed) internal view returns (Key memory k) {
        k.sk = uint256(keccak256(abi.encode("cvm-avs bls test key", seed))) % BN254.FR_MODULUS;
        if (k.sk == 0) k.sk = 1;
        k.pk1 = BN254.generatorG1().scalarMul(k.sk);
        k.pk2 = G2Math.mulGenerator(k.sk);
        k.id = k.pk1.hashG1Point();
    }

    /// @notice sk·H(m) with H the try-and-increment hash of DESIGN §3.
    function sign(uint256 sk, bytes32 msgHash) internal view returns (BN254.G1Point memory) {
        return BN254.hashToG1(msgHash).scalarMul(sk);
    }
}
