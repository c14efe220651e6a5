// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../interfaces/core/IStrategyManager.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title StrategyBase — devnet stand-in for EigenLayer's ERC-20 strategy.
/// @notice Holds one underlying token; shares are minted pro rata with a virtual offset of 1e3 shares and 1e3
///         tokens (against first-depositor inflation). Only the StrategyManager moves funds.
contract StrategyBase is Initializable, IStrategy {
    using SafeERC20 for IERC20;

    uint256 internal constant SHARES_OFFSET = 1e3;
    uint256 internal constant BALANCE_OFFSET = 1e3;

    IStrategyManager public immutable strategyManager;

    IERC20 public underlyingToken;
    uint256 public totalShares;

    modifier onlyStrategyManager() {
        if (msg.sender != address(strategyManager)) revert OnlyStrategyManager();
        _;
    }

    constructor(IStrategyManager strategyManager_) {
        strategyManager = strategyManager_;
        _disableInitializers();
    }

    function initialize(IERC20 underlyingToken_) external initializer {
        underlyingToken = underlyingToken_;
    }

    /// @inheritdoc IStrategy
    function deposit(IERC20 token, uint256 amount) external onlyStrategyManager returns (uint256 newShares) {
        if (token != underlyingToken) revert OnlyUnderlyingToken();
        // The StrategyManager transferred `amount` before calling, so the prior balance is balance − amount.
        uint256 priorBalance = token.balanceOf(address(this)) - amount;
        newShares = (amount * (totalShares + SHARES_OFFSET)) / (priorBalance + BALANCE_OFFSET);
        if (newShares == 0) revert NewSharesZero();
        totalShares += newShares;
        _emitExchangeRate(priorBalance + amount);
    }

    /// @inheritdoc IStrategy
    function withdraw(address recipient, IERC20 token, uint256 amountShares)
        external
        onlyStrategyManager
        returns (uint256 amountToSend)
    {
        if (token != underlyingToken) revert OnlyUnderlyingToken();
        uint256 priorTotalShares = totalShares;
        if (amountShares > priorTotalShares) revert WithdrawalAmountExceedsTotalDeposits();
        uint256 balance = token.balanceOf(address(this));
        amountToSend = (balance + BALANCE_OFFSET) * amountShares / (priorTotalShares + SHARES_OFFSET);
        totalShares = priorTotalShares - amountShares;
        _emitExchangeRate(balance - amountToSend);
        token.safeTransfer(recipient, amountToSend);
    }

    /// @inheritdoc IStrategy
    function sharesToUnderlyingView(uint256 amountShares) public view returns (uint256) {
        return
            (underlyingToken.balanceOf(address(this)) + BALANCE_OFFSET) * amountShares / (totalShares + SHARES_OFFSET);
    }

    /// @inheritdoc IStrategy
    function underlyingToSharesView(uint256 amountUnderlying) external view returns (uint256) {
        return
            amountUnderlying * (totalShares + SHARES_OFFSET)
                / (underlyingToken.balanceOf(address(this)) + BALANCE_OFFSET);
    }

    /// @inheritdoc IStrategy
    function shares(address user) external view returns (uint256) {
        return strategyManager.stakerDepositShares(user, IStrategy(address(this)));
    }

    function _emitExchangeRate(uint256 balanceAfter) private {
        emit ExchangeRateEmitted((balanceAfter + BALANCE_OFFSET) * 1e18 / (totalShares + SHARES_OFFSET));
    }
}
