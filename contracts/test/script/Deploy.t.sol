// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../../script/CvmDeployer.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {CvmManuscriptRegistry} from "../../src/avs/CvmManuscriptRegistry.sol";
import {CvmTaskManager} from "../../src/avs/CvmTaskManager.sol";
import {IAllocationManager} from "../../src/interfaces/core/IAllocationManager.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {AnchorRegistry} from "../../src/storage/AnchorRegistry.sol";
import {StorageAudit} from "../../src/storage/StorageAudit.sol";
import {stdJson} from "forge-std/StdJson.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Runs the Deploy script in-process and checks the JSON it writes for the Java side.
contract Deploy_Run is Test {
    using stdJson for string;

    string internal constant OUT = "target/deployments/forge-deploy-test.json";

    function _run() internal returns (Deploy script, string memory json) {
        vm.setEnv("DEPLOYMENTS_OUT", OUT);
        script = new Deploy();
        script.run();
        assertEq(script.lastOutPath(), OUT);
        json = vm.readFile(string.concat(vm.projectRoot(), "/", OUT));
    }

    function test_WritesAddressesAndConfig() public {
        vm.setEnv("AVS_AGGREGATOR", vm.toString(address(0xA99)));
        vm.setEnv("DEALLOCATION_DELAY_BLOCKS", "11");
        vm.setEnv("ALLOCATION_CONFIGURATION_DELAY_BLOCKS", "3");
        (Deploy script, string memory json) = _run();
        CvmDeployer.Deployment memory d = script.lastDeployment();
        assertEq(json.readUint(".chainId"), block.chainid);
        string[15] memory keys = [
            ".CvmSlasher",
            ".CToken",
            ".CStaking",
            ".DelegationManager",
            ".StrategyManager",
            ".AVSDirectory",
            ".AllocationManager",
            ".PermissionController",
            ".Strategy",
            ".UnderlyingToken",
            ".CvmServiceManager",
            ".CvmRegistry",
            ".CvmTaskManager",
            ".deployer",
            ".owner"
        ];
        for (uint256 i; i < keys.length - 2; ++i) {
            assertGt(json.readAddress(keys[i]).code.length, 0, keys[i]);
        }
        assertEq(json.readAddress(".CvmTaskManager"), address(d.taskManager));
        assertEq(json.readAddress(".CvmRegistry"), address(d.registry));
        assertEq(json.readAddress(".aggregator"), address(0xA99));
        assertEq(d.taskManager.aggregator(), address(0xA99));
        assertEq(json.readAddress(".owner"), json.readAddress(".deployer"));
        assertEq(json.readUint(".operatorSetId"), 0);
        assertEq(json.readUint(".taskResponseWindowBlock"), 100);
        // anvil's chain id: devnet windows (1-second blocks)
        assertEq(block.chainid, 31_337);
        assertEq(json.readUint(".challengeWindowBlock"), 20);
        assertEq(json.readUint(".vetoWindowBlock"), 4);
        assertEq(d.taskManager.config().vetoWindowBlock, 4);
        assertTrue(json.readBool(".coreStandIns"));
        // wired: the registry is the AVS registrar and quorum 0 exists
        IAllocationManager am = IAllocationManager(json.readAddress(".AllocationManager"));
        assertEq(address(am.getAVSRegistrar(address(d.serviceManager))), address(d.registry));
        assertTrue(am.isOperatorSet(OperatorSet(address(d.serviceManager), 0)));
        assertEq(d.registry.quorumCount(), 1);
        // EigenLayer v1.9+: the router is quorum 0's slasher and lets the task manager slash
        assertEq(json.readAddress(".CvmSlasher"), address(d.slasher));
        assertEq(am.getSlasher(OperatorSet(address(d.serviceManager), 0)), address(d.slasher));
        assertTrue(d.slasher.isAllowed(address(d.taskManager)));
        assertEq(json.readUint(".deallocationDelay"), 11);
        assertEq(json.readUint(".allocationConfigurationDelay"), 3);
        // bridge (issue 19; wiring checked in test/bridge/BridgeDeploy.t.sol)
        assertEq(json.readAddress(".CvmCheckpoints"), address(script.lastBridgeDeployment().checkpoints));
        assertEq(json.readAddress(".CBridge"), address(script.lastBridgeDeployment().bridge));
        assertEq(json.readAddress(".CvmCheckpointVerifier"), address(script.lastBridgeDeployment().verifier));
        assertEq(json.readAddress(".CvmRecordVerifier"), address(script.lastBridgeDeployment().recordVerifier));
        assertTrue(json.readBool(".checkpointsMaySlash"));
        assertEq(
            json.readAddress(".CvmMisbehaviourSlasher"), address(script.lastBridgeDeployment().misbehaviourSlasher)
        );
        assertTrue(
            d.cStaking.isSlasher(address(script.lastBridgeDeployment().misbehaviourSlasher)),
            "the misbehaviour slasher may slash $C"
        );
        _usesGivenCoreAddresses(d);
    }

    /// Env is process-wide, so both scenarios run in one test (sequentially) instead of two parallel tests.
    ///      The stand-in delay env differs from the given core's, so the JSON must carry the core's own delays.
    function _usesGivenCoreAddresses(CvmDeployer.Deployment memory core) internal {
        vm.setEnv("DEALLOCATION_DELAY_BLOCKS", "77");
        vm.setEnv("ALLOCATION_CONFIGURATION_DELAY_BLOCKS", "99");
        vm.setEnv("CORE_DELEGATION_MANAGER", vm.toString(address(core.core.delegationManager)));
        vm.setEnv("CORE_STRATEGY_MANAGER", vm.toString(address(core.core.strategyManager)));
        vm.setEnv("CORE_AVS_DIRECTORY", vm.toString(address(core.core.avsDirectory)));
        vm.setEnv("CORE_ALLOCATION_MANAGER", vm.toString(address(core.core.allocationManager)));
        vm.setEnv("CORE_PERMISSION_CONTROLLER", vm.toString(address(core.core.permissionController)));
        vm.setEnv("CORE_STRATEGY", vm.toString(address(core.core.strategy)));
        (Deploy second, string memory json) = _run();
        CvmDeployer.Deployment memory d = second.lastDeployment();
        assertFalse(json.readBool(".coreStandIns"));
        assertEq(json.readAddress(".AllocationManager"), address(core.core.allocationManager));
        assertTrue(address(d.serviceManager) != address(core.serviceManager));
        assertEq(d.registry.quorumCount(), 1);
        assertEq(json.readUint(".deallocationDelay"), 11);
        assertEq(json.readUint(".allocationConfigurationDelay"), 3);
        assertEq(json.readAddress(".CvmSlasher"), address(d.slasher));
        assertEq(core.core.allocationManager.getSlasher(OperatorSet(address(d.serviceManager), 0)), address(d.slasher));
        vm.setEnv("CORE_DELEGATION_MANAGER", "");
        vm.setEnv("DEALLOCATION_DELAY_BLOCKS", "50");
        vm.setEnv("ALLOCATION_CONFIGURATION_DELAY_BLOCKS", "0");
    }

    // ---- manuscript registry (issue 14) ----
    function test_DeploysTheManuscriptRegistryOwnedByTheAvsOwner() public {
        (Deploy script, string memory json) = _run();
        CvmManuscriptRegistry registry = CvmManuscriptRegistry(json.readAddress(".CvmManuscriptRegistry"));
        assertEq(address(registry), address(script.manuscriptRegistry()));
        assertEq(registry.owner(), json.readAddress(".owner"));
        assertEq(registry.manuscriptCount(), 0);
        // the task manager checks this registry in createTask
        assertEq(
            address(CvmTaskManager(payable(json.readAddress(".CvmTaskManager"))).manuscriptRegistry()),
            address(registry)
        );
    }

    // ---- end manuscript registry ----

    // ---- storage anchors (issue 18) ----
    function test_DeploysTheAnchorRegistryWithItsSubmitter() public {
        vm.setEnv("AVS_ANCHOR_SUBMITTER", vm.toString(address(0x5B)));
        (, string memory json) = _run();
        AnchorRegistry registry = AnchorRegistry(json.readAddress(".AnchorRegistry"));
        assertGt(address(registry).code.length, 0);
        assertEq(registry.submitter(), address(0x5B));
        assertEq(json.readAddress(".anchorSubmitter"), address(0x5B));
        assertEq(registry.owner(), json.readAddress(".owner"));
        vm.setEnv("AVS_ANCHOR_SUBMITTER", "");
    }

    // ---- storage audits (issue 18 item 5) ----
    function test_DeploysStorageAuditAllowedOnTheSlasher() public {
        (Deploy script,) = _run();
        CvmDeployer.Deployment memory d = script.lastDeployment();
        StorageAudit audit = script.storageAudit();
        assertGt(address(audit).code.length, 0);
        assertEq(address(audit.registry()), address(d.registry));
        assertEq(address(audit.slasher()), address(d.slasher));
        assertEq(audit.owner(), script.anchorRegistry().submitter());
        assertEq(audit.thresholdPercentage(), 66);
        assertEq(audit.slashWad(), 0.1e18);
        assertEq(address(audit.anchors()), address(script.anchorRegistry()));
        assertEq(audit.challengeBond(), 0.01 ether);
        assertEq(audit.slashCooldown(), 1 days);
        assertEq(audit.challengeGrace(), 300);
        assertTrue(d.slasher.isAllowed(address(audit)));
        assertEq(address(audit.cStaking()), address(d.cStaking));
        assertEq(audit.cSlashWad(), 0.1e18);
        assertTrue(d.cStaking.isSlasher(address(audit)), "StorageAudit may slash $C");
    }
}
