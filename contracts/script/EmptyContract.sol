// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice Placeholder implementation for proxies deployed before their implementations exist (their
///         implementations take the other proxies' addresses as immutables).
contract EmptyContract {
    /// @notice No-op "initializer": OpenZeppelin 5.7 proxies refuse empty construction data.
    function placeholder() external pure {}
}
