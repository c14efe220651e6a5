// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../../script/CvmDeployer.sol";
import {ICvmRegistryTypes} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {BlsTestKeys} from "./BlsTestKeys.sol";
import {G2Math} from "./G2Math.sol";
import {Test} from "forge-std/Test.sol";

/// @title CvmFixture — deploys the whole system (stand-ins + AVS) and drives operators, tasks and signatures.
abstract contract CvmFixture is Test, CvmDeployer {
    using BN254 for BN254.G1Point;

    struct Op {
        address addr;
        BlsTestKeys.Key key;
    }

    uint256 internal constant RESTAKE = 100 ether;
    uint256 internal constant C_STAKE = 50 ether;

    address internal aggregator = makeAddr("aggregator");
    address internal taskGenerator = makeAddr("taskGenerator");
    address internal vetoCommittee = makeAddr("vetoCommittee");
    address internal treasury = makeAddr("treasury");
    address internal pauser = makeAddr("pauser");
    address internal challenger = makeAddr("challenger");

    DeployConfig internal cfg;
    Deployment internal d;
    Op[] internal ops;

    function setUp() public virtual {
        cfg = defaultConfig(address(this));
        cfg.aggregator = aggregator;
        cfg.taskGenerator = taskGenerator;
        cfg.vetoCommittee = vetoCommittee;
        cfg.treasury = treasury;
        cfg.pauser = pauser;
        CoreAddresses memory none;
        d = deployAll(cfg, none, address(this));
        // createTask refuses a manuscript that is not Active in the registry: register the ones the tests name.
        d.manuscriptRegistry
            .register(keccak256("manuscript"), keccak256("manuscript content"), "file://manuscript.yaml");
        d.manuscriptRegistry.register(keccak256("m"), keccak256("m content"), "file://m.yaml");
        vm.deal(challenger, 100 ether);
    }

    // ------------------------------------------------------------ operators

    /// @notice A new EigenLayer operator with `RESTAKE` deposited, fully allocated to operator set 0, and
    ///         `cStake` `$C` staked to it; not yet registered with the AVS.
    function _newOperator(uint256 seed, uint256 restake, uint256 cStake) internal returns (Op memory op) {
        op.addr = makeAddr(string.concat("operator", vm.toString(seed)));
        op.key = BlsTestKeys.make(seed);
        IStrategy strategy = d.core.strategy;
        if (restake != 0) {
            d.underlyingToken.mint(op.addr, restake);
            vm.startPrank(op.addr);
            d.underlyingToken.approve(address(d.core.strategyManager), restake);
            d.core.strategyManager.depositIntoStrategy(strategy, d.underlyingToken, restake);
            vm.stopPrank();
        }
        vm.prank(op.addr);
        d.core.delegationManager.registerAsOperator(address(0), 0, "ipfs://operator");
        _allocate(op.addr, 1e18);
        if (cStake != 0) {
            d.cToken.mint(op.addr, cStake);
            vm.startPrank(op.addr);
            d.cStaking.setConsensusKey(keccak256(abi.encode("consensus", seed)));
            d.cToken.approve(address(d.cStaking), cStake);
            d.cStaking.stake(op.addr, cStake);
            vm.stopPrank();
        }
    }

    function _allocate(address operator, uint64 magnitude) internal {
        IAllocationManagerTypes.AllocateParams[] memory p = new IAllocationManagerTypes.AllocateParams[](1);
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint64[] memory m = new uint64[](1);
        m[0] = magnitude;
        p[0] = IAllocationManagerTypes.AllocateParams(OperatorSet(address(d.serviceManager), 0), s, m);
        vm.prank(operator);
        d.core.allocationManager.modifyAllocations(operator, p);
    }

    function _registrationData(address operator, BlsTestKeys.Key memory key, string memory socket)
        internal
        view
        returns (bytes memory)
    {
        BN254.G1Point memory h = d.registry.pubkeyRegistrationMessageHash(operator);
        return abi.encode(
            ICvmRegistryTypes.RegistrationParams({
                socket: socket,
                pubkey: ICvmRegistryTypes.PubkeyRegistrationParams({
                    pubkeyRegistrationSignature: h.scalarMul(key.sk), pubkeyG1: key.pk1, pubkeyG2: key.pk2
                })
            })
        );
    }

    function _registerParams(Op memory op) internal view returns (IAllocationManagerTypes.RegisterParams memory) {
        uint32[] memory ids = new uint32[](1);
        return IAllocationManagerTypes.RegisterParams({
            avs: address(d.serviceManager),
            operatorSetIds: ids,
            data: _registrationData(op.addr, op.key, "127.0.0.1:9000")
        });
    }

    function _register(Op memory op) internal {
        IAllocationManagerTypes.RegisterParams memory p = _registerParams(op);
        vm.prank(op.addr);
        d.core.allocationManager.registerForOperatorSets(op.addr, p);
    }

    function _addOperators(uint256 n) internal {
        for (uint256 i; i < n; ++i) {
            Op memory op = _newOperator(ops.length + 1, RESTAKE, C_STAKE);
            _register(op);
            ops.push(op);
        }
    }

    function _deregister(address operator) internal {
        uint32[] memory ids = new uint32[](1);
        vm.prank(operator);
        d.core.allocationManager
            .deregisterFromOperatorSets(
                IAllocationManagerTypes.DeregisterParams({
                    operator: operator, avs: address(d.serviceManager), operatorSetIds: ids
                })
            );
    }

    // ------------------------------------------------------------ tasks

    function _quorum0() internal pure returns (bytes memory) {
        return hex"00";
    }

    function _createTask(uint32 threshold) internal returns (ICvmTaskManagerTypes.Task memory task, uint32 idx) {
        vm.prank(taskGenerator);
        idx = d.taskManager.createTask(7, keccak256("manuscript"), keccak256("input"), _quorum0(), threshold);
        task = ICvmTaskManagerTypes.Task({
            cvmBlockHeight: 7,
            manuscriptHash: keccak256("manuscript"),
            inputCommitment: keccak256("input"),
            quorumNumbers: _quorum0(),
            quorumThresholdPercentage: threshold,
            taskCreatedBlock: uint32(block.number)
        });
    }

    function _response(uint32 idx, bytes32 tag) internal pure returns (ICvmTaskManagerTypes.TaskResponse memory) {
        return ICvmTaskManagerTypes.TaskResponse({
            referenceTaskIndex: idx,
            cvmBlockHash: keccak256(abi.encode("block", tag)),
            datasetRoot: keccak256(abi.encode("dataset", tag)),
            stateRoot: keccak256(abi.encode("state", tag))
        });
    }

    function _isNonSigner(uint256[] memory nonSigners, uint256 i) internal pure returns (bool) {
        for (uint256 j; j < nonSigners.length; ++j) {
            if (nonSigners[j] == i) return true;
        }
        return false;
    }

    function _activeAt(bytes32 id, uint8 q, uint32 blockNumber) internal view returns (bool active) {
        uint32 idx = d.registry.getStakeUpdateIndexAtBlock(id, q, blockNumber);
        (, active) = d.registry.getStakeAtBlockAndIndex(id, q, blockNumber, idx);
    }

    /// @notice Aggregate signature of every operator active at the task's block except `nonSigners` (indices
    ///         into `ops`), with all hints. Keys and signatures are computed here, with the precompiles.
    function _sign(
        ICvmTaskManagerTypes.Task memory task,
        ICvmTaskManagerTypes.TaskResponse memory r,
        uint256[] memory nonSigners
    ) internal view returns (ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s) {
        uint32 ref = task.taskCreatedBlock;
        (BN254.G1Point[] memory nsPks, bytes32[] memory nsIds) = _sortedNonSigners(nonSigners);
        s.nonSignerPubkeys = nsPks;
        uint256 qn = task.quorumNumbers.length;
        s.quorumApks = new BN254.G1Point[](qn);
        uint256 signerSk;
        for (uint256 i; i < qn; ++i) {
            uint8 q = uint8(task.quorumNumbers[i]);
            for (uint256 k; k < ops.length; ++k) {
                if (!_activeAt(ops[k].key.id, q, ref)) continue;
                s.quorumApks[i] = s.quorumApks[i].plus(ops[k].key.pk1);
                if (!_isNonSigner(nonSigners, k)) signerSk = addmod(signerSk, ops[k].key.sk, BN254.FR_MODULUS);
            }
        }
        bytes32 digest = d.taskManager.responseDigest(r);
        s.sigma = BlsTestKeys.sign(signerSk, digest);
        s.apkG2 = G2Math.mulGenerator(signerSk);
        (s.quorumApkIndices, s.totalStakeIndices, s.nonSignerStakeIndices) =
            d.registry.getCheckSignaturesIndices(task.quorumNumbers, ref, nsIds);
    }

    function _sortedNonSigners(uint256[] memory nonSigners)
        internal
        view
        returns (BN254.G1Point[] memory pks, bytes32[] memory ids)
    {
        uint256 n = nonSigners.length;
        pks = new BN254.G1Point[](n);
        ids = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            pks[i] = ops[nonSigners[i]].key.pk1;
            ids[i] = ops[nonSigners[i]].key.id;
        }
        for (uint256 i = 1; i < n; ++i) {
            for (uint256 j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
                (ids[j - 1], ids[j]) = (ids[j], ids[j - 1]);
                (pks[j - 1], pks[j]) = (pks[j], pks[j - 1]);
            }
        }
    }

    function _none() internal pure returns (uint256[] memory) {
        return new uint256[](0);
    }

    function _list(uint256 a) internal pure returns (uint256[] memory l) {
        l = new uint256[](1);
        l[0] = a;
    }

    function _respond(
        ICvmTaskManagerTypes.Task memory task,
        ICvmTaskManagerTypes.TaskResponse memory r,
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s
    ) internal {
        vm.prank(aggregator);
        d.taskManager.respondToTask(task, r, s);
    }

    /// @notice The metadata `respondToTask` recorded (rebuilt from the TaskResponded event fields we know).
    function _meta(uint256[] memory nonSigners, uint96 signed, uint96 total, uint32 respondedBlock)
        internal
        view
        returns (ICvmTaskManagerTypes.TaskResponseMetadata memory m)
    {
        (, bytes32[] memory ids) = _sortedNonSigners(nonSigners);
        m.taskRespondedBlock = respondedBlock;
        m.hashOfNonSigners = keccak256(abi.encodePacked(ids));
        m.signedStakeForQuorum = new uint96[](1);
        m.signedStakeForQuorum[0] = signed;
        m.totalStakeForQuorum = new uint96[](1);
        m.totalStakeForQuorum[0] = total;
    }
}
