// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {OperatorSet} from "../../libraries/OperatorSetLib.sol";
import {IStrategy} from "./IStrategy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice The structs of EigenLayer's RewardsCoordinator that the AVS and the operator use (same fields, same order,
///         so ABI encodings and submission hashes match the real contract).
interface IRewardsCoordinatorTypes {
    /// @notice A strategy and its weight in a rewards submission (strategies strictly ascending by address).
    struct StrategyAndMultiplier {
        IStrategy strategy;
        uint96 multiplier;
    }

    /// @notice What one operator gets from an operator-directed submission (operators strictly ascending).
    struct OperatorReward {
        address operator;
        uint256 amount;
    }

    /// @notice An operator-directed rewards submission: strictly retroactive, `startTimestamp` and `duration`
    ///         multiples of `CALCULATION_INTERVAL_SECONDS`, `0 < duration <= MAX_REWARDS_DURATION`.
    struct OperatorDirectedRewardsSubmission {
        StrategyAndMultiplier[] strategiesAndMultipliers;
        IERC20 token;
        OperatorReward[] operatorRewards;
        uint32 startTimestamp;
        uint32 duration;
        string description;
    }

    /// @notice A posted root of the cumulative-earnings tree; claimable from `activatedAt` on.
    struct DistributionRoot {
        bytes32 root;
        uint32 rewardsCalculationEndTimestamp;
        uint32 activatedAt;
        bool disabled;
    }

    /// @notice Leaf of the earner tree: `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`.
    struct EarnerTreeMerkleLeaf {
        address earner;
        bytes32 earnerTokenRoot;
    }

    /// @notice Leaf of an earner's token tree: `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`.
    struct TokenTreeMerkleLeaf {
        IERC20 token;
        uint256 cumulativeEarnings;
    }

    /// @notice A claim against root `rootIndex`: the earner leaf with its proof in the distribution tree and one
    ///         token leaf with its proof in the earner's token tree per token. Trees are keccak Merkle trees padded
    ///         with zero leaves to a power of two; a proof is the concatenated siblings, bottom up; the index's bits
    ///         say left (0) or right (1).
    struct RewardsMerkleClaim {
        uint32 rootIndex;
        uint32 earnerIndex;
        bytes earnerTreeProof;
        EarnerTreeMerkleLeaf earnerLeaf;
        uint32[] tokenIndices;
        bytes[] tokenTreeProofs;
        TokenTreeMerkleLeaf[] tokenLeaves;
    }
}

/// @notice EigenLayer's error names (parameterless, so selectors match the real contract).
interface IRewardsCoordinatorErrors {
    error UnauthorizedCaller();
    error InvalidAddressZero();
    error InvalidRootIndex();
    error InputArrayLengthZero();
    error InputArrayLengthMismatch();
    error NewRootMustBeForNewCalculatedPeriod();
    error RewardsEndTimestampNotElapsed();
    error InvalidOperatorSet();
    error AmountIsZero();
    error AmountExceedsMax();
    error SplitExceedsMax();
    error DurationExceedsMax();
    error DurationIsZero();
    error InvalidDurationRemainder();
    error InvalidGenesisRewardsTimestampRemainder();
    error InvalidCalculationIntervalSecondsRemainder();
    error InvalidStartTimestampRemainder();
    error StartTimestampTooFarInPast();
    error StrategyNotWhitelisted();
    error StrategiesNotInAscendingOrder();
    error OperatorsNotInAscendingOrder();
    error SubmissionNotRetroactive();
    error InvalidClaimProof();
    error InvalidTokenLeafIndex();
    error InvalidEarnerLeafIndex();
    error EarningsNotGreaterThanClaimed();
    error RootDisabled();
    error RootNotActivated();
    error RootAlreadyActivated();
    error InvalidRoot();
}

interface IRewardsCoordinatorEvents is IRewardsCoordinatorTypes {
    event OperatorDirectedOperatorSetRewardsSubmissionCreated(
        address indexed caller,
        bytes32 indexed operatorDirectedRewardsSubmissionHash,
        OperatorSet operatorSet,
        uint256 submissionNonce,
        OperatorDirectedRewardsSubmission operatorDirectedRewardsSubmission
    );
    event RewardsUpdaterSet(address indexed oldRewardsUpdater, address indexed newRewardsUpdater);
    event ActivationDelaySet(uint32 oldActivationDelay, uint32 newActivationDelay);
    event DefaultOperatorSplitBipsSet(uint16 oldDefaultOperatorSplitBips, uint16 newDefaultOperatorSplitBips);
    event ClaimerForSet(address indexed earner, address indexed oldClaimer, address indexed claimer);
    event DistributionRootSubmitted(
        uint32 indexed rootIndex,
        bytes32 indexed root,
        uint32 indexed rewardsCalculationEndTimestamp,
        uint32 activatedAt
    );
    event DistributionRootDisabled(uint32 indexed rootIndex);
    event RewardsClaimed(
        bytes32 root,
        address indexed earner,
        address indexed claimer,
        address indexed recipient,
        IERC20 token,
        uint256 claimedAmount
    );
}

