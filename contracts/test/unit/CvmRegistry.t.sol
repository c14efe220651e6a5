// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistryErrors, ICvmRegistryTypes} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

contract CvmRegistryTestBase is CvmFixture {
    using BN254 for BN254.G1Point;

    function _registerWith(address operator, bytes memory data) internal {
        uint32[] memory ids = new uint32[](1);
        vm.prank(operator);
        d.core.allocationManager
            .registerForOperatorSets(
                operator, IAllocationManagerTypes.RegisterParams(address(d.serviceManager), ids, data)
            );
    }

    function _zeroIds() internal pure returns (uint32[] memory ids) {
        ids = new uint32[](1);
    }
}

contract CvmRegistry_RegisterOperator is CvmRegistryTestBase {
    using BN254 for BN254.G1Point;

    function test_RegistersPubkeyStakeAndApk() public {
        _addOperators(2);
        assertEq(d.registry.getOperatorId(ops[0].addr), ops[0].key.id);
        assertEq(d.registry.getOperatorFromId(ops[1].key.id), ops[1].addr);
        (BN254.G1Point memory pk, bytes32 id) = d.registry.getRegisteredPubkey(ops[0].addr);
        assertEq(pk.X, ops[0].key.pk1.X);
        assertEq(id, ops[0].key.id);
        assertEq(d.registry.socket(ops[0].key.id), "127.0.0.1:9000");
        assertEq(d.registry.operatorCount(0), 2);
        BN254.G1Point memory apk = d.registry.getCurrentApk(0);
        BN254.G1Point memory expected = ops[0].key.pk1.plus(ops[1].key.pk1);
        assertEq(apk.X, expected.X);
        assertEq(apk.Y, expected.Y);
        assertTrue(d.registry.isActive(ops[0].addr, 0));
        assertEq(d.registry.getActiveQuorums(ops[0].addr).length, 1);
        assertTrue(d.registry.supportsAVS(address(d.serviceManager)));
        assertFalse(d.registry.supportsAVS(address(this)));
    }

    function test_Revert_WhenNotAllocationManager() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.OnlyAllocationManager.selector, address(this)));
        d.registry.registerOperator(address(1), address(d.serviceManager), _zeroIds(), "");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.OnlyAllocationManager.selector, address(this)));
        d.registry.deregisterOperator(address(1), address(d.serviceManager), _zeroIds());
    }

    function test_Revert_WhenAvsIsNotOurs() public {
        vm.startPrank(address(d.core.allocationManager));
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.InvalidAVS.selector, address(this)));
        d.registry.registerOperator(address(1), address(this), _zeroIds(), "");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.InvalidAVS.selector, address(this)));
        d.registry.deregisterOperator(address(1), address(this), _zeroIds());
        vm.stopPrank();
    }

    function test_Revert_WhenPaused() public {
        Op memory op = _newOperator(1, RESTAKE, 0);
        vm.prank(pauser);
        d.serviceManager.setPaused(true);
        bytes memory data = _registrationData(op.addr, op.key, "s");
        vm.expectRevert(ICvmRegistryErrors.RegistrationPaused.selector);
        _registerWith(op.addr, data);
    }

    function test_Revert_WhenQuorumUnknown() public {
        Op memory op = _newOperator(1, RESTAKE, 0);
        uint32[] memory ids = new uint32[](1);
        ids[0] = 3;
        bytes memory data = _registrationData(op.addr, op.key, "s");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.QuorumDoesNotExist.selector, 3));
        vm.prank(address(d.core.allocationManager));
        d.registry.registerOperator(op.addr, address(d.serviceManager), ids, data);
    }

    function test_Revert_WhenAlreadyInQuorum() public {
        _addOperators(1);
        bytes memory data = _registrationData(ops[0].addr, ops[0].key, "s");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.OperatorAlreadyInQuorum.selector, ops[0].addr, 0));
        vm.prank(address(d.core.allocationManager));
        d.registry.registerOperator(ops[0].addr, address(d.serviceManager), _zeroIds(), data);
    }

    function test_Revert_WhenDeregisteringNonMember() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.OperatorNotInQuorum.selector, address(7), 0));
        vm.prank(address(d.core.allocationManager));
        d.registry.deregisterOperator(address(7), address(d.serviceManager), _zeroIds());
    }

    function test_Revert_WhenQuorumFull() public {
        d.serviceManager.setQuorumConfig(0, ICvmRegistryTypes.QuorumConfig(1, 1 ether, 1e18));
        _addOperators(1);
        Op memory op = _newOperator(9, RESTAKE, 0);
        bytes memory data = _registrationData(op.addr, op.key, "s");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.MaxOperatorCountReached.selector, 0, 1));
        _registerWith(op.addr, data);
    }

    function test_Revert_WhenStakeBelowMinimum() public {
        Op memory op = _newOperator(1, 0.5 ether, 0);
        bytes memory data = _registrationData(op.addr, op.key, "s");
        vm.expectRevert(
            abi.encodeWithSelector(ICvmRegistryErrors.InsufficientStake.selector, op.addr, 0, 0.5 ether, 1 ether)
        );
        _registerWith(op.addr, data);
    }

    function test_Revert_WhenPubkeyZero() public {
        Op memory op = _newOperator(1, RESTAKE, 0);
        op.key.pk1 = BN254.G1Point(0, 0);
        bytes memory data = _registrationData(op.addr, op.key, "s");
        vm.expectRevert(ICvmRegistryErrors.ZeroPubkey.selector);
        _registerWith(op.addr, data);
    }

    function test_Revert_WhenPubkeyTaken() public {
        _addOperators(1);
        Op memory op = _newOperator(9, RESTAKE, 0);
        // a valid proof of possession of operator 0's key, by another address
        bytes memory data = _registrationData(op.addr, ops[0].key, "s");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.PubkeyAlreadyRegistered.selector, ops[0].key.id));
        _registerWith(op.addr, data);
    }

    function test_Revert_WhenProofOfPossessionInvalid() public {
        Op memory op = _newOperator(1, RESTAKE, 0);
        BlsTestKeys.Key memory other = BlsTestKeys.make(99);
        BlsTestKeys.Key memory forged = op.key;
        forged.sk = other.sk; // signs with another secret than the registered pubkey's
        bytes memory data = _registrationData(op.addr, forged, "s");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.InvalidProofOfPossession.selector, op.addr));
        _registerWith(op.addr, data);
    }

    function test_Revert_WhenProofSignedForAnotherOperator() public {
        Op memory op = _newOperator(1, RESTAKE, 0);
        bytes memory data = _registrationData(makeAddr("someoneElse"), op.key, "s");
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.InvalidProofOfPossession.selector, op.addr));
        _registerWith(op.addr, data);
    }
}

