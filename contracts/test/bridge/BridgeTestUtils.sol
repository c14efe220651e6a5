// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {G2Math} from "../utils/G2Math.sol";

/// @title CheckpointKeys — CVM validator sets, checkpoint digests and aggregate signatures made inside the test.
/// @notice Independent of the contract's code paths on purpose: the set hash is built with abi.encodePacked in a
///         loop (the contract uses calldatacopy), the digest encodes the Checkpoint struct as one tuple (the
///         contract lists the fields). Secret keys are hashes of seeds (the BlsTestKeys derivation); the aggregate
///         G2 key of the signers is (Σ sk)·G2 from G2Math, one G2 multiplication per signature.
library CheckpointKeys {
    using BN254 for BN254.G1Point;

    bytes32 internal constant CHECKPOINT_TYPEHASH = keccak256(
        "CvmCheckpoint(uint64 height,bytes32 appHash,bytes32 cvmBlockHash,bytes32 cumulativeRoot,bytes32 withdrawalsRoot,bytes32 nextValidatorSetHash)"
    );
    bytes32 internal constant VALIDATOR_SET_TYPEHASH =
        keccak256("CvmValidatorSet(uint256 g1x,uint256 g1y,uint256 power)[]");

    struct Set {
        uint256[] sks;
        ICvmCheckpointsTypes.ValidatorEntry[] entries;
    }

    function secretKey(uint256 seed) internal pure returns (uint256 sk) {
        sk = uint256(keccak256(abi.encode("cvm-avs bls test key", seed))) % BN254.FR_MODULUS;
        if (sk == 0) sk = 1;
    }

    /// @notice `n` validators from seeds `seedBase + i`, power `powers[i]` (or 100 + i when `powers` is empty), sorted
    ///         by operatorId ascending (insertion sort; the powers travel with their keys).
    function makeSet(uint256 seedBase, uint256 n, uint256[] memory powers) internal view returns (Set memory s) {
        s.sks = new uint256[](n);
        s.entries = new ICvmCheckpointsTypes.ValidatorEntry[](n);
        for (uint256 i; i < n; ++i) {
            uint256 sk = secretKey(seedBase + i);
            BN254.G1Point memory pk = BN254.generatorG1().scalarMul(sk);
            ICvmCheckpointsTypes.ValidatorEntry memory e =
                ICvmCheckpointsTypes.ValidatorEntry(pk.X, pk.Y, powers.length == 0 ? 100 + i : powers[i]);
            uint256 j = i;
            while (j > 0 && id(s.entries[j - 1]) > id(e)) {
                s.entries[j] = s.entries[j - 1];
                s.sks[j] = s.sks[j - 1];
                --j;
            }
            s.entries[j] = e;
            s.sks[j] = sk;
        }
    }

    function id(ICvmCheckpointsTypes.ValidatorEntry memory e) internal pure returns (bytes32) {
        return keccak256(abi.encode(e.g1x, e.g1y));
    }

    function setHash(ICvmCheckpointsTypes.ValidatorEntry[] memory entries) internal pure returns (bytes32) {
        bytes memory packed = abi.encodePacked(VALIDATOR_SET_TYPEHASH);
        for (uint256 i; i < entries.length; ++i) {
            packed = abi.encodePacked(packed, entries[i].g1x, entries[i].g1y, entries[i].power);
        }
        return keccak256(packed);
    }

    function digest(string memory chainId, ICvmCheckpointsTypes.Checkpoint memory cp) internal pure returns (bytes32) {
        return keccak256(abi.encode(CHECKPOINT_TYPEHASH, keccak256(bytes(chainId)), cp));
    }

    /// @notice Aggregate signature of every entry whose index is not in `nonSigners` and the signers' G2 key.
    function sign(Set memory s, uint256[] memory nonSigners, bytes32 d)
        internal
        view
        returns (BN254.G1Point memory sigma, BN254.G2Point memory apkG2)
    {
        uint256 sum;
        uint256 k;
        for (uint256 i; i < s.sks.length; ++i) {
            if (k < nonSigners.length && nonSigners[k] == i) {
                ++k;
                continue;
            }
            sum = addmod(sum, s.sks[i], BN254.FR_MODULUS);
        }
        sigma = BN254.hashToG1(d).scalarMul(sum);
        apkG2 = G2Math.mulGenerator(sum);
    }

    function none() internal pure returns (uint256[] memory) {
        return new uint256[](0);
    }
}

/// @title NaiveAccumulator — the depth-32 accumulator built level by level in memory (a second implementation for
///        the tests: the contract walks one path; this hashes every level of the filled part of the tree).
library NaiveAccumulator {
    function zero(uint256 level) internal pure returns (bytes32 z) {
        for (uint256 i; i < level; ++i) {
            z = keccak256(abi.encodePacked(z, z));
        }
    }

    /// @notice Root over `leaves` and the 32 sibling hashes of leaf `index` (pass index ≥ leaves.length for none).
    function rootAndProof(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        proof = new bytes32[](32);
        bytes32[] memory level = leaves;
        uint256 pos = index;
        for (uint256 d; d < 32; ++d) {
            bytes32 z = zero(d);
            uint256 parents = (level.length + 1) / 2;
            bytes32[] memory up = new bytes32[](parents);
            for (uint256 p; p < parents; ++p) {
                bytes32 l = level[2 * p];
                bytes32 r = 2 * p + 1 < level.length ? level[2 * p + 1] : z;
                up[p] = keccak256(abi.encodePacked(l, r));
            }
            if (level.length == 0) up = new bytes32[](0);
            uint256 sib = pos ^ 1;
            proof[d] = sib < level.length ? level[sib] : z;
            pos >>= 1;
            level = up;
        }
        root = level.length == 0 ? zero(32) : level[0];
    }

    /// @notice The first `k` siblings of a proof (the rest are empty subtrees when the tree has ≤ 2^k leaves).
    function shorten(bytes32[] memory proof, uint256 k) internal pure returns (bytes32[] memory s) {
        s = new bytes32[](k);
        for (uint256 i; i < k; ++i) {
            s[i] = proof[i];
        }
    }
}
