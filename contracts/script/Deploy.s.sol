// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CToken} from "../src/token/CToken.sol";
import {Script} from "forge-std/Script.sol";

/// @notice Deploys the cvm-avs contracts and writes their addresses to `DEPLOYMENTS_OUT`
///         (default `deployments/<chainId>.json`), a flat JSON object the Java side reads.
/// @dev Run: forge script contracts/script/Deploy.s.sol:Deploy --rpc-url URL --private-key KEY --broadcast
contract Deploy is Script {
    /// @notice `$C` supply cap: 1 billion tokens.
    uint256 internal constant C_CAP = 1_000_000_000 ether;

    function run() external {
        string memory out =
            vm.envOr("DEPLOYMENTS_OUT", string.concat("deployments/", vm.toString(block.chainid), ".json"));
        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        CToken cToken = new CToken(deployer, C_CAP);
        vm.stopBroadcast();

        string memory key = "deployment";
        vm.serializeUint(key, "chainId", block.chainid);
        vm.serializeAddress(key, "deployer", deployer);
        string memory json = vm.serializeAddress(key, "CToken", address(cToken));
        vm.writeJson(json, out);
    }
}
