// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

interface ICvmManuscriptRegistryTypes {
    /// @notice None: never registered. Active: tasks may name it. Deprecated: its owner retired it; the task
    ///         generator creates no new tasks for it, nodes still attest tasks already created. Revoked: the AVS
    ///         owner withdrew it; nodes refuse every task naming it. Deprecated and Revoked are final
    ///         (Deprecated may still be revoked).
    enum Status {
        None,
        Active,
        Deprecated,
        Revoked
    }

    /// @notice One registered manuscript.
    /// @param contentHash SHA-256 of the manuscript file's bytes (checked by a node after fetching `locator`,
    ///        beside the keccak-256 manuscript hash the entry is keyed by)
    /// @param owner the registrar that registered it (may deprecate it)
    /// @param status see `Status`
    /// @param registeredBlock the block of registration
    /// @param locator where the YAML is fetched from: a `file://`, `http://`, `https://`, `ipfs://` or `ar://` URI
    struct Manuscript {
        bytes32 contentHash;
        address owner;
        Status status;
        uint64 registeredBlock;
        string locator;
    }
}

interface ICvmManuscriptRegistryErrors {
    /// @notice `caller` is neither the AVS owner nor an allow-listed registrar.
    error NotRegistrar(address caller);
    /// @notice `caller` does not own the entry of `manuscriptHash`.
    error NotManuscriptOwner(bytes32 manuscriptHash, address caller);
    error AlreadyRegistered(bytes32 manuscriptHash);
    error UnknownManuscript(bytes32 manuscriptHash);
    /// @notice A manuscript hash or content hash of zero.
    error ZeroHash();
    error ZeroAddress();
    /// @notice The locator is empty, longer than `MAX_LOCATOR_LENGTH` or has another scheme than the five accepted.
    error UnsupportedLocator(string locator);
    /// @notice The entry of `manuscriptHash` is not in a status that allows this (deprecate: Active; revoke: Active
    ///         or Deprecated).
    error InvalidStatus(bytes32 manuscriptHash, ICvmManuscriptRegistryTypes.Status status);
}

interface ICvmManuscriptRegistryEvents {
    event RegistrarSet(address indexed registrar, bool allowed);
    event ManuscriptRegistered(
        bytes32 indexed manuscriptHash, address indexed owner, bytes32 contentHash, string locator
    );
    event ManuscriptDeprecated(bytes32 indexed manuscriptHash, address indexed by);
    event ManuscriptRevoked(bytes32 indexed manuscriptHash, address indexed by, string reason);
}

/// @title ICvmManuscriptRegistry — the AVS's registry of manuscripts operators attest (issue 14).
/// @notice A task's `manuscriptHash` names an entry here: keccak-256 of the manuscript file's bytes, exactly as the
///         CVM computes it (`io.cvmavs.cvm.task.AttestedManuscript`), so the same file gives the same hash
///         everywhere. A node fetches the file from the entry's locator, checks both hashes, validates the YAML
///         and only then runs and signs. The AVS owner and allow-listed registrars register; the registrar that
///         registered an entry may deprecate it; the AVS owner may revoke any entry. Entries are never deleted, so
///         the list is append-only and can be enumerated by index.
interface ICvmManuscriptRegistry is
    ICvmManuscriptRegistryTypes,
    ICvmManuscriptRegistryErrors,
    ICvmManuscriptRegistryEvents
{
    /// @notice AVS owner: allows (or disallows) `registrar` to register manuscripts.
    function setRegistrar(address registrar, bool allowed) external;

    /// @notice AVS owner or registrar: registers a manuscript as Active, owned by the caller.
    /// @param manuscriptHash keccak-256 of the file's bytes
    /// @param contentHash SHA-256 of the same bytes
    /// @param locator the URI the file is fetched from (see `Manuscript.locator`)
    function register(bytes32 manuscriptHash, bytes32 contentHash, string calldata locator) external;

    /// @notice Entry owner: marks an Active entry Deprecated.
    function deprecate(bytes32 manuscriptHash) external;

    /// @notice AVS owner: marks an Active or Deprecated entry Revoked; `reason` is emitted only.
    function revoke(bytes32 manuscriptHash, string calldata reason) external;

    /// @notice The entry of `manuscriptHash` (status None and zero fields when never registered).
    function manuscriptOf(bytes32 manuscriptHash) external view returns (Manuscript memory);

    /// @notice True when the entry is Active.
    function isActive(bytes32 manuscriptHash) external view returns (bool);

    function isRegistrar(address account) external view returns (bool);

    /// @notice Number of entries ever registered.
    function manuscriptCount() external view returns (uint256);

    /// @notice The manuscript hashes of entries `[offset, offset + limit)` in registration order (fewer at the end).
    function manuscriptHashes(uint256 offset, uint256 limit) external view returns (bytes32[] memory);
}
