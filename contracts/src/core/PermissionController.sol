// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IPermissionController} from "../interfaces/core/IPermissionController.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";

/// @title PermissionController — devnet stand-in: appointees only. Each account is its own sole admin
///        (EigenLayer's pending/added admins are not part of the stand-in).
contract PermissionController is Initializable, IPermissionController {
    mapping(address account => mapping(address appointee => mapping(address target => mapping(bytes4 => bool))))
        internal _appointed;

    constructor() {
        _disableInitializers();
    }

    function initialize() external initializer {}

    /// @inheritdoc IPermissionController
    function setAppointee(address account, address appointee, address target, bytes4 selector) external {
        if (msg.sender != account) revert NotAdmin();
        if (_appointed[account][appointee][target][selector]) revert AppointeeAlreadySet();
        _appointed[account][appointee][target][selector] = true;
        emit AppointeeSet(account, appointee, target, selector);
    }

    /// @inheritdoc IPermissionController
    function removeAppointee(address account, address appointee, address target, bytes4 selector) external {
        if (msg.sender != account) revert NotAdmin();
        if (!_appointed[account][appointee][target][selector]) revert AppointeeNotSet();
        _appointed[account][appointee][target][selector] = false;
        emit AppointeeRemoved(account, appointee, target, selector);
    }

    /// @inheritdoc IPermissionController
    function canCall(address account, address caller, address target, bytes4 selector) external view returns (bool) {
        return caller == account || _appointed[account][caller][target][selector];
    }

    /// @inheritdoc IPermissionController
    function isAdmin(address account, address caller) external pure returns (bool) {
        return account == caller;
    }
}
