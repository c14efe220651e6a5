// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BN254} from "../libraries/BN254.sol";

interface ICvmCheckpointsTypes {
    /// @notice What the CVM chain's validators sign in ExtendVote for height `height` (docs/BRIDGE.md).
    struct Checkpoint {
        uint64 height;
        bytes32 appHash;
        bytes32 cvmBlockHash;
        bytes32 cumulativeRoot;
        bytes32 withdrawalsRoot;
        bytes32 nextValidatorSetHash;
    }

    /// @notice One entry of a BLS validator set; entries are sorted by operatorId = keccak256(g1x, g1y) ascending.
    struct ValidatorEntry {
        uint256 g1x;
        uint256 g1y;
        uint256 power;
    }

    /// @notice A committed validator set. `apkX`/`apkY` is the sum of all keys, so a checkpoint signed by everyone
    ///         reads O(1) storage.
    struct ValidatorSetInfo {
        bytes32 hash;
        uint256 apkX;
        uint256 apkY;
        uint128 totalPower; // one slot with startHeight and size: a checkpoint with non-signers reads it once
        uint64 startHeight; // first CVM height this set signs
        uint32 size;
    }
}

interface ICvmCheckpointsErrors {
    error GenesisAlreadySet();
    error NotInitialised();
    /// @notice The entries are empty, not strictly ascending by operatorId at `index`, have a zero power or a key at
    ///         infinity there.
    error InvalidValidatorEntry(uint256 index);
    /// @notice The powers of a set add up to `total`, more than 2^128 − 1.
    error TotalPowerTooLarge(uint256 total);
    /// @notice Genesis start height 0 (CometBFT heights start at 1).
    error InvalidStartHeight();
    /// @notice `height` is not above the last accepted height `latest`.
    error StaleHeight(uint64 height, uint64 latest);
    /// @notice The last accepted checkpoint committed a new validator set (`pendingHash`); `rotateValidatorSet` first.
    error RotationPending(bytes32 pendingHash);
    error NoRotationPending();
    /// @notice The supplied entries hash to `got`, the committed next set is `expected`.
    error ValidatorSetHashMismatch(bytes32 expected, bytes32 got);
    /// @notice Non-signer indices must be strictly ascending and below the set size; `position` is the bad one.
    error InvalidNonSignerIndex(uint256 position, uint256 index);
    /// @notice Signers hold `signedPower` of `totalPower`, not strictly more than two thirds.
    error QuorumNotReached(uint256 signedPower, uint256 totalPower);
    error InvalidSignature();
    /// @notice Checkpoint `index` is not these fields, or no longer retained (only the last HISTORY are).
    error CheckpointNotAccepted(uint64 index);
    /// @notice The two checkpoints do not conflict in a field every honest validator signs identically at one height
    ///         (appHash, cumulativeRoot, withdrawalsRoot, nextValidatorSetHash), or are at different heights.
    error NotEquivocation();
    /// @notice Validator set `setId` did not sign height `height`.
    error WrongValidatorSet(uint64 setId, uint64 height);
    error ZeroAddress();
}

interface ICvmCheckpointsEvents {
    event ValidatorSetCommitted(uint64 indexed setId, bytes32 indexed setHash, uint64 startHeight, uint256 totalPower);
    /// @notice Checkpoint number `index` (0, 1, 2, …; consumers pass it back to prove against this checkpoint).
    event CheckpointAccepted(
        uint64 indexed index, uint64 indexed height, bytes32 digest, bytes32 cumulativeRoot, bytes32 withdrawalsRoot
    );
    event RotationRequired(uint64 indexed height, bytes32 indexed nextSetHash);
    /// @notice A signer of a checkpoint conflicting with the accepted one at `height` was slashed (`operator` = 0:
    ///         the key is no operator of the AVS registry, nothing to slash).
    event EquivocationSlashed(uint64 indexed height, bytes32 indexed operatorId, address indexed operator);
}

/// @title ICvmCheckpoints — CVM chain checkpoints verified on Ethereum by a BLS quorum of the committed validator set.
/// @notice Encodings: docs/BRIDGE.md (shared spec with the CVM chain app). Trust: > 2/3 of the power of the committed
///         BLS validator set, rotated only by a checkpoint of the previous set.
interface ICvmCheckpoints is ICvmCheckpointsTypes, ICvmCheckpointsErrors, ICvmCheckpointsEvents {
    /// @notice Owner, once: the first validator set, signing from `startHeight` (≥ 1) on.
    function setGenesisValidatorSet(ValidatorEntry[] calldata entries, uint64 startHeight) external;

