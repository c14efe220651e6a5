// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title CToken — the network's native `$C` token.
/// @notice Fixed-cap ERC-20 with EIP-2612 permits. Minting is limited to holders of `MINTER_ROLE` (the bridge and,
///         on a devnet, the deployer); anyone may burn their own tokens. `$C` is staked in `CStaking` for the
///         native half of the network's dual-staked security.
contract CToken is ERC20, ERC20Burnable, ERC20Capped, ERC20Permit, AccessControl {
    /// @notice Role allowed to mint new `$C` up to the cap.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @param admin receives `DEFAULT_ADMIN_ROLE` and `MINTER_ROLE`.
    /// @param cap_ maximum total supply, in wei (18 decimals).
    constructor(address admin, uint256 cap_)
        ERC20("Chainbase Token", "C")
        ERC20Capped(cap_)
        ERC20Permit("Chainbase Token")
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    /// @notice Mints `amount` to `to`. Reverts with `ERC20ExceededCap` past the cap.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped) {
        super._update(from, to, value);
    }
}
