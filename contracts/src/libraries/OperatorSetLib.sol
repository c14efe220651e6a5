// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice An operator set of an AVS (EigenLayer slashing release).
struct OperatorSet {
    address avs;
    uint32 id;
}

/// @title OperatorSetLib — packs an operator set into a single key.
library OperatorSetLib {
    function key(OperatorSet memory os) internal pure returns (bytes32) {
        return bytes32(abi.encodePacked(os.avs, uint96(os.id)));
    }
}
