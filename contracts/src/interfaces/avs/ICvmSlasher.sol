// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAllocationManager} from "../core/IAllocationManager.sol";
import {ICvmServiceManager} from "./ICvmServiceManager.sol";

interface ICvmSlasherErrors {
    /// @notice `caller` is not on the allow-list of AVS contracts that may slash or eject.
    error NotAllowedToSlash(address caller);
    error ZeroAddress();
}

interface ICvmSlasherEvents {
    event SlashingContractSet(address indexed account, bool allowed);
    /// @notice `by` (an allowed AVS contract) slashed `operator` in operator set `operatorSetId`; `slashId` is the
    ///         AllocationManager's id of the slash (its StrategyManager burn entry).
    event SlashRouted(address indexed by, address indexed operator, uint32 indexed operatorSetId, uint256 slashId);
    event EjectionRouted(address indexed by, address indexed operator);
}

/// @title ICvmSlasher — the CVM AVS's slasher router.
/// @notice Since EigenLayer v1.9 `AllocationManager.slashOperator` accepts only the operator set's slasher
///         (`getSlasher`), one address per set, fixed at creation (changing it waits
///         ALLOCATION_CONFIGURATION_DELAY + 1 blocks, weeks on mainnet). The service manager creates every quorum's
///         operator set with this router as the slasher, and the router forwards slashes (and ejections) from an
///         owner-managed allow-list of AVS contracts: the task manager today, later rules (storage audits, bridge
///         checkpoints, liveness) by `setAllowed` without touching EigenLayer. The router is also the service
///         manager's only ejector.
interface ICvmSlasher is ICvmSlasherErrors, ICvmSlasherEvents {
    /// @notice Owner: allows (or disallows) `account` to slash and eject through the router.
    function setAllowed(address account, bool allowed) external;

    /// @notice Allowed caller: slashes `wadToSlash` (0 < wad ≤ 1e18) of `operator`'s allocation to every strategy
    ///         of operator set `operatorSetId` of the service manager. Does nothing and returns (0, []) when the
    ///         operator is not slashable in that set (not a member and past its deallocation delay).
    /// @return slashId the AllocationManager's slash id (0: nothing slashed)
    /// @return shares the shares slashed per strategy (strategies in ascending address order)
    function slashOperator(address operator, uint32 operatorSetId, uint256 wadToSlash, string calldata description)
        external
        returns (uint256 slashId, uint256[] memory shares);

    /// @notice Allowed caller: deregisters `operator` from every quorum it is active in (service manager ejection).
    function ejectOperator(address operator) external;

    function isAllowed(address account) external view returns (bool);

    function allocationManager() external view returns (IAllocationManager);

    function serviceManager() external view returns (ICvmServiceManager);
}
