// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAllocationManager} from "../interfaces/core/IAllocationManager.sol";
import {IPermissionController} from "../interfaces/core/IPermissionController.sol";
import {IRewardsCoordinator} from "../interfaces/core/IRewardsCoordinator.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../interfaces/core/IStrategyManager.sol";
import {OperatorSet} from "../libraries/OperatorSetLib.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title RewardsCoordinator — devnet stand-in for EigenLayer's RewardsCoordinator, operator-directed operator-set
///        submissions only (see IRewardsCoordinator).
/// @notice Same function names, structs, events, errors, submission hash (`keccak256(abi.encode(avs, nonce,
///         submission))`), leaf hashes and claim format as the current core. Not in the stand-in: v1 / rewards-for-all
///         / unique- and total-stake submissions, per-operator split setters (the default split applies), protocol
///         fees, pausing, `processClaims`.
contract RewardsCoordinator is Initializable, OwnableUpgradeable, ReentrancyGuardTransient, IRewardsCoordinator {
    using SafeERC20 for IERC20;

    /// @dev Salts that keep earner and token leaves apart (both are 52 bytes of data).
    uint8 internal constant EARNER_LEAF_SALT = 0;
    uint8 internal constant TOKEN_LEAF_SALT = 1;
    uint16 internal constant ONE_HUNDRED_IN_BIPS = 10_000;
    /// @notice The largest sum of one submission (the off-chain calculation's limit in EigenLayer).
    uint256 internal constant MAX_REWARDS_AMOUNT = 1e38 - 1;
    IStrategy internal constant BEACON_CHAIN_ETH_STRATEGY = IStrategy(0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0);

    IAllocationManager public immutable allocationManager;
    IStrategyManager public immutable strategyManager;
    IPermissionController public immutable permissionController;
    /// @inheritdoc IRewardsCoordinator
    uint32 public immutable CALCULATION_INTERVAL_SECONDS;
    /// @inheritdoc IRewardsCoordinator
    uint32 public immutable MAX_REWARDS_DURATION;
    /// @inheritdoc IRewardsCoordinator
    uint32 public immutable MAX_RETROACTIVE_LENGTH;
    /// @inheritdoc IRewardsCoordinator
    uint32 public immutable GENESIS_REWARDS_TIMESTAMP;

    DistributionRoot[] internal _distributionRoots;
    /// @inheritdoc IRewardsCoordinator
    address public rewardsUpdater;
    /// @inheritdoc IRewardsCoordinator
    uint32 public activationDelay;
    /// @inheritdoc IRewardsCoordinator
    uint32 public currRewardsCalculationEndTimestamp;
    /// @inheritdoc IRewardsCoordinator
    uint16 public defaultOperatorSplitBips;
    /// @inheritdoc IRewardsCoordinator
    mapping(address earner => address claimer) public claimerFor;
    /// @inheritdoc IRewardsCoordinator
    mapping(address earner => mapping(IERC20 token => uint256)) public cumulativeClaimed;
    /// @inheritdoc IRewardsCoordinator
    mapping(address avs => uint256) public submissionNonce;
    /// @inheritdoc IRewardsCoordinator
    mapping(address avs => mapping(bytes32 hash => bool)) public isOperatorDirectedOperatorSetRewardsSubmissionHash;

    uint256[42] private __gap;

    modifier onlyRewardsUpdater() {
        if (msg.sender != rewardsUpdater) revert UnauthorizedCaller();
        _;
    }

    constructor(
        IAllocationManager allocationManager_,
        IStrategyManager strategyManager_,
        IPermissionController permissionController_,
        uint32 calculationIntervalSeconds,
        uint32 maxRewardsDuration,
        uint32 maxRetroactiveLength,
        uint32 genesisRewardsTimestamp
    ) {
        if (genesisRewardsTimestamp % calculationIntervalSeconds != 0) {
            revert InvalidGenesisRewardsTimestampRemainder();
        }
        if (maxRewardsDuration % calculationIntervalSeconds != 0) revert InvalidCalculationIntervalSecondsRemainder();
        allocationManager = allocationManager_;
        strategyManager = strategyManager_;
        permissionController = permissionController_;
        CALCULATION_INTERVAL_SECONDS = calculationIntervalSeconds;
        MAX_REWARDS_DURATION = maxRewardsDuration;
        MAX_RETROACTIVE_LENGTH = maxRetroactiveLength;
        GENESIS_REWARDS_TIMESTAMP = genesisRewardsTimestamp;
        _disableInitializers();
    }

    function initialize(address initialOwner, address rewardsUpdater_, uint32 activationDelay_, uint16 defaultSplitBips)
        external
        initializer
    {
        __Ownable_init(initialOwner);
        _setRewardsUpdater(rewardsUpdater_);
        _setActivationDelay(activationDelay_);
        _setDefaultOperatorSplit(defaultSplitBips);
    }

    // ------------------------------------------------------------------ submissions

    /// @inheritdoc IRewardsCoordinator
    function createOperatorDirectedOperatorSetRewardsSubmission(
        OperatorSet calldata operatorSet,
        OperatorDirectedRewardsSubmission[] calldata submissions
    ) external nonReentrant {
        if (
            msg.sender != operatorSet.avs
                && !permissionController.canCall(operatorSet.avs, msg.sender, address(this), msg.sig)
        ) revert UnauthorizedCaller();
        if (!allocationManager.isOperatorSet(operatorSet)) revert InvalidOperatorSet();
        for (uint256 i; i < submissions.length; ++i) {
            OperatorDirectedRewardsSubmission calldata s = submissions[i];
            uint256 nonce = submissionNonce[operatorSet.avs];
            uint256 total = _validate(s);
            bytes32 hash = keccak256(abi.encode(operatorSet.avs, nonce, s));
            isOperatorDirectedOperatorSetRewardsSubmissionHash[operatorSet.avs][hash] = true;
            submissionNonce[operatorSet.avs] = nonce + 1;
            emit OperatorDirectedOperatorSetRewardsSubmissionCreated(msg.sender, hash, operatorSet, nonce, s);
            s.token.safeTransferFrom(msg.sender, address(this), total);
        }
    }

    /// @dev The current core's rules, in its order; returns the sum of the operators' amounts.
    function _validate(OperatorDirectedRewardsSubmission calldata s) internal view returns (uint256 total) {
        if (s.strategiesAndMultipliers.length == 0) revert InputArrayLengthZero();
        if (s.duration > MAX_REWARDS_DURATION) revert DurationExceedsMax();
        if (s.duration % CALCULATION_INTERVAL_SECONDS != 0) revert InvalidDurationRemainder();
        if (s.duration == 0) revert DurationIsZero();
        if (s.startTimestamp % CALCULATION_INTERVAL_SECONDS != 0) revert InvalidStartTimestampRemainder();
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp - MAX_RETROACTIVE_LENGTH > s.startTimestamp || GENESIS_REWARDS_TIMESTAMP > s.startTimestamp)
        {
            revert StartTimestampTooFarInPast();
        }
        address last;
        for (uint256 i; i < s.strategiesAndMultipliers.length; ++i) {
            IStrategy strategy = s.strategiesAndMultipliers[i].strategy;
            if (!strategyManager.strategyIsWhitelistedForDeposit(strategy) && strategy != BEACON_CHAIN_ETH_STRATEGY) {
                revert StrategyNotWhitelisted();
            }
            if (address(strategy) <= last) revert StrategiesNotInAscendingOrder();
            last = address(strategy);
        }
        if (s.operatorRewards.length == 0) revert InputArrayLengthZero();
        // forge-lint: disable-next-line(block-timestamp)
        if (uint256(s.startTimestamp) + s.duration >= block.timestamp) revert SubmissionNotRetroactive();
        last = address(0);
        for (uint256 i; i < s.operatorRewards.length; ++i) {
            OperatorReward calldata r = s.operatorRewards[i];
            if (r.operator == address(0)) revert InvalidAddressZero();
            if (r.operator <= last) revert OperatorsNotInAscendingOrder();
            if (r.amount == 0) revert AmountIsZero();
            total += r.amount;
            last = r.operator;
        }
        if (total > MAX_REWARDS_AMOUNT) revert AmountExceedsMax();
    }

    // ------------------------------------------------------------------ roots and claims

    /// @inheritdoc IRewardsCoordinator
    function submitRoot(bytes32 root, uint32 rewardsCalculationEndTimestamp) external onlyRewardsUpdater {
        if (rewardsCalculationEndTimestamp <= currRewardsCalculationEndTimestamp) {
            revert NewRootMustBeForNewCalculatedPeriod();
        }
        // forge-lint: disable-next-line(block-timestamp)
        if (rewardsCalculationEndTimestamp >= block.timestamp) revert RewardsEndTimestampNotElapsed();
        uint32 rootIndex = uint32(_distributionRoots.length);
        uint32 activatedAt = uint32(block.timestamp) + activationDelay;
        _distributionRoots.push(
            DistributionRoot({
                root: root,
                rewardsCalculationEndTimestamp: rewardsCalculationEndTimestamp,
                activatedAt: activatedAt,
                disabled: false
            })
        );
        currRewardsCalculationEndTimestamp = rewardsCalculationEndTimestamp;
        emit DistributionRootSubmitted(rootIndex, root, rewardsCalculationEndTimestamp, activatedAt);
    }

    /// @inheritdoc IRewardsCoordinator
    function disableRoot(uint32 rootIndex) external onlyRewardsUpdater {
        if (rootIndex >= _distributionRoots.length) revert InvalidRootIndex();
        DistributionRoot storage root = _distributionRoots[rootIndex];
        if (root.disabled) revert RootDisabled();
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= root.activatedAt) revert RootAlreadyActivated();
        root.disabled = true;
        emit DistributionRootDisabled(rootIndex);
    }

    /// @inheritdoc IRewardsCoordinator
    function processClaim(RewardsMerkleClaim calldata claim, address recipient) external nonReentrant {
        if (claim.rootIndex >= _distributionRoots.length) revert InvalidRootIndex();
        DistributionRoot memory root = _distributionRoots[claim.rootIndex];
        _checkClaim(claim, root);
        address earner = claim.earnerLeaf.earner;
        address claimer = claimerFor[earner];
        if (claimer == address(0)) claimer = earner;
        if (msg.sender != claimer) revert UnauthorizedCaller();
        for (uint256 i; i < claim.tokenIndices.length; ++i) {
            TokenTreeMerkleLeaf calldata leaf = claim.tokenLeaves[i];
            uint256 claimed = cumulativeClaimed[earner][leaf.token];
            if (leaf.cumulativeEarnings <= claimed) revert EarningsNotGreaterThanClaimed();
            uint256 amount = leaf.cumulativeEarnings - claimed;
            cumulativeClaimed[earner][leaf.token] = leaf.cumulativeEarnings;
            leaf.token.safeTransfer(recipient, amount);
            emit RewardsClaimed(root.root, earner, claimer, recipient, leaf.token, amount);
        }
    }

    /// @inheritdoc IRewardsCoordinator
    function checkClaim(RewardsMerkleClaim calldata claim) external view returns (bool) {
        if (claim.rootIndex >= _distributionRoots.length) revert InvalidRootIndex();
        _checkClaim(claim, _distributionRoots[claim.rootIndex]);
        return true;
    }

    function _checkClaim(RewardsMerkleClaim calldata claim, DistributionRoot memory root) internal view {
        if (root.disabled) revert RootDisabled();
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < root.activatedAt) revert RootNotActivated();
        if (claim.tokenIndices.length != claim.tokenTreeProofs.length) revert InputArrayLengthMismatch();
        if (claim.tokenTreeProofs.length != claim.tokenLeaves.length) revert InputArrayLengthMismatch();
        if (claim.earnerIndex >= (uint256(1) << (claim.earnerTreeProof.length / 32))) revert InvalidEarnerLeafIndex();
        if (!_verify(claim.earnerTreeProof, root.root, calculateEarnerLeafHash(claim.earnerLeaf), claim.earnerIndex)) {
            revert InvalidClaimProof();
        }
        for (uint256 i; i < claim.tokenIndices.length; ++i) {
            if (claim.tokenIndices[i] >= (uint256(1) << (claim.tokenTreeProofs[i].length / 32))) {
                revert InvalidTokenLeafIndex();
            }
            bytes32 leaf = calculateTokenLeafHash(claim.tokenLeaves[i]);
            if (!_verify(claim.tokenTreeProofs[i], claim.earnerLeaf.earnerTokenRoot, leaf, claim.tokenIndices[i])) {
                revert InvalidClaimProof();
            }
        }
    }

    /// @dev Keccak Merkle inclusion: `proof` is 32-byte siblings bottom up; bit k of `index` set = the node is the
    ///      right child at level k. A proof whose length is not a multiple of 32 or a zero root never verifies.
    function _verify(bytes calldata proof, bytes32 root, bytes32 leaf, uint256 index) internal pure returns (bool) {
        if (root == bytes32(0) || proof.length % 32 != 0) return false;
        bytes32 node = leaf;
        for (uint256 off; off < proof.length; off += 32) {
            bytes32 sibling = bytes32(proof[off:off + 32]);
            node = index & 1 == 0
                ? keccak256(abi.encodePacked(node, sibling))
                : keccak256(abi.encodePacked(sibling, node));
            index >>= 1;
        }
        return index == 0 && node == root;
    }

    /// @inheritdoc IRewardsCoordinator
    function calculateEarnerLeafHash(EarnerTreeMerkleLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(EARNER_LEAF_SALT, leaf.earner, leaf.earnerTokenRoot));
    }

    /// @inheritdoc IRewardsCoordinator
    function calculateTokenLeafHash(TokenTreeMerkleLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(TOKEN_LEAF_SALT, leaf.token, leaf.cumulativeEarnings));
    }

    // ------------------------------------------------------------------ settings

    /// @inheritdoc IRewardsCoordinator
    function setClaimerFor(address claimer) external {
        address prev = claimerFor[msg.sender];
        claimerFor[msg.sender] = claimer;
        emit ClaimerForSet(msg.sender, prev, claimer);
    }

    /// @inheritdoc IRewardsCoordinator
    function setRewardsUpdater(address rewardsUpdater_) external onlyOwner {
        _setRewardsUpdater(rewardsUpdater_);
    }

    /// @inheritdoc IRewardsCoordinator
    function setActivationDelay(uint32 activationDelay_) external onlyOwner {
        _setActivationDelay(activationDelay_);
    }

    /// @inheritdoc IRewardsCoordinator
    function setDefaultOperatorSplit(uint16 split) external onlyOwner {
        _setDefaultOperatorSplit(split);
    }

    function _setRewardsUpdater(address rewardsUpdater_) internal {
        emit RewardsUpdaterSet(rewardsUpdater, rewardsUpdater_);
        rewardsUpdater = rewardsUpdater_;
    }

    function _setActivationDelay(uint32 activationDelay_) internal {
        emit ActivationDelaySet(activationDelay, activationDelay_);
        activationDelay = activationDelay_;
    }

    function _setDefaultOperatorSplit(uint16 split) internal {
        if (split > ONE_HUNDRED_IN_BIPS) revert SplitExceedsMax();
        emit DefaultOperatorSplitBipsSet(defaultOperatorSplitBips, split);
        defaultOperatorSplitBips = split;
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRewardsCoordinator
    function getOperatorSetSplit(address, OperatorSet calldata) external view returns (uint16) {
        return defaultOperatorSplitBips;
    }

    /// @inheritdoc IRewardsCoordinator
    function getDistributionRootsLength() external view returns (uint256) {
        return _distributionRoots.length;
    }

    /// @inheritdoc IRewardsCoordinator
    function getDistributionRootAtIndex(uint256 index) external view returns (DistributionRoot memory) {
        return _distributionRoots[index];
    }

    /// @inheritdoc IRewardsCoordinator
    function getCurrentDistributionRoot() external view returns (DistributionRoot memory) {
        return _distributionRoots[_distributionRoots.length - 1];
    }

    /// @inheritdoc IRewardsCoordinator
    function getRootIndexFromHash(bytes32 rootHash) external view returns (uint32) {
        for (uint256 i = _distributionRoots.length; i > 0; --i) {
            if (_distributionRoots[i - 1].root == rootHash) return uint32(i - 1);
        }
        revert InvalidRoot();
    }
}
