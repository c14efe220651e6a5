// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IDelegationManager} from "../interfaces/core/IDelegationManager.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../interfaces/core/IStrategyManager.sol";
import {OperatorSet, OperatorSetLib} from "../libraries/OperatorSetLib.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EnumerableMap} from "@openzeppelin/contracts/utils/structs/EnumerableMap.sol";

/// @title StrategyManager — devnet stand-in for EigenLayer's StrategyManager (deposits and slashed shares).
/// @notice Slashed shares are kept per (operator set, slash id) like EigenLayer since the redistribution release
///         (v1.5): `increaseBurnOrRedistributableShares` from the DelegationManager, `clearBurnOrRedistributableShares`
///         by anyone. Withdrawals (queueWithdrawals) and redistributing operator sets are not part of the stand-in:
///         cleared shares always go to `DEFAULT_BURN_ADDRESS`.
contract StrategyManager is Initializable, OwnableUpgradeable, ReentrancyGuardTransient, IStrategyManager {
    using SafeERC20 for IERC20;
    using EnumerableMap for EnumerableMap.AddressToUintMap;
    using OperatorSetLib for OperatorSet;

    /// @notice Where burned underlying goes (EigenLayer's DEFAULT_BURN_ADDRESS).
    address public constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;

    IDelegationManager public immutable delegation;

    mapping(IStrategy strategy => bool) public strategyIsWhitelistedForDeposit;
    mapping(address staker => mapping(IStrategy strategy => uint256)) public stakerDepositShares;
    mapping(address staker => IStrategy[]) internal _stakerStrategyList;
    mapping(bytes32 setKey => mapping(uint256 slashId => EnumerableMap.AddressToUintMap)) internal _slashedShares;
    mapping(IStrategy strategy => uint256) internal _pendingSlashedShares;

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
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 sharesToBurn
    ) external {
        if (msg.sender != address(delegation)) revert OnlyDelegationManager();
        if (!_slashedShares[operatorSet.key()][slashId].set(address(strategy), sharesToBurn)) {
            revert StrategyAlreadyInSlash();
        }
        _pendingSlashedShares[strategy] += sharesToBurn;
        emit BurnOrRedistributableSharesIncreased(operatorSet, slashId, strategy, sharesToBurn);
    }

    /// @inheritdoc IStrategyManager
    function clearBurnOrRedistributableShares(OperatorSet calldata operatorSet, uint256 slashId)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        EnumerableMap.AddressToUintMap storage slash = _slashedShares[operatorSet.key()][slashId];
        address[] memory strategies = slash.keys();
        amounts = new uint256[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) {
            IStrategy strategy = IStrategy(strategies[i]);
            uint256 shares = slash.get(strategies[i]);
            slash.remove(strategies[i]);
            _pendingSlashedShares[strategy] -= shares;
            emit BurnOrRedistributableSharesDecreased(operatorSet, slashId, strategy, shares);
            if (shares == 0) continue;
            amounts[i] = strategy.sharesToUnderlyingView(shares);
            // Interaction after this strategy's effects; nonReentrant guards the loop.
            strategy.withdraw(DEFAULT_BURN_ADDRESS, strategy.underlyingToken(), shares);
        }
    }

    /// @inheritdoc IStrategyManager
    function getBurnOrRedistributableShares(OperatorSet calldata operatorSet, uint256 slashId)
        external
        view
        returns (IStrategy[] memory strategies, uint256[] memory shares)
    {
        EnumerableMap.AddressToUintMap storage slash = _slashedShares[operatorSet.key()][slashId];
        uint256 n = slash.length();
        strategies = new IStrategy[](n);
        shares = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            (address s, uint256 v) = slash.at(i);
            strategies[i] = IStrategy(s);
            shares[i] = v;
        }
    }

    /// @inheritdoc IStrategyManager
    function getPendingSlashedShares(IStrategy strategy) external view returns (uint256) {
        return _pendingSlashedShares[strategy];
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
}
