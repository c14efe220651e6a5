// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";

/// @title CStakingStorage — state of `$C` staking.
abstract contract CStakingStorage is ICStaking {
    /// @dev A share-based pool: a slash lowers `stake`, so each share is worth less.
    struct Pool {
        uint128 stake;
        uint128 shares;
    }

    struct UnbondingRequest {
        address staker;
        address operator;
        uint128 shares;
        uint64 withdrawableAt;
        uint32 epoch;
    }

    ERC20Burnable public immutable token;

    address public slasher;
    uint64 public unbondingPeriod;
    uint256 public nextRequestId;

    mapping(address operator => bytes32) internal _consensusKey;
    mapping(bytes32 consensusKey => address) internal _keyOperator;
    mapping(address operator => Pool) internal _active;
    /// @dev Unbonding pools by epoch; a new epoch starts when a slash empties the pool with shares outstanding.
    mapping(address operator => mapping(uint32 epoch => Pool)) internal _unbonding;
    mapping(address operator => uint32) internal _unbondingEpoch;
    mapping(address staker => mapping(address operator => uint256)) internal _shares;
    mapping(uint256 requestId => UnbondingRequest) internal _requests;

    /// @dev Further slashers the owner allowed next to `slasher` (CvmMisbehaviourSlasher). Appended: one gap slot used.
    mapping(address account => bool) internal _allowedSlasher;

    constructor(ERC20Burnable token_) {
        token = token_;
    }

    uint256[41] private __gap;
}
