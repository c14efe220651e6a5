// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmRegistry} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {DatasetProofs} from "../libraries/DatasetProofs.sol";
import {QuorumSignatures} from "../libraries/QuorumSignatures.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title StorageAudit — retrieval-proof audits of the operators that keep block groups, held to account on chain
///        (docs/STORAGE.md "Audits").
/// @notice The owner (the AVS's authorised submitter) records which registered operators keep a group (`assign`,
///         `r` holders chosen off chain by rendezvous hashing). An audit round of (group, holder) is named by its
///         seed, the hash of a recent block (`blockhash(seedBlock)`, so the round's seed is checked here).
///         Two ways to fail a round, each slashing the holder once per (group, holder, round) through the
///         `CvmSlasher` router (`slashWad` of its allocation in operator set `quorumNumber`) and in `CStaking`
///         (`cSlashWad` of its native `$C` stake; this contract must be an allowed slasher there unless it is 0):
///         - attested: the auditing operators check the holder's 47-chunk answer off chain and BLS-sign
///           `outcomeDigest(...)`; `submitOutcome` checks the aggregate against the registry's stake-weighted quorum
///           at `seedBlock` (the task manager's rules) and records a pass or slashes a failure;
///         - disputed: anyone names one chunk of a round (`challenge`); the holder posts that 8 KiB chunk with its
///           audit-tree path before the deadline (`respond`), else `expire` fails the round.
///         The audit tree is the dataset tree of `DatasetProofs` over the group file's 8 KiB chunks (the last chunk
///         shorter), so a path made by the Java `AuditChunks` verifies here.
contract StorageAudit is Ownable {
    uint256 public constant CHUNK = 8192;
    uint256 internal constant WAD = 1e18;
    /// @notice The EIP-712-style type string of the digest operators sign (docs/STORAGE.md "Attested outcomes").
    bytes32 public constant OUTCOME_TYPEHASH = keccak256(
        "StorageAuditOutcome(uint256 chainId,address audit,bytes32 groupHash,address holder,bytes32 seed,bytes32 auditRoot,bool passed)"
    );
    string internal constant SLASH_DESCRIPTION = "cvm-avs: storage audit failed";

    struct Group {
        bytes32 auditRoot;
        uint64 fileSize;
        uint32 assignedBlock;
        uint8 holderCount;
    }

    struct Dispute {
        address challenger;
        uint32 index;
        uint64 deadline;
        bytes32 round;
    }

    /// @notice One attested audit outcome: holder `holder` of `groupHash` in the round seeded by
    ///         `blockhash(seedBlock)`.
    struct Outcome {
        bytes32 groupHash;
        address holder;
        uint32 seedBlock;
        bool passed;
    }

    enum Result {
        None,
        Passed,
        Failed
    }

    /// @notice Seconds the holder has to answer a challenged chunk.
    uint64 public immutable responseWindow;
    ICvmRegistry public immutable registry;
    ICvmSlasher public immutable slasher;
    /// @notice The quorum whose stake attests outcomes; also the operator set slashed.
    uint8 public immutable quorumNumber;
    /// @notice Signed stake × 100 must reach total stake × this.
    uint32 public immutable thresholdPercentage;
    /// @notice Share of the holder's allocation slashed per failed round (1e18 = all).
    uint256 public immutable slashWad;
    ICStaking public immutable cStaking;
    /// @notice Share of the holder's `$C` stake (active and unbonding) burnt per failed round (0: none).
    uint256 public immutable cSlashWad;

    mapping(bytes32 groupHash => Group) public groups;
    mapping(bytes32 groupHash => address[]) internal _holders;
    mapping(bytes32 groupHash => mapping(address holder => bool)) public isHolder;
    mapping(bytes32 groupHash => mapping(address holder => Dispute)) public disputes;
    mapping(bytes32 groupHash => mapping(address holder => mapping(bytes32 round => Result))) public results;
    mapping(bytes32 groupHash => mapping(address holder => mapping(bytes32 round => bool))) public slashed;

    event GroupAssigned(bytes32 indexed groupHash, bytes32 auditRoot, uint64 fileSize, address[] holders);
    event ChunkChallenged(
        bytes32 indexed groupHash, address indexed holder, bytes32 indexed round, uint32 index, uint64 deadline
    );
    event ChunkProven(bytes32 indexed groupHash, address indexed holder, bytes32 indexed round, uint32 index);
    event AuditFailed(bytes32 indexed groupHash, address indexed holder, uint32 index);
    event AuditAttested(
        bytes32 indexed groupHash,
        address indexed holder,
        bytes32 indexed round,
        bool passed,
        uint96 signedStake,
        uint96 totalStake
    );
    event HolderSlashed(bytes32 indexed groupHash, address indexed holder, bytes32 indexed round, uint256 slashId);

    error UnknownGroup(bytes32 groupHash);
    error AlreadyAssigned(bytes32 groupHash);
    error BadGroup();
    error BadHolders();
    error NotOperator(address holder);
    error DuplicateHolder(address holder);
    error NotHolderOf(bytes32 groupHash, address holder);
    error IndexOutOfRange(uint32 index, uint256 chunkCount);
    error DisputeOpen(bytes32 groupHash, address holder);
    error NoDispute(bytes32 groupHash, address holder);
    error NotHolder(address caller);
    error DeadlinePassed(uint64 deadline);
    error DeadlineNotReached(uint64 deadline);
    error WrongChunkLength(uint256 length, uint256 expected);
    error WrongChunk(uint32 index);
    error SeedUnavailable(uint32 seedBlock);
    error OutcomeRecorded(bytes32 groupHash, address holder, bytes32 round);
    error AlreadySlashed(bytes32 groupHash, address holder, bytes32 round);
    error InvalidConfig();

    constructor(
        address owner_,
        uint64 responseWindow_,
        ICvmRegistry registry_,
        ICvmSlasher slasher_,
        uint8 quorumNumber_,
        uint32 thresholdPercentage_,
        uint256 slashWad_,
        ICStaking cStaking_,
        uint256 cSlashWad_
    ) Ownable(owner_) {
        if (
            address(registry_) == address(0) || address(slasher_) == address(0) || thresholdPercentage_ == 0
                || thresholdPercentage_ > 100 || slashWad_ == 0 || slashWad_ > WAD || responseWindow_ == 0
                || address(cStaking_) == address(0) || cSlashWad_ > WAD
        ) revert InvalidConfig();
        responseWindow = responseWindow_;
        registry = registry_;
        slasher = slasher_;
        quorumNumber = quorumNumber_;
        thresholdPercentage = thresholdPercentage_;
        slashWad = slashWad_;
        cStaking = cStaking_;
        cSlashWad = cSlashWad_;
    }

    // ------------------------------------------------------------ assignment

    /// @notice Records which registered operators keep a group (owner: the AVS's authorised submitter). The
    ///         holders are chosen off chain by rendezvous hashing over (groupHash, operator) (docs/STORAGE.md).
    function assign(bytes32 groupHash, bytes32 auditRoot, uint64 fileSize, address[] calldata holders)
        external
        onlyOwner
    {
        if (groups[groupHash].fileSize != 0) revert AlreadyAssigned(groupHash);
        if (fileSize == 0 || auditRoot == bytes32(0)) revert BadGroup();
        if (holders.length == 0 || holders.length > type(uint8).max) revert BadHolders();
        mapping(address => bool) storage held = isHolder[groupHash];
        for (uint256 i; i < holders.length; ++i) {
            address h = holders[i];
            if (h == address(0) || registry.getOperatorId(h) == bytes32(0)) revert NotOperator(h);
            if (held[h]) revert DuplicateHolder(h);
            held[h] = true;
        }
        groups[groupHash] = Group(auditRoot, fileSize, uint32(block.number), uint8(holders.length));
        _holders[groupHash] = holders;
        emit GroupAssigned(groupHash, auditRoot, fileSize, holders);
    }

    function holdersOf(bytes32 groupHash) external view returns (address[] memory) {
        return _holders[groupHash];
    }

    // ------------------------------------------------------------ attested outcomes

    /// @notice The digest each auditing operator BLS-signs for one outcome.
    function outcomeDigest(bytes32 groupHash, address holder, bytes32 seed, bytes32 auditRoot, bool passed)
        public
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encode(OUTCOME_TYPEHASH, block.chainid, address(this), groupHash, holder, seed, auditRoot, passed)
        );
    }

    /// @notice Anyone: records an outcome attested by the AVS's BLS quorum at `seedBlock`; a failed one slashes the
    ///         holder. One outcome per (group, holder, round).
    function submitOutcome(Outcome calldata o, ICvmTaskManagerTypes.NonSignerStakesAndSignature calldata sig) external {
        Group memory g = _group(o.groupHash);
        if (!isHolder[o.groupHash][o.holder]) revert NotHolderOf(o.groupHash, o.holder);
        bytes32 seed = _seed(o.seedBlock);
        if (results[o.groupHash][o.holder][seed] != Result.None) revert OutcomeRecorded(o.groupHash, o.holder, seed);
        if (!o.passed && slashed[o.groupHash][o.holder][seed]) revert AlreadySlashed(o.groupHash, o.holder, seed);
        (uint96[] memory signedStake, uint96[] memory totalStake) = QuorumSignatures.check(
            registry,
            outcomeDigest(o.groupHash, o.holder, seed, g.auditRoot, o.passed),
            abi.encodePacked(quorumNumber),
            o.seedBlock,
            thresholdPercentage,
            sig
        );
        results[o.groupHash][o.holder][seed] = o.passed ? Result.Passed : Result.Failed;
        emit AuditAttested(o.groupHash, o.holder, seed, o.passed, signedStake[0], totalStake[0]);
        if (!o.passed) _slash(o.groupHash, o.holder, seed);
    }

    // ------------------------------------------------------------ single-chunk disputes

    /// @notice Opens a dispute on chunk `index` of `holder`'s copy in the round seeded by `blockhash(seedBlock)` (one
    ///         open dispute per (group, holder); none on a round already slashed).
    function challenge(bytes32 groupHash, address holder, uint32 seedBlock, uint32 index) external {
        Group memory g = _group(groupHash);
        if (!isHolder[groupHash][holder]) revert NotHolderOf(groupHash, holder);
        uint256 n = chunkCount(g.fileSize);
        if (index >= n) revert IndexOutOfRange(index, n);
        bytes32 round = _seed(seedBlock);
        if (slashed[groupHash][holder][round]) revert AlreadySlashed(groupHash, holder, round);
        if (disputes[groupHash][holder].challenger != address(0)) revert DisputeOpen(groupHash, holder);
        uint64 deadline = uint64(block.timestamp) + responseWindow;
        disputes[groupHash][holder] = Dispute(msg.sender, index, deadline, round);
        emit ChunkChallenged(groupHash, holder, round, index, deadline);
    }

    /// @notice The holder answers its open dispute with the chunk and its path; a wrong answer reverts (the holder
    ///         may still answer correctly before the deadline).
    function respond(bytes32 groupHash, bytes calldata chunk, bytes32[] calldata siblings) external {
        Group memory g = _group(groupHash);
        Dispute memory d = disputes[groupHash][msg.sender];
        if (d.challenger == address(0)) {
            if (!isHolder[groupHash][msg.sender]) revert NotHolder(msg.sender);
            revert NoDispute(groupHash, msg.sender);
        }
        // A validator can skew a timestamp by seconds, far less than any useful answer window.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.deadline) revert DeadlinePassed(d.deadline);
        if (!verifyChunk(g.auditRoot, g.fileSize, d.index, chunk, siblings)) revert WrongChunk(d.index);
        delete disputes[groupHash][msg.sender];
        emit ChunkProven(groupHash, msg.sender, d.round, d.index);
    }

    /// @notice Anyone, after the deadline without an answer: the round failed and the holder is slashed (unless an
    ///         attested failure of the same round slashed it meanwhile).
    function expire(bytes32 groupHash, address holder) external {
        _group(groupHash);
        Dispute memory d = disputes[groupHash][holder];
        if (d.challenger == address(0)) revert NoDispute(groupHash, holder);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= d.deadline) revert DeadlineNotReached(d.deadline);
        delete disputes[groupHash][holder];
        emit AuditFailed(groupHash, holder, d.index);
        if (!slashed[groupHash][holder][d.round]) _slash(groupHash, holder, d.round);
    }

    /// @notice Whether `chunk` is chunk `index` of the file of `fileSize` bytes whose audit root is `auditRoot`.
    function verifyChunk(
        bytes32 auditRoot,
        uint64 fileSize,
        uint32 index,
        bytes calldata chunk,
        bytes32[] calldata siblings
    ) public pure returns (bool) {
        uint256 n = chunkCount(fileSize);
        if (index >= n) revert IndexOutOfRange(index, n);
        uint256 expected = index + 1 < n ? CHUNK : fileSize - CHUNK * (n - 1);
        if (chunk.length != expected) revert WrongChunkLength(chunk.length, expected);
        return DatasetProofs.verify(auditRoot, chunk, index, n, siblings);
    }

    function chunkCount(uint64 fileSize) public pure returns (uint256) {
        return (uint256(fileSize) + CHUNK - 1) / CHUNK;
    }

    // ------------------------------------------------------------ internals

    /// @dev Slashes the holder once for the round through the router (it does nothing if the holder is no longer
    ///      slashable) and its `$C` stake in CStaking (nothing if it has none), then refreshes its weight in the
    ///      registry. Neither call is caught: a contract missing from an allow-list reverts the round's failure.
    function _slash(bytes32 groupHash, address holder, bytes32 round) private {
        slashed[groupHash][holder][round] = true;
        (uint256 slashId,) = slasher.slashOperator(holder, quorumNumber, slashWad, SLASH_DESCRIPTION);
        emit HolderSlashed(groupHash, holder, round, slashId);
        if (cSlashWad != 0) cStaking.slash(holder, cSlashWad);
        if (registry.getOperatorId(holder) != bytes32(0)) {
            address[] memory ops = new address[](1);
            ops[0] = holder;
            registry.updateOperators(ops);
        }
    }

    /// @dev The seed of a round: the hash of a past block still visible to the EVM (the last 256).
    function _seed(uint32 seedBlock) private view returns (bytes32 seed) {
        if (seedBlock >= block.number) revert SeedUnavailable(seedBlock);
        seed = blockhash(seedBlock);
        if (seed == bytes32(0)) revert SeedUnavailable(seedBlock);
    }

    function _group(bytes32 groupHash) private view returns (Group memory g) {
        g = groups[groupHash];
        if (g.fileSize == 0) revert UnknownGroup(groupHash);
    }
}
