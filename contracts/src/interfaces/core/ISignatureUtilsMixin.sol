// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice Signature containers used by EigenLayer's core contracts.
interface ISignatureUtilsMixinTypes {
    struct SignatureWithExpiry {
        bytes signature;
        uint256 expiry;
    }

    struct SignatureWithSaltAndExpiry {
        bytes signature;
        bytes32 salt;
        uint256 expiry;
    }
}
