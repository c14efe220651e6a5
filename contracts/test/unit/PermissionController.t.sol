// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../../script/CvmDeployer.sol";
import {EmptyContract} from "../../script/EmptyContract.sol";
import {PermissionController} from "../../src/core/PermissionController.sol";
import {IPermissionControllerErrors} from "../../src/interfaces/core/IPermissionController.sol";
import {Test} from "forge-std/Test.sol";

contract PermissionController_Appointees is Test, CvmDeployer {
    PermissionController internal pc;
    address internal account = makeAddr("account");
    address internal appointee = makeAddr("appointee");
    address internal target = makeAddr("target");

    function setUp() public {
        pc = PermissionController(_proxy(new EmptyContract(), address(this)));
        _upgrade(address(pc), address(new PermissionController()), abi.encodeCall(PermissionController.initialize, ()));
    }

    function test_SetAndRemove() public {
        assertTrue(pc.canCall(account, account, target, 0x12345678));
        assertFalse(pc.canCall(account, appointee, target, 0x12345678));
        vm.prank(account);
        pc.setAppointee(account, appointee, target, 0x12345678);
        assertTrue(pc.canCall(account, appointee, target, 0x12345678));
        assertFalse(pc.canCall(account, appointee, target, 0x87654321));
        assertTrue(pc.isAdmin(account, account));
        vm.prank(account);
        pc.removeAppointee(account, appointee, target, 0x12345678);
        assertFalse(pc.canCall(account, appointee, target, 0x12345678));
    }

    function test_Revert_WhenNotAdmin() public {
        vm.expectRevert(IPermissionControllerErrors.NotAdmin.selector);
        pc.setAppointee(account, appointee, target, 0x12345678);
        vm.expectRevert(IPermissionControllerErrors.NotAdmin.selector);
        pc.removeAppointee(account, appointee, target, 0x12345678);
    }

    function test_Revert_WhenAppointeeAlreadySet() public {
        vm.startPrank(account);
        pc.setAppointee(account, appointee, target, 0x12345678);
        vm.expectRevert(IPermissionControllerErrors.AppointeeAlreadySet.selector);
        pc.setAppointee(account, appointee, target, 0x12345678);
        vm.stopPrank();
    }

    function test_Revert_WhenAppointeeNotSet() public {
        vm.expectRevert(IPermissionControllerErrors.AppointeeNotSet.selector);
        vm.prank(account);
        pc.removeAppointee(account, appointee, target, 0x12345678);
    }
}
