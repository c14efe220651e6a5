// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmManuscriptRegistry} from "../src/avs/CvmManuscriptRegistry.sol";
import {IAVSDirectory} from "../src/interfaces/core/IAVSDirectory.sol";
import {IAllocationManager} from "../src/interfaces/core/IAllocationManager.sol";
import {IDelegationManager} from "../src/interfaces/core/IDelegationManager.sol";
import {IPermissionController} from "../src/interfaces/core/IPermissionController.sol";
import {IRewardsCoordinator} from "../src/interfaces/core/IRewardsCoordinator.sol";
import {IStrategy} from "../src/interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../src/interfaces/core/IStrategyManager.sol";
import {AnchorRegistry} from "../src/storage/AnchorRegistry.sol";
import {StorageAudit} from "../src/storage/StorageAudit.sol";
import {BridgeDeployer} from "./BridgeDeployer.sol";
import {CvmDeployer} from "./CvmDeployer.sol";
import {Script, console} from "forge-std/Script.sol";

/// @title Deploy — deploys the devnet EigenLayer core stand-ins (or uses given core addresses) and the CVM AVS,
///        then writes a flat JSON of addresses and config for the Java side.
/// @notice forge script contracts/script/Deploy.s.sol:Deploy --rpc-url URL --private-key KEY --broadcast
///         Env (all optional): DEPLOYMENTS_OUT (path relative to the repo root, default deployments/<chainId>.json);
///         core: CORE_DELEGATION_MANAGER, CORE_STRATEGY_MANAGER, CORE_AVS_DIRECTORY, CORE_ALLOCATION_MANAGER,
///         CORE_PERMISSION_CONTROLLER, CORE_STRATEGY (all six, or none for stand-ins);
///         roles (default: the deployer): AVS_OWNER, AVS_PAUSER, AVS_TASK_GENERATOR, AVS_AGGREGATOR,
///         AVS_VETO_COMMITTEE, AVS_TREASURY, AVS_ANCHOR_SUBMITTER; config: AVS_METADATA_URI, TASK_RESPONSE_WINDOW_BLOCKS,
///         CHALLENGE_WINDOW_BLOCKS, VETO_WINDOW_BLOCKS, MAX_MISSED_RESPONSES, CHALLENGE_BOND_WEI,
///         EQUIVOCATION_SLASH_WAD, WRONG_RESULT_SLASH_WAD, QUORUM_MAX_OPERATORS, QUORUM_MIN_STAKE,
///         C_STAKE_MULTIPLIER, STRATEGY_MULTIPLIER, UNBONDING_PERIOD_SECONDS, DEALLOCATION_DELAY_BLOCKS,
///         ALLOCATION_CONFIGURATION_DELAY_BLOCKS (stand-ins only; the JSON carries the delays read from the
///         AllocationManager in use). On anvil (chain 31337) CHALLENGE_WINDOW_BLOCKS and
///         VETO_WINDOW_BLOCKS default to 20 and 4 (1-second devnet blocks) instead of 100 and 50.
///         Bridge (issue 19, BridgeDeployer): CVM_CHAIN_ID (default "cvm-1"), BRIDGE_GUARDIAN (default the owner),
///         BRIDGE_PERIOD_SECONDS (86400), BRIDGE_PERIOD_LIMIT_WEI (1e24), CHECKPOINT_EQUIVOCATION_SLASH_WAD (0.5e18),
///         MISBEHAVIOUR_DUPLICATE_VOTE_SLASH_WAD (0.1e18), MISBEHAVIOUR_LIGHT_CLIENT_ATTACK_SLASH_WAD (0.1e18).
///         Manuscript registry (issue 14): `CvmManuscriptRegistry`, owned by AVS_OWNER (who registers and allow-lists
///         registrars); `CvmTaskManager.createTask` refuses a manuscript that is not Active in it.
contract Deploy is Script, CvmDeployer, BridgeDeployer {
    /// @notice The deployment of the last `run()` (for tests that run the script in-process).
    Deployment internal _last;
    string public lastOutPath;

    function run() external {
        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        DeployConfig memory cfg = _configFromEnv(deployer);
        CoreAddresses memory core = _coreFromEnv();
        _rewardsConfigFromEnv(deployer);
        uint256 startBlock = block.number;
        Deployment memory d = deployAll(cfg, core, deployer);
        // ---- bridge (issue 19) ----
        _lastBridge = deployBridge(d, _bridgeConfigFromEnv(cfg.owner), deployer);
        // ---- end bridge ----
        // ---- storage anchors (issue 18) ----
        anchorRegistry = new AnchorRegistry(cfg.owner, vm.envOr("AVS_ANCHOR_SUBMITTER", deployer));
        // ---- end storage anchors ----
        _deployStorageAudit(d, deployer); // storage audits (issue 18 item 5)
        // ---- manuscript registry (issue 14) ----
        manuscriptRegistry = d.manuscriptRegistry; // deployed with the task manager, which checks it in createTask
        // ---- end manuscript registry ----
        vm.stopBroadcast();
        _last = d;
        lastOutPath = _write(d, cfg, deployer, startBlock);
    }

    // ---- storage anchors (issue 18): the receipts of stored CVM block groups; AVS_ANCHOR_SUBMITTER (default: the
    //      deployer) is the one account allowed to anchor, the owner (AVS_OWNER) may replace it ----
    AnchorRegistry public anchorRegistry;

    function _writeAnchors(string memory k) internal {
        vm.serializeAddress(k, "AnchorRegistry", address(anchorRegistry));
        vm.serializeAddress(k, "anchorSubmitter", anchorRegistry.submitter());
    }
    // ---- end storage anchors ----

    // ---- storage audits (issue 18 item 5): StorageAudit, owned by the anchor submitter (who assigns holders), put
    //      on the slasher router's allow-list when the broadcaster owns the router (otherwise the owner must call
    //      `CvmSlasher.setAllowed(StorageAudit, true)`; the script says so); it assigns only groups anchored in
    //      `anchorRegistry`. Env: STORAGE_AUDIT_RESPONSE_WINDOW_SECONDS (3600), STORAGE_AUDIT_THRESHOLD_PERCENT (66),
    //      STORAGE_AUDIT_SLASH_WAD (0.1e18), STORAGE_AUDIT_C_SLASH_WAD (0.1e18, of the holder's `$C`; the script
    //      allows it on CStaking when the broadcaster owns CStaking), STORAGE_AUDIT_CHALLENGE_BOND_WEI (0.01 ether),
    //      STORAGE_AUDIT_SLASH_COOLDOWN_SECONDS (86400), STORAGE_AUDIT_GRACE_BLOCKS (300, one hour of 12 s blocks) ----
    StorageAudit public storageAudit;
    bool internal _storageAuditMaySlash;

    function _deployStorageAudit(Deployment memory d, address deployer) internal {
        storageAudit = new StorageAudit(
            vm.envOr("AVS_ANCHOR_SUBMITTER", deployer),
            uint64(vm.envOr("STORAGE_AUDIT_RESPONSE_WINDOW_SECONDS", uint256(3600))),
            d.registry,
            d.slasher,
            d.quorumNumber,
            uint32(vm.envOr("STORAGE_AUDIT_THRESHOLD_PERCENT", uint256(66))),
            vm.envOr("STORAGE_AUDIT_SLASH_WAD", uint256(0.1e18)),
            d.cStaking,
            vm.envOr("STORAGE_AUDIT_C_SLASH_WAD", uint256(0.1e18)),
            anchorRegistry,
            StorageAudit.Rules({
                challengeBond: vm.envOr("STORAGE_AUDIT_CHALLENGE_BOND_WEI", uint256(0.01 ether)),
                slashCooldown: uint64(vm.envOr("STORAGE_AUDIT_SLASH_COOLDOWN_SECONDS", uint256(1 days))),
                challengeGrace: uint32(vm.envOr("STORAGE_AUDIT_GRACE_BLOCKS", uint256(300)))
            })
        );
        if (d.slasher.owner() == deployer) {
            d.slasher.setAllowed(address(storageAudit), true);
            _storageAuditMaySlash = true;
        }
        if (d.cStaking.owner() == deployer) {
            d.cStaking.setSlasherAllowed(address(storageAudit), true);
        } else {
            console.log("Deploy: the CStaking owner must call CStaking.setSlasherAllowed(StorageAudit, true)");
        }
    }

    function _writeStorageAudit(string memory k) internal {
        vm.serializeAddress(k, "StorageAudit", address(storageAudit));
        vm.serializeBool(k, "storageAuditMaySlash", _storageAuditMaySlash);
        if (!_storageAuditMaySlash) {
            console.log("Deploy: the AVS owner must call CvmSlasher.setAllowed(StorageAudit, true)");
        }
    }
    // ---- end storage audits ----

    // ---- manuscript registry (issue 14): the manuscripts tasks may name; the owner (AVS_OWNER) registers and
    //      allow-lists further registrars ----
    CvmManuscriptRegistry public manuscriptRegistry;
    // ---- end manuscript registry ----

    function lastDeployment() external view returns (Deployment memory) {
        return _last;
    }

    // ---- bridge (issue 19) ----
    BridgeDeployment internal _lastBridge;

    function lastBridgeDeployment() external view returns (BridgeDeployment memory) {
        return _lastBridge;
    }

    function _bridgeConfigFromEnv(address owner) internal view returns (BridgeConfig memory c) {
        c = defaultBridgeConfig(owner);
        c.cvmChainId = vm.envOr("CVM_CHAIN_ID", c.cvmChainId);
        c.guardian = vm.envOr("BRIDGE_GUARDIAN", c.guardian);
        c.periodSeconds = uint64(vm.envOr("BRIDGE_PERIOD_SECONDS", uint256(c.periodSeconds)));
        c.periodLimit = vm.envOr("BRIDGE_PERIOD_LIMIT_WEI", c.periodLimit);
        c.equivocationSlashWad = vm.envOr("CHECKPOINT_EQUIVOCATION_SLASH_WAD", c.equivocationSlashWad);
        c.duplicateVoteSlashWad = vm.envOr("MISBEHAVIOUR_DUPLICATE_VOTE_SLASH_WAD", c.duplicateVoteSlashWad);
        c.lightClientAttackSlashWad =
            vm.envOr("MISBEHAVIOUR_LIGHT_CLIENT_ATTACK_SLASH_WAD", c.lightClientAttackSlashWad);
        c.duplicateVoteCSlashWad = vm.envOr("MISBEHAVIOUR_DUPLICATE_VOTE_C_SLASH_WAD", c.duplicateVoteCSlashWad);
        c.lightClientAttackCSlashWad =
            vm.envOr("MISBEHAVIOUR_LIGHT_CLIENT_ATTACK_C_SLASH_WAD", c.lightClientAttackCSlashWad);
    }

    function _writeBridge(string memory k) internal {
        vm.serializeAddress(k, "CvmCheckpoints", address(_lastBridge.checkpoints));
        vm.serializeAddress(k, "CBridge", address(_lastBridge.bridge));
        vm.serializeAddress(k, "CvmCheckpointVerifier", address(_lastBridge.verifier));
        vm.serializeAddress(k, "CvmRecordVerifier", address(_lastBridge.recordVerifier));
        vm.serializeBool(k, "checkpointsMaySlash", _lastBridge.slasherAllowed);
        vm.serializeAddress(k, "CvmMisbehaviourSlasher", address(_lastBridge.misbehaviourSlasher));
        if (!_lastBridge.slasherAllowed) {
            console.log("Deploy: the AVS owner must call CvmSlasher.setAllowed(CvmCheckpoints, true)");
            console.log("Deploy: and CvmSlasher.setAllowed(CvmMisbehaviourSlasher, true)");
        }
        if (!_lastBridge.cStakingSlasherAllowed) {
            console.log("Deploy: the CStaking owner must call CStaking.setSlasherAllowed(CvmMisbehaviourSlasher, true)");
        }
    }
    // ---- end bridge ----

    /// @notice anvil's chain id: the devnet, which runs at 1-second blocks and finishes a faulty-operator run in
    ///         about a minute, so its challenge and veto windows default to a few blocks.
    uint256 internal constant DEVNET_CHAIN_ID = 31_337;
    uint32 internal constant DEVNET_CHALLENGE_WINDOW_BLOCKS = 20;
    uint32 internal constant DEVNET_VETO_WINDOW_BLOCKS = 4;

    function _configFromEnv(address deployer) internal view returns (DeployConfig memory c) {
        c = defaultConfig(deployer);
        if (block.chainid == DEVNET_CHAIN_ID) {
            c.taskConfig.challengeWindowBlock = DEVNET_CHALLENGE_WINDOW_BLOCKS;
            c.taskConfig.vetoWindowBlock = DEVNET_VETO_WINDOW_BLOCKS;
        }
        c.owner = vm.envOr("AVS_OWNER", c.owner);
        c.pauser = vm.envOr("AVS_PAUSER", c.pauser);
        c.taskGenerator = vm.envOr("AVS_TASK_GENERATOR", c.taskGenerator);
        c.aggregator = vm.envOr("AVS_AGGREGATOR", c.aggregator);
        c.vetoCommittee = vm.envOr("AVS_VETO_COMMITTEE", c.vetoCommittee);
        c.treasury = vm.envOr("AVS_TREASURY", c.treasury);
        c.metadataURI = vm.envOr("AVS_METADATA_URI", c.metadataURI);
        c.taskConfig.taskResponseWindowBlock =
            uint32(vm.envOr("TASK_RESPONSE_WINDOW_BLOCKS", uint256(c.taskConfig.taskResponseWindowBlock)));
        c.taskConfig.challengeWindowBlock =
            uint32(vm.envOr("CHALLENGE_WINDOW_BLOCKS", uint256(c.taskConfig.challengeWindowBlock)));
        c.taskConfig.vetoWindowBlock = uint32(vm.envOr("VETO_WINDOW_BLOCKS", uint256(c.taskConfig.vetoWindowBlock)));
        c.taskConfig.maxMissedResponses =
            uint16(vm.envOr("MAX_MISSED_RESPONSES", uint256(c.taskConfig.maxMissedResponses)));
        c.taskConfig.challengeBond = uint96(vm.envOr("CHALLENGE_BOND_WEI", uint256(c.taskConfig.challengeBond)));
        c.taskConfig.equivocationSlashWad =
            uint64(vm.envOr("EQUIVOCATION_SLASH_WAD", uint256(c.taskConfig.equivocationSlashWad)));
        c.taskConfig.wrongResultSlashWad =
            uint64(vm.envOr("WRONG_RESULT_SLASH_WAD", uint256(c.taskConfig.wrongResultSlashWad)));
        c.quorum.maxOperatorCount = uint32(vm.envOr("QUORUM_MAX_OPERATORS", uint256(c.quorum.maxOperatorCount)));
        c.quorum.minimumStake = uint96(vm.envOr("QUORUM_MIN_STAKE", uint256(c.quorum.minimumStake)));
        c.quorum.cStakeMultiplier = uint96(vm.envOr("C_STAKE_MULTIPLIER", uint256(c.quorum.cStakeMultiplier)));
        c.strategyMultiplier = uint96(vm.envOr("STRATEGY_MULTIPLIER", uint256(c.strategyMultiplier)));
        c.unbondingPeriod = uint64(vm.envOr("UNBONDING_PERIOD_SECONDS", uint256(c.unbondingPeriod)));
        c.deallocationDelay = uint32(vm.envOr("DEALLOCATION_DELAY_BLOCKS", uint256(c.deallocationDelay)));
        c.allocationConfigurationDelay =
            uint32(vm.envOr("ALLOCATION_CONFIGURATION_DELAY_BLOCKS", uint256(c.allocationConfigurationDelay)));
    }

    // ------------------------------------------------------------------ rewards (issue 21)

    /// @dev AVS_REWARDS_INITIATOR, REWARDS_UPDATER (the root poster; stand-in only), CORE_REWARDS_COORDINATOR (with
    ///      CORE_*), REWARDS_CALCULATION_INTERVAL_SECONDS, REWARDS_MAX_DURATION_SECONDS,
    ///      REWARDS_MAX_RETROACTIVE_SECONDS, REWARDS_GENESIS_TIMESTAMP, REWARDS_ACTIVATION_DELAY_SECONDS.
    function _rewardsConfigFromEnv(address deployer) internal {
        RewardsConfig memory r = defaultRewardsConfig(deployer);
        r.coordinator = IRewardsCoordinator(vm.envOr("CORE_REWARDS_COORDINATOR", address(0)));
        r.rewardsInitiator = vm.envOr("AVS_REWARDS_INITIATOR", r.rewardsInitiator);
        r.rewardsUpdater = vm.envOr("REWARDS_UPDATER", r.rewardsUpdater);
        r.calculationIntervalSeconds =
            uint32(vm.envOr("REWARDS_CALCULATION_INTERVAL_SECONDS", uint256(r.calculationIntervalSeconds)));
        r.maxRewardsDuration = uint32(vm.envOr("REWARDS_MAX_DURATION_SECONDS", uint256(r.maxRewardsDuration)));
        r.maxRetroactiveLength = uint32(vm.envOr("REWARDS_MAX_RETROACTIVE_SECONDS", uint256(r.maxRetroactiveLength)));
        r.genesisRewardsTimestamp = uint32(vm.envOr("REWARDS_GENESIS_TIMESTAMP", uint256(r.genesisRewardsTimestamp)));
        r.activationDelay = uint32(vm.envOr("REWARDS_ACTIVATION_DELAY_SECONDS", uint256(r.activationDelay)));
        rewardsCfg = r;
        rewardsCfgSet = true;
    }

    /// @dev The rewards keys of the deployments JSON (zero coordinator: none, e.g. a given core without
    ///      CORE_REWARDS_COORDINATOR).
    function _writeRewards(string memory k, Deployment memory d) internal {
        vm.serializeAddress(k, "RewardsCoordinator", address(d.rewardsCoordinator));
        vm.serializeAddress(k, "CvmTaskFees", address(d.taskFees));
        vm.serializeAddress(k, "feeToken", address(d.cToken));
        vm.serializeAddress(k, "rewardsInitiator", d.serviceManager.rewardsInitiator());
        if (address(d.rewardsCoordinator) != address(0)) {
            vm.serializeAddress(k, "rewardsUpdater", d.rewardsCoordinator.rewardsUpdater());
            vm.serializeUint(k, "calculationIntervalSeconds", d.rewardsCoordinator.CALCULATION_INTERVAL_SECONDS());
            vm.serializeUint(k, "maxRewardsDuration", d.rewardsCoordinator.MAX_REWARDS_DURATION());
            vm.serializeUint(k, "maxRetroactiveLength", d.rewardsCoordinator.MAX_RETROACTIVE_LENGTH());
            vm.serializeUint(k, "genesisRewardsTimestamp", d.rewardsCoordinator.GENESIS_REWARDS_TIMESTAMP());
        }
    }

    function _coreFromEnv() internal view returns (CoreAddresses memory c) {
        c.delegationManager = IDelegationManager(vm.envOr("CORE_DELEGATION_MANAGER", address(0)));
        c.strategyManager = IStrategyManager(vm.envOr("CORE_STRATEGY_MANAGER", address(0)));
        c.avsDirectory = IAVSDirectory(vm.envOr("CORE_AVS_DIRECTORY", address(0)));
        c.allocationManager = IAllocationManager(vm.envOr("CORE_ALLOCATION_MANAGER", address(0)));
        c.permissionController = IPermissionController(vm.envOr("CORE_PERMISSION_CONTROLLER", address(0)));
        c.strategy = IStrategy(vm.envOr("CORE_STRATEGY", address(0)));
        if (address(c.delegationManager) != address(0)) {
            require(
                address(c.strategyManager) != address(0) && address(c.avsDirectory) != address(0)
                    && address(c.allocationManager) != address(0) && address(c.permissionController) != address(0)
                    && address(c.strategy) != address(0),
                "Deploy: set all CORE_* addresses or none"
            );
        }
    }

    function _write(Deployment memory d, DeployConfig memory cfg, address deployer, uint256 startBlock)
        internal
        returns (string memory path)
    {
        string memory k = "deployment";
        vm.serializeUint(k, "chainId", block.chainid);
        vm.serializeUint(k, "deploymentBlock", startBlock);
        vm.serializeAddress(k, "deployer", deployer);
        vm.serializeBool(k, "coreStandIns", d.coreStandIns);
        vm.serializeAddress(k, "DelegationManager", address(d.core.delegationManager));
        vm.serializeAddress(k, "StrategyManager", address(d.core.strategyManager));
        vm.serializeAddress(k, "AVSDirectory", address(d.core.avsDirectory));
        vm.serializeAddress(k, "AllocationManager", address(d.core.allocationManager));
        vm.serializeAddress(k, "PermissionController", address(d.core.permissionController));
        vm.serializeAddress(k, "Strategy", address(d.core.strategy));
        vm.serializeAddress(k, "UnderlyingToken", address(d.core.strategy.underlyingToken()));
        vm.serializeAddress(k, "CToken", address(d.cToken));
        vm.serializeAddress(k, "CStaking", address(d.cStaking));
        vm.serializeAddress(k, "CvmServiceManager", address(d.serviceManager));
        vm.serializeAddress(k, "CvmRegistry", address(d.registry));
        vm.serializeAddress(k, "CvmTaskManager", address(d.taskManager));
        vm.serializeAddress(k, "CvmSlasher", address(d.slasher));
        vm.serializeAddress(k, "CvmVerifier", address(d.verifier));
        _writeAnchors(k);
        _writeStorageAudit(k); // storage audits (issue 18 item 5)
        vm.serializeAddress(k, "CvmManuscriptRegistry", address(manuscriptRegistry)); // issue 14
        vm.serializeUint(k, "quorumNumber", d.quorumNumber);
        vm.serializeUint(k, "operatorSetId", d.quorumNumber);
        vm.serializeAddress(k, "owner", cfg.owner);
        vm.serializeAddress(k, "pauser", cfg.pauser);
        vm.serializeAddress(k, "taskGenerator", cfg.taskGenerator);
        vm.serializeAddress(k, "aggregator", cfg.aggregator);
        vm.serializeAddress(k, "vetoCommittee", cfg.vetoCommittee);
        vm.serializeAddress(k, "treasury", cfg.treasury);
        vm.serializeUint(k, "taskResponseWindowBlock", cfg.taskConfig.taskResponseWindowBlock);
        vm.serializeUint(k, "challengeWindowBlock", cfg.taskConfig.challengeWindowBlock);
        vm.serializeUint(k, "vetoWindowBlock", cfg.taskConfig.vetoWindowBlock);
        vm.serializeUint(k, "maxMissedResponses", cfg.taskConfig.maxMissedResponses);
        vm.serializeUint(k, "challengeBond", cfg.taskConfig.challengeBond);
        vm.serializeUint(k, "minimumStake", cfg.quorum.minimumStake);
        vm.serializeUint(k, "maxOperatorCount", cfg.quorum.maxOperatorCount);
        // The delays the AllocationManager in use enforces (EigenLayer's own when CORE_* is given), not the
        // stand-in defaults of the config.
        vm.serializeUint(k, "deallocationDelay", d.core.allocationManager.DEALLOCATION_DELAY());
        vm.serializeUint(k, "allocationConfigurationDelay", d.core.allocationManager.ALLOCATION_CONFIGURATION_DELAY());
        _writeBridge(k); // bridge (issue 19)
        _writeRewards(k, d);
        string memory json = vm.serializeUint(k, "unbondingPeriod", cfg.unbondingPeriod);

        path = vm.envOr("DEPLOYMENTS_OUT", string.concat("deployments/", vm.toString(block.chainid), ".json"));
        string memory full = string.concat(vm.projectRoot(), "/", path);
        vm.createDir(_parent(full), true);
        vm.writeJson(json, full);
    }

    function _parent(string memory path) internal pure returns (string memory) {
        bytes memory b = bytes(path);
        uint256 cut = b.length;
        while (cut > 0 && b[cut - 1] != "/") {
            --cut;
        }
        bytes memory out = new bytes(cut == 0 ? 0 : cut - 1);
        for (uint256 i; i < out.length; ++i) {
            out[i] = b[i];
        }
        return string(out);
    }
}
