// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistry} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../libraries/BN254.sol";
import {ICvmCheckpoints} from "./ICvmCheckpoints.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title CvmCheckpoints — CVM chain checkpoints verified by a BLS quorum of the committed validator set.
/// @notice See ICvmCheckpoints and docs/BRIDGE.md. Owns no funds; the bridge and verifiers read `isAccepted`.
contract CvmCheckpoints is Ownable, ICvmCheckpoints {
    using BN254 for BN254.G1Point;

    bytes32 public constant CHECKPOINT_TYPEHASH = keccak256(
        "CvmCheckpoint(uint64 height,bytes32 appHash,bytes32 cvmBlockHash,bytes32 cumulativeRoot,bytes32 withdrawalsRoot,bytes32 nextValidatorSetHash)"
    );
    bytes32 public constant VALIDATOR_SET_TYPEHASH =
        keccak256("CvmValidatorSet(uint256 g1x,uint256 g1y,uint256 power)[]");

    /// @inheritdoc ICvmCheckpoints
    bytes32 public immutable cvmChainId;
    /// @notice Registry that maps a signer's key (operatorId) to the operator slashed for equivocation.
    ICvmRegistry public immutable registry;
    /// @notice Slasher router; this contract must be on its allow-list for equivocation slashes to land.
    ICvmSlasher public immutable slasher;
    /// @notice Operator set (= quorum) in which equivocating validators are slashed.
    uint32 public immutable slashOperatorSetId;
    /// @notice Share of each allocation slashed for one equivocation (WAD).
    uint256 public immutable equivocationSlashWad;

    /// @inheritdoc ICvmCheckpoints
    uint256 public constant HISTORY = 1024;
    /// @dev Marks a history slot written ahead of time (`prefillHistory`); no keccak256 output is this value.
    bytes32 internal constant PREFILLED = bytes32(uint256(1));

    // One slot: read and written by every submission.
    uint64 public latestHeight;
    uint64 public currentSetId;
    /// @inheritdoc ICvmCheckpoints
    uint64 public checkpointCount;
    bool internal _initialised;
    bool internal _rotationPending;

    /// @inheritdoc ICvmCheckpoints
    bytes32 public pendingSetHash;

    mapping(uint64 setId => ValidatorSetInfo) internal _sets;
    mapping(uint64 setId => mapping(uint256 index => ValidatorEntry)) internal _entries;
    /// @dev Digest of accepted checkpoint `index` at `index % HISTORY` (a ring: the last HISTORY checkpoints).
    bytes32[HISTORY] internal _history;
    /// @inheritdoc ICvmCheckpoints
    uint256 public historyPrefilled;
    /// @notice Whether `operatorId` was already slashed for equivocating at `height`.
    mapping(uint64 height => mapping(bytes32 operatorId => bool)) public equivocationSlashed;

    constructor(
        address initialOwner,
        string memory cvmChainIdString,
        ICvmRegistry registry_,
        ICvmSlasher slasher_,
        uint32 slashOperatorSetId_,
        uint256 equivocationSlashWad_
    ) Ownable(initialOwner) {
        if (address(registry_) == address(0) || address(slasher_) == address(0)) {
            revert ZeroAddress();
        }
        cvmChainId = keccak256(bytes(cvmChainIdString));
        registry = registry_;
        slasher = slasher_;
        slashOperatorSetId = slashOperatorSetId_;
        equivocationSlashWad = equivocationSlashWad_;
    }

    /// @inheritdoc ICvmCheckpoints
    function setGenesisValidatorSet(ValidatorEntry[] calldata entries, uint64 startHeight) external onlyOwner {
        if (_initialised) revert GenesisAlreadySet();
        if (startHeight == 0) revert InvalidStartHeight();
        _initialised = true;
        latestHeight = startHeight - 1;
        _writeSet(0, entries, startHeight, validatorSetHash(entries));
    }

    /// @inheritdoc ICvmCheckpoints
    function submitCheckpoint(
        Checkpoint calldata cp,
        BN254.G1Point calldata sigma,
        BN254.G2Point calldata apkG2,
        uint256[] calldata nonSignerIndices
    ) external {
        if (!_initialised) revert NotInitialised();
        if (_rotationPending) revert RotationPending(pendingSetHash);
        uint64 latest = latestHeight;
        if (cp.height <= latest) revert StaleHeight(cp.height, latest);
        uint64 setId = currentSetId;
        ValidatorSetInfo storage set = _sets[setId];

        BN254.G1Point memory apk = _signersApk(setId, set, nonSignerIndices, true);
        bytes32 digest = _digest(cp);
        _verify(digest, apk, apkG2, sigma);

        uint64 index = checkpointCount;
        _history[index % HISTORY] = digest;
        checkpointCount = index + 1;
        latestHeight = cp.height;
        emit CheckpointAccepted(index, cp.height, digest, cp.cumulativeRoot, cp.withdrawalsRoot);
        if (cp.nextValidatorSetHash != set.hash) {
            _rotationPending = true;
            pendingSetHash = cp.nextValidatorSetHash;
            emit RotationRequired(cp.height, cp.nextValidatorSetHash);
        }
    }

    /// @inheritdoc ICvmCheckpoints
    function rotateValidatorSet(ValidatorEntry[] calldata entries) external {
        if (!_rotationPending) revert NoRotationPending();
        bytes32 expected = pendingSetHash;
        bytes32 got = validatorSetHash(entries);
        if (got != expected) revert ValidatorSetHashMismatch(expected, got);
        uint64 setId = currentSetId + 1;
        currentSetId = setId;
        _rotationPending = false;
        delete pendingSetHash;
        _writeSet(setId, entries, latestHeight + 1, got);
    }

    /// @inheritdoc ICvmCheckpoints
    function reportEquivocation(
        uint64 acceptedIndex,
        Checkpoint calldata accepted,
        Checkpoint calldata conflicting,
        uint64 setId,
        BN254.G1Point calldata sigma,
        BN254.G2Point calldata apkG2,
        uint256[] calldata nonSignerIndices,
        uint256 maxSlashes
    ) external returns (uint256 processed) {
        uint64 h = accepted.height;
        if (!_isAccepted(acceptedIndex, accepted)) revert CheckpointNotAccepted(acceptedIndex);
        if (
            conflicting.height != h
                || (conflicting.appHash == accepted.appHash
                    && conflicting.cumulativeRoot == accepted.cumulativeRoot
                    && conflicting.withdrawalsRoot == accepted.withdrawalsRoot
                    && conflicting.nextValidatorSetHash == accepted.nextValidatorSetHash)
        ) revert NotEquivocation();
        ValidatorSetInfo storage set = _sets[setId];
        if (setId > currentSetId || set.startHeight > h || (setId < currentSetId && _sets[setId + 1].startHeight <= h))
        {
            revert WrongValidatorSet(setId, h);
        }

        BN254.G1Point memory apk = _signersApk(setId, set, nonSignerIndices, false);
        _verify(_digest(conflicting), apk, apkG2, sigma);

        // Effects before each interaction: the per-height flag is set before the slasher is called.
        uint256 size = set.size;
        uint256 next; // position in nonSignerIndices
        for (uint256 i; i < size && processed < maxSlashes; ++i) {
            if (next < nonSignerIndices.length && nonSignerIndices[next] == i) {
                ++next;
                continue;
            }
            ValidatorEntry storage e = _entries[setId][i];
            bytes32 operatorId = keccak256(abi.encode(e.g1x, e.g1y));
            if (equivocationSlashed[h][operatorId]) continue;
            equivocationSlashed[h][operatorId] = true;
            ++processed;
            address operator = registry.getOperatorFromId(operatorId);
            emit EquivocationSlashed(h, operatorId, operator);
            if (operator != address(0)) {
                slasher.slashOperator(operator, slashOperatorSetId, equivocationSlashWad, "cvm checkpoint equivocation");
            }
        }
    }

    /// @inheritdoc ICvmCheckpoints
    function checkpointDigest(Checkpoint calldata cp) external view returns (bytes32) {
        return _digest(cp);
    }

    /// @inheritdoc ICvmCheckpoints
    function isAccepted(uint64 index, Checkpoint calldata cp) external view returns (bool) {
        return _isAccepted(index, cp);
    }

    /// @inheritdoc ICvmCheckpoints
    function acceptedDigest(uint64 index) external view returns (bytes32) {
        return _retained(index) ? _history[index % HISTORY] : bytes32(0);
    }

    /// @inheritdoc ICvmCheckpoints
    function prefillHistory(uint256 count) external {
        uint256 from = historyPrefilled;
        uint256 to = from + count > HISTORY ? HISTORY : from + count;
        for (uint256 i = from; i < to; ++i) {
            if (_history[i] == bytes32(0)) _history[i] = PREFILLED;
        }
        historyPrefilled = to;
    }

    function _retained(uint64 index) internal view returns (bool) {
        uint64 count = checkpointCount;
        return index < count && count - index <= HISTORY;
    }

    function _isAccepted(uint64 index, Checkpoint calldata cp) internal view returns (bool) {
        return _retained(index) && _history[index % HISTORY] == _digest(cp);
    }

    /// @inheritdoc ICvmCheckpoints
    function validatorSetHash(ValidatorEntry[] calldata entries) public pure returns (bytes32 h) {
        bytes32 typehash = VALIDATOR_SET_TYPEHASH;
        assembly ("memory-safe") {
            let len := mul(entries.length, 0x60)
            let m := mload(0x40)
            mstore(m, typehash)
            calldatacopy(add(m, 0x20), entries.offset, len)
            h := keccak256(m, add(len, 0x20))
        }
    }

    /// @inheritdoc ICvmCheckpoints
    function validatorSet(uint64 setId) external view returns (ValidatorSetInfo memory) {
        return _sets[setId];
    }

    /// @inheritdoc ICvmCheckpoints
    function validatorEntry(uint64 setId, uint256 index) external view returns (ValidatorEntry memory) {
        return _entries[setId][index];
    }

    function _digest(Checkpoint calldata cp) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                CHECKPOINT_TYPEHASH,
                cvmChainId,
                cp.height,
                cp.appHash,
                cp.cvmBlockHash,
                cp.cumulativeRoot,
                cp.withdrawalsRoot,
                cp.nextValidatorSetHash
            )
        );
    }

    /// @dev The set's aggregate key minus the non-signers' keys; with `checkQuorum`, signers must hold > 2/3.
    function _signersApk(
        uint64 setId,
        ValidatorSetInfo storage set,
        uint256[] calldata nonSignerIndices,
        bool checkQuorum
    ) internal view returns (BN254.G1Point memory apk) {
        apk = BN254.G1Point(set.apkX, set.apkY);
        uint256 n = nonSignerIndices.length;
        if (n == 0) return apk; // the whole set signed: total power > 0 is checked when a set is written
        uint256 size = set.size;
        BN254.G1Point memory missing = BN254.G1Point(0, 0);
        uint256 missingPower;
        for (uint256 k; k < n; ++k) {
            uint256 idx = nonSignerIndices[k];
            if (idx >= size || (k > 0 && idx <= nonSignerIndices[k - 1])) revert InvalidNonSignerIndex(k, idx);
            ValidatorEntry storage e = _entries[setId][idx];
            missing = missing.plus(BN254.G1Point(e.g1x, e.g1y));
            missingPower += e.power;
        }
        if (checkQuorum) {
            uint256 total = set.totalPower;
            // signed · 3 > total · 2 with signed = total − missing  ⇔  missing · 3 < total
            if (missingPower * 3 >= total) revert QuorumNotReached(total - missingPower, total);
        }
        apk = apk.plus(missing.negate());
    }

    /// @dev Signers' keys summing to the point at infinity would make (σ = 0, apkG2 = 0) verify any message.
    function _verify(
        bytes32 digest,
        BN254.G1Point memory apk,
        BN254.G2Point calldata apkG2,
        BN254.G1Point calldata sigma
    ) internal view {
        if ((apk.X == 0 && apk.Y == 0) || !BN254.verifyAggregate(digest, apk, apkG2, sigma)) revert InvalidSignature();
    }

    function _writeSet(uint64 setId, ValidatorEntry[] calldata entries, uint64 startHeight, bytes32 setHash) internal {
        uint256 n = entries.length;
        if (n == 0) revert InvalidValidatorEntry(0);
        BN254.G1Point memory apk = BN254.G1Point(0, 0);
        uint256 total;
        bytes32 prevId;
        for (uint256 i; i < n; ++i) {
            ValidatorEntry calldata e = entries[i];
            bytes32 id = keccak256(abi.encode(e.g1x, e.g1y));
            if ((i > 0 && id <= prevId) || e.power == 0 || (e.g1x == 0 && e.g1y == 0)) {
                revert InvalidValidatorEntry(i);
            }
            prevId = id;
            apk = apk.plus(BN254.G1Point(e.g1x, e.g1y)); // the precompile rejects a point off the curve
            total += e.power;
            _entries[setId][i] = e;
        }
        if (total > type(uint128).max) revert TotalPowerTooLarge(total);
        _sets[setId] = ValidatorSetInfo({
            hash: setHash,
            apkX: apk.X,
            apkY: apk.Y,
            totalPower: uint128(total),
            startHeight: startHeight,
            size: uint32(n)
        });
        emit ValidatorSetCommitted(setId, setHash, startHeight, total);
    }
}
