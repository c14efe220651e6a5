// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {DatasetProofs} from "../libraries/DatasetProofs.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title StorageAudit — the on-chain settlement of one disputed retrieval-proof chunk (docs/STORAGE.md "Audits").
/// @notice Operators keep the block groups assigned to them. Audits of 47 chunks are checked off chain by the other
///         operators; when an answer is disputed, a challenger names one 8 KiB chunk here, the holder posts that
///         chunk with its audit-tree path before the deadline, and a missing or wrong answer is recorded as a failed
///         audit (`AuditFailed`) for the slashing path. The audit tree is the dataset tree of `DatasetProofs` over the
///         group file's 8 KiB chunks (the last chunk shorter), so a path made by the Java `AuditChunks` verifies here.
///         Wiring `AuditFailed` into the slasher is not part of this contract.
contract StorageAudit is Ownable {
    uint256 public constant CHUNK = 8192;

    struct Group {
        bytes32 auditRoot;
        uint64 fileSize;
        address holder;
    }

    struct Dispute {
        address challenger;
        uint32 index;
        uint64 deadline;
    }

    /// @notice Seconds the holder has to answer a challenged chunk.
    uint64 public immutable responseWindow;

    mapping(bytes32 groupHash => Group) public groups;
    mapping(bytes32 groupHash => Dispute) public disputes;

    event GroupAssigned(bytes32 indexed groupHash, address indexed holder, bytes32 auditRoot, uint64 fileSize);
    event ChunkChallenged(bytes32 indexed groupHash, address indexed holder, uint32 index, uint64 deadline);
    event ChunkProven(bytes32 indexed groupHash, address indexed holder, uint32 index);
    event AuditFailed(bytes32 indexed groupHash, address indexed holder, uint32 index);

    error UnknownGroup(bytes32 groupHash);
    error AlreadyAssigned(bytes32 groupHash);
    error BadGroup();
    error IndexOutOfRange(uint32 index, uint256 chunkCount);
    error DisputeOpen(bytes32 groupHash);
    error NoDispute(bytes32 groupHash);
    error NotHolder(address caller);
    error DeadlinePassed(uint64 deadline);
    error DeadlineNotReached(uint64 deadline);
    error WrongChunkLength(uint256 length, uint256 expected);
    error WrongChunk(uint32 index);

    constructor(address owner_, uint64 responseWindow_) Ownable(owner_) {
        responseWindow = responseWindow_;
    }

    /// @notice Records which operator keeps a group (the AVS's authorised submitter).
    function assign(bytes32 groupHash, bytes32 auditRoot, uint64 fileSize, address holder) external onlyOwner {
        if (groups[groupHash].holder != address(0)) revert AlreadyAssigned(groupHash);
        if (fileSize == 0 || holder == address(0) || auditRoot == bytes32(0)) revert BadGroup();
        groups[groupHash] = Group(auditRoot, fileSize, holder);
        emit GroupAssigned(groupHash, holder, auditRoot, fileSize);
    }

    /// @notice Opens a dispute on chunk `index` of a group (one open dispute per group).
    function challenge(bytes32 groupHash, uint32 index) external {
        Group memory g = _group(groupHash);
        uint256 n = chunkCount(g.fileSize);
        if (index >= n) revert IndexOutOfRange(index, n);
        if (disputes[groupHash].challenger != address(0)) revert DisputeOpen(groupHash);
        uint64 deadline = uint64(block.timestamp) + responseWindow;
        disputes[groupHash] = Dispute(msg.sender, index, deadline);
        emit ChunkChallenged(groupHash, g.holder, index, deadline);
    }

    /// @notice The holder answers the open dispute with the chunk and its path; a wrong answer reverts (the holder
    ///         may still answer correctly before the deadline).
    function respond(bytes32 groupHash, bytes calldata chunk, bytes32[] calldata siblings) external {
        Group memory g = _group(groupHash);
        Dispute memory d = disputes[groupHash];
        if (d.challenger == address(0)) revert NoDispute(groupHash);
        if (msg.sender != g.holder) revert NotHolder(msg.sender);
        // A validator can skew a timestamp by seconds, far less than any useful answer window.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.deadline) revert DeadlinePassed(d.deadline);
        if (!verifyChunk(g.auditRoot, g.fileSize, d.index, chunk, siblings)) revert WrongChunk(d.index);
        delete disputes[groupHash];
        emit ChunkProven(groupHash, g.holder, d.index);
    }

    /// @notice After the deadline without an answer: the audit failed.
    function expire(bytes32 groupHash) external {
        Group memory g = _group(groupHash);
        Dispute memory d = disputes[groupHash];
        if (d.challenger == address(0)) revert NoDispute(groupHash);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= d.deadline) revert DeadlineNotReached(d.deadline);
        delete disputes[groupHash];
        emit AuditFailed(groupHash, g.holder, d.index);
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

    function _group(bytes32 groupHash) private view returns (Group memory g) {
        g = groups[groupHash];
        if (g.holder == address(0)) revert UnknownGroup(groupHash);
    }
}
