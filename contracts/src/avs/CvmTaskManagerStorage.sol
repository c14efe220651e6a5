// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking} from "../interfaces/avs/ICStaking.sol";
import {ICvmManuscriptRegistry} from "../interfaces/avs/ICvmManuscriptRegistry.sol";
import {ICvmRegistry} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManager} from "../interfaces/avs/ICvmServiceManager.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManager} from "../interfaces/avs/ICvmTaskManager.sol";

/// @title CvmTaskManagerStorage — state of the CVM task manager.
abstract contract CvmTaskManagerStorage is ICvmTaskManager {
    /// @dev Everything `respondToTask` reads and writes besides the task, in one slot.
    struct HotSlot {
        address aggregator;
        uint32 responseCount;
        uint32 taskResponseWindowBlock;
        uint16 maxMissedResponses;
    }

    ICvmRegistry public immutable registry;
    ICvmServiceManager public immutable serviceManager;
    /// @notice The slasher router: restaked slashes and ejections go through it (EigenLayer v1.9+ slasher rule).
    ICvmSlasher public immutable slasher;
    ICStaking public immutable cStaking;

    HotSlot internal _hot;
    address public taskGenerator;
    /// @inheritdoc ICvmTaskManager
    uint32 public latestTaskNum;
    address public vetoCommittee;
    address public treasury;
    Config internal _config;

    mapping(uint32 taskIndex => bytes32) internal _taskHashes;
    mapping(uint32 taskIndex => bytes32) internal _taskResponses;
    mapping(bytes32 operatorId => Liveness) internal _liveness;
    mapping(uint32 taskIndex => bool) public taskChallenged;
    /// @inheritdoc ICvmTaskManager
    mapping(uint32 taskIndex => bool) public responseInvalidated;
    mapping(uint256 requestId => SlashingRequest) internal _requests;
    uint256 public slashingRequestCount;
    mapping(uint32 taskIndex => mapping(address operator => bool)) public equivocationSlashed;
    /// @dev Unused since `wrongResultSlashedBy` (which also marks the `$C` slash); kept for the storage layout.
    mapping(uint256 requestId => mapping(address operator => bool)) private __unusedCSlashedForRequest;
    /// @notice True while a signature challenge against (task, operator) is pending or once it was fulfilled.
    mapping(uint32 taskIndex => mapping(address operator => bool)) public signatureChallenged;
    /// @inheritdoc ICvmTaskManager
    mapping(uint32 taskIndex => mapping(address operator => uint256 requestId)) public wrongResultSlashedBy;
    /// @inheritdoc ICvmTaskManager
    ICvmManuscriptRegistry public manuscriptRegistry;

    constructor(ICvmRegistry registry_, ICvmServiceManager serviceManager_, ICvmSlasher slasher_, ICStaking cStaking_) {
        registry = registry_;
        serviceManager = serviceManager_;
        slasher = slasher_;
        cStaking = cStaking_;
    }

    uint256[33] private __gap;
}
