// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmRegistry} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManager} from "../interfaces/avs/ICvmServiceManager.sol";
import {ICvmTaskManager} from "../interfaces/avs/ICvmTaskManager.sol";
import {IAllocationManager} from "../interfaces/core/IAllocationManager.sol";
import {BN254} from "../libraries/BN254.sol";

/// @title CvmRegistryStorage — state of the CVM registry.
abstract contract CvmRegistryStorage is ICvmRegistry {
    bytes32 public constant PUBKEY_REGISTRATION_TYPEHASH = keccak256("BN254PubkeyRegistration(address operator)");

    IAllocationManager public immutable allocationManager;
    ICvmServiceManager public immutable serviceManager;
    ICvmTaskManager public immutable taskManager;
    ICStaking public immutable cStaking;

    /// @inheritdoc ICvmRegistry
    uint8 public quorumCount;
    mapping(uint8 quorumNumber => QuorumConfig) internal _quorumConfig;
    mapping(uint8 quorumNumber => StrategyParams[]) internal _strategyParams;
    mapping(uint8 quorumNumber => uint32) internal _operatorCount;

    mapping(address operator => bytes32) internal _operatorToId;
    mapping(bytes32 operatorId => address) internal _idToOperator;
    mapping(address operator => BN254.G1Point) internal _pubkeyG1;
    mapping(bytes32 operatorId => string) internal _socket;

    /// @dev Checkpoints in a mapping with an explicit length, so a hinted read costs one slot (no bounds-check
    ///      read of an array length). A checkpoint never has updateBlockNumber 0 (block 0 is genesis).
    struct StakeHistory {
        uint256 length;
        mapping(uint256 index => StakeUpdate) entries;
    }

    mapping(bytes32 operatorId => mapping(uint8 quorumNumber => StakeHistory)) internal _stakeHistory;
    mapping(uint8 quorumNumber => StakeHistory) internal _totalStakeHistory;
    mapping(uint8 quorumNumber => ApkUpdate[]) internal _apkHistory;
    mapping(uint8 quorumNumber => BN254.G1Point) internal _currentApk;

    constructor(
        IAllocationManager allocationManager_,
        ICvmServiceManager serviceManager_,
        ICvmTaskManager taskManager_,
        ICStaking cStaking_
    ) {
        allocationManager = allocationManager_;
        serviceManager = serviceManager_;
        taskManager = taskManager_;
        cStaking = cStaking_;
    }

    uint256[40] private __gap;
}