contract CvmRegistry_Stake is CvmRegistryTestBase {
    BlsTestKeys.Key internal weightedKey;
    bytes internal weightedData;

    function setUp() public override {
        super.setUp();
        weightedKey = BlsTestKeys.make(4242);
        weightedData = _registrationData(makeAddr("weighted"), weightedKey, "w");
    }

    function test_DeregisterRemovesStakeAndApk() public {
        _addOperators(2);
        _deregister(ops[0].addr);
        assertEq(d.registry.getCurrentTotalStake(0), 150 ether);
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 0);
        assertFalse(d.registry.isActive(ops[0].addr, 0));
        assertEq(d.registry.getCurrentApk(0).X, ops[1].key.pk1.X);
        assertEq(d.registry.operatorCount(0), 1);
    }

    function test_HistoryAnswersAtReferenceBlocks() public {
        _addOperators(1);
        uint32 b1 = uint32(block.number);
        vm.roll(block.number + 5);
        // more $C → higher weight after an update
        d.cToken.mint(address(this), 10 ether);
        d.cToken.approve(address(d.cStaking), 10 ether);
        d.cStaking.stake(ops[0].addr, 10 ether);
        address[] memory l = new address[](1);
        l[0] = ops[0].addr;
        d.registry.updateOperators(l);
        _checkHistory(ops[0].key.id, b1, uint32(block.number));
    }

    function _checkHistory(bytes32 id, uint32 b1, uint32 b2) internal view {
        assertEq(d.registry.getStakeHistoryLength(id, 0), 2);
        uint32 i1 = d.registry.getStakeUpdateIndexAtBlock(id, 0, b1 + 2);
        uint32 i2 = d.registry.getStakeUpdateIndexAtBlock(id, 0, b2);
        (uint96 s1, bool a1) = d.registry.getStakeAtBlockAndIndex(id, 0, b1 + 2, i1);
        (uint96 s2,) = d.registry.getStakeAtBlockAndIndex(id, 0, b2, i2);
        assertEq(s1, 150 ether);
        assertTrue(a1);
        assertEq(s2, 160 ether);
        assertEq(d.registry.getStakeUpdateAtIndex(id, 0, 0).nextUpdateBlockNumber, b2);
        assertEq(d.registry.getTotalStakeUpdateAtIndex(0, d.registry.getTotalStakeIndexAtBlock(0, b2)).stake, 160 ether);
        // before registration: not a member
        (, bool before) = d.registry.getStakeAtBlockAndIndex(id, 0, b1 - 1, 0);
        assertFalse(before);
        assertEq(d.registry.getApkUpdateAtIndex(0, d.registry.getApkIndexAtBlock(0, b1)).updateBlockNumber, b1);
    }

    function test_Revert_WhenHintDoesNotCoverBlock() public {
        _addOperators(1);
        vm.roll(block.number + 5);
        d.cToken.mint(address(this), 10 ether);
        d.cToken.approve(address(d.cStaking), 10 ether);
        d.cStaking.stake(ops[0].addr, 10 ether);
        address[] memory l = new address[](1);
        l[0] = ops[0].addr;
        d.registry.updateOperators(l);
        uint32 now_ = uint32(block.number);
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.CheckpointIndexMismatch.selector, now_, 0));
        d.registry.getStakeAtBlockAndIndex(ops[0].key.id, 0, now_, 0);
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.CheckpointIndexMismatch.selector, now_, 5));
        d.registry.getStakeAtBlockAndIndex(ops[0].key.id, 0, now_, 5);
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.CheckpointIndexMismatch.selector, now_, 9));
        d.registry.quorumSnapshot(0, now_, 9, 0, new bytes32[](0), new uint32[](0));
    }

    function test_UpdateOperatorsZeroesWeightBelowMinimum() public {
        _addOperators(1);
        d.serviceManager.setQuorumConfig(0, ICvmRegistryTypes.QuorumConfig(64, 1000 ether, 1e18));
        address[] memory l = new address[](2);
        l[0] = ops[0].addr;
        l[1] = makeAddr("unregistered"); // skipped
        d.registry.updateOperators(l);
        assertEq(d.registry.getCurrentStake(ops[0].key.id, 0), 0);
        assertTrue(d.registry.isActive(ops[0].addr, 0));
        assertEq(d.registry.getCurrentTotalStake(0), 0);
    }

    /// Stake formula: Σ slashable shares × multiplier + $C × cMultiplier (all WAD-scaled).
    function testFuzz_WeightFormula(uint96 restake, uint96 cStake, uint64 magnitude, uint96 cMult) public {
        restake = uint96(bound(restake, 1, 1e28));
        cStake = uint96(bound(cStake, 1, 1e27));
        magnitude = uint64(bound(magnitude, 1, 1e18));
        cMult = uint96(bound(cMult, 0, 10e18));
        d.serviceManager.setQuorumConfig(0, ICvmRegistryTypes.QuorumConfig(64, 0, cMult));
        address op = _weightedOperator(restake, cStake, magnitude);
        // not a member yet → not slashable → only $C counts
        assertEq(d.registry.weightOfOperator(op, 0), uint256(cStake) * cMult / 1e18);
        // registered: the allocated restake counts too (1:1 strategy, shares = deposit)
        _registerWith(op, weightedData);
        uint256 expected = uint256(restake) * magnitude / 1e18 + uint256(cStake) * cMult / 1e18;
        assertEq(d.registry.weightOfOperator(op, 0), expected);
        assertEq(d.registry.getCurrentStake(weightedKey.id, 0), expected);
        assertEq(d.registry.getCurrentTotalStake(0), expected);
    }

    function _weightedOperator(uint96 restake, uint96 cStake, uint64 magnitude) internal returns (address op) {
        op = makeAddr("weighted");
        d.underlyingToken.mint(op, restake);
        d.cToken.mint(op, cStake);
        vm.startPrank(op);
        d.underlyingToken.approve(address(d.core.strategyManager), restake);
        d.core.strategyManager.depositIntoStrategy(d.core.strategy, d.underlyingToken, restake);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
        d.cStaking.setConsensusKey(keccak256("weighted"));
        d.cToken.approve(address(d.cStaking), cStake);
        d.cStaking.stake(op, cStake);
        vm.stopPrank();
        _allocate(op, magnitude);
    }
}

