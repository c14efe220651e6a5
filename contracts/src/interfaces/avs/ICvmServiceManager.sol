// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAVSDirectory} from "../core/IAVSDirectory.sol";
import {IAllocationManager} from "../core/IAllocationManager.sol";
import {IRewardsCoordinator, IRewardsCoordinatorTypes} from "../core/IRewardsCoordinator.sol";
import {ISignatureUtilsMixinTypes} from "../core/ISignatureUtilsMixin.sol";
import {ICvmRegistry, ICvmRegistryTypes} from "./ICvmRegistry.sol";

interface ICvmServiceManagerErrors {
    error OnlyPauser(address caller);
    error OnlyEjector(address caller);
    error ServicePaused();
    error OnlyOperatorOrOwner(address caller, address operator);
    // rewards (issue 21)
    error OnlyRewardsInitiator(address caller);
    error RewardsCoordinatorNotSet();
}

interface ICvmServiceManagerEvents {
    event PauserSet(address pauser);
    event PausedSet(bool paused);
    event OperatorEjected(address indexed operator, uint32[] operatorSetIds);
    // rewards (issue 21); EigenLayer's ServiceManagerBase event name
    event RewardsInitiatorUpdated(address prevRewardsInitiator, address newRewardsInitiator);
    event RewardsCoordinatorSet(address rewardsCoordinator);
}

/// @title ICvmServiceManager — the AVS's identity towards EigenLayer.
/// @notice It is the `avs` address of the operator sets, points the AllocationManager at the registry (the
///         IAVSRegistrar), creates quorums (= operator sets, with the slasher router `CvmSlasher` as their slasher
///         from creation, EigenLayer v1.9+) and holds the owner / pauser roles. Roles: owner (config, quorums,
///         appointees), pauser (stops new registrations and new tasks), ejector (the slasher router, which
///         forwards the task manager's liveness ejections).
interface ICvmServiceManager is ISignatureUtilsMixinTypes, ICvmServiceManagerErrors, ICvmServiceManagerEvents {
    /// @notice Owner: creates quorum `n` in the registry and operator set `n` in the AllocationManager, with the
    ///         slasher router as the set's slasher (`createOperatorSets` with `CreateSetParamsV2`).
    function createQuorum(
        ICvmRegistryTypes.QuorumConfig calldata config,
        ICvmRegistryTypes.StrategyParams[] calldata strategies
    ) external returns (uint8 quorumNumber);

    /// @notice Owner: updates a quorum's limits and `$C` multiplier.
    function setQuorumConfig(uint8 quorumNumber, ICvmRegistryTypes.QuorumConfig calldata config) external;

    /// @notice Owner: updates the AVS metadata URI in the AllocationManager and the AVSDirectory.
    function updateAVSMetadataURI(string calldata metadataURI) external;

    /// @notice Owner: lets `appointee` call `target.selector` on behalf of this AVS (PermissionController).
    function setAppointee(address appointee, address target, bytes4 selector) external;

    function removeAppointee(address appointee, address target, bytes4 selector) external;

    /// @notice Ejector (the slasher router): deregisters `operator` from every quorum it is active in.
    function ejectOperator(address operator) external;

    /// @notice Legacy M2 path: records `operator` as registered in the AVSDirectory (operator-signed).
    function registerOperatorToAVS(address operator, SignatureWithSaltAndExpiry calldata operatorSignature) external;

    /// @notice Legacy M2 path: the operator or the owner removes the AVSDirectory registration.
    function deregisterOperatorFromAVS(address operator) external;

    /// @notice Owner: sets the pauser.
    function setPauser(address pauser) external;

    /// @notice Pauser: pauses / unpauses registrations and task creation.
    function setPaused(bool paused) external;

    function paused() external view returns (bool);

    function pauser() external view returns (address);

    function registry() external view returns (ICvmRegistry);

    function allocationManager() external view returns (IAllocationManager);

    function avsDirectory() external view returns (IAVSDirectory);

    // ---------------------------------------------------------------- rewards (issue 21)

    /// @notice Rewards initiator: pays an EigenLayer operator-directed rewards submission for operator set
    ///         `operatorSetId` of this AVS out of this contract's balance (the reward pool: released task fees and
    ///         any emission sent here). Approves the coordinator for each submission's sum and calls
    ///         `createOperatorDirectedOperatorSetRewardsSubmission`, which enforces EigenLayer's rules.
    function createOperatorDirectedOperatorSetRewardsSubmission(
        uint32 operatorSetId,
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] calldata submissions
    ) external;

    /// @notice Owner: sets who may call the submission.
    function setRewardsInitiator(address newRewardsInitiator) external;

    /// @notice Owner: sets EigenLayer's RewardsCoordinator (the devnet stand-in or the core's own).
    function setRewardsCoordinator(IRewardsCoordinator coordinator) external;

    function rewardsInitiator() external view returns (address);

    function rewardsCoordinator() external view returns (IRewardsCoordinator);
}
