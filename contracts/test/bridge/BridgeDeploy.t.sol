// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BridgeDeployer} from "../../script/BridgeDeployer.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice BridgeDeployer's wiring to an AVS deployment (the Deploy script's JSON keys are checked in
///         test/script/Deploy.t.sol, which owns the process-wide env of the script run).
contract BridgeDeployer_DeployBridge is CvmFixture, BridgeDeployer {
    function test_WiresTheBridgeToTheAvs() public {
        BridgeConfig memory c = defaultBridgeConfig(address(this));
        c.cvmChainId = "cvm-test-7";
        c.guardian = makeAddr("guardian");
        c.periodSeconds = 3600;
        c.periodLimit = 5000;
        BridgeDeployment memory b = deployBridge(d, c, address(this));

        assertTrue(b.slasherAllowed);
        assertTrue(d.slasher.isAllowed(address(b.checkpoints)), "on the slasher router's allow-list");
        assertEq(b.checkpoints.cvmChainId(), keccak256("cvm-test-7"));
        assertEq(address(b.checkpoints.registry()), address(d.registry));
        assertEq(address(b.checkpoints.slasher()), address(d.slasher));
        assertEq(b.checkpoints.slashOperatorSetId(), d.quorumNumber);
        assertEq(b.checkpoints.equivocationSlashWad(), 0.5e18);
        assertEq(b.checkpoints.owner(), address(this));
        assertEq(address(b.bridge.token()), address(d.cToken));
        assertEq(address(b.bridge.checkpoints()), address(b.checkpoints));
        assertEq(b.bridge.periodSeconds(), 3600);
        assertEq(b.bridge.withdrawalLimit(), 5000);
        assertEq(b.bridge.guardian(), c.guardian);
        assertEq(address(b.verifier.checkpoints()), address(b.checkpoints));
        assertTrue(d.slasher.isAllowed(address(b.misbehaviourSlasher)), "misbehaviour slasher allow-listed");
        assertEq(address(b.misbehaviourSlasher.checkpoints()), address(b.checkpoints));
        assertEq(address(b.misbehaviourSlasher.cStaking()), address(d.cStaking));
        assertEq(address(b.misbehaviourSlasher.slasher()), address(d.slasher));
        assertEq(b.misbehaviourSlasher.slashOperatorSetId(), d.quorumNumber);
        assertEq(b.misbehaviourSlasher.duplicateVoteSlashWad(), 0.1e18);
        assertEq(b.misbehaviourSlasher.lightClientAttackSlashWad(), 0.1e18);
        assertTrue(b.cStakingSlasherAllowed);
        assertTrue(d.cStaking.isSlasher(address(b.misbehaviourSlasher)), "may slash $C in CStaking");
        assertEq(b.misbehaviourSlasher.duplicateVoteCSlashWad(), 0.1e18);
        assertEq(b.misbehaviourSlasher.lightClientAttackCSlashWad(), 0.1e18);
    }

    function test_LeavesTheAllowListToTheOwnerWhenTheBroadcasterIsNotIt() public {
        BridgeDeployment memory b = deployBridge(d, defaultBridgeConfig(address(this)), makeAddr("someone else"));
        assertFalse(b.slasherAllowed);
        assertFalse(d.slasher.isAllowed(address(b.checkpoints)));
        assertFalse(d.slasher.isAllowed(address(b.misbehaviourSlasher)));
        assertFalse(b.cStakingSlasherAllowed);
        assertFalse(d.cStaking.isSlasher(address(b.misbehaviourSlasher)));
    }
}
