// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title AnchorRegistry — the on-chain receipts of stored CVM block groups (docs/STORAGE.md "Anchors").
/// @notice The AVS's anchoring service packs finalised CVM blocks into block groups, stores each on its backends
///         (local disk, S3, Arweave, IPFS) and records here, per group: the heights it covers, its group hash
///         (SHA-256 of the uncompressed payload), the file's size, the Arweave `data_root` of the file (256 KiB chunks), the audit
///         root (8 KiB chunks, the tree `StorageAudit` checks) and keccak256 of the per-backend locators, whose bytes
///         are in the event only. A node with an empty disk rebuilds its block store from these events alone.
///         Groups of one stream (a manuscript's chain) are contiguous: each starts at the height after the last
///         one anchored — no gap, no overlap — and a group hash is anchored once. Only the submitter, set by the
///         owner, anchors.
contract AnchorRegistry is Ownable {
    struct Anchor {
        uint64 firstHeight;
        uint64 lastHeight;
        uint64 blockNumber;
        uint64 fileSize;
        bytes32 stream;
        bytes32 dataRoot;
        bytes32 auditRoot;
        bytes32 locatorsHash;
    }

    /// @notice The one account allowed to anchor (the AVS's anchoring service).
    address public submitter;

    /// @notice The height the next group of a stream must start at (0 before its first group).
    mapping(bytes32 stream => uint64) public nextHeight;

    /// @notice Groups anchored per stream.
    mapping(bytes32 stream => uint64) public groupCount;

    mapping(bytes32 groupHash => Anchor) internal _anchors;

    event SubmitterChanged(address indexed previous, address indexed submitter);
    event GroupAnchored(
        bytes32 indexed stream,
        uint64 indexed firstHeight,
        bytes32 indexed groupHash,
        uint64 lastHeight,
        uint64 fileSize,
        bytes32 dataRoot,
        bytes32 auditRoot,
        bytes32 locatorsHash,
        bytes locators
    );

    error NotSubmitter(address caller);
    error ZeroSubmitter();
    error AlreadyAnchored(bytes32 groupHash, uint64 firstHeight);
    error HeightsNotContiguous(uint64 firstHeight, uint64 expected);
    error EmptyRange(uint64 firstHeight, uint64 lastHeight);
    error ZeroRoot();
    error ZeroFileSize();
    error NoLocators();

    constructor(address owner_, address submitter_) Ownable(owner_) {
        _setSubmitter(submitter_);
    }

    /// @notice Replaces the submitter (owner only).
    function setSubmitter(address submitter_) external onlyOwner {
        _setSubmitter(submitter_);
    }

    /// @notice Records one group's receipt.
    /// @param stream the chain the group belongs to (the manuscript hash of its blocks)
    /// @param fileSize the group file's size in bytes (fixes its chunk counts for audits)
    /// @param locators per-backend locators as encoded in docs/STORAGE.md "Anchors" (emitted, hashed into storage)
    function anchor(
        bytes32 stream,
        uint64 firstHeight,
        uint64 lastHeight,
        uint64 fileSize,
        bytes32 groupHash,
        bytes32 dataRoot,
        bytes32 auditRoot,
        bytes calldata locators
    ) external {
        if (msg.sender != submitter) revert NotSubmitter(msg.sender);
        Anchor storage existing = _anchors[groupHash];
        if (existing.blockNumber != 0) revert AlreadyAnchored(groupHash, existing.firstHeight);
        if (lastHeight < firstHeight) revert EmptyRange(firstHeight, lastHeight);
        uint64 expected = nextHeight[stream];
        if (firstHeight != expected) revert HeightsNotContiguous(firstHeight, expected);
        if (groupHash == bytes32(0) || dataRoot == bytes32(0) || auditRoot == bytes32(0)) revert ZeroRoot();
        if (fileSize == 0) revert ZeroFileSize();
        if (locators.length == 0) revert NoLocators();
        bytes32 locatorsHash = keccak256(locators);
        _anchors[groupHash] =
            Anchor(firstHeight, lastHeight, uint64(block.number), fileSize, stream, dataRoot, auditRoot, locatorsHash);
        nextHeight[stream] = lastHeight + 1;
        ++groupCount[stream];
        emit GroupAnchored(
            stream, firstHeight, groupHash, lastHeight, fileSize, dataRoot, auditRoot, locatorsHash, locators
        );
    }

    /// @notice The receipt of a group; `blockNumber` is 0 if it was never anchored.
    function anchorOf(bytes32 groupHash) external view returns (Anchor memory) {
        return _anchors[groupHash];
    }

    function _setSubmitter(address submitter_) private {
        if (submitter_ == address(0)) revert ZeroSubmitter();
        emit SubmitterChanged(submitter, submitter_);
        submitter = submitter_;
    }
}
