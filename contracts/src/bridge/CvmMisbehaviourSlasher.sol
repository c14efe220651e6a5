// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "./ICvmCheckpoints.sol";

/// @title CvmMisbehaviourSlasher — slashes the CometBFT misbehaviour the CVM chain recorded, once per record, in order.
/// @notice The CVM chain's FinalizeBlock appends every `misbehavior` CometBFT reports to a hash chain in its app
///         state (app-hash leaf 13, `misbehaviour` = keccak256(abi.encode(count, root))). A report proves that leaf
///         against the app hash of a checkpoint `CvmCheckpoints` accepted, then re-chains the records after the ones
///         already processed and must reach the certified root: every record is processed exactly once, in order.
///         Each record names a validator by its CometBFT address (the first 20 bytes of sha256 of its Ed25519 key);
///         the reporter supplies the key, `CStaking` maps it to the operator, whose allocation in the AVS operator
///         set is slashed through the slasher router (this contract must be on its allow-list) and whose native
///         `$C` stake is slashed in `CStaking` (this contract must be an allowed slasher there), each by its own WAD
///         per misbehaviour type — `$C` is part of the validator's voting power too. See docs/BRIDGE.md,
///         "Misbehaviour slashing".
contract CvmMisbehaviourSlasher {
    /// @notice One misbehaviour record as the CVM chain hashes it (consensus-light BlockExecutor).
    struct Record {
        uint8 misbehaviourType; // CometBFT MisbehaviorType: 0 unknown, 1 duplicate vote, 2 light-client attack
        bytes32 validator; // the validator's address (20 bytes) left-aligned, zero padded
        uint64 height;
        uint64 time; // seconds since the epoch
        uint64 totalVotingPower;
    }

    /// @notice Leaf index of `misbehaviour` in the app-hash tree (consensus-light AppState.COMPONENTS).
    uint256 public constant MISBEHAVIOUR_LEAF_INDEX = 13;
    uint8 internal constant DUPLICATE_VOTE = 1;
    uint8 internal constant LIGHT_CLIENT_ATTACK = 2;

    ICvmCheckpoints public immutable checkpoints;
    ICStaking public immutable cStaking;
    ICvmSlasher public immutable slasher;
    uint32 public immutable slashOperatorSetId;
    uint256 public immutable duplicateVoteSlashWad;
    uint256 public immutable lightClientAttackSlashWad;
    /// @notice Share of the operator's `$C` stake (active and unbonding) burnt per DUPLICATE_VOTE record (0: none).
    uint256 public immutable duplicateVoteCSlashWad;
    /// @notice Share of the operator's `$C` stake burnt per LIGHT_CLIENT_ATTACK record (0: none).
    uint256 public immutable lightClientAttackCSlashWad;
    /// @notice Most records acted on per call (the rest of the chain is passed as record hashes).
    uint256 public immutable maxRecordsPerCall;

    /// @notice Records 0 .. processedCount-1 are processed; processedRoot is the chain root after them.
    uint64 public processedCount;
    bytes32 public processedRoot;

    event MisbehaviourSlashed(
        uint256 indexed recordIndex,
        address indexed operator,
        bytes32 indexed consensusKey,
        uint8 misbehaviourType,
        uint64 height,
        uint256 wad
    );
    /// @notice The operator's native `$C` stake was slashed for the record (CStaking burnt `amount`).
    event MisbehaviourCStakeSlashed(uint256 indexed recordIndex, address indexed operator, uint256 wad, uint256 amount);
    /// @notice The key matches the record's address but no operator bound it in CStaking: nothing to slash.
    event MisbehaviourUnknownKey(uint256 indexed recordIndex, bytes32 indexed consensusKey, uint64 height);
    /// @notice The record's address is not a 20-byte CometBFT address, or its type carries no slash: skipped.
    event MisbehaviourSkipped(uint256 indexed recordIndex, bytes32 validator, uint8 misbehaviourType);

    error ZeroAddress();
    error InvalidWad(uint256 wad);
    error CheckpointNotAccepted(uint64 index);
    /// @notice The Merkle proof does not lead from the leaf to the checkpoint's app hash (depth must be 4 or 5).
    error InvalidAppHashProof();
    error NothingNew(uint64 certifiedCount, uint64 processedCount);
    /// @notice records + laterRecordHashes must be exactly the records after the processed ones.
    error RecordCountMismatch(uint256 expected, uint256 given);
    error TooManyRecords(uint256 given, uint256 max);
    /// @notice Re-chaining the records from (processedCount, processedRoot) does not reach the certified root.
    error RecordChainMismatch(bytes32 certifiedRoot, bytes32 computedRoot);
    error KeysLengthMismatch(uint256 records, uint256 keys);
    /// @notice A contract that may act on no record per call could never report anything.
    error ZeroMaxRecords();
    /// @notice bytes20(sha256(key)) is not the record's address.
    error KeyAddressMismatch(uint256 position, bytes32 consensusKey, bytes32 validator);

    constructor(
        ICvmCheckpoints checkpoints_,
        ICStaking cStaking_,
        ICvmSlasher slasher_,
        uint32 slashOperatorSetId_,
        uint256 duplicateVoteSlashWad_,
        uint256 lightClientAttackSlashWad_,
        uint256 duplicateVoteCSlashWad_,
        uint256 lightClientAttackCSlashWad_,
        uint256 maxRecordsPerCall_
    ) {
        if (address(checkpoints_) == address(0) || address(cStaking_) == address(0) || address(slasher_) == address(0))
        {
            revert ZeroAddress();
        }
        if (duplicateVoteSlashWad_ > 1e18) revert InvalidWad(duplicateVoteSlashWad_);
        if (lightClientAttackSlashWad_ > 1e18) revert InvalidWad(lightClientAttackSlashWad_);
        if (duplicateVoteCSlashWad_ > 1e18) revert InvalidWad(duplicateVoteCSlashWad_);
        if (lightClientAttackCSlashWad_ > 1e18) revert InvalidWad(lightClientAttackCSlashWad_);
        if (maxRecordsPerCall_ == 0) revert ZeroMaxRecords();
        checkpoints = checkpoints_;
        cStaking = cStaking_;
        slasher = slasher_;
        slashOperatorSetId = slashOperatorSetId_;
        duplicateVoteSlashWad = duplicateVoteSlashWad_;
        lightClientAttackSlashWad = lightClientAttackSlashWad_;
        duplicateVoteCSlashWad = duplicateVoteCSlashWad_;
        lightClientAttackCSlashWad = lightClientAttackCSlashWad_;
        maxRecordsPerCall = maxRecordsPerCall_;
    }

    /// @notice Processes the next `records.length` misbehaviour records.
    /// @param checkpointIndex index of `cp` among the accepted checkpoints (CvmCheckpoints.isAccepted)
    /// @param cp an accepted checkpoint; its appHash is the app hash after height cp.height − 1
    /// @param certifiedCount the `count` of the misbehaviour leaf in that state
    /// @param certifiedRoot the `root` of the misbehaviour leaf in that state
    /// @param siblings Merkle siblings from leaf 13 up to the app hash (4 entries for the 16-leaf tree, 5 for 32)
    /// @param records the records processedCount .. processedCount + records.length − 1
    /// @param consensusKeys each record's validator Ed25519 public key
    /// @param laterRecordHashes keccak256(abi.encode(record)) of each record after those, up to certifiedCount
    function report(
        uint64 checkpointIndex,
        ICvmCheckpointsTypes.Checkpoint calldata cp,
        uint64 certifiedCount,
        bytes32 certifiedRoot,
        bytes32[] calldata siblings,
        Record[] calldata records,
        bytes32[] calldata consensusKeys,
        bytes32[] calldata laterRecordHashes
    ) external returns (uint256 processed) {
        if (!checkpoints.isAccepted(checkpointIndex, cp)) {
            revert CheckpointNotAccepted(checkpointIndex);
        }
        if (!verifyLeaf(cp.appHash, misbehaviourLeaf(certifiedCount, certifiedRoot), siblings)) {
            revert InvalidAppHashProof();
        }
        uint64 done = processedCount;
        if (certifiedCount <= done) revert NothingNew(certifiedCount, done);
        uint256 n = records.length;
        if (n > maxRecordsPerCall) revert TooManyRecords(n, maxRecordsPerCall);
        if (n == 0 || n + laterRecordHashes.length != certifiedCount - done) {
            revert RecordCountMismatch(certifiedCount - done, n + laterRecordHashes.length);
        }
        if (consensusKeys.length != n) revert KeysLengthMismatch(n, consensusKeys.length);

        bytes32 root = processedRoot;
        for (uint256 i; i < n; ++i) {
            root = chain(root, recordHash(records[i]));
        }
        bytes32 after_ = root;
        for (uint256 i; i < laterRecordHashes.length; ++i) {
            root = chain(root, laterRecordHashes[i]);
        }
        if (root != certifiedRoot) revert RecordChainMismatch(certifiedRoot, root);

        // Effects before interactions: the records are marked processed before any slash is routed.
        processedCount = done + uint64(n);
        processedRoot = after_;
        for (uint256 i; i < n; ++i) {
            _process(done + i, records[i], consensusKeys[i]);
        }
        return n;
    }

    /// @dev Neither slash is wrapped in try/catch, like the EigenLayer one always was: `CStaking.slash` cannot fail
    ///      for a record's data (no stake burns nothing; the WADs are checked here at construction), only when this
    ///      contract is not an allowed slasher — then the report reverts and the records stay unprocessed until the
    ///      owner allows it, instead of being marked done with the `$C` slash lost. A caught failure would also let
    ///      the offender, reporting with just too little gas, make the `$C` call run out of gas and escape it.
    function _process(uint256 index, Record calldata r, bytes32 key) internal {
        uint256 wad = slashWad(r.misbehaviourType);
        uint256 cWad = cSlashWad(r.misbehaviourType);
        if (uint96(uint256(r.validator)) != 0 || (wad == 0 && cWad == 0)) {
            // Not a CometBFT address (no key can match it) or a type without a slash: never blocks later records.
            emit MisbehaviourSkipped(index, r.validator, r.misbehaviourType);
            return;
        }
        if (bytes20(sha256(abi.encodePacked(key))) != bytes20(r.validator)) {
            revert KeyAddressMismatch(index, key, r.validator);
        }
        address operator = cStaking.operatorOfConsensusKey(key);
        if (operator == address(0)) {
            emit MisbehaviourUnknownKey(index, key, r.height);
            return;
        }
        emit MisbehaviourSlashed(index, operator, key, r.misbehaviourType, r.height, wad);
        if (wad != 0) {
            slasher.slashOperator(
                operator,
                slashOperatorSetId,
                wad,
                r.misbehaviourType == DUPLICATE_VOTE ? "cvm chain duplicate vote" : "cvm chain light client attack"
            );
        }
        if (cWad != 0) {
            uint256 amount = cStaking.slash(operator, cWad);
            emit MisbehaviourCStakeSlashed(index, operator, cWad, amount);
        }
    }

    /// @notice The WAD slashed for a misbehaviour type (0: not slashed).
    function slashWad(uint8 misbehaviourType) public view returns (uint256) {
        if (misbehaviourType == DUPLICATE_VOTE) return duplicateVoteSlashWad;
        if (misbehaviourType == LIGHT_CLIENT_ATTACK) return lightClientAttackSlashWad;
        return 0;
    }

    /// @notice The WAD of the operator's `$C` stake slashed for a misbehaviour type (0: not slashed).
    function cSlashWad(uint8 misbehaviourType) public view returns (uint256) {
        if (misbehaviourType == DUPLICATE_VOTE) return duplicateVoteCSlashWad;
        if (misbehaviourType == LIGHT_CLIENT_ATTACK) return lightClientAttackCSlashWad;
        return 0;
    }

    /// @notice keccak256(abi.encode(uint256 type, bytes32 address, uint256 height, uint256 time, uint256 power)).
    function recordHash(Record calldata r) public pure returns (bytes32) {
        return keccak256(
            abi.encode(uint256(r.misbehaviourType), r.validator, uint256(r.height), uint256(r.time), r.totalVotingPower)
        );
    }

    /// @notice One link of the record chain: keccak256(root ‖ recordHash).
    function chain(bytes32 root, bytes32 recordHash_) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(root, recordHash_));
    }

    /// @notice The app-hash leaf: keccak256(abi.encode(uint256 count, bytes32 root)).
    function misbehaviourLeaf(uint64 count, bytes32 root) public pure returns (bytes32) {
        return keccak256(abi.encode(uint256(count), root));
    }

    /// @notice Whether `leaf` at index 13 with `siblings` (bottom-up) reaches `appHash`; node = keccak256(l ‖ r).
    ///         Only depths 4 (16 leaves) and 5 (32 leaves) are app-hash trees.
    function verifyLeaf(bytes32 appHash, bytes32 leaf, bytes32[] calldata siblings) public pure returns (bool) {
        uint256 depth = siblings.length;
        if (depth != 4 && depth != 5) return false;
        bytes32 node = leaf;
        uint256 index = MISBEHAVIOUR_LEAF_INDEX;
        for (uint256 i; i < depth; ++i) {
            node = index & 1 == 0
                ? keccak256(abi.encodePacked(node, siblings[i]))
                : keccak256(abi.encodePacked(siblings[i], node));
            index >>= 1;
        }
        return node == appHash;
    }
}
