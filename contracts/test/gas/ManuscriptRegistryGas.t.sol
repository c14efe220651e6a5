// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmManuscriptRegistry} from "../../src/avs/CvmManuscriptRegistry.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Gas of the manuscript registry's writes (execution gas, excluding the 21k base and calldata), written to
///         snapshots/manuscriptRegistry.json: a registration with a typical https locator (~70 bytes), a
///         deprecation and a revocation.
contract ManuscriptRegistryGas is Test {
    CvmManuscriptRegistry internal registry;
    address internal registrar = address(0x5B);

    function setUp() public {
        registry = new CvmManuscriptRegistry(address(this));
        registry.setRegistrar(registrar, true);
    }

    function test_ManuscriptRegistryGas() public {
        string memory locator = "https://manuscripts.cvm-avs.invalid/erc20/devnet-erc20-volume-v1.yaml";
        bytes32 c0 = sha256("m0");
        bytes32 c1 = sha256("m1");
        vm.prank(registrar);
        registry.register(keccak256("m0"), c0, locator);
        vm.snapshotGasLastCall("manuscriptRegistry", "register_first");
        vm.prank(registrar);
        registry.register(keccak256("m1"), c1, locator);
        vm.snapshotGasLastCall("manuscriptRegistry", "register_next");
        vm.prank(registrar);
        registry.deprecate(keccak256("m0"));
        vm.snapshotGasLastCall("manuscriptRegistry", "deprecate");
        registry.revoke(keccak256("m1"), "non-deterministic");
        vm.snapshotGasLastCall("manuscriptRegistry", "revoke");
    }
}
