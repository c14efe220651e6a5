// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {OperatorSet} from "../../libraries/OperatorSetLib.sol";
import {IAVSRegistrar} from "./IAVSRegistrar.sol";
import {IStrategy} from "./IStrategy.sol";

interface IAllocationManagerErrors {
    error InvalidCaller();
    error InvalidOperator();
    error InvalidOperatorSet();
    error NonexistentAVSMetadata();
    error AlreadyMemberOfSet();
    error NotMemberOfSet();
    error InputArrayLengthMismatch();
    error StrategiesMustBeInAscendingOrder();
    error StrategyNotInOperatorSet();
    error StrategyAlreadyInOperatorSet();
    error InvalidWadToSlash();
    error OperatorNotSlashable();
    error UninitializedAllocationDelay();
    error ModificationAlreadyPending();
    error SameMagnitude();
    error InsufficientMagnitude();
    error InvalidAVSRegistrar();
    error SlasherNotSet();
    error InputAddressZero();
}

interface IAllocationManagerTypes {
    struct Allocation {
        uint64 currentMagnitude;
        int128 pendingDiff;
        uint32 effectBlock;
    }

    /// @dev Legacy (v1.3–v1.8) shape: the AVS itself becomes the set's slasher.
    struct CreateSetParams {
        uint32 operatorSetId;
        IStrategy[] strategies;
    }

    /// @dev v1.9+: names the set's slasher (the only address `slashOperator` accepts) at creation.
    struct CreateSetParamsV2 {
        uint32 operatorSetId;
        IStrategy[] strategies;
        address slasher;
    }

    struct RegisterParams {
        address avs;
        uint32[] operatorSetIds;
        bytes data;
    }

    struct DeregisterParams {
        address operator;
        address avs;
        uint32[] operatorSetIds;
    }

    struct AllocateParams {
        OperatorSet operatorSet;
        IStrategy[] strategies;
        uint64[] newMagnitudes;
    }

    struct SlashingParams {
        address operator;
        uint32 operatorSetId;
        IStrategy[] strategies;
        uint256[] wadsToSlash;
        string description;
    }
}

interface IAllocationManagerEvents is IAllocationManagerTypes {
    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);
    event AVSRegistrarSet(address avs, IAVSRegistrar registrar);
    event OperatorSetCreated(OperatorSet operatorSet);
    event StrategyAddedToOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    event OperatorAddedToOperatorSet(address indexed operator, OperatorSet operatorSet);
    event OperatorRemovedFromOperatorSet(address indexed operator, OperatorSet operatorSet);
    event SlasherUpdated(OperatorSet operatorSet, address slasher, uint32 effectBlock);
    event AllocationDelaySet(address operator, uint32 delay, uint32 effectBlock);
    event AllocationUpdated(
        address operator, OperatorSet operatorSet, IStrategy strategy, uint64 magnitude, uint32 effectBlock
    );
    event EncumberedMagnitudeUpdated(address operator, IStrategy strategy, uint64 encumberedMagnitude);
    event MaxMagnitudeUpdated(address operator, IStrategy strategy, uint64 maxMagnitude);
    event OperatorSlashed(
        address operator, OperatorSet operatorSet, IStrategy[] strategies, uint256[] wadSlashed, string description
    );
}

/// @title IAllocationManager — operator sets, magnitude allocations and slashing (EigenLayer slashing release).
/// @notice Magnitudes are in WAD (1e18 = all of an operator's shares in a strategy). An operator's slashable shares
///         in a set are `operatorShares × currentMagnitude / maxMagnitude`. Increases take effect after the operator's
///         allocation delay, decreases after `DEALLOCATION_DELAY` (the stake stays slashable meanwhile).
///         Slashing follows the v1.9+ rule: only `getSlasher(operatorSet)` may slash (not the AVS, not a
///         PermissionController appointee, unless it is that slasher).
interface IAllocationManager is IAllocationManagerErrors, IAllocationManagerEvents {
    /// @notice The set's slasher (`getSlasher`) only: slash `params.operator` in set `params.operatorSetId` of `avs`
    ///         by `wadsToSlash` of its allocated magnitude per strategy (strategies strictly ascending,
    ///         0 < wad ≤ 1e18). Checks in EigenLayer's order: array lengths, set exists, operator slashable, caller
    ///         is the slasher (`InvalidCaller`).
    /// @return slashId the set's 1-based slash counter after this slash (also counted when nothing is slashed)
    /// @return shares per strategy, the shares handed to the StrategyManager as burn-or-redistributable
    function slashOperator(address avs, SlashingParams calldata params)
        external
        returns (uint256 slashId, uint256[] memory shares);

