// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistry, ICvmRegistryTypes} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManager} from "../interfaces/avs/ICvmServiceManager.sol";
import {ICvmSlasher} from "../interfaces/avs/ICvmSlasher.sol";
import {IAVSDirectory} from "../interfaces/core/IAVSDirectory.sol";
import {IAllocationManager, IAllocationManagerTypes} from "../interfaces/core/IAllocationManager.sol";
import {IPermissionController} from "../interfaces/core/IPermissionController.sol";
import {IRewardsCoordinator, IRewardsCoordinatorTypes} from "../interfaces/core/IRewardsCoordinator.sol";
import {IStrategy} from "../interfaces/core/IStrategy.sol";
import {OperatorSet} from "../libraries/OperatorSetLib.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title CvmServiceManager — the CVM AVS's identity towards EigenLayer (see ICvmServiceManager).
contract CvmServiceManager is Initializable, OwnableUpgradeable, ICvmServiceManager {
    using SafeERC20 for IERC20;

    IAllocationManager public immutable allocationManager;
    IAVSDirectory public immutable avsDirectory;
    IPermissionController public immutable permissionController;
    ICvmRegistry public immutable registry;
    /// @notice The slasher router: the slasher of every operator set this AVS creates, and the only ejector.
    ICvmSlasher public immutable slasher;

    address public pauser;
    bool public paused;

    /// @inheritdoc ICvmServiceManager
    IRewardsCoordinator public rewardsCoordinator;
    /// @inheritdoc ICvmServiceManager
    address public rewardsInitiator;

    uint256[46] private __gap;

    constructor(
        IAllocationManager allocationManager_,
        IAVSDirectory avsDirectory_,
        IPermissionController permissionController_,
        ICvmRegistry registry_,
        ICvmSlasher slasher_
    ) {
        allocationManager = allocationManager_;
        avsDirectory = avsDirectory_;
        permissionController = permissionController_;
        registry = registry_;
        slasher = slasher_;
        _disableInitializers();
    }

    /// @notice Registers the AVS metadata and sets the registry as registrar. No PermissionController appointee
    ///         for `slashOperator`: since EigenLayer v1.9 only the set's slasher (the router, named in
    ///         `createQuorum`) may slash.
    function initialize(address initialOwner, address initialPauser, string calldata metadataURI) external initializer {
        __Ownable_init(initialOwner);
        pauser = initialPauser;
        emit PauserSet(initialPauser);
        allocationManager.updateAVSMetadataURI(address(this), metadataURI);
        avsDirectory.updateAVSMetadataURI(metadataURI);
        allocationManager.setAVSRegistrar(address(this), registry);
    }

    /// @inheritdoc ICvmServiceManager
    function createQuorum(
        ICvmRegistryTypes.QuorumConfig calldata config,
        ICvmRegistryTypes.StrategyParams[] calldata strategies
    ) external onlyOwner returns (uint8 quorumNumber) {
        quorumNumber = registry.createQuorum(config, strategies);
        IStrategy[] memory s = new IStrategy[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) {
            s[i] = strategies[i].strategy;
        }
        // The v1.9+ overload: the router is the set's slasher from creation (updateSlasher would wait weeks).
        IAllocationManagerTypes.CreateSetParamsV2[] memory params = new IAllocationManagerTypes.CreateSetParamsV2[](1);
        params[0] = IAllocationManagerTypes.CreateSetParamsV2({
            operatorSetId: quorumNumber, strategies: s, slasher: address(slasher)
        });
        allocationManager.createOperatorSets(address(this), params);
    }

    /// @inheritdoc ICvmServiceManager
    function setQuorumConfig(uint8 quorumNumber, ICvmRegistryTypes.QuorumConfig calldata config) external onlyOwner {
        registry.setQuorumConfig(quorumNumber, config);
    }

    /// @inheritdoc ICvmServiceManager
    function updateAVSMetadataURI(string calldata metadataURI) external onlyOwner {
        allocationManager.updateAVSMetadataURI(address(this), metadataURI);
        avsDirectory.updateAVSMetadataURI(metadataURI);
    }

    /// @inheritdoc ICvmServiceManager
    function setAppointee(address appointee, address target, bytes4 selector) external onlyOwner {
        permissionController.setAppointee(address(this), appointee, target, selector);
    }

    /// @inheritdoc ICvmServiceManager
    function removeAppointee(address appointee, address target, bytes4 selector) external onlyOwner {
        permissionController.removeAppointee(address(this), appointee, target, selector);
    }

    /// @inheritdoc ICvmServiceManager
    function ejectOperator(address operator) external {
        if (msg.sender != address(slasher)) revert OnlyEjector(msg.sender);
        uint8[] memory quorums = registry.getActiveQuorums(operator);
        uint32[] memory ids = new uint32[](quorums.length);
        for (uint256 i; i < quorums.length; ++i) {
            ids[i] = quorums[i];
        }
        emit OperatorEjected(operator, ids);
        allocationManager.deregisterFromOperatorSets(
            IAllocationManagerTypes.DeregisterParams({operator: operator, avs: address(this), operatorSetIds: ids})
        );
    }

    /// @inheritdoc ICvmServiceManager
    function registerOperatorToAVS(address operator, SignatureWithSaltAndExpiry calldata operatorSignature) external {
        if (paused) revert ServicePaused();
        avsDirectory.registerOperatorToAVS(operator, operatorSignature);
    }

    /// @inheritdoc ICvmServiceManager
    function deregisterOperatorFromAVS(address operator) external {
        if (msg.sender != operator && msg.sender != owner()) revert OnlyOperatorOrOwner(msg.sender, operator);
        avsDirectory.deregisterOperatorFromAVS(operator);
    }

    /// @inheritdoc ICvmServiceManager
    function setPauser(address newPauser) external onlyOwner {
        pauser = newPauser;
        emit PauserSet(newPauser);
    }

    /// @inheritdoc ICvmServiceManager
    function setPaused(bool paused_) external {
        if (msg.sender != pauser) revert OnlyPauser(msg.sender);
        paused = paused_;
        emit PausedSet(paused_);
    }

    // ---------------------------------------------------------------- rewards (issue 21)

    /// @inheritdoc ICvmServiceManager
    function createOperatorDirectedOperatorSetRewardsSubmission(
        uint32 operatorSetId,
        IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] calldata submissions
    ) external {
        if (msg.sender != rewardsInitiator) {
            revert OnlyRewardsInitiator(msg.sender);
        }
        IRewardsCoordinator coordinator = rewardsCoordinator;
        if (address(coordinator) == address(0)) revert RewardsCoordinatorNotSet();
        for (uint256 i; i < submissions.length; ++i) {
            uint256 total;
            for (uint256 j; j < submissions[i].operatorRewards.length; ++j) {
                total += submissions[i].operatorRewards[j].amount;
            }
            submissions[i].token.safeIncreaseAllowance(address(coordinator), total);
        }
        coordinator.createOperatorDirectedOperatorSetRewardsSubmission(
            OperatorSet({avs: address(this), id: operatorSetId}), submissions
        );
    }

    /// @inheritdoc ICvmServiceManager
    function setRewardsInitiator(address newRewardsInitiator) external onlyOwner {
        emit RewardsInitiatorUpdated(rewardsInitiator, newRewardsInitiator);
        rewardsInitiator = newRewardsInitiator;
    }

    /// @inheritdoc ICvmServiceManager
    function setRewardsCoordinator(IRewardsCoordinator coordinator) external onlyOwner {
        rewardsCoordinator = coordinator;
        emit RewardsCoordinatorSet(address(coordinator));
    }
}
