// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IStrategyErrors {
    /// @dev Caller is not the StrategyManager.
    error OnlyStrategyManager();
    /// @dev The token is not this strategy's underlying token.
    error OnlyUnderlyingToken();
    /// @dev A deposit would mint zero shares, or a withdrawal exceeds the total shares.
    error NewSharesZero();
    error WithdrawalAmountExceedsTotalDeposits();
}

interface IStrategyEvents {
    /// @notice Emitted when the share/underlying exchange rate changes (deposit or withdrawal).
    event ExchangeRateEmitted(uint256 rate);
}

/// @title IStrategy — an ERC-20 strategy: holds one underlying token and accounts for it in shares.
interface IStrategy is IStrategyErrors, IStrategyEvents {
    /// @notice Called by the StrategyManager after transferring `amount` of `token` here; returns the new shares.
    function deposit(IERC20 token, uint256 amount) external returns (uint256 newShares);

    /// @notice Called by the StrategyManager; sends the underlying for `amountShares` to `recipient` and returns the
    ///         amount of `token` sent (EigenLayer v1.9+).
    function withdraw(address recipient, IERC20 token, uint256 amountShares) external returns (uint256 amountOut);

    function underlyingToken() external view returns (IERC20);

    function totalShares() external view returns (uint256);

    function sharesToUnderlyingView(uint256 amountShares) external view returns (uint256);

    function underlyingToSharesView(uint256 amountUnderlying) external view returns (uint256);

    /// @notice A staker's deposit shares, as recorded by the StrategyManager.
    function shares(address user) external view returns (uint256);
}
