// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmAccumulator} from "../../src/bridge/CvmAccumulator.sol";
import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CheckpointKeys, NaiveAccumulator} from "./BridgeTestUtils.sol";
import {Test, console} from "forge-std/Test.sol";

/// @notice The worked vector of docs/BRIDGE.md, computed by the contract and pinned: the Java side of the spec
///         (the CVM chain app) must produce the same digest, validator-set hash and accumulator roots.
///         `forge test --match-contract CvmCheckpointVector -vv` prints every value.
contract CvmCheckpointVector is Test, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";

    function test_WorkedVector() public {
        CvmCheckpoints cps =
            new CvmCheckpoints(address(this), CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);

        // Validators: secret keys sk_i = keccak256(abi.encode("cvm-avs bls test key", i)) mod r for i = 1, 2, 3,
        // powers 10, 20, 30 (by seed), sorted by operatorId.
        uint256[] memory powers = new uint256[](3);
        (powers[0], powers[1], powers[2]) = (10, 20, 30);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 3, powers);
        for (uint256 i; i < 3; ++i) {
            console.log("validator", i);
            console.log("  sk   ", vm.toString(bytes32(s.sks[i])));
            console.log("  g1x  ", vm.toString(bytes32(s.entries[i].g1x)));
            console.log("  g1y  ", vm.toString(bytes32(s.entries[i].g1y)));
            console.log("  power", s.entries[i].power);
            console.log("  id   ", vm.toString(CheckpointKeys.id(s.entries[i])));
        }
        bytes32 setHash = cps.validatorSetHash(s.entries);
        assertEq(setHash, CheckpointKeys.setHash(s.entries));

        // CVM-block accumulator: CVM heights 1..3, block hash keccak256("cvm block <h>"), dataset root
        // keccak256("dataset <h>").
        bytes32[] memory blocks = new bytes32[](3);
        for (uint64 h = 1; h <= 3; ++h) {
            blocks[h - 1] = CvmAccumulator.blockLeaf(
                h,
                keccak256(bytes(string.concat("cvm block ", vm.toString(h)))),
                keccak256(bytes(string.concat("dataset ", vm.toString(h))))
            );
            console.log("block leaf", h, vm.toString(blocks[h - 1]));
        }
        (bytes32 cumulativeRoot, bytes32[] memory blockProof1) = NaiveAccumulator.rootAndProof(blocks, 1);
        assertEq(this.accumulatorRoot(blocks[1], 1, blockProof1), cumulativeRoot);

        // Withdrawals accumulator: nonces 0..2 to 0x…0a, 0x…0b, 0x…0c, amounts 1, 2, 3 ether.
        bytes32[] memory wds = new bytes32[](3);
        for (uint64 n; n < 3; ++n) {
            wds[n] = CvmAccumulator.withdrawalLeaf(n, address(uint160(0x0a + n)), (n + 1) * 1 ether);
            console.log("withdrawal leaf", n, vm.toString(wds[n]));
        }
        (bytes32 withdrawalsRoot, bytes32[] memory wdProof2) = NaiveAccumulator.rootAndProof(wds, 2);
        assertEq(this.accumulatorRoot(wds[2], 2, wdProof2), withdrawalsRoot);

        Checkpoint memory cp = Checkpoint({
            height: 42,
            appHash: keccak256("app"),
            cvmBlockHash: keccak256("cvm block 3"),
            cumulativeRoot: cumulativeRoot,
            withdrawalsRoot: withdrawalsRoot,
            nextValidatorSetHash: setHash
        });
        bytes32 digest = cps.checkpointDigest(cp);
        assertEq(digest, CheckpointKeys.digest(CHAIN, cp));
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) = CheckpointKeys.sign(s, CheckpointKeys.none(), digest);
        _log(cps, cp, digest);
        _logSignature(sigma, apkG2);
        for (uint256 i; i < 3; ++i) {
            console.log("block proof of leaf 1, sibling", i, vm.toString(blockProof1[i]));
        }

        // The contract accepts the certificate.
        cps.setGenesisValidatorSet(s.entries, 1);
        cps.submitCheckpoint(cp, sigma, apkG2, CheckpointKeys.none());
        assertTrue(cps.isAccepted(0, cp));

        // Pinned values (a change in any encoding fails here; docs/BRIDGE.md carries the same numbers).
        assertEq(cps.cvmChainId(), PINNED_CHAIN_ID, "cvmChainId");
        assertEq(setHash, PINNED_SET_HASH, "validatorSetHash");
        assertEq(cumulativeRoot, PINNED_CUMULATIVE_ROOT, "cumulativeRoot");
        assertEq(withdrawalsRoot, PINNED_WITHDRAWALS_ROOT, "withdrawalsRoot");
        assertEq(digest, PINNED_DIGEST, "digest");
    }

    bytes32 internal constant PINNED_CHAIN_ID = 0xfe40cfa40ef4ef67de4bf66eecb9d17fd0e7d2c80e6e2066842c208625a3a8b5;
    bytes32 internal constant PINNED_SET_HASH = 0xca7b5e32eda5f77a3a24458f60657783d671e182190b6a9d64ed146d70830ea1;
    bytes32 internal constant PINNED_CUMULATIVE_ROOT =
        0x54e3a050df14ca98ed76c5e9cb574a13a976aca592a85d968cccc6976d630e9b;
    bytes32 internal constant PINNED_WITHDRAWALS_ROOT =
        0x669bff1d84664087a7df18903faaa86f9d85fbfe11222d71a30b500a500f5ae6;
    bytes32 internal constant PINNED_DIGEST = 0x6a79a2569770f2c825bb32ec7bdc677a0dfe949ca0c1ececaddf1c501e55e217;

    function _log(CvmCheckpoints cps, Checkpoint memory cp, bytes32 digest) internal view {
        BN254.G1Point memory hm = BN254.hashToG1(digest);
        console.log("CHECKPOINT_TYPEHASH    ", vm.toString(cps.CHECKPOINT_TYPEHASH()));
        console.log("VALIDATOR_SET_TYPEHASH ", vm.toString(cps.VALIDATOR_SET_TYPEHASH()));
        console.log("cvmChainId             ", vm.toString(cps.cvmChainId()));
        console.log("zero[32] (empty root)  ", vm.toString(NaiveAccumulator.zero(32)));
        console.log("cumulativeRoot         ", vm.toString(cp.cumulativeRoot));
        console.log("withdrawalsRoot        ", vm.toString(cp.withdrawalsRoot));
        console.log("validatorSetHash       ", vm.toString(cp.nextValidatorSetHash));
        console.log("appHash                ", vm.toString(cp.appHash));
        console.log("cvmBlockHash           ", vm.toString(cp.cvmBlockHash));
        console.log("digest                 ", vm.toString(digest));
        console.log("H(digest).x            ", vm.toString(bytes32(hm.X)));
        console.log("H(digest).y            ", vm.toString(bytes32(hm.Y)));
    }

    function _logSignature(BN254.G1Point memory sigma, BN254.G2Point memory apkG2) internal pure {
        console.log("sigma.x (all 3 signed) ", vm.toString(bytes32(sigma.X)));
        console.log("sigma.y                ", vm.toString(bytes32(sigma.Y)));
        console.log("apkG2.X[0] (imaginary) ", vm.toString(bytes32(apkG2.X[0])));
        console.log("apkG2.X[1] (real)      ", vm.toString(bytes32(apkG2.X[1])));
        console.log("apkG2.Y[0] (imaginary) ", vm.toString(bytes32(apkG2.Y[0])));
        console.log("apkG2.Y[1] (real)      ", vm.toString(bytes32(apkG2.Y[1])));
    }

    /// @notice The CVM chain app's withdrawal proof (Java `BridgeVectorTest`, what `/bridge/proof` returns):
    ///         withdrawal nonce 1 of the worked vector with its trailing empty siblings left out.
    function test_WithdrawalProofVector() public view {
        bytes32[] memory siblings = new bytes32[](2);
        siblings[0] = 0x49b0cd519b826b375b0a2b093fef3bf3a7dea591dc7d3008ba571490572633de;
        siblings[1] = 0xae8187e6cfb3503a5224f91d8d5bb562dea26326c702bd74a679d33d1ad06ce0;
        bytes32 leaf = CvmAccumulator.withdrawalLeaf(1, address(0x0b), 2 ether);
        assertEq(leaf, 0x133af9e24c3a95091eee040e2c587c78eb1636aa6353c117fe744cf978a30f1b, "leaf");
        assertEq(this.accumulatorRoot(leaf, 1, siblings), PINNED_WITHDRAWALS_ROOT, "root");
        assertEq(CvmAccumulator.computeRootMemory(leaf, 1, siblings), PINNED_WITHDRAWALS_ROOT, "root (memory)");
    }

    /// @notice `computeRoot` (calldata) and `computeRootMemory` are the same fold written twice for gas: they agree on
    ///         every leaf, index and proof length, including proofs shortened by trailing empty siblings.
    function testFuzz_CalldataAndMemoryFoldsAgree(bytes32 leaf, uint32 index, bytes32 seed, uint8 length) public view {
        bytes32[] memory siblings = new bytes32[](bound(length, 0, 32));
        for (uint256 i = 0; i < siblings.length; i++) {
            siblings[i] = keccak256(abi.encode(seed, i));
        }
        assertEq(this.accumulatorRoot(leaf, index, siblings), CvmAccumulator.computeRootMemory(leaf, index, siblings));
    }

    function accumulatorRoot(bytes32 leaf, uint256 index, bytes32[] calldata siblings) external pure returns (bytes32) {
        return CvmAccumulator.computeRoot(leaf, index, siblings);
    }
}
