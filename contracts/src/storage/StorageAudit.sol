// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmRegistry} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {DatasetProofs} from "../libraries/DatasetProofs.sol";
import {QuorumSignatures} from "../libraries/QuorumSignatures.sol";
import {AnchorRegistry} from "./AnchorRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title StorageAudit — retrieval-proof audits of the operators that keep block groups, held to account on chain
///        (docs/STORAGE.md "Audits").
/// @notice The owner (the AVS's authorised submitter) records which operators keep a group (`assign`, `r` holders
///         chosen off chain by rendezvous hashing); the group must be anchored in `anchors` with the same audit root
///         and file size, and each holder active in quorum `quorumNumber` of the registry. An audit round of
///         (group, holder) is named by its seed, the hash of a recent block (`blockhash(seedBlock)`, so the round's
///         seed is checked here); no round seeded within `challengeGrace` blocks of the assignment can fail (the
///         holders first fetch the file). Two ways to fail a round, each slashing the holder through the
///         `CvmSlasher` router (`slashWad` of its allocation in operator set `quorumNumber`) and in `CStaking`
///         (`cSlashWad` of its native `$C` stake; this contract must be an allowed slasher there unless it is 0),
///         once per (group, holder, round) and at most once per (group, holder) in any `slashCooldown` seconds:
///         - attested: the auditing operators check the holder's 47-chunk answer off chain and BLS-sign
///           `outcomeDigest(...)`; `submitOutcome` checks the aggregate against the registry's stake-weighted quorum
///           at `seedBlock` (the task manager's rules) and records a pass or slashes a failure;
///         - disputed: anyone names one chunk of a round (`challenge`, paying exactly `challengeBond`); anyone
///           posts that 8 KiB chunk with its audit-tree path before the deadline (`respond`; the answer counts for
///           the holder, and the bond is credited to the holder), else `expire` fails the round and credits the
///           bond back to the challenger. Credits are pulled with `withdraw`.
///         The audit tree is the dataset tree of `DatasetProofs` over the group file's 8 KiB chunks (the last chunk
///         shorter), so a path made by the Java `AuditChunks` verifies here.
contract StorageAudit is Ownable, ReentrancyGuardTransient {
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

    /// @notice The anti-griefing settings (constructor; docs/STORAGE.md "Disputes").
    struct Rules {
        /// @notice Wei a challenger locks per dispute (> 0).
        uint256 challengeBond;
        /// @notice Seconds after a slash of (group, holder) during which it cannot be slashed again (> 0).
        uint64 slashCooldown;
        /// @notice Blocks after the assignment before a round can fail (its seed block must be at least
        ///         `assignedBlock + challengeGrace`).
        uint32 challengeGrace;
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
    /// @notice Where groups are anchored; only an anchored group (same audit root and size) can be assigned.
    AnchorRegistry public immutable anchors;
    /// @notice Wei `challenge` must carry; credited to the holder when answered, back to the challenger on expiry.
    uint256 public immutable challengeBond;
    /// @notice Minimum seconds between two slashes of one (group, holder), whichever path slashes.
    uint64 public immutable slashCooldown;
    /// @notice Blocks after `assignedBlock` before the first round that can fail.
    uint32 public immutable challengeGrace;

    mapping(bytes32 groupHash => Group) public groups;
    mapping(bytes32 groupHash => address[]) internal _holders;
    mapping(bytes32 groupHash => mapping(address holder => bool)) public isHolder;
    mapping(bytes32 groupHash => mapping(address holder => Dispute)) public disputes;
    mapping(bytes32 groupHash => mapping(address holder => mapping(bytes32 round => Result))) public results;
    mapping(bytes32 groupHash => mapping(address holder => mapping(bytes32 round => bool))) public slashed;
    /// @notice Timestamp of the last slash of (group, holder) (0: never).
    mapping(bytes32 groupHash => mapping(address holder => uint64)) public lastSlashAt;
    /// @notice Wei each account may `withdraw` (dispute bonds paid to holders or refunded to challengers).
    mapping(address account => uint256) public credit;

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
    /// @notice An expired dispute whose holder was slashed within the cooldown (by the attested path): no slash.
    event SlashSkipped(bytes32 indexed groupHash, address indexed holder, bytes32 indexed round, uint64 cooldownEnd);
    event BondCredited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

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
    error NotAnchored(bytes32 groupHash);
    error AnchorMismatch(bytes32 groupHash, bytes32 anchoredRoot, uint64 anchoredSize);
    error WrongBond(uint256 sent, uint256 required);
    error InGracePeriod(uint32 seedBlock, uint256 firstSeedBlock);
    error SlashCooldown(bytes32 groupHash, address holder, uint64 cooldownEnd);
    error NothingToWithdraw(address account);
    error WithdrawFailed(address account);
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
        uint256 cSlashWad_,
        AnchorRegistry anchors_,
        Rules memory rules_
    ) Ownable(owner_) {
        if (
            address(registry_) == address(0) || address(slasher_) == address(0) || thresholdPercentage_ == 0
                || thresholdPercentage_ > 100 || slashWad_ == 0 || slashWad_ > WAD || responseWindow_ == 0
                || address(cStaking_) == address(0) || cSlashWad_ > WAD || address(anchors_) == address(0)
                || rules_.challengeBond == 0 || rules_.slashCooldown == 0
        ) revert InvalidConfig();
        anchors = anchors_;
        challengeBond = rules_.challengeBond;
        slashCooldown = rules_.slashCooldown;
        challengeGrace = rules_.challengeGrace;
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
    ///         holders are chosen off chain by rendezvous hashing over (groupHash, operator) (docs/STORAGE.md). The
    ///         group must be anchored in `anchors` with this audit root and file size; every holder must be active
    ///         in quorum `quorumNumber` now (a deregistered operator keeps its operator id, not its membership).
    function assign(bytes32 groupHash, bytes32 auditRoot, uint64 fileSize, address[] calldata holders)
        external
        onlyOwner
    {
        if (groups[groupHash].fileSize != 0) revert AlreadyAssigned(groupHash);
        if (fileSize == 0 || auditRoot == bytes32(0)) revert BadGroup();
        AnchorRegistry.Anchor memory a = anchors.anchorOf(groupHash);
        if (a.blockNumber == 0) revert NotAnchored(groupHash);
        if (a.auditRoot != auditRoot || a.fileSize != fileSize) {
            revert AnchorMismatch(groupHash, a.auditRoot, a.fileSize);
        }
        if (holders.length == 0 || holders.length > type(uint8).max) revert BadHolders();
        mapping(address => bool) storage held = isHolder[groupHash];
        for (uint256 i; i < holders.length; ++i) {
            address h = holders[i];
            if (h == address(0) || !registry.isActive(h, quorumNumber)) revert NotOperator(h);
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
    ///         holder. One outcome per (group, holder, round); a failure is refused for a round seeded within the
    ///         grace period or while the holder's slash cooldown for the group runs.
    function submitOutcome(Outcome calldata o, ICvmTaskManagerTypes.NonSignerStakesAndSignature calldata sig)
        external
        nonReentrant
    {
        Group memory g = _group(o.groupHash);
        if (!isHolder[o.groupHash][o.holder]) revert NotHolderOf(o.groupHash, o.holder);
        bytes32 seed = _seed(o.seedBlock);
        if (results[o.groupHash][o.holder][seed] != Result.None) revert OutcomeRecorded(o.groupHash, o.holder, seed);
        if (!o.passed) {
            if (slashed[o.groupHash][o.holder][seed]) revert AlreadySlashed(o.groupHash, o.holder, seed);
            _checkGrace(g, o.seedBlock);
            _checkCooldown(o.groupHash, o.holder);
        }
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

    /// @notice Opens a dispute on chunk `index` of `holder`'s copy in the round seeded by `blockhash(seedBlock)`,
    ///         locking exactly `challengeBond` wei (one open dispute per (group, holder); none on a round already
    ///         slashed, within the grace period, or while the holder's slash cooldown for the group runs).
    function challenge(bytes32 groupHash, address holder, uint32 seedBlock, uint32 index) external payable {
        if (msg.value != challengeBond) revert WrongBond(msg.value, challengeBond);
        Group memory g = _group(groupHash);
        if (!isHolder[groupHash][holder]) revert NotHolderOf(groupHash, holder);
        uint256 n = chunkCount(g.fileSize);
        if (index >= n) revert IndexOutOfRange(index, n);
        bytes32 round = _seed(seedBlock);
        _checkGrace(g, seedBlock);
        if (slashed[groupHash][holder][round]) revert AlreadySlashed(groupHash, holder, round);
        _checkCooldown(groupHash, holder);
        if (disputes[groupHash][holder].challenger != address(0)) revert DisputeOpen(groupHash, holder);
        uint64 deadline = uint64(block.timestamp) + responseWindow;
        disputes[groupHash][holder] = Dispute(msg.sender, index, deadline, round);
        emit ChunkChallenged(groupHash, holder, round, index, deadline);
    }

    /// @notice Anyone answers `holder`'s open dispute with the chunk and its path (self-verifying against the
    ///         audit root; the answer counts for the holder, and the bond is credited to the holder, not the caller,
    ///         so a challenger cannot win its own bond back by answering). A wrong answer reverts (a correct one may
    ///         still come before the deadline).
    function respond(bytes32 groupHash, address holder, bytes calldata chunk, bytes32[] calldata siblings) external {
        Group memory g = _group(groupHash);
        Dispute memory d = disputes[groupHash][holder];
        if (d.challenger == address(0)) {
            if (!isHolder[groupHash][holder]) revert NotHolderOf(groupHash, holder);
            revert NoDispute(groupHash, holder);
        }
        // A validator can skew a timestamp by seconds, far less than any useful answer window.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.deadline) revert DeadlinePassed(d.deadline);
        if (!verifyChunk(g.auditRoot, g.fileSize, d.index, chunk, siblings)) revert WrongChunk(d.index);
        delete disputes[groupHash][holder];
        _credit(holder, challengeBond);
        emit ChunkProven(groupHash, holder, d.round, d.index);
    }

    /// @notice Anyone, after the deadline without an answer: the round failed, the bond is credited back to the
    ///         challenger and the holder is slashed — unless an attested failure slashed it meanwhile (same round,
    ///         or within the cooldown: `SlashSkipped`).
    function expire(bytes32 groupHash, address holder) external nonReentrant {
        _group(groupHash);
        Dispute memory d = disputes[groupHash][holder];
        if (d.challenger == address(0)) revert NoDispute(groupHash, holder);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= d.deadline) revert DeadlineNotReached(d.deadline);
        delete disputes[groupHash][holder];
        _credit(d.challenger, challengeBond);
        emit AuditFailed(groupHash, holder, d.index);
        if (slashed[groupHash][holder][d.round]) return;
        uint64 end = _cooldownEnd(groupHash, holder);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < end) {
            emit SlashSkipped(groupHash, holder, d.round, end);
            return;
        }
        _slash(groupHash, holder, d.round);
    }

    /// @notice Pays out the caller's credit (bonds); checks-effects-interactions, the credit is kept if the
    ///         transfer fails.
    function withdraw() external nonReentrant {
        uint256 amount = credit[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        credit[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        if (!ok) revert WithdrawFailed(msg.sender);
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
        lastSlashAt[groupHash][holder] = uint64(block.timestamp);
        (uint256 slashId,) = slasher.slashOperator(holder, quorumNumber, slashWad, SLASH_DESCRIPTION);
        emit HolderSlashed(groupHash, holder, round, slashId);
        if (cSlashWad != 0) cStaking.slash(holder, cSlashWad);
        if (registry.getOperatorId(holder) != bytes32(0)) {
            address[] memory ops = new address[](1);
            ops[0] = holder;
            registry.updateOperators(ops);
        }
    }

    function _credit(address account, uint256 amount) private {
        credit[account] += amount;
        emit BondCredited(account, amount);
    }

    /// @dev When the slash cooldown of (group, holder) ends (0 if it was never slashed).
    function _cooldownEnd(bytes32 groupHash, address holder) private view returns (uint64) {
        uint64 last = lastSlashAt[groupHash][holder];
        return last == 0 ? 0 : last + slashCooldown;
    }

    function _checkCooldown(bytes32 groupHash, address holder) private view {
        uint64 end = _cooldownEnd(groupHash, holder);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < end) revert SlashCooldown(groupHash, holder, end);
    }

    /// @dev A round can fail only if seeded at least `challengeGrace` blocks after the assignment.
    function _checkGrace(Group memory g, uint32 seedBlock) private view {
        uint256 first = uint256(g.assignedBlock) + challengeGrace;
        if (seedBlock < first) revert InGracePeriod(seedBlock, first);
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