    /// @notice Anyone: accepts `cp` if the current set's signers — all entries except `nonSignerIndices` (strictly
    ///         ascending) — hold strictly more than 2/3 of its power and `sigma` is their aggregate signature over
    ///         `digest(cp)`; `apkG2` is the signers' aggregate G2 key (checked against their G1 keys by the
    ///         γ-randomised pairing). Heights must increase. If `cp.nextValidatorSetHash` is not the current set's
    ///         hash, no further checkpoint is accepted until `rotateValidatorSet`.
    function submitCheckpoint(
        Checkpoint calldata cp,
        BN254.G1Point calldata sigma,
        BN254.G2Point calldata apkG2,
        uint256[] calldata nonSignerIndices
    ) external;

    /// @notice Anyone: writes the set committed by the last accepted checkpoint; `entries` must hash to it.
    function rotateValidatorSet(ValidatorEntry[] calldata entries) external;

    /// @notice Anyone: `conflicting` (signed by the non-`nonSignerIndices` entries of set `setId`, no quorum needed)
    ///         differs from the accepted checkpoint `accepted` at the same height in a state field → every such
    ///         signer that is an operator of the AVS registry is slashed once per height through the slasher router.
    ///         `accepted` is checkpoint number `acceptedIndex` (still retained). At most `maxSlashes` signers not yet
    ///         slashed for this height are processed per call (in set order), so a large set's evidence can be
    ///         submitted in several transactions (each slash through the router and the AllocationManager costs ≈ 210k gas: docs/BENCHMARKS.md);
    ///         returns how many were processed.
    function reportEquivocation(
        uint64 acceptedIndex,
        Checkpoint calldata accepted,
        Checkpoint calldata conflicting,
        uint64 setId,
        BN254.G1Point calldata sigma,
        BN254.G2Point calldata apkG2,
        uint256[] calldata nonSignerIndices,
        uint256 maxSlashes
    ) external returns (uint256 processed);

    /// @notice keccak256(abi.encode(CHECKPOINT_TYPEHASH, cvmChainId, height, appHash, cvmBlockHash, cumulativeRoot,
    ///         withdrawalsRoot, nextValidatorSetHash)).
    function checkpointDigest(Checkpoint calldata cp) external view returns (bytes32);

    /// @notice Whether `cp` is accepted checkpoint number `index` and still retained (the last HISTORY are).
    function isAccepted(uint64 index, Checkpoint calldata cp) external view returns (bool);

    /// @notice Digest of accepted checkpoint number `index` (0: none, or no longer retained).
    function acceptedDigest(uint64 index) external view returns (bytes32);

    /// @notice Anyone: writes a placeholder into the next `count` empty history slots, so that checkpoints landing
    ///         there later overwrite a non-zero slot (≈ 5k gas instead of ≈ 22k). Pays ≈ 22k per slot now.
    function prefillHistory(uint256 count) external;

    /// @notice How many history slots `prefillHistory` has gone through (of HISTORY).
    function historyPrefilled() external view returns (uint256);

    /// @notice Number of accepted checkpoints; the next one gets this index.
    function checkpointCount() external view returns (uint64);

    /// @notice How many of the latest checkpoints are kept for proofs and equivocation evidence.
    function HISTORY() external view returns (uint256);

    /// @notice keccak256(VALIDATOR_SET_TYPEHASH ‖ x1 ‖ y1 ‖ p1 ‖ x2 ‖ …).
    function validatorSetHash(ValidatorEntry[] calldata entries) external pure returns (bytes32);

    function cvmChainId() external view returns (bytes32);

    /// @notice The last accepted height (the genesis start height − 1 before the first checkpoint).
    function latestHeight() external view returns (uint64);

    function currentSetId() external view returns (uint64);

    function validatorSet(uint64 setId) external view returns (ValidatorSetInfo memory);

    function validatorEntry(uint64 setId, uint256 index) external view returns (ValidatorEntry memory);

    /// @notice The hash the next rotation must match (0: none pending).
    function pendingSetHash() external view returns (bytes32);
}