    /// @notice Operator (or appointee): set new magnitudes for strategies in operator sets.
    function modifyAllocations(address operator, AllocateParams[] calldata params) external;

    /// @notice Operator (or appointee): join operator sets; calls the AVS registrar's `registerOperator`.
    function registerForOperatorSets(address operator, RegisterParams calldata params) external;

    /// @notice Operator or AVS (or appointees): leave operator sets; calls the registrar's `deregisterOperator`.
    function deregisterFromOperatorSets(DeregisterParams calldata params) external;

    /// @notice DelegationManager (at operator registration) or the operator: set the allocation delay in blocks.
    ///         Called by the DelegationManager (a newly registered operator) it applies at once; called by the
    ///         operator it applies after `ALLOCATION_CONFIGURATION_DELAY + 1` blocks.
    function setAllocationDelay(address operator, uint32 delay) external;

    /// @notice AVS (or appointee): the contract called back on (de)registration; it must answer
    ///         `supportsAVS(avs) == true` (`InvalidAVSRegistrar`).
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external;

    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;

    /// @notice AVS (or appointee), legacy overload: creates operator sets whose slasher is `avs` itself.
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external;

    /// @notice AVS (or appointee): creates operator sets whose slasher is `params[i].slasher` at once (non-zero).
    function createOperatorSets(address avs, CreateSetParamsV2[] calldata params) external;

    /// @notice AVS (or appointee): names a new slasher for a set that has one; it takes effect after
    ///         `SLASHER_CONFIGURATION_DELAY + 1` blocks (until then the old one stays the slasher). Proposing the
    ///         already pending slasher again does not restart the delay.
    function updateSlasher(OperatorSet memory operatorSet, address slasher) external;

    /// @notice The address that may slash `operatorSet` now (0 if the set does not exist).
    function getSlasher(OperatorSet memory operatorSet) external view returns (address);

    /// @notice The slasher proposed by `updateSlasher` and the block it takes effect (0, 0 if none).
    function getPendingSlasher(OperatorSet memory operatorSet)
        external
        view
        returns (address pendingSlasher, uint32 effectBlock);

    /// @notice Number of slashes of `operatorSet` so far (the latest `slashId`).
    function getSlashCount(OperatorSet memory operatorSet) external view returns (uint256);

    function addStrategiesToOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies) external;

    function getAVSRegistrar(address avs) external view returns (IAVSRegistrar);

    function isOperatorSet(OperatorSet memory operatorSet) external view returns (bool);

    function getMembers(OperatorSet memory operatorSet) external view returns (address[] memory);

    function getMemberCount(OperatorSet memory operatorSet) external view returns (uint256);

    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool);

    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) external view returns (bool);

    function getStrategiesInOperatorSet(OperatorSet memory operatorSet) external view returns (IStrategy[] memory);

    function getAllocation(address operator, OperatorSet memory operatorSet, IStrategy strategy)
        external
        view
        returns (Allocation memory);

    function getMaxMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    function getEncumberedMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    function getAllocatableMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    function getAllocationDelay(address operator) external view returns (bool isSet, uint32 delay);

    /// @notice Slashable shares per (operator, strategy) at `futureBlock`: pending decreases that take effect by
    ///         then are applied, increases are not; 0 for operators not slashable in the set.
    function getMinimumSlashableStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) external view returns (uint256[][] memory slashableStake);

    function DEALLOCATION_DELAY() external view returns (uint32);

    function ALLOCATION_CONFIGURATION_DELAY() external view returns (uint32);

    /// @notice Blocks before an `updateSlasher` takes effect (EigenLayer: equal to ALLOCATION_CONFIGURATION_DELAY).
    function SLASHER_CONFIGURATION_DELAY() external view returns (uint32);
}
