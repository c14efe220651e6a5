// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmManuscriptRegistry} from "../src/avs/CvmManuscriptRegistry.sol";
import {CvmRegistry} from "../src/avs/CvmRegistry.sol";
import {CvmServiceManager} from "../src/avs/CvmServiceManager.sol";
import {CvmSlasher} from "../src/avs/CvmSlasher.sol";
import {CvmTaskFees} from "../src/avs/CvmTaskFees.sol";
import {CvmTaskManager} from "../src/avs/CvmTaskManager.sol";
import {AVSDirectory} from "../src/core/AVSDirectory.sol";
import {AllocationManager} from "../src/core/AllocationManager.sol";
import {DelegationManager} from "../src/core/DelegationManager.sol";
import {DevnetToken} from "../src/core/DevnetToken.sol";
import {PermissionController} from "../src/core/PermissionController.sol";
import {RewardsCoordinator} from "../src/core/RewardsCoordinator.sol";
import {StrategyBase} from "../src/core/StrategyBase.sol";
import {StrategyManager} from "../src/core/StrategyManager.sol";
import {ICStaking} from "../src/interfaces/avs/ICStaking.sol";
import {ICvmRegistry, ICvmRegistryTypes} from "../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmServiceManager} from "../src/interfaces/avs/ICvmServiceManager.sol";
import {ICvmSlasher} from "../src/interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManager, ICvmTaskManagerTypes} from "../src/interfaces/avs/ICvmTaskManager.sol";
import {IAVSDirectory} from "../src/interfaces/core/IAVSDirectory.sol";
import {IAllocationManager} from "../src/interfaces/core/IAllocationManager.sol";
import {IDelegationManager} from "../src/interfaces/core/IDelegationManager.sol";
import {IPermissionController} from "../src/interfaces/core/IPermissionController.sol";
import {IRewardsCoordinator} from "../src/interfaces/core/IRewardsCoordinator.sol";
import {IStrategy} from "../src/interfaces/core/IStrategy.sol";
import {IStrategyManager} from "../src/interfaces/core/IStrategyManager.sol";
import {CStaking} from "../src/staking/CStaking.sol";
import {CToken} from "../src/token/CToken.sol";
import {CvmVerifier} from "../src/verifiers/CvmVerifier.sol";
import {EmptyContract} from "./EmptyContract.sol";
import {ProxyAdmin} from "@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol";
import {
    ITransparentUpgradeableProxy,
    TransparentUpgradeableProxy
} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {CommonBase} from "forge-std/Base.sol";

