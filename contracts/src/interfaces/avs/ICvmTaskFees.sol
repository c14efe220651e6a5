// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManager, ICvmTaskManagerTypes} from "./ICvmTaskManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface ICvmTaskFeesTypes {
    enum FeeStatus {
        None,
        Held,
        Released,
        Refunded
    }

    /// @notice One task's fee. `deadlineBlock`: the task's response deadline at escrow time (informational; the
    ///         refund checks the task manager's current window).
    struct Fee {
        IERC20 token;
        FeeStatus status;
        address payer;
        uint96 amount;
        address refundCollector;
        uint32 deadlineBlock;
    }
}

interface ICvmTaskFeesErrors {
    error TokenNotAccepted(address token);
    error AmountIsZero();
    error InvalidAddressZero();
    error TaskMismatch(uint32 taskIndex);
    error FeeAlreadyEscrowed(uint32 taskIndex);
    error DeadlinePassed(uint32 taskIndex, uint256 deadlineBlock);
    error FeeNotHeld(uint32 taskIndex);
    error TaskNotResponded(uint32 taskIndex);
    error TaskResponded(uint32 taskIndex);
    error DeadlineNotPassed(uint32 taskIndex, uint256 deadlineBlock);
}

interface ICvmTaskFeesEvents is ICvmTaskFeesTypes {
    event FeeEscrowed(
        uint32 indexed taskIndex,
        address indexed payer,
        IERC20 indexed token,
        uint256 amount,
        address refundCollector,
        uint32 deadlineBlock
    );
    event FeeReleased(uint32 indexed taskIndex, IERC20 indexed token, address rewardPool, uint256 amount);
    event FeeRefunded(uint32 indexed taskIndex, IERC20 indexed token, address refundCollector, uint256 amount);
    event TokenAcceptedSet(IERC20 indexed token, bool accepted);
    event RewardPoolSet(address rewardPool);
}

/// @title ICvmTaskFees — task-fee escrow of the CVM AVS.
/// @notice Whoever requests a task (a manuscript owner, a consumer contract) escrows a fee in an accepted ERC-20 for
///         an existing task before its response deadline. Anyone then settles it: `release` once the task manager
///         holds a response (the fee goes to the AVS reward pool, the service manager, which turns it into an
///         EigenLayer rewards submission), or `refund` once the response window has ended without one (the fee
///         goes to the payer's refund collector). One fee per task; `escrowed = released + refunded + held` per
///         token at all times.
interface ICvmTaskFees is ICvmTaskFeesErrors, ICvmTaskFeesEvents {
    /// @notice Pulls `amount` of `token` from the caller as the fee of task `taskIndex` (`task` must hash to the
    ///         stored task; the block must not be past its response deadline).
    function escrow(
        uint32 taskIndex,
        ICvmTaskManagerTypes.Task calldata task,
        IERC20 token,
        uint96 amount,
        address refundCollector
    ) external;

    /// @notice Anyone: sends a held fee of a responded task to the reward pool.
    function release(uint32 taskIndex) external;

    /// @notice Anyone: sends a held fee of a task that was not responded by its deadline to its refund collector.
    function refund(uint32 taskIndex, ICvmTaskManagerTypes.Task calldata task) external;

    /// @notice Owner: accepts (or stops accepting) `token` for new fees.
    function setTokenAccepted(IERC20 token, bool accepted) external;

    /// @notice Owner: where released fees go.
    function setRewardPool(address rewardPool) external;

    function fee(uint32 taskIndex) external view returns (Fee memory);

    function isTokenAccepted(IERC20 token) external view returns (bool);

    function rewardPool() external view returns (address);

    function taskManager() external view returns (ICvmTaskManager);

    /// @notice Per token: the sums of everything escrowed, released and refunded, and what is held now.
    function totals(IERC20 token)
        external
        view
        returns (uint256 escrowed, uint256 released, uint256 refunded, uint256 held);
}
