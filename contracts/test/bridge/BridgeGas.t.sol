// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {CheckpointKeys} from "./BridgeTestUtils.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Gas of `submitCheckpoint` with 100 validators, written to snapshots/bridge.json: the execution gas of the
///         call (cold contract and storage, as in a fresh transaction) plus, recorded beside it, the EIP-2028
///         calldata gas and the whole-transaction figure 21,000 + calldata + execution. The same figures measured
///         from receipts on anvil: docs/BENCHMARKS.md ("Bridge").
contract BridgeGas_SubmitCheckpoint is Test, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    CvmCheckpoints internal cps;
    CheckpointKeys.Set internal set;

    function setUp() public {
        cps = new CvmCheckpoints(address(this), CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 100, new uint256[](0));
        for (uint256 i; i < 100; ++i) {
            set.sks.push(s.sks[i]);
            set.entries.push(s.entries[i]);
        }
        cps.setGenesisValidatorSet(s.entries, 1);
        // One checkpoint before, so the latest-height slot is non-zero as in steady state.
        _submit(1, new uint256[](0), "", false);
    }

    /// @dev Every case but the fresh-slot one overwrites a non-zero history slot, as every checkpoint does after
    ///      the first HISTORY (or from the start after `prefillHistory`).
    function _submit(uint64 height, uint256[] memory nonSigners, string memory name, bool prefilled) internal {
        if (prefilled) cps.prefillHistory(4);
        Checkpoint memory cp = Checkpoint({
            height: height,
            appHash: keccak256(abi.encode("app", height)),
            cvmBlockHash: keccak256(abi.encode("block", height)),
            cumulativeRoot: keccak256(abi.encode("cum", height)),
            withdrawalsRoot: keccak256(abi.encode("wd", height)),
            nextValidatorSetHash: CheckpointKeys.setHash(set.entries)
        });
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set, nonSigners, CheckpointKeys.digest(CHAIN, cp));
        vm.cool(address(cps));
        cps.submitCheckpoint(cp, sigma, apkG2, nonSigners);
        if (bytes(name).length == 0) return;
        uint256 exec = vm.snapshotGasLastCall("bridge", name);
        uint256 cdGas = _calldataGas(abi.encodeCall(cps.submitCheckpoint, (cp, sigma, apkG2, nonSigners)));
        vm.snapshotValue("bridge", string.concat(name, "_calldataGas"), cdGas);
        vm.snapshotValue("bridge", string.concat(name, "_wholeTx"), 21_000 + cdGas + exec);
        assertTrue(cps.isAccepted(cps.checkpointCount() - 1, cp));
    }

    function _calldataGas(bytes memory cd) internal pure returns (uint256 g) {
        for (uint256 i; i < cd.length; ++i) {
            g += cd[i] == 0 ? 4 : 16;
        }
    }

    function _nonSigners(uint256 n) internal pure returns (uint256[] memory ns) {
        ns = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ns[i] = i * 3; // spread over the set
        }
    }

    /// @notice Before the ring slot was ever written (the first HISTORY checkpoints without `prefillHistory`).
    function test_Gas_Submit100Validators0NonSignersFreshHistorySlot() public {
        _submit(2, _nonSigners(0), "submitCheckpoint_100v_0ns_freshSlot", false);
    }

    function test_Gas_Submit100Validators0NonSigners() public {
        _submit(2, _nonSigners(0), "submitCheckpoint_100v_0ns", true);
    }

    function test_Gas_Submit100Validators1NonSigner() public {
        _submit(2, _nonSigners(1), "submitCheckpoint_100v_1ns", true);
    }

    function test_Gas_Submit100Validators10NonSigners() public {
        _submit(2, _nonSigners(10), "submitCheckpoint_100v_10ns", true);
    }

    function test_Gas_Submit100Validators33NonSigners() public {
        _submit(2, _nonSigners(33), "submitCheckpoint_100v_33ns", true);
    }
}

/// @notice Gas of `reportEquivocation` against the real AVS: signature check plus 1 and 4 slashes through the slasher
///         router and the AllocationManager stand-in (snapshots/bridge.json, execution gas).
contract BridgeGas_ReportEquivocation is CvmFixture, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    CvmCheckpoints internal cps;
    CheckpointKeys.Set internal set;

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
    }

    function _cp(string memory app) internal view returns (Checkpoint memory) {
        return Checkpoint(7, keccak256(bytes(app)), 0, 0, 0, CheckpointKeys.setHash(set.entries));
    }

    function _measure(uint256 maxSlashes, string memory name) internal {
        Checkpoint memory a = _cp("a");
        (BN254.G1Point memory sigma, BN254.G2Point memory apkG2) =
            CheckpointKeys.sign(set, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, a));
        cps.submitCheckpoint(a, sigma, apkG2, CheckpointKeys.none());
        Checkpoint memory b = _cp("b");
        (sigma, apkG2) = CheckpointKeys.sign(set, CheckpointKeys.none(), CheckpointKeys.digest(CHAIN, b));
        vm.cool(address(cps));
        vm.cool(address(d.slasher));
        vm.cool(address(d.registry));
        vm.cool(address(d.core.allocationManager));
        cps.reportEquivocation(0, a, b, 0, sigma, apkG2, CheckpointKeys.none(), maxSlashes);
        vm.snapshotGasLastCall("bridge", name);
    }

    function test_Gas_ReportEquivocation1Slash() public {
        _measure(1, "reportEquivocation_1slash");
    }

    function test_Gas_ReportEquivocation4Slashes() public {
        _measure(4, "reportEquivocation_4slashes");
    }
}
