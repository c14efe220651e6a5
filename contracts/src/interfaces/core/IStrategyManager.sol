// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {OperatorSet} from "../../libraries/OperatorSetLib.sol";
import {IStrategy} from "./IStrategy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IStrategyManagerErrors {
    error OnlyDelegationManager();
    error StrategyNotWhitelisted();
    error StrategyAlreadyInSlash();
}

interface IStrategyManagerEvents {
    event Deposit(address staker, IStrategy strategy, uint256 shares);
    event StrategyAddedToDepositWhitelist(IStrategy strategy);
    event BurnOrRedistributableSharesIncreased(
        OperatorSet operatorSet, uint256 slashId, IStrategy strategy, uint256 shares
    );
    event BurnOrRedistributableSharesDecreased(
        OperatorSet operatorSet, uint256 slashId, IStrategy strategy, uint256 shares
    );
}

/// @title IStrategyManager — deposits into whitelisted strategies (EigenLayer-compatible subset).
interface IStrategyManager is IStrategyManagerErrors, IStrategyManagerEvents {
    /// @notice Pulls `amount` of `token` from the caller into `strategy` and credits the caller with the shares.
    function depositIntoStrategy(IStrategy strategy, IERC20 token, uint256 amount)
        external
        returns (uint256 depositShares);

    /// @notice Owner: allow deposits into `strategiesToWhitelist`.
    function addStrategiesToDepositWhitelist(IStrategy[] calldata strategiesToWhitelist) external;

    /// @notice DelegationManager: records `sharesToBurn` of `strategy` as slashed by slash `slashId` of
    ///         `operatorSet` (once per strategy and slash: `StrategyAlreadyInSlash`).
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 sharesToBurn
    ) external;

    /// @notice Anyone: sends the underlying of every strategy's pending shares of slash `slashId` of `operatorSet`
    ///         to the set's recipient (the stand-in has no redistributing sets: always the burn address) and removes
    ///         them. Clearing a cleared or unknown slash does nothing.
    /// @return the underlying amounts sent, per strategy (in `getBurnOrRedistributableShares` order)
    function clearBurnOrRedistributableShares(OperatorSet calldata operatorSet, uint256 slashId)
        external
        returns (uint256[] memory);

    /// @notice The strategies and shares of slash `slashId` of `operatorSet` not yet cleared.
    function getBurnOrRedistributableShares(OperatorSet calldata operatorSet, uint256 slashId)
        external
        view
        returns (IStrategy[] memory, uint256[] memory);

    /// @notice Stand-in only (not in EigenLayer): all not yet cleared slashed shares of `strategy`, over every set
    ///         and slash (for the shares-conservation invariant).
    function getPendingSlashedShares(IStrategy strategy) external view returns (uint256);

    function stakerDepositShares(address staker, IStrategy strategy) external view returns (uint256);

    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory);

    function stakerStrategyListLength(address staker) external view returns (uint256);

    function strategyIsWhitelistedForDeposit(IStrategy strategy) external view returns (bool);
}