contract CvmRegistry_Admin is CvmRegistryTestBase {
    function test_Revert_WhenCreateQuorumNotFromServiceManager() public {
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](0);
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.OnlyServiceManager.selector, address(this)));
        d.registry.createQuorum(ICvmRegistryTypes.QuorumConfig(1, 1, 1), sp);
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.OnlyServiceManager.selector, address(this)));
        d.registry.setQuorumConfig(0, ICvmRegistryTypes.QuorumConfig(1, 1, 1));
    }

    function test_Revert_WhenStrategyParamsInvalid() public {
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](0);
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.InvalidStrategyParams.selector, 1));
        d.serviceManager.createQuorum(ICvmRegistryTypes.QuorumConfig(1, 1, 1), sp);
        sp = new ICvmRegistryTypes.StrategyParams[](1);
        sp[0].strategy = d.core.strategy;
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.InvalidStrategyParams.selector, 1));
        d.serviceManager.createQuorum(ICvmRegistryTypes.QuorumConfig(1, 1, 1), sp);
    }

    function test_Revert_WhenSetConfigOfUnknownQuorum() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.QuorumDoesNotExist.selector, 4));
        d.serviceManager.setQuorumConfig(4, ICvmRegistryTypes.QuorumConfig(1, 1, 1));
    }

    function test_Revert_WhenTooManyQuorums() public {
        ICvmRegistryTypes.StrategyParams[] memory sp = new ICvmRegistryTypes.StrategyParams[](1);
        sp[0] = ICvmRegistryTypes.StrategyParams(d.core.strategy, 1e18);
        vm.startPrank(address(d.serviceManager));
        for (uint256 i = 1; i < 255; ++i) {
            d.registry.createQuorum(ICvmRegistryTypes.QuorumConfig(1, 1, 1), sp);
        }
        assertEq(d.registry.quorumCount(), 255);
        vm.expectRevert(ICvmRegistryErrors.TooManyQuorums.selector);
        d.registry.createQuorum(ICvmRegistryTypes.QuorumConfig(1, 1, 1), sp);
        vm.stopPrank();
    }

    function test_UpdateSocket() public {
        _addOperators(1);
        vm.prank(ops[0].addr);
        d.registry.updateSocket("10.0.0.1:9000");
        assertEq(d.registry.socket(ops[0].key.id), "10.0.0.1:9000");
    }

    function test_Revert_WhenSocketUpdatedByUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmRegistryErrors.NotRegistered.selector, address(this)));
        d.registry.updateSocket("x");
    }

    function test_QuorumViews() public view {
        assertEq(d.registry.quorumConfig(0).minimumStake, 1 ether);
        assertEq(address(d.registry.strategyParams(0)[0].strategy), address(d.core.strategy));
    }
}
