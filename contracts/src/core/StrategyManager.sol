// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IDelegationManager} from "../interfaces/core/IDelegationManager.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../interfaces/core/IStrategyManager.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title StrategyManager — devnet stand-in for EigenLayer's StrategyManager (deposits and burnable shares).
/// @notice Withdrawals (queueWithdrawals) are not part of the stand-in; the devnet does not need them.
contract StrategyManager is Initializable, OwnableUpgradeable, ReentrancyGuardTransient, IStrategyManager {
    using SafeERC20 for IERC20;

    /// @notice Where burned underlying goes (EigenLayer's DEFAULT_BURN_ADDRESS).
    address public constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;

    IDelegationManager public immutable delegation;

    mapping(IStrategy strategy => bool) public strategyIsWhitelistedForDeposit;
    mapping(address staker => mapping(IStrategy strategy => uint256)) public stakerDepositShares;
    mapping(address staker => IStrategy[]) internal _stakerStrategyList;
    mapping(IStrategy strategy => uint256) internal _burnableShares;

    constructor(IDelegationManager delegation_) {
        delegation = delegation_;
        _disableInitializers();
    }

    function initialize(address initialOwner) external initializer {
        __Ownable_init(initialOwner);
    }

    /// @inheritdoc IStrategyManager
    function depositIntoStrategy(IStrategy strategy, IERC20 token, uint256 amount)
        external
        nonReentrant
        returns (uint256 depositShares)
    {
        if (!strategyIsWhitelistedForDeposit[strategy]) revert StrategyNotWhitelisted();
        // Deviates from checks-effects-interactions like EigenLayer: the strategy prices the deposit from its
        // balance, so tokens move first and shares are credited from its answer; nonReentrant guards the gap.
        token.safeTransferFrom(msg.sender, address(strategy), amount);
        depositShares = strategy.deposit(token, amount);
        uint256 prev = stakerDepositShares[msg.sender][strategy];
        if (prev == 0) _stakerStrategyList[msg.sender].push(strategy);
        stakerDepositShares[msg.sender][strategy] = prev + depositShares;
        emit Deposit(msg.sender, strategy, depositShares);
        // Interaction after effects: the DelegationManager credits the staker's operator.
        delegation.increaseDelegatedShares(msg.sender, strategy, prev, depositShares);
    }

    /// @inheritdoc IStrategyManager
    function addStrategiesToDepositWhitelist(IStrategy[] calldata strategiesToWhitelist) external onlyOwner {
        for (uint256 i; i < strategiesToWhitelist.length; ++i) {
            if (!strategyIsWhitelistedForDeposit[strategiesToWhitelist[i]]) {
                strategyIsWhitelistedForDeposit[strategiesToWhitelist[i]] = true;
                emit StrategyAddedToDepositWhitelist(strategiesToWhitelist[i]);
            }
        }
    }

    /// @inheritdoc IStrategyManager
    function increaseBurnableShares(IStrategy strategy, uint256 addedSharesToBurn) external {
        if (msg.sender != address(delegation)) revert OnlyDelegationManager();
        _burnableShares[strategy] += addedSharesToBurn;
        emit BurnableSharesIncreased(strategy, addedSharesToBurn);
    }

    /// @inheritdoc IStrategyManager
    function burnShares(IStrategy strategy) external nonReentrant {
        uint256 sharesToBurn = _burnableShares[strategy];
        _burnableShares[strategy] = 0;
        emit BurnableSharesDecreased(strategy, sharesToBurn);
        if (sharesToBurn != 0) strategy.withdraw(DEFAULT_BURN_ADDRESS, strategy.underlyingToken(), sharesToBurn);
    }

    /// @inheritdoc IStrategyManager
    function getDeposits(address staker)
        external
        view
        returns (IStrategy[] memory strategies, uint256[] memory shares)
    {
        strategies = _stakerStrategyList[staker];
        shares = new uint256[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) {
            shares[i] = stakerDepositShares[staker][strategies[i]];
        }
    }

    /// @inheritdoc IStrategyManager
    function stakerStrategyListLength(address staker) external view returns (uint256) {
        return _stakerStrategyList[staker].length;
    }

    /// @inheritdoc IStrategyManager
    function getBurnableShares(IStrategy strategy) external view returns (uint256) {
        return _burnableShares[strategy];
    }
}
