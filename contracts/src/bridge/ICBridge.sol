// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmCheckpoints, ICvmCheckpointsTypes} from "./ICvmCheckpoints.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface ICBridgeErrors {
    error ZeroAddress();
    error ZeroAmount();
    error ZeroRecipient();
    error BridgePaused();
    error NotGuardian(address caller);
    /// @notice Withdrawal `nonce` was already claimed.
    error AlreadyClaimed(uint64 nonce);
    /// @notice `cp` is not accepted checkpoint number `index` (or that one is no longer retained).
    error CheckpointNotAccepted(uint64 index);
    /// @notice The proof does not lead from the withdrawal's leaf to the checkpoint's withdrawals root.
    error InvalidWithdrawalProof(uint64 nonce);
    /// @notice This claim would bring period `period`'s withdrawals from `withdrawn` past `limit`.
    error WithdrawalLimitExceeded(uint64 period, uint256 withdrawn, uint256 amount, uint256 limit);
    error InvalidPeriod();
}

interface ICBridgeEvents {
    /// @notice `amount` `$C` locked by `sender` for `cvmRecipient` on the CVM chain; nonces are 0, 1, 2, …
    event Deposited(uint64 indexed nonce, address indexed sender, bytes32 indexed cvmRecipient, uint256 amount);
    event WithdrawalClaimed(uint64 indexed nonce, address indexed recipient, uint256 amount, uint64 checkpointHeight);
    event Paused(address indexed by);
    event Unpaused(address indexed by);
    event GuardianSet(address indexed guardian);
    event WithdrawalLimitSet(uint64 periodSeconds, uint256 limit);
}

/// @title ICBridge — locks `$C` on Ethereum for the CVM chain and releases withdrawals proven by a checkpoint.
/// @notice Deposits are credited on the CVM chain by its validators (idempotent by nonce). Withdrawals are burned on
///         the CVM chain, enter the withdrawals accumulator (leaf keccak256(abi.encode(uint64 nonce, address
///         recipient, uint256 amount)), nonce order) and are claimed here with a proof against the withdrawals root of
///         any accepted checkpoint that covers them. docs/BRIDGE.md has the flows and the trust model.
interface ICBridge is ICBridgeErrors, ICBridgeEvents {
    /// @notice Locks `amount` (pulled with transferFrom) for `cvmRecipient` (an account on the CVM chain).
    function deposit(bytes32 cvmRecipient, uint256 amount) external returns (uint64 nonce);

    /// @notice Anyone: pays withdrawal `nonce` (`amount` to `recipient`) once, given its accumulator proof (sibling
    ///         hashes bottom up; trailing empty-subtree siblings may be left out) against `cp.withdrawalsRoot`, `cp`
    ///         being accepted checkpoint number `checkpointIndex` (any retained one that covers the withdrawal).
    function claimWithdrawal(
        uint64 checkpointIndex,
        ICvmCheckpointsTypes.Checkpoint calldata cp,
        uint64 nonce,
        address recipient,
        uint256 amount,
        bytes32[] calldata siblings
    ) external;

    /// @notice Guardian or owner: stops deposits and claims.
    function pause() external;

    /// @notice Owner: resumes deposits and claims.
    function unpause() external;

    /// @notice Owner.
    function setGuardian(address guardian) external;

    /// @notice Owner: at most `limit` wei may be claimed per `periodSeconds`-long period (periods start at multiples
    ///         of `periodSeconds` of the block timestamp).
    function setWithdrawalLimit(uint64 periodSeconds, uint256 limit) external;

    function isClaimed(uint64 nonce) external view returns (bool);

    function token() external view returns (IERC20);

    function checkpoints() external view returns (ICvmCheckpoints);

    function guardian() external view returns (address);

    function paused() external view returns (bool);

    /// @notice The nonce the next deposit gets (= number of deposits so far).
    function depositCount() external view returns (uint64);

    function periodSeconds() external view returns (uint64);

    function withdrawalLimit() external view returns (uint256);

    /// @notice Withdrawn in the current period.
    function withdrawnInCurrentPeriod() external view returns (uint256);
}
