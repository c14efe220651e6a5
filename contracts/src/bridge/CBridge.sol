// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmAccumulator} from "./CvmAccumulator.sol";
import {ICBridge} from "./ICBridge.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "./ICvmCheckpoints.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title CBridge — the `$C` bridge's Ethereum side (see ICBridge).
contract CBridge is Ownable, ICBridge {
    using SafeERC20 for IERC20;

    /// @inheritdoc ICBridge
    IERC20 public immutable token;
    /// @inheritdoc ICBridge
    ICvmCheckpoints public immutable checkpoints;

    /// @inheritdoc ICBridge
    address public guardian;
    /// @inheritdoc ICBridge
    uint64 public depositCount;

    // One slot, read and written by every claim.
    /// @inheritdoc ICBridge
    bool public paused;
    uint64 internal _period;
    uint128 internal _withdrawnInPeriod;

    /// @inheritdoc ICBridge
    uint64 public periodSeconds;
    /// @inheritdoc ICBridge
    uint256 public withdrawalLimit;

    /// @dev Claimed withdrawal nonces, 256 per word.
    mapping(uint256 word => uint256 bits) internal _claimed;

    constructor(
        address initialOwner,
        IERC20 token_,
        ICvmCheckpoints checkpoints_,
        address guardian_,
        uint64 periodSeconds_,
        uint256 limit_
    ) Ownable(initialOwner) {
        if (address(token_) == address(0) || address(checkpoints_) == address(0)) {
            revert ZeroAddress();
        }
        token = token_;
        checkpoints = checkpoints_;
        _setGuardian(guardian_);
        _setWithdrawalLimit(periodSeconds_, limit_);
    }

    modifier whenNotPaused() {
        if (paused) revert BridgePaused();
        _;
    }

    /// @inheritdoc ICBridge
    function deposit(bytes32 cvmRecipient, uint256 amount) external whenNotPaused returns (uint64 nonce) {
        if (amount == 0) revert ZeroAmount();
        if (cvmRecipient == bytes32(0)) revert ZeroRecipient();
        nonce = depositCount++;
        emit Deposited(nonce, msg.sender, cvmRecipient, amount);
        // Interaction last; `$C` is our own ERC-20 (no hooks), and the nonce is already taken.
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ICBridge
    function claimWithdrawal(
        uint64 checkpointIndex,
        ICvmCheckpointsTypes.Checkpoint calldata cp,
        uint64 nonce,
        address recipient,
        uint256 amount,
        bytes32[] calldata siblings
    ) external whenNotPaused {
        uint256 word = nonce >> 8;
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _claimed[word];
        if (bits & bit != 0) revert AlreadyClaimed(nonce);
        if (
            CvmAccumulator.computeRoot(CvmAccumulator.withdrawalLeaf(nonce, recipient, amount), nonce, siblings)
                != cp.withdrawalsRoot
        ) revert InvalidWithdrawalProof(nonce);
        if (!checkpoints.isAccepted(checkpointIndex, cp)) revert CheckpointNotAccepted(checkpointIndex);

        uint64 period = uint64(block.timestamp / periodSeconds);
        uint256 withdrawn = period == _period ? _withdrawnInPeriod : 0;
        uint256 limit = withdrawalLimit;
        if (withdrawn + amount > limit) revert WithdrawalLimitExceeded(period, withdrawn, amount, limit);
        _period = period;
        _withdrawnInPeriod = uint128(withdrawn + amount); // ≤ limit, which is below 2^128 (setWithdrawalLimit)
        _claimed[word] = bits | bit;
        emit WithdrawalClaimed(nonce, recipient, amount, cp.height);
        token.safeTransfer(recipient, amount);
    }

    /// @inheritdoc ICBridge
    function pause() external {
        if (msg.sender != guardian && msg.sender != owner()) revert NotGuardian(msg.sender);
        paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ICBridge
    function unpause() external onlyOwner {
        paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc ICBridge
    function setGuardian(address guardian_) external onlyOwner {
        _setGuardian(guardian_);
    }

    /// @inheritdoc ICBridge
    function setWithdrawalLimit(uint64 periodSeconds_, uint256 limit) external onlyOwner {
        _setWithdrawalLimit(periodSeconds_, limit);
    }

    /// @inheritdoc ICBridge
    function isClaimed(uint64 nonce) external view returns (bool) {
        return _claimed[nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc ICBridge
    function withdrawnInCurrentPeriod() external view returns (uint256) {
        // A validator can skew a timestamp by seconds, far less than a rate-limit period.
        // forge-lint: disable-next-line(block-timestamp)
        return block.timestamp / periodSeconds == _period ? _withdrawnInPeriod : 0;
    }

    function _setGuardian(address guardian_) internal {
        if (guardian_ == address(0)) revert ZeroAddress();
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    function _setWithdrawalLimit(uint64 periodSeconds_, uint256 limit) internal {
        if (periodSeconds_ == 0 || limit > type(uint128).max) revert InvalidPeriod();
        periodSeconds = periodSeconds_;
        withdrawalLimit = limit;
        emit WithdrawalLimitSet(periodSeconds_, limit);
    }
}
