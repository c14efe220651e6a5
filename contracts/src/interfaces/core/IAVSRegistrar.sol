// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IAVSRegistrar — callback the AllocationManager invokes on operator-set (de)registration.
interface IAVSRegistrar {
    /// @notice Called by the AllocationManager after `operator` joined `operatorSetIds` of `avs`; reverting refuses.
    function registerOperator(address operator, address avs, uint32[] calldata operatorSetIds, bytes calldata data)
        external;

    /// @notice Called by the AllocationManager after `operator` left `operatorSetIds` of `avs`.
    function deregisterOperator(address operator, address avs, uint32[] calldata operatorSetIds) external;

    /// @notice Whether this registrar serves `avs`.
    function supportsAVS(address avs) external view returns (bool);
}
