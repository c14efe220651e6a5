// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CBridge} from "../../src/bridge/CBridge.sol";
import {CvmAccumulator} from "../../src/bridge/CvmAccumulator.sol";
import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CToken} from "../../src/token/CToken.sol";
import {CheckpointKeys, NaiveAccumulator} from "./BridgeTestUtils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Script} from "forge-std/Script.sol";

/// @title BridgeGasRun — whole-transaction gas of checkpoints and claims, measured from receipts on a real node.
/// @notice tools/bridge-gas.sh starts anvil, broadcasts this script and prints each receipt's gasUsed (21k base +
///         calldata + execution, as Ethereum charges it). 100 validators; checkpoints with 0, 1 and 10 non-signers
///         (the first one, at height 1, warms nothing up for the others: every transaction starts cold); claims from
///         a 1024-withdrawal accumulator (10-sibling proofs, and one full 32-sibling proof).
contract BridgeGasRun is Script, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    uint256 internal constant WITHDRAWALS = 1024;
    address internal constant FRESH = address(0xF0F0);
    address internal constant HOLDER = address(0xB0B);

    CheckpointKeys.Set internal set;
    bytes32[] internal leaves;

    function run() external {
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 100, new uint256[](0));
        for (uint256 i; i < WITHDRAWALS; ++i) {
            leaves.push(CvmAccumulator.withdrawalLeaf(uint64(i), i % 2 == 0 ? FRESH : HOLDER, 1 ether + i));
        }
        (bytes32 wroot,) = NaiveAccumulator.rootAndProof(leaves, type(uint256).max);

        vm.startBroadcast();
        (, address me,) = vm.readCallers();
        CToken c = new CToken(me, 1e9 ether);
        CvmCheckpoints cps = new CvmCheckpoints(me, CHAIN, ICvmRegistry(me), ICvmSlasher(me), 0, 1);
        cps.setGenesisValidatorSet(s.entries, 1);
        CBridge bridge = new CBridge(me, IERC20(address(c)), ICvmCheckpoints(address(cps)), me, 1 days, 1e6 ether);
        c.mint(me, 1e6 ether);
        c.mint(HOLDER, 1 ether); // a recipient that already holds $C
        c.approve(address(bridge), type(uint256).max);
        bridge.deposit(bytes32(uint256(1)), 1e5 ether);

        _submit(cps, s, 1, bytes32(0), new uint256[](0)); // 0 non-signers, history slot never written before
        cps.prefillHistory(16); // from here on, every checkpoint overwrites a non-zero slot (the steady state)
        _submit(cps, s, 2, bytes32(0), new uint256[](0)); // submitCheckpoint, 0 non-signers
        _submit(cps, s, 3, bytes32(0), _spread(1)); // 1 non-signer
        _submit(cps, s, 4, bytes32(0), _spread(10)); // 10 non-signers
        Checkpoint memory cp = _submit(cps, s, 5, wroot, new uint256[](0)); // covers the withdrawals

        _claim(bridge, cp, 0, 10); // fresh recipient, fresh claimed-bitmap word
        _claim(bridge, cp, 1, 10); // recipient holds $C, bitmap word already written
        _claim(bridge, cp, 2, 10); // fresh recipient's second claim: its balance and the word are non-zero
        _claim(bridge, cp, 3, 32); // as the one before, full 32-sibling proof
        vm.stopBroadcast();
    }

    function _claim(CBridge bridge, Checkpoint memory cp, uint64 nonce, uint256 siblings) internal {
        (, bytes32[] memory p) = NaiveAccumulator.rootAndProof(leaves, nonce);
        bridge.claimWithdrawal(
            4, cp, nonce, nonce % 2 == 0 ? FRESH : HOLDER, 1 ether + nonce, NaiveAccumulator.shorten(p, siblings)
        );
    }

    function _spread(uint256 n) internal pure returns (uint256[] memory ns) {
        ns = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ns[i] = i * 3;
        }
    }

    function _submit(CvmCheckpoints cps, CheckpointKeys.Set memory s, uint64 height, bytes32 wroot, uint256[] memory ns)
        internal
        returns (Checkpoint memory cp)
    {
        cp = Checkpoint({
            height: height,
            appHash: keccak256(abi.encode("app", height)),
            cvmBlockHash: keccak256(abi.encode("block", height)),
            cumulativeRoot: keccak256(abi.encode("cum", height)),
            withdrawalsRoot: wroot == bytes32(0) ? keccak256(abi.encode("wd", height)) : wroot,
            nextValidatorSetHash: CheckpointKeys.setHash(s.entries)
        });
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(s, ns, CheckpointKeys.digest(CHAIN, cp));
        cps.submitCheckpoint(cp, sigma, apkG2, ns);
    }
}