/// @title CvmDeployer — deploys the EigenLayer core stand-ins (or takes existing core addresses) and the CVM AVS.
/// @notice Shared by the `Deploy` script and the test fixtures. Every contract except the tokens sits behind a
///         TransparentUpgradeableProxy whose ProxyAdmin is owned by `admin` (the deployer). Proxies are created
///         first with an empty implementation, so implementations can take each other's proxy addresses as
///         immutables (EigenLayer's deployment pattern).
abstract contract CvmDeployer is CommonBase {
    bytes32 internal constant ADMIN_SLOT = 0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103;

    struct CoreAddresses {
        IDelegationManager delegationManager;
        IStrategyManager strategyManager;
        IAVSDirectory avsDirectory;
        IAllocationManager allocationManager;
        IPermissionController permissionController;
        /// @dev Strategy counted in quorum 0; with stand-ins a devnet token strategy is deployed.
        IStrategy strategy;
    }

    struct DeployConfig {
        address owner;
        address pauser;
        address taskGenerator;
        address aggregator;
        address vetoCommittee;
        address treasury;
        string metadataURI;
        uint32 deallocationDelay;
        uint32 allocationConfigurationDelay;
        uint64 unbondingPeriod;
        uint256 cTokenCap;
        ICvmRegistryTypes.QuorumConfig quorum;
        uint96 strategyMultiplier;
        ICvmTaskManagerTypes.Config taskConfig;
    }

    struct Deployment {
        CoreAddresses core;
        bool coreStandIns;
        DevnetToken underlyingToken;
        CToken cToken;
        CvmServiceManager serviceManager;
        CvmRegistry registry;
        CvmTaskManager taskManager;
        /// @dev The slasher router: slasher of every operator set of the AVS (EigenLayer v1.9+).
        CvmSlasher slasher;
        CStaking cStaking;
        CvmVerifier verifier;
        uint8 quorumNumber;
        // rewards (issue 21): EigenLayer's RewardsCoordinator (stand-in, given, or none) and the task-fee escrow
        IRewardsCoordinator rewardsCoordinator;
        CvmTaskFees taskFees;
        // manuscripts (issue 14): the registry `createTask` checks
        CvmManuscriptRegistry manuscriptRegistry;
    }

    // ------------------------------------------------------------------ rewards (issue 21)

    /// @notice The RewardsCoordinator stand-in's parameters and the rewards roles. `coordinator`: an existing
    ///         RewardsCoordinator to use with a given core (zero: none); with the stand-in core it is deployed.
    struct RewardsConfig {
        IRewardsCoordinator coordinator;
        address rewardsInitiator;
        address rewardsUpdater;
        uint32 calculationIntervalSeconds;
        uint32 maxRewardsDuration;
        uint32 maxRetroactiveLength;
        uint32 genesisRewardsTimestamp;
        uint32 activationDelay;
        uint16 defaultSplitBips;
    }

    /// @dev Set by the Deploy script from env before `deployAll`; unset: `defaultRewardsConfig(admin)`.
    RewardsConfig internal rewardsCfg;
    bool internal rewardsCfgSet;

    /// @notice Devnet defaults: 10-second calculation interval (EigenLayer mainnet: 1 day), 7-day maximum duration,
    ///         30-day retroactive limit, genesis 0, no activation delay, default operator split 10 %; the deployer
    ///         initiates submissions and posts roots (the devnet's local root poster).
    function defaultRewardsConfig(address deployer) internal pure returns (RewardsConfig memory r) {
        r.rewardsInitiator = deployer;
        r.rewardsUpdater = deployer;
        r.calculationIntervalSeconds = 10;
        r.maxRewardsDuration = 7 days;
        r.maxRetroactiveLength = 30 days;
        r.genesisRewardsTimestamp = 0;
        r.activationDelay = 0;
        r.defaultSplitBips = 1000;
    }

    /// @dev Runs while `admin` still owns the service manager. Fees are accepted in `$C`; released fees go to the
    ///      service manager, which pays submissions from its balance.
    function _deployRewards(Deployment memory d, DeployConfig memory cfg, EmptyContract empty, address admin) internal {
        RewardsConfig memory r = rewardsCfgSet ? rewardsCfg : defaultRewardsConfig(admin);
        if (d.coreStandIns) {
            d.rewardsCoordinator = IRewardsCoordinator(_proxy(empty, admin));
            _upgrade(
                address(d.rewardsCoordinator),
                address(
                    new RewardsCoordinator(
                        d.core.allocationManager,
                        d.core.strategyManager,
                        d.core.permissionController,
                        r.calculationIntervalSeconds,
                        r.maxRewardsDuration,
                        r.maxRetroactiveLength,
                        r.genesisRewardsTimestamp
                    )
                ),
                abi.encodeCall(
                    RewardsCoordinator.initialize, (admin, r.rewardsUpdater, r.activationDelay, r.defaultSplitBips)
                )
            );
        } else {
            d.rewardsCoordinator = r.coordinator;
        }
        d.taskFees = CvmTaskFees(_proxy(empty, admin));
        IERC20[] memory accepted = new IERC20[](1);
        accepted[0] = IERC20(address(d.cToken));
        _upgrade(
            address(d.taskFees),
            address(new CvmTaskFees(ICvmTaskManager(address(d.taskManager)))),
            abi.encodeCall(CvmTaskFees.initialize, (cfg.owner, address(d.serviceManager), accepted))
        );
        if (address(d.rewardsCoordinator) != address(0)) d.serviceManager.setRewardsCoordinator(d.rewardsCoordinator);
        d.serviceManager.setRewardsInitiator(r.rewardsInitiator);
    }

    /// @notice Devnet defaults: every role is `deployer`; 0-block allocation delays so tests need no rolling.
    function defaultConfig(address deployer) internal pure returns (DeployConfig memory c) {
        c.owner = deployer;
        c.pauser = deployer;
        c.taskGenerator = deployer;
        c.aggregator = deployer;
        c.vetoCommittee = deployer;
        c.treasury = deployer;
        c.metadataURI = "https://cvm-avs.invalid/metadata.json";
        c.deallocationDelay = 50;
        c.allocationConfigurationDelay = 0;
        c.unbondingPeriod = 7 days;
        c.cTokenCap = 1_000_000_000 ether;
        c.quorum = ICvmRegistryTypes.QuorumConfig({maxOperatorCount: 64, minimumStake: 1 ether, cStakeMultiplier: 1e18});
        c.strategyMultiplier = 1e18;
        c.taskConfig = ICvmTaskManagerTypes.Config({
            taskResponseWindowBlock: 100,
            challengeWindowBlock: 100,
            vetoWindowBlock: 50,
            maxMissedResponses: 3,
            equivocationSlashWad: 0.5e18,
            wrongResultSlashWad: 0.1e18,
            challengeBond: 1 ether
        });
    }

    /// @notice Deploys everything. `core.delegationManager == address(0)` deploys the stand-ins; otherwise all core
    ///         addresses (and `core.strategy`) must be given.
    function deployAll(DeployConfig memory cfg, CoreAddresses memory core, address admin)
        internal
        returns (Deployment memory d)
    {
        EmptyContract empty = new EmptyContract();
        if (address(core.delegationManager) == address(0)) {
            (d.core, d.underlyingToken) = _deployCore(cfg, empty, admin);
            d.coreStandIns = true;
        } else {
            d.core = core;
        }
        d.cToken = new CToken(admin, cfg.cTokenCap);
        _deployAvs(d, cfg, empty, admin);
        d.verifier = new CvmVerifier();
    }

    function _deployCore(DeployConfig memory cfg, EmptyContract empty, address admin)
        internal
        returns (CoreAddresses memory c, DevnetToken token)
    {
        c.delegationManager = IDelegationManager(_proxy(empty, admin));
        c.strategyManager = IStrategyManager(_proxy(empty, admin));
        c.avsDirectory = IAVSDirectory(_proxy(empty, admin));
        c.allocationManager = IAllocationManager(_proxy(empty, admin));
        c.permissionController = IPermissionController(_proxy(empty, admin));

        _upgrade(
            address(c.permissionController),
            address(new PermissionController()),
            abi.encodeCall(PermissionController.initialize, ())
        );
        _upgrade(
            address(c.delegationManager),
            address(new DelegationManager(c.strategyManager, c.allocationManager)),
            abi.encodeCall(DelegationManager.initialize, ())
        );
        _upgrade(
            address(c.strategyManager),
            address(new StrategyManager(c.delegationManager)),
            abi.encodeCall(StrategyManager.initialize, (admin))
        );
        _upgrade(
            address(c.avsDirectory),
            address(new AVSDirectory(c.delegationManager)),
            abi.encodeCall(AVSDirectory.initialize, ())
        );
        _upgrade(
            address(c.allocationManager),
            address(
                new AllocationManager(
                    c.delegationManager, c.permissionController, cfg.deallocationDelay, cfg.allocationConfigurationDelay
                )
            ),
            abi.encodeCall(AllocationManager.initialize, ())
        );

        token = new DevnetToken("Devnet Restaked ETH", "dETH", admin);
        c.strategy = IStrategy(_proxy(empty, admin));
        _upgrade(
            address(c.strategy),
            address(new StrategyBase(c.strategyManager)),
            abi.encodeCall(StrategyBase.initialize, (token))
        );
        IStrategy[] memory list = new IStrategy[](1);
        list[0] = c.strategy;
        c.strategyManager.addStrategiesToDepositWhitelist(list);
    }

    function _deployAvs(Deployment memory d, DeployConfig memory cfg, EmptyContract empty, address admin) internal {
        d.serviceManager = CvmServiceManager(_proxy(empty, admin));
        d.registry = CvmRegistry(_proxy(empty, admin));
        d.taskManager = CvmTaskManager(payable(_proxy(empty, admin)));
        d.cStaking = CStaking(_proxy(empty, admin));
        d.slasher = CvmSlasher(_proxy(empty, admin));
        // The manuscript registry (issue 14) tasks must name an Active manuscript of; owned by the AVS owner.
        d.manuscriptRegistry = new CvmManuscriptRegistry(cfg.owner);

        address[] memory allowed = new address[](1);
        allowed[0] = address(d.taskManager);
        _upgrade(
            address(d.slasher),
            address(new CvmSlasher(d.core.allocationManager, ICvmServiceManager(address(d.serviceManager)))),
            abi.encodeCall(CvmSlasher.initialize, (cfg.owner, allowed))
        );

        _upgrade(
            address(d.cStaking),
            address(new CStaking(ERC20Burnable(address(d.cToken)))),
            abi.encodeCall(CStaking.initialize, (cfg.owner, address(d.taskManager), cfg.unbondingPeriod))
        );
        _upgrade(
            address(d.registry),
            address(
                new CvmRegistry(
                    d.core.allocationManager,
                    ICvmServiceManager(address(d.serviceManager)),
                    ICvmTaskManager(address(d.taskManager)),
                    ICStaking(address(d.cStaking))
                )
            ),
            abi.encodeCall(CvmRegistry.initialize, ())
        );
        _upgrade(
            address(d.taskManager),
            address(
                new CvmTaskManager(
                    ICvmRegistry(address(d.registry)),
                    ICvmServiceManager(address(d.serviceManager)),
                    ICvmSlasher(address(d.slasher)),
                    ICStaking(address(d.cStaking))
                )
            ),
            abi.encodeCall(
                CvmTaskManager.initialize,
                (
                    cfg.owner,
                    cfg.taskGenerator,
                    cfg.aggregator,
                    cfg.vetoCommittee,
                    cfg.treasury,
                    cfg.taskConfig,
                    d.manuscriptRegistry
                )
            )
        );
        // The deployer owns the service manager until quorum 0 exists, then hands it to the configured owner.
        _upgrade(
            address(d.serviceManager),
            address(
                new CvmServiceManager(
                    d.core.allocationManager,
                    d.core.avsDirectory,
                    d.core.permissionController,
                    ICvmRegistry(address(d.registry)),
                    ICvmSlasher(address(d.slasher))
                )
            ),
            abi.encodeCall(CvmServiceManager.initialize, (admin, cfg.pauser, cfg.metadataURI))
        );
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](1);
        sp[0] = ICvmRegistryTypes.StrategyParams({strategy: d.core.strategy, multiplier: cfg.strategyMultiplier});
        d.quorumNumber = d.serviceManager.createQuorum(cfg.quorum, sp);
        _deployRewards(d, cfg, empty, admin);
        if (cfg.owner != admin) d.serviceManager.transferOwnership(cfg.owner);
    }

    function _proxy(EmptyContract empty, address admin) internal returns (address) {
        return
            address(
                new TransparentUpgradeableProxy(address(empty), admin, abi.encodeCall(EmptyContract.placeholder, ()))
            );
    }

    function _upgrade(address proxy, address implementation, bytes memory initData) internal {
        ProxyAdmin pa = ProxyAdmin(address(uint160(uint256(vm.load(proxy, ADMIN_SLOT)))));
        pa.upgradeAndCall(ITransparentUpgradeableProxy(proxy), implementation, initData);
    }
}
