// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

interface ICStakingErrors {
    /// @dev `amount` or `shares` is zero.
    error ZeroAmount();
    /// @dev The consensus key is zero or already bound to another operator.
    error ConsensusKeyUnavailable(bytes32 consensusKey, address boundTo);
    /// @dev Stake is only accepted for operators that bound a consensus key.
    error NoConsensusKey(address operator);
    /// @dev The operator's active pool was slashed to zero; it cannot take new stake.
    error PoolFullySlashed(address operator);
    /// @dev The staker holds fewer pool shares than requested.
    error InsufficientShares(address staker, address operator, uint256 requested, uint256 held);
    /// @dev Only the request's staker may withdraw it.
    error NotRequestOwner(uint256 requestId, address caller);
    /// @dev The unbonding period of the request has not passed yet.
    error StillUnbonding(uint256 requestId, uint64 withdrawableAt);
    /// @dev Only the slasher (the AVS task manager) or an allowed slasher may slash.
    error OnlySlasher(address caller);
    /// @dev An allowed slasher must not be the zero address.
    error ZeroSlasher();
    /// @dev 0 < wad ≤ 1e18 is required.
    error InvalidWad(uint256 wad);
}

interface ICStakingEvents {
    event ConsensusKeySet(address indexed operator, bytes32 indexed consensusKey);
    event Staked(
        address indexed staker, address indexed operator, bytes32 consensusKey, uint256 amount, uint256 shares
    );
    event UnstakeRequested(
        uint256 indexed requestId,
        address indexed staker,
        address indexed operator,
        uint256 amount,
        uint64 withdrawableAt
    );
    event Withdrawn(uint256 indexed requestId, address indexed staker, address indexed operator, uint256 amount);
    event OperatorStakeSlashed(address indexed operator, uint256 wad, uint256 activeSlashed, uint256 unbondingSlashed);
    event SlasherSet(address slasher);
    event SlasherAllowed(address indexed account, bool allowed);
    event UnbondingPeriodSet(uint64 unbondingPeriod);
}

/// @title ICStaking — native `$C` staking, the second half of the network's dual-staked security.
/// @notice Stakers stake `$C` to an operator that bound an ed25519 consensus key (bytes32). Each operator has an
///         active pool and an unbonding pool, both share-based, so a slash reduces every staker of the operator
///         pro rata — including stake that is still unbonding. Unstaking moves stake to the unbonding pool; after
///         `unbondingPeriod` seconds it can be withdrawn. The stake aggregator indexes the events; the AVS registry
///         reads `operatorStake` (active pool only) as the `$C` part of an operator's weight.
interface ICStaking is ICStakingErrors, ICStakingEvents {
    /// @notice Binds (or rotates) the caller's consensus key. A key can be bound to one operator only, for good:
    ///         a rotated-out key stays bound to its operator (misbehaviour signed with it is slashed later).
    function setConsensusKey(bytes32 consensusKey) external;

    /// @notice Stakes `amount` `$C` of the caller to `operator`; returns the pool shares minted.
    function stake(address operator, uint256 amount) external returns (uint256 shares);

    /// @notice Starts unbonding `shares` of the caller's stake with `operator`; returns the request id.
    function unstake(address operator, uint256 shares) external returns (uint256 requestId);

    /// @notice Withdraws an unbonded request to its staker; returns the amount paid (after any slashing).
    function withdraw(uint256 requestId) external returns (uint256 amount);

    /// @notice Slasher (or an allowed slasher): burns `wad` (1e18 = 100 %) of the operator's active and unbonding pools.
    function slash(address operator, uint256 wad) external returns (uint256 slashed);

    /// @notice Owner: sets the slasher (the AVS task manager).
    function setSlasher(address slasher) external;

    /// @notice Owner: allows (or stops allowing) `account` to slash next to the slasher, e.g. the
    ///         CvmMisbehaviourSlasher for CometBFT misbehaviour the CVM chain recorded.
    function setSlasherAllowed(address account, bool allowed) external;

    /// @notice Whether `account` may call `slash`: the slasher or an allowed one.
    function isSlasher(address account) external view returns (bool);

    /// @notice Owner: sets the unbonding period in seconds (applies to new requests).
    function setUnbondingPeriod(uint64 unbondingPeriod) external;

    /// @notice Active (non-unbonding) `$C` staked to `operator`.
    function operatorStake(address operator) external view returns (uint256);

    /// @notice `$C` value of `staker`'s active stake with `operator`.
    function stakeOf(address staker, address operator) external view returns (uint256);

    function sharesOf(address staker, address operator) external view returns (uint256);

    function consensusKeyOf(address operator) external view returns (bytes32);

    function operatorOfConsensusKey(bytes32 consensusKey) external view returns (address);

    /// @notice `$C` value of an unbonding request (0 once withdrawn).
    function unbondingAmount(uint256 requestId) external view returns (uint256);
}
