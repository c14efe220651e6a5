// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {CStakingStorage} from "./CStakingStorage.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title CStaking — `$C` staking bound to operators and their consensus keys (see ICStaking).
contract CStaking is Initializable, OwnableUpgradeable, ReentrancyGuardTransient, CStakingStorage {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 internal constant WAD = 1e18;

    constructor(ERC20Burnable token_) CStakingStorage(token_) {
        _disableInitializers();
    }

    function initialize(address initialOwner, address slasher_, uint64 unbondingPeriod_) external initializer {
        __Ownable_init(initialOwner);
        slasher = slasher_;
        unbondingPeriod = unbondingPeriod_;
        emit SlasherSet(slasher_);
        emit UnbondingPeriodSet(unbondingPeriod_);
    }

    /// @inheritdoc ICStaking
    function setConsensusKey(bytes32 consensusKey) external {
        address boundTo = _keyOperator[consensusKey];
        if (consensusKey == bytes32(0) || (boundTo != address(0) && boundTo != msg.sender)) {
            revert ConsensusKeyUnavailable(consensusKey, boundTo);
        }
        // A rotated-out key stays bound to this operator (`operatorOfConsensusKey` keeps answering it):
        // misbehaviour signed with it is reported after the fact (CvmMisbehaviourSlasher), so rotating must
        // not let the offender escape, and no other operator may ever take a key someone signed with.
        _consensusKey[msg.sender] = consensusKey;
        _keyOperator[consensusKey] = msg.sender;
        emit ConsensusKeySet(msg.sender, consensusKey);
    }

    /// @inheritdoc ICStaking
    function stake(address operator, uint256 amount) external nonReentrant returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        bytes32 key = _consensusKey[operator];
        if (key == bytes32(0)) revert NoConsensusKey(operator);
        Pool memory pool = _active[operator];
        if (pool.stake == 0 && pool.shares != 0) revert PoolFullySlashed(operator);
        shares = pool.shares == 0 ? amount : Math.mulDiv(amount, pool.shares, pool.stake);
        if (shares == 0) revert ZeroAmount();
        _active[operator] = Pool((pool.stake + amount).toUint128(), (pool.shares + shares).toUint128());
        _shares[msg.sender][operator] += shares;
        emit Staked(msg.sender, operator, key, amount, shares);
        IERC20(address(token)).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ICStaking
    function unstake(address operator, uint256 shares) external returns (uint256 requestId) {
        if (shares == 0) revert ZeroAmount();
        uint256 held = _shares[msg.sender][operator];
        if (shares > held) revert InsufficientShares(msg.sender, operator, shares, held);
        Pool memory pool = _active[operator];
        uint256 amount = Math.mulDiv(shares, pool.stake, pool.shares);
        // Shares worth nothing (after a slash) cannot be unbonded; they keep their claim on future value.
        if (amount == 0) revert ZeroAmount();
        _shares[msg.sender][operator] = held - shares;
        _active[operator] = Pool(pool.stake - amount.toUint128(), pool.shares - shares.toUint128());

        uint32 epoch = _unbondingEpoch[operator];
        Pool memory ub = _unbonding[operator][epoch];
        if (ub.stake == 0 && ub.shares != 0) {
            // Slashed to zero with requests outstanding: those keep their (worthless) epoch; start a fresh pool.
            epoch += 1;
            _unbondingEpoch[operator] = epoch;
            ub = Pool(0, 0);
        }
        uint256 ubShares = ub.shares == 0 ? amount : Math.mulDiv(amount, ub.shares, ub.stake);
        _unbonding[operator][epoch] = Pool((ub.stake + amount).toUint128(), (ub.shares + ubShares).toUint128());

        requestId = nextRequestId++;
        uint64 withdrawableAt = uint64(block.timestamp) + unbondingPeriod;
        _requests[requestId] = UnbondingRequest(msg.sender, operator, ubShares.toUint128(), withdrawableAt, epoch);
        emit UnstakeRequested(requestId, msg.sender, operator, amount, withdrawableAt);
    }

    /// @inheritdoc ICStaking
    function withdraw(uint256 requestId) external nonReentrant returns (uint256 amount) {
        UnbondingRequest memory r = _requests[requestId];
        if (r.staker != msg.sender) revert NotRequestOwner(requestId, msg.sender);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < r.withdrawableAt) revert StillUnbonding(requestId, r.withdrawableAt);
        Pool memory ub = _unbonding[r.operator][r.epoch];
        amount = Math.mulDiv(r.shares, ub.stake, ub.shares);
        _unbonding[r.operator][r.epoch] = Pool(ub.stake - amount.toUint128(), ub.shares - r.shares);
        delete _requests[requestId];
        emit Withdrawn(requestId, msg.sender, r.operator, amount);
        if (amount != 0) IERC20(address(token)).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ICStaking
    function slash(address operator, uint256 wad) external nonReentrant returns (uint256 slashed) {
        if (msg.sender != slasher && !_allowedSlasher[msg.sender]) revert OnlySlasher(msg.sender);
        if (wad == 0 || wad > WAD) revert InvalidWad(wad);
        Pool memory a = _active[operator];
        uint32 epoch = _unbondingEpoch[operator];
        Pool memory ub = _unbonding[operator][epoch];
        uint256 fromActive = Math.mulDiv(a.stake, wad, WAD, Math.Rounding.Ceil);
        uint256 fromUnbonding = Math.mulDiv(ub.stake, wad, WAD, Math.Rounding.Ceil);
        _active[operator].stake = a.stake - fromActive.toUint128();
        _unbonding[operator][epoch].stake = ub.stake - fromUnbonding.toUint128();
        slashed = fromActive + fromUnbonding;
        emit OperatorStakeSlashed(operator, wad, fromActive, fromUnbonding);
        if (slashed != 0) token.burn(slashed);
    }

    /// @inheritdoc ICStaking
    function setSlasher(address slasher_) external onlyOwner {
        slasher = slasher_;
        emit SlasherSet(slasher_);
    }

    /// @inheritdoc ICStaking
    function setSlasherAllowed(address account, bool allowed) external onlyOwner {
        if (account == address(0)) revert ZeroSlasher();
        _allowedSlasher[account] = allowed;
        emit SlasherAllowed(account, allowed);
    }

    /// @inheritdoc ICStaking
    function isSlasher(address account) external view returns (bool) {
        return account != address(0) && (account == slasher || _allowedSlasher[account]);
    }

    /// @inheritdoc ICStaking
    function setUnbondingPeriod(uint64 unbondingPeriod_) external onlyOwner {
        unbondingPeriod = unbondingPeriod_;
        emit UnbondingPeriodSet(unbondingPeriod_);
    }

    /// @inheritdoc ICStaking
    function operatorStake(address operator) external view returns (uint256) {
        return _active[operator].stake;
    }

    /// @inheritdoc ICStaking
    function stakeOf(address staker, address operator) external view returns (uint256) {
        Pool memory pool = _active[operator];
        return pool.shares == 0 ? 0 : Math.mulDiv(_shares[staker][operator], pool.stake, pool.shares);
    }

    /// @inheritdoc ICStaking
    function sharesOf(address staker, address operator) external view returns (uint256) {
        return _shares[staker][operator];
    }

    /// @inheritdoc ICStaking
    function consensusKeyOf(address operator) external view returns (bytes32) {
        return _consensusKey[operator];
    }

    /// @inheritdoc ICStaking
    function operatorOfConsensusKey(bytes32 consensusKey) external view returns (address) {
        return _keyOperator[consensusKey];
    }

    /// @inheritdoc ICStaking
    function unbondingAmount(uint256 requestId) external view returns (uint256) {
        UnbondingRequest memory r = _requests[requestId];
        Pool memory ub = _unbonding[r.operator][r.epoch];
        return ub.shares == 0 ? 0 : Math.mulDiv(r.shares, ub.stake, ub.shares);
    }
}