/// @title IRewardsCoordinator — the operator-directed operator-set subset of EigenLayer's RewardsCoordinator.
/// @notice An AVS (or its PermissionController appointee) pays tokens for a past period to named operators of one of
///         its operator sets; the rewards updater (EigenLayer's off-chain service; on the devnet the local root
///         poster) posts a root of everyone's cumulative earnings; earners claim against it with Merkle proofs.
interface IRewardsCoordinator is IRewardsCoordinatorErrors, IRewardsCoordinatorEvents {
    /// @notice The AVS of `operatorSet` or its appointee: pulls the sum of `operatorRewards` of each submission from
    ///         the caller and records the submission. Reverts unless the set exists and each submission is
    ///         retroactive, aligned to `CALCULATION_INTERVAL_SECONDS`, no longer than `MAX_REWARDS_DURATION`, not
    ///         older than `MAX_RETROACTIVE_LENGTH` / `GENESIS_REWARDS_TIMESTAMP`, with whitelisted strategies and
    ///         operators each strictly ascending and non-zero amounts.
    function createOperatorDirectedOperatorSetRewardsSubmission(
        OperatorSet calldata operatorSet,
        OperatorDirectedRewardsSubmission[] calldata operatorDirectedRewardsSubmissions
    ) external;

    /// @notice Rewards updater: posts a distribution root covering earnings up to `rewardsCalculationEndTimestamp`
    ///         (strictly later than the last one and in the past); claimable after `activationDelay`.
    function submitRoot(bytes32 root, uint32 rewardsCalculationEndTimestamp) external;

    /// @notice Rewards updater: disables a root that is not yet active.
    function disableRoot(uint32 rootIndex) external;

    /// @notice The earner (or its claimer): transfers `cumulativeEarnings - cumulativeClaimed` of each token leaf to
    ///         `recipient`.
    function processClaim(RewardsMerkleClaim calldata claim, address recipient) external;

    /// @notice Lets `claimer` claim for the caller.
    function setClaimerFor(address claimer) external;

    function setRewardsUpdater(address rewardsUpdater) external;

    function setActivationDelay(uint32 activationDelay) external;

    function setDefaultOperatorSplit(uint16 split) external;

    function checkClaim(RewardsMerkleClaim calldata claim) external view returns (bool);

    function calculateEarnerLeafHash(EarnerTreeMerkleLeaf calldata leaf) external pure returns (bytes32);

    function calculateTokenLeafHash(TokenTreeMerkleLeaf calldata leaf) external pure returns (bytes32);

    function getDistributionRootsLength() external view returns (uint256);

    function getDistributionRootAtIndex(uint256 index) external view returns (DistributionRoot memory);

    function getCurrentDistributionRoot() external view returns (DistributionRoot memory);

    function getRootIndexFromHash(bytes32 rootHash) external view returns (uint32);

    function rewardsUpdater() external view returns (address);

    function activationDelay() external view returns (uint32);

    function currRewardsCalculationEndTimestamp() external view returns (uint32);

    function claimerFor(address earner) external view returns (address);

    function cumulativeClaimed(address earner, IERC20 token) external view returns (uint256);

    function submissionNonce(address avs) external view returns (uint256);

    function isOperatorDirectedOperatorSetRewardsSubmissionHash(address avs, bytes32 hash) external view returns (bool);

    /// @notice The operators' default share of rewards in basis points (EigenLayer: 1000 = 10 %).
    function defaultOperatorSplitBips() external view returns (uint16);

    /// @notice The operator's split for an operator set; the default while none is set (no per-set setter here).
    function getOperatorSetSplit(address operator, OperatorSet calldata operatorSet) external view returns (uint16);

    function CALCULATION_INTERVAL_SECONDS() external view returns (uint32);

    function MAX_REWARDS_DURATION() external view returns (uint32);

    function MAX_RETROACTIVE_LENGTH() external view returns (uint32);

    function GENESIS_REWARDS_TIMESTAMP() external view returns (uint32);
}
