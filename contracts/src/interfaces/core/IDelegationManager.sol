// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {OperatorSet} from "../../libraries/OperatorSetLib.sol";
import {ISignatureUtilsMixinTypes} from "./ISignatureUtilsMixin.sol";
import {IStrategy} from "./IStrategy.sol";

interface IDelegationManagerErrors {
    error ActivelyDelegated();
    error OperatorNotRegistered();
    /// @dev Named as in EigenLayer's core (v1.9+), where the EigenPodManager may also call.
    error OnlyStrategyManagerOrEigenPodManager();
    error OnlyAllocationManager();
    error SignatureExpired();
    error SaltSpent();
    error InvalidSignature();
    error FullySlashed();
    error InvalidPermissions();
}

interface IDelegationManagerEvents {
    event OperatorRegistered(address indexed operator, address delegationApprover);
    event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);
    event StakerDelegated(address indexed staker, address indexed operator);
    event OperatorSharesIncreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    event OperatorSharesDecreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    event OperatorSharesSlashed(address indexed operator, IStrategy strategy, uint256 totalSlashedShares);
}

/// @title IDelegationManager — operators and delegation (EigenLayer slashing-release compatible subset).
interface IDelegationManager is ISignatureUtilsMixinTypes, IDelegationManagerErrors, IDelegationManagerEvents {
    /// @notice Registers the caller as an operator, delegated to itself; sets its allocation delay.
    function registerAsOperator(address initDelegationApprover, uint32 allocationDelay, string calldata metadataURI)
        external;

    function updateOperatorMetadataURI(address operator, string calldata metadataURI) external;

    /// @notice Delegates the caller's deposit shares to `operator` (needs the approver's EIP-712 signature if set).
    function delegateTo(address operator, SignatureWithExpiry memory approverSignatureAndExpiry, bytes32 approverSalt)
        external;

    /// @notice StrategyManager hook on deposit: adds `addedShares` to the staker's operator, if delegated.
    function increaseDelegatedShares(address staker, IStrategy strategy, uint256 prevDepositShares, uint256 addedShares)
        external;

    /// @notice AllocationManager hook on slash `slashId` of `operatorSet`: scales the operator's shares by
    ///         newMax/prevMax and records the rest with the StrategyManager as burn-or-redistributable shares of that
    ///         slash (`increaseBurnOrRedistributableShares`).
    /// @return totalDepositSharesToSlash the shares taken from the operator
    function slashOperatorShares(
        address operator,
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) external returns (uint256 totalDepositSharesToSlash);

    function isOperator(address operator) external view returns (bool);

    function isDelegated(address staker) external view returns (bool);

    function delegatedTo(address staker) external view returns (address);

    function delegationApprover(address operator) external view returns (address);

    function operatorShares(address operator, IStrategy strategy) external view returns (uint256);

    function getOperatorShares(address operator, IStrategy[] memory strategies) external view returns (uint256[] memory);

    function getOperatorsShares(address[] memory operators, IStrategy[] memory strategies)
        external
        view
        returns (uint256[][] memory);

    function calculateDelegationApprovalDigestHash(
        address staker,
        address operator,
        address approver,
        bytes32 approverSalt,
        uint256 expiry
    ) external view returns (bytes32);
}
