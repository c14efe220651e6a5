// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistryTypes} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManagerErrors} from "../../src/interfaces/avs/ICvmServiceManager.sol";
import {IAllocationManager} from "../../src/interfaces/core/IAllocationManager.sol";
import {ISignatureUtilsMixinTypes} from "../../src/interfaces/core/ISignatureUtilsMixin.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";

contract CvmServiceManager_Wiring is CvmFixture {
    function test_IsWiredIntoEigenLayer() public view {
        assertEq(address(d.core.allocationManager.getAVSRegistrar(address(d.serviceManager))), address(d.registry));
        assertTrue(d.core.allocationManager.isOperatorSet(OperatorSet(address(d.serviceManager), 0)));
        // EigenLayer v1.9+: the router is the set's slasher from creation; no PermissionController appointee.
        assertEq(d.core.allocationManager.getSlasher(OperatorSet(address(d.serviceManager), 0)), address(d.slasher));
        assertFalse(
            d.core.permissionController
                .canCall(
                    address(d.serviceManager),
                    address(d.taskManager),
                    address(d.core.allocationManager),
                    IAllocationManager.slashOperator.selector
                )
        );
        assertEq(address(d.serviceManager.slasher()), address(d.slasher));
        assertTrue(d.slasher.isAllowed(address(d.taskManager)));
        assertEq(d.serviceManager.pauser(), pauser);
        assertEq(address(d.serviceManager.registry()), address(d.registry));
        assertEq(address(d.serviceManager.avsDirectory()), address(d.core.avsDirectory));
        assertEq(address(d.serviceManager.allocationManager()), address(d.core.allocationManager));
    }

    function test_OwnerCreatesQuorumAndSetsAppointees() public {
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](1);
        sp[0] = ICvmRegistryTypes.StrategyParams(d.core.strategy, 2e18);
        uint8 q = d.serviceManager.createQuorum(ICvmRegistryTypes.QuorumConfig(8, 0, 0), sp);
        assertEq(q, 1);
        assertTrue(d.core.allocationManager.isOperatorSet(OperatorSet(address(d.serviceManager), 1)));
        d.serviceManager.setAppointee(address(7), address(8), 0x11223344);
        assertTrue(d.core.permissionController.canCall(address(d.serviceManager), address(7), address(8), 0x11223344));
        d.serviceManager.removeAppointee(address(7), address(8), 0x11223344);
        assertFalse(d.core.permissionController.canCall(address(d.serviceManager), address(7), address(8), 0x11223344));
        d.serviceManager.updateAVSMetadataURI("ipfs://new");
    }

    function test_Revert_WhenNotOwner() public {
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](0);
        vm.startPrank(pauser);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, pauser));
        d.serviceManager.createQuorum(ICvmRegistryTypes.QuorumConfig(8, 0, 0), sp);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, pauser));
        d.serviceManager.setPauser(pauser);
        vm.stopPrank();
    }
}

contract CvmServiceManager_Pause is CvmFixture {
    function test_PauserPausesAndOwnerReplacesPauser() public {
        vm.prank(pauser);
        d.serviceManager.setPaused(true);
        assertTrue(d.serviceManager.paused());
        d.serviceManager.setPauser(address(this));
        d.serviceManager.setPaused(false);
        assertFalse(d.serviceManager.paused());
    }

    function test_Revert_WhenNotPauser() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmServiceManagerErrors.OnlyPauser.selector, address(this)));
        d.serviceManager.setPaused(true);
    }
}

contract CvmServiceManager_Eject is CvmFixture {
    function test_Revert_WhenNotEjector() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmServiceManagerErrors.OnlyEjector.selector, address(this)));
        d.serviceManager.ejectOperator(address(1));
    }
}

contract CvmServiceManager_AVSDirectory is CvmFixture {
    address internal op;
    uint256 internal opKey;

    function setUp() public override {
        super.setUp();
        (op, opKey) = makeAddrAndKey("m2op");
        vm.prank(op);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
    }

    function _sig() internal view returns (ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory) {
        bytes32 digest = d.core.avsDirectory
            .calculateOperatorAVSRegistrationDigestHash(op, address(d.serviceManager), "salt", block.timestamp + 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(opKey, digest);
        return
            ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry(abi.encodePacked(r, s, v), "salt", block.timestamp + 1);
    }

    function test_RegistersAndDeregistersThroughTheDirectory() public {
        d.serviceManager.registerOperatorToAVS(op, _sig());
        assertEq(uint8(d.core.avsDirectory.avsOperatorStatus(address(d.serviceManager), op)), 1);
        vm.prank(op);
        d.serviceManager.deregisterOperatorFromAVS(op);
        assertEq(uint8(d.core.avsDirectory.avsOperatorStatus(address(d.serviceManager), op)), 0);
    }

    function test_Revert_WhenPaused() public {
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig();
        vm.prank(pauser);
        d.serviceManager.setPaused(true);
        vm.expectRevert(ICvmServiceManagerErrors.ServicePaused.selector);
        d.serviceManager.registerOperatorToAVS(op, s);
    }

    function test_Revert_WhenThirdPartyDeregisters() public {
        d.serviceManager.registerOperatorToAVS(op, _sig());
        vm.expectRevert(abi.encodeWithSelector(ICvmServiceManagerErrors.OnlyOperatorOrOwner.selector, pauser, op));
        vm.prank(pauser);
        d.serviceManager.deregisterOperatorFromAVS(op);
    }
}
