// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CBridge} from "../src/bridge/CBridge.sol";
import {CvmCheckpointVerifier} from "../src/bridge/CvmCheckpointVerifier.sol";
import {CvmCheckpoints} from "../src/bridge/CvmCheckpoints.sol";
import {CvmMisbehaviourSlasher} from "../src/bridge/CvmMisbehaviourSlasher.sol";
import {ICvmCheckpoints} from "../src/bridge/ICvmCheckpoints.sol";
import {ICvmTaskManager} from "../src/interfaces/avs/ICvmTaskManager.sol";
import {CvmRecordVerifier} from "../src/verifiers/CvmRecordVerifier.sol";
import {CvmDeployer} from "./CvmDeployer.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title BridgeDeployer — deploys the bridge contracts (issue 19) next to an AVS deployment.
/// @notice CvmCheckpoints (owner = the AVS owner; the genesis validator set is set later by the owner, once the CVM
///         chain's BLS set is known), CBridge over the AVS's `$C`, CvmCheckpointVerifier and CvmRecordVerifier (the one
///         record entry point over the AVS's task manager and the checkpoints). The checkpoints contract is
///         put on the slasher router's allow-list when the broadcaster owns the router; otherwise the owner must call
///         `CvmSlasher.setAllowed(checkpoints, true)` (the deploy script says so). CvmMisbehaviourSlasher (CometBFT
///         misbehaviour recorded by the CVM chain, proven against accepted checkpoints) is allow-listed the same way,
///         and also made an allowed slasher of `CStaking` (it burns the offender's native `$C` stake too) when the
///         broadcaster owns CStaking; otherwise the owner must call `CStaking.setSlasherAllowed(it, true)`.
abstract contract BridgeDeployer {
    struct BridgeConfig {
        string cvmChainId; // the CVM chain's CometBFT chain id string
        address owner;
        address guardian;
        uint64 periodSeconds;
        uint256 periodLimit; // $C wei per period
        uint256 equivocationSlashWad;
        uint256 duplicateVoteSlashWad; // CvmMisbehaviourSlasher, per CometBFT DUPLICATE_VOTE record
        uint256 lightClientAttackSlashWad; // CvmMisbehaviourSlasher, per LIGHT_CLIENT_ATTACK record
        uint256 duplicateVoteCSlashWad; // CvmMisbehaviourSlasher, `$C` stake per DUPLICATE_VOTE record
        uint256 lightClientAttackCSlashWad; // CvmMisbehaviourSlasher, `$C` stake per LIGHT_CLIENT_ATTACK record
        uint256 misbehaviourMaxRecordsPerCall;
    }

    struct BridgeDeployment {
        CvmCheckpoints checkpoints;
        CBridge bridge;
        CvmCheckpointVerifier verifier;
        CvmRecordVerifier recordVerifier;
        bool slasherAllowed;
        CvmMisbehaviourSlasher misbehaviourSlasher;
        bool cStakingSlasherAllowed; // misbehaviourSlasher is an allowed slasher of CStaking
    }

    function defaultBridgeConfig(address owner) internal pure returns (BridgeConfig memory c) {
        c.cvmChainId = "cvm-1";
        c.owner = owner;
        c.guardian = owner;
        c.periodSeconds = 1 days;
        c.periodLimit = 1_000_000 ether;
        c.equivocationSlashWad = 0.5e18;
        c.duplicateVoteSlashWad = 0.1e18;
        c.lightClientAttackSlashWad = 0.1e18;
        c.duplicateVoteCSlashWad = 0.1e18;
        c.lightClientAttackCSlashWad = 0.1e18;
        c.misbehaviourMaxRecordsPerCall = 16;
    }

    function deployBridge(CvmDeployer.Deployment memory d, BridgeConfig memory c, address broadcaster)
        internal
        returns (BridgeDeployment memory b)
    {
        b.checkpoints = new CvmCheckpoints(
            c.owner, c.cvmChainId, d.registry, d.slasher, d.quorumNumber, c.equivocationSlashWad
        );
        b.bridge = new CBridge(
            c.owner,
            IERC20(address(d.cToken)),
            ICvmCheckpoints(address(b.checkpoints)),
            c.guardian,
            c.periodSeconds,
            c.periodLimit
        );
        b.verifier = new CvmCheckpointVerifier(ICvmCheckpoints(address(b.checkpoints)));
        b.recordVerifier =
            new CvmRecordVerifier(ICvmTaskManager(address(d.taskManager)), ICvmCheckpoints(address(b.checkpoints)));
        b.misbehaviourSlasher = new CvmMisbehaviourSlasher(
            ICvmCheckpoints(address(b.checkpoints)),
            d.cStaking,
            d.slasher,
            d.quorumNumber,
            c.duplicateVoteSlashWad,
            c.lightClientAttackSlashWad,
            c.duplicateVoteCSlashWad,
            c.lightClientAttackCSlashWad,
            c.misbehaviourMaxRecordsPerCall
        );
        if (d.slasher.owner() == broadcaster) {
            d.slasher.setAllowed(address(b.checkpoints), true);
            d.slasher.setAllowed(address(b.misbehaviourSlasher), true);
            b.slasherAllowed = true;
        }
        if (d.cStaking.owner() == broadcaster) {
            d.cStaking.setSlasherAllowed(address(b.misbehaviourSlasher), true);
            b.cStakingSlasherAllowed = true;
        }
    }
}
