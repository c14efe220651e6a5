// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IStrategy} from "./IStrategy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IStrategyManagerErrors {
    error OnlyDelegationManager();
    error StrategyNotWhitelisted();
}

interface IStrategyManagerEvents {
    event Deposit(address staker, IStrategy strategy, uint256 shares);
    event StrategyAddedToDepositWhitelist(IStrategy strategy);
    event BurnableSharesIncreased(IStrategy strategy, uint256 shares);
    event BurnableSharesDecreased(IStrategy strategy, uint256 shares);
}

/// @title IStrategyManager — deposits into whitelisted strategies (EigenLayer-compatible subset).
interface IStrategyManager is IStrategyManagerErrors, IStrategyManagerEvents {
    /// @notice Pulls `amount` of `token` from the caller into `strategy` and credits the caller with the shares.
    function depositIntoStrategy(IStrategy strategy, IERC20 token, uint256 amount)
        external
        returns (uint256 depositShares);

    /// @notice Owner: allow deposits into `strategiesToWhitelist`.
    function addStrategiesToDepositWhitelist(IStrategy[] calldata strategiesToWhitelist) external;

    /// @notice DelegationManager: record `addedSharesToBurn` of `strategy` as slashed and burnable.
    function increaseBurnableShares(IStrategy strategy, uint256 addedSharesToBurn) external;

    /// @notice Anyone: sends the underlying of the burnable shares of `strategy` to the burn address.
    function burnShares(IStrategy strategy) external;

    function stakerDepositShares(address staker, IStrategy strategy) external view returns (uint256);

    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory);

    function stakerStrategyListLength(address staker) external view returns (uint256);

    function strategyIsWhitelistedForDeposit(IStrategy strategy) external view returns (bool);

    function getBurnableShares(IStrategy strategy) external view returns (uint256);
}
