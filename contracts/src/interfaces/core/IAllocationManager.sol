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
}

interface IAllocationManagerTypes {
    struct Allocation {
        uint64 currentMagnitude;
        int128 pendingDiff;
        uint32 effectBlock;
    }

    struct CreateSetParams {
        uint32 operatorSetId;
        IStrategy[] strategies;
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
interface IAllocationManager is IAllocationManagerErrors, IAllocationManagerEvents {
    /// @notice AVS (or appointee): slash `params.operator` in set `params.operatorSetId` by `wadsToSlash` of its
    ///         allocated magnitude per strategy (strategies strictly ascending, 0 < wad ≤ 1e18).
    function slashOperator(address avs, SlashingParams calldata params) external;

    /// @notice Operator (or appointee): set new magnitudes for strategies in operator sets.
    function modifyAllocations(address operator, AllocateParams[] calldata params) external;

    /// @notice Operator (or appointee): join operator sets; calls the AVS registrar's `registerOperator`.
    function registerForOperatorSets(address operator, RegisterParams calldata params) external;

    /// @notice Operator or AVS (or appointees): leave operator sets; calls the registrar's `deregisterOperator`.
    function deregisterFromOperatorSets(DeregisterParams calldata params) external;

    /// @notice DelegationManager (at operator registration) or the operator: set the allocation delay in blocks.
    function setAllocationDelay(address operator, uint32 delay) external;

    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external;

    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;

    function createOperatorSets(address avs, CreateSetParams[] calldata params) external;

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
}
