// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

interface IPermissionControllerErrors {
    error NotAdmin();
    error AppointeeAlreadySet();
    error AppointeeNotSet();
}

interface IPermissionControllerEvents {
    event AppointeeSet(address indexed account, address indexed appointee, address target, bytes4 selector);
    event AppointeeRemoved(address indexed account, address indexed appointee, address target, bytes4 selector);
}

/// @title IPermissionController — lets an account appoint others to call `target.selector` on its behalf.
/// @notice Devnet subset: every account is its own (only) admin.
interface IPermissionController is IPermissionControllerErrors, IPermissionControllerEvents {
    function setAppointee(address account, address appointee, address target, bytes4 selector) external;

    function removeAppointee(address account, address appointee, address target, bytes4 selector) external;

    /// @notice True if `caller` is `account` or an appointee of `account` for `target.selector`.
    function canCall(address account, address caller, address target, bytes4 selector) external view returns (bool);

    function isAdmin(address account, address caller) external view returns (bool);
}
