// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AnchorRegistry} from "../../src/storage/AnchorRegistry.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Gas of `AnchorRegistry.anchor` (execution gas, excluding the 21k base and calldata, recorded beside it),
///         written to snapshots/anchorRegistry.json: the first group of a stream (fresh slots) and a later one, with
///         four locators (local, S3, Arweave, IPFS) as the Java service encodes them (~250 bytes).
contract AnchorRegistryGas is Test {
    AnchorRegistry internal registry;
    address internal submitter = address(0x5B);
    bytes32 internal constant STREAM = keccak256("manuscript");

    function setUp() public {
        registry = new AnchorRegistry(address(this), submitter);
    }

    function _locators() internal pure returns (bytes memory) {
        bytes memory h64 = bytes("a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778");
        return abi.encodePacked(
            uint8(4),
            abi.encodePacked(uint8(7), "arweave", uint16(43), "bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U"),
            abi.encodePacked(
                uint8(4), "ipfs", uint16(59), "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
            ),
            abi.encodePacked(uint8(5), "local", uint16(64), h64),
            abi.encodePacked(uint8(2), "s3", uint16(64), h64)
        );
    }

    function test_AnchorGas() public {
        bytes memory locators = _locators();
        vm.prank(submitter);
        registry.anchor(STREAM, 0, 99, 1_200_000, keccak256("g0"), keccak256("d0"), keccak256("a0"), locators);
        vm.snapshotGasLastCall("anchorRegistry", "anchorGroup_first");
        vm.prank(submitter);
        registry.anchor(STREAM, 100, 199, 1_200_000, keccak256("g1"), keccak256("d1"), keccak256("a1"), locators);
        vm.snapshotGasLastCall("anchorRegistry", "anchorGroup_next");
        bytes memory cd = abi.encodeCall(
            registry.anchor, (STREAM, 100, 199, 1_200_000, keccak256("g1"), keccak256("d1"), keccak256("a1"), locators)
        );
        uint256 cdGas;
        for (uint256 i; i < cd.length; ++i) {
            cdGas += cd[i] == 0 ? 4 : 16;
        }
        vm.snapshotValue("anchorRegistry", "anchorGroup_calldataGas", cdGas);
    }
}
