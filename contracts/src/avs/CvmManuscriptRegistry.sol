// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmManuscriptRegistry} from "../interfaces/avs/ICvmManuscriptRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title CvmManuscriptRegistry — the one registry of manuscripts the AVS attests (see ICvmManuscriptRegistry).
contract CvmManuscriptRegistry is ICvmManuscriptRegistry, Ownable {
    /// @notice Longest accepted locator, in bytes.
    uint256 public constant MAX_LOCATOR_LENGTH = 1024;

    mapping(address account => bool) internal _registrars;
    mapping(bytes32 manuscriptHash => Manuscript) internal _manuscripts;
    bytes32[] internal _hashes;

    constructor(address owner_) Ownable(owner_) {}

    /// @inheritdoc ICvmManuscriptRegistry
    function setRegistrar(address registrar, bool allowed) external onlyOwner {
        if (registrar == address(0)) revert ZeroAddress();
        _registrars[registrar] = allowed;
        emit RegistrarSet(registrar, allowed);
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function register(bytes32 manuscriptHash, bytes32 contentHash, string calldata locator) external {
        if (msg.sender != owner() && !_registrars[msg.sender]) revert NotRegistrar(msg.sender);
        if (manuscriptHash == bytes32(0) || contentHash == bytes32(0)) revert ZeroHash();
        if (_manuscripts[manuscriptHash].status != Status.None) revert AlreadyRegistered(manuscriptHash);
        if (!_supportedLocator(bytes(locator))) revert UnsupportedLocator(locator);
        _manuscripts[manuscriptHash] = Manuscript(contentHash, msg.sender, Status.Active, uint64(block.number), locator);
        _hashes.push(manuscriptHash);
        emit ManuscriptRegistered(manuscriptHash, msg.sender, contentHash, locator);
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function deprecate(bytes32 manuscriptHash) external {
        Manuscript storage m = _existing(manuscriptHash);
        if (m.owner != msg.sender) revert NotManuscriptOwner(manuscriptHash, msg.sender);
        if (m.status != Status.Active) revert InvalidStatus(manuscriptHash, m.status);
        m.status = Status.Deprecated;
        emit ManuscriptDeprecated(manuscriptHash, msg.sender);
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function revoke(bytes32 manuscriptHash, string calldata reason) external onlyOwner {
        Manuscript storage m = _existing(manuscriptHash);
        if (m.status == Status.Revoked) revert InvalidStatus(manuscriptHash, m.status);
        m.status = Status.Revoked;
        emit ManuscriptRevoked(manuscriptHash, msg.sender, reason);
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function manuscriptOf(bytes32 manuscriptHash) external view returns (Manuscript memory) {
        return _manuscripts[manuscriptHash];
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function isActive(bytes32 manuscriptHash) external view returns (bool) {
        return _manuscripts[manuscriptHash].status == Status.Active;
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function isRegistrar(address account) external view returns (bool) {
        return _registrars[account];
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function manuscriptCount() external view returns (uint256) {
        return _hashes.length;
    }

    /// @inheritdoc ICvmManuscriptRegistry
    function manuscriptHashes(uint256 offset, uint256 limit) external view returns (bytes32[] memory out) {
        uint256 n = _hashes.length;
        uint256 end = offset >= n ? offset : (limit > n - offset ? n : offset + limit);
        out = new bytes32[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            out[i - offset] = _hashes[i];
        }
    }

    function _existing(bytes32 manuscriptHash) internal view returns (Manuscript storage m) {
        m = _manuscripts[manuscriptHash];
        if (m.status == Status.None) revert UnknownManuscript(manuscriptHash);
    }

    /// @dev A non-empty URI of at most MAX_LOCATOR_LENGTH bytes with a supported scheme and something after it.
    function _supportedLocator(bytes memory l) internal pure returns (bool) {
        if (l.length > MAX_LOCATOR_LENGTH) return false;
        return _hasScheme(l, "file://") || _hasScheme(l, "http://") || _hasScheme(l, "https://")
            || _hasScheme(l, "ipfs://") || _hasScheme(l, "ar://");
    }

    function _hasScheme(bytes memory l, bytes memory scheme) private pure returns (bool) {
        if (l.length <= scheme.length) return false;
        for (uint256 i; i < scheme.length; ++i) {
            if (l[i] != scheme[i]) return false;
        }
        return true;
    }
}
