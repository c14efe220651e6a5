// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskFees} from "../interfaces/avs/ICvmTaskFees.sol";
import {ICvmTaskManager, ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title CvmTaskFees — task-fee escrow (see ICvmTaskFees).
/// @notice A contract of its own rather than part of the task manager: the task manager is close to the EIP-170
///         size limit, and settlement only needs two of its views (`taskHash`, `taskResponseHash`) plus its
///         response window, so fees never sit on the path of `respondToTask` (a token that reverts cannot block a
///         response). Release and refund are pull calls anyone can make.
contract CvmTaskFees is Initializable, OwnableUpgradeable, ReentrancyGuardTransient, ICvmTaskFees {
    using SafeERC20 for IERC20;

    struct Totals {
        uint256 escrowed;
        uint256 released;
        uint256 refunded;
    }

    /// @inheritdoc ICvmTaskFees
    ICvmTaskManager public immutable taskManager;

    /// @inheritdoc ICvmTaskFees
    address public rewardPool;
    mapping(IERC20 token => bool) public isTokenAccepted;
    mapping(uint32 taskIndex => Fee) internal _fees;
    mapping(IERC20 token => Totals) internal _totals;

    uint256[46] private __gap;

    constructor(ICvmTaskManager taskManager_) {
        taskManager = taskManager_;
        _disableInitializers();
    }

    function initialize(address initialOwner, address rewardPool_, IERC20[] calldata acceptedTokens)
        external
        initializer
    {
        __Ownable_init(initialOwner);
        _setRewardPool(rewardPool_);
        for (uint256 i; i < acceptedTokens.length; ++i) {
            isTokenAccepted[acceptedTokens[i]] = true;
            emit TokenAcceptedSet(acceptedTokens[i], true);
        }
    }

    /// @inheritdoc ICvmTaskFees
    function escrow(
        uint32 taskIndex,
        ICvmTaskManagerTypes.Task calldata task,
        IERC20 token,
        uint96 amount,
        address refundCollector
    ) external nonReentrant {
        if (!isTokenAccepted[token]) revert TokenNotAccepted(address(token));
        if (amount == 0) revert AmountIsZero();
        if (refundCollector == address(0)) revert InvalidAddressZero();
        _checkTask(taskIndex, task);
        if (_fees[taskIndex].status != FeeStatus.None) revert FeeAlreadyEscrowed(taskIndex);
        uint256 deadline = _deadline(task);
        if (block.number > deadline) revert DeadlinePassed(taskIndex, deadline);
        _fees[taskIndex] = Fee({
            token: token,
            status: FeeStatus.Held,
            payer: msg.sender,
            amount: amount,
            refundCollector: refundCollector,
            deadlineBlock: uint32(deadline)
        });
        _totals[token].escrowed += amount;
        emit FeeEscrowed(taskIndex, msg.sender, token, amount, refundCollector, uint32(deadline));
        // Exactly `amount` must arrive: fee-on-transfer tokens are not accepted (they would break held accounting).
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        if (token.balanceOf(address(this)) - before != amount) revert TokenNotAccepted(address(token));
    }

    /// @inheritdoc ICvmTaskFees
    function release(uint32 taskIndex) external nonReentrant {
        Fee storage f = _fees[taskIndex];
        if (f.status != FeeStatus.Held) revert FeeNotHeld(taskIndex);
        if (taskManager.taskResponseHash(taskIndex) == bytes32(0)) revert TaskNotResponded(taskIndex);
        f.status = FeeStatus.Released;
        IERC20 token = f.token;
        uint256 amount = f.amount;
        _totals[token].released += amount;
        address pool = rewardPool;
        emit FeeReleased(taskIndex, token, pool, amount);
        token.safeTransfer(pool, amount);
    }

    /// @inheritdoc ICvmTaskFees
    function refund(uint32 taskIndex, ICvmTaskManagerTypes.Task calldata task) external nonReentrant {
        Fee storage f = _fees[taskIndex];
        if (f.status != FeeStatus.Held) revert FeeNotHeld(taskIndex);
        _checkTask(taskIndex, task);
        if (taskManager.taskResponseHash(taskIndex) != bytes32(0)) revert TaskResponded(taskIndex);
        // The current window: `respondToTask` checks the current config too, so no response can land any more
        // (unless the owner later widens the window; a response after a refund is then unpaid).
        uint256 deadline = _deadline(task);
        if (block.number <= deadline) revert DeadlineNotPassed(taskIndex, deadline);
        f.status = FeeStatus.Refunded;
        IERC20 token = f.token;
        uint256 amount = f.amount;
        address collector = f.refundCollector;
        _totals[token].refunded += amount;
        emit FeeRefunded(taskIndex, token, collector, amount);
        token.safeTransfer(collector, amount);
    }

    /// @inheritdoc ICvmTaskFees
    function setTokenAccepted(IERC20 token, bool accepted) external onlyOwner {
        if (address(token) == address(0)) revert InvalidAddressZero();
        isTokenAccepted[token] = accepted;
        emit TokenAcceptedSet(token, accepted);
    }

    /// @inheritdoc ICvmTaskFees
    function setRewardPool(address rewardPool_) external onlyOwner {
        _setRewardPool(rewardPool_);
    }

    /// @inheritdoc ICvmTaskFees
    function fee(uint32 taskIndex) external view returns (Fee memory) {
        return _fees[taskIndex];
    }

    /// @inheritdoc ICvmTaskFees
    function totals(IERC20 token)
        external
        view
        returns (uint256 escrowed, uint256 released, uint256 refunded, uint256 held)
    {
        Totals memory t = _totals[token];
        return (t.escrowed, t.released, t.refunded, t.escrowed - t.released - t.refunded);
    }

    function _setRewardPool(address rewardPool_) internal {
        if (rewardPool_ == address(0)) revert InvalidAddressZero();
        rewardPool = rewardPool_;
        emit RewardPoolSet(rewardPool_);
    }

    function _checkTask(uint32 taskIndex, ICvmTaskManagerTypes.Task calldata task) internal view {
        bytes32 stored = taskManager.taskHash(taskIndex);
        if (stored == bytes32(0) || stored != keccak256(abi.encode(task))) revert TaskMismatch(taskIndex);
    }

    function _deadline(ICvmTaskManagerTypes.Task calldata task) internal view returns (uint256) {
        return uint256(task.taskCreatedBlock) + taskManager.config().taskResponseWindowBlock;
    }
}
