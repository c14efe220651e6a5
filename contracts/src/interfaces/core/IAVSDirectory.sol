// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ISignatureUtilsMixinTypes} from "./ISignatureUtilsMixin.sol";

interface IAVSDirectoryErrors {
    error OperatorNotRegisteredToEigenLayer();
    error OperatorAlreadyRegisteredToAVS();
    error OperatorNotRegisteredToAVS();
    error SaltSpent();
    error SignatureExpired();
    error InvalidSignature();
}

interface IAVSDirectoryEvents {
    enum OperatorAVSRegistrationStatus {
        UNREGISTERED,
        REGISTERED
    }

    event OperatorAVSRegistrationStatusUpdated(
        address indexed operator, address indexed avs, OperatorAVSRegistrationStatus status
    );
    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);
}

/// @title IAVSDirectory — legacy (M2) operator ↔ AVS registration with an EIP-712 operator signature.
/// @notice Domain `EIP712Domain(string name,uint256 chainId,address verifyingContract)` with name "EigenLayer";
///         the operator signs the raw digest (no EIP-191 prefix); EIP-1271 for contract operators.
interface IAVSDirectory is ISignatureUtilsMixinTypes, IAVSDirectoryErrors, IAVSDirectoryEvents {
    /// @notice Called by the AVS (msg.sender) to register `operator`, who signed the registration digest.
    function registerOperatorToAVS(address operator, SignatureWithSaltAndExpiry memory operatorSignature) external;

    /// @notice Called by the AVS (msg.sender) to deregister `operator`.
    function deregisterOperatorFromAVS(address operator) external;

    function updateAVSMetadataURI(string calldata metadataURI) external;

    /// @notice Operator: invalidate a salt before use.
    function cancelSalt(bytes32 salt) external;

    function calculateOperatorAVSRegistrationDigestHash(address operator, address avs, bytes32 salt, uint256 expiry)
        external
        view
        returns (bytes32);

    function operatorSaltIsSpent(address operator, bytes32 salt) external view returns (bool);

    function avsOperatorStatus(address avs, address operator) external view returns (OperatorAVSRegistrationStatus);

    function OPERATOR_AVS_REGISTRATION_TYPEHASH() external view returns (bytes32);

    function domainSeparator() external view returns (bytes32);
}
