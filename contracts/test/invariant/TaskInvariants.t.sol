// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../../script/CvmDeployer.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {G2Math} from "../utils/G2Math.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Creates tasks and responds to random (also already answered or expired) tasks with valid signatures
///         of all operators. The aggregate G2 key is computed once; each response costs one ecMul to sign.
contract TaskHandler is Test {
    CvmDeployer.Deployment internal d;
    address internal aggregator;
    address internal taskGenerator;
    uint256 internal skSum;
    BN254.G2Point internal apkG2;

    ICvmTaskManagerTypes.Task[] internal tasks;
    mapping(uint32 taskIndex => uint256) public successes;
    uint256 public responded;
    address[] internal operators;

    constructor(CvmDeployer.Deployment memory d_, address aggregator_, address taskGenerator_, uint256 skSum_) {
        d = d_;
        aggregator = aggregator_;
        taskGenerator = taskGenerator_;
        skSum = skSum_;
        apkG2 = G2Math.mulGenerator(skSum_);
    }

    function createTask(uint32 threshold) external {
        threshold = uint32(bound(threshold, 1, 100));
        vm.prank(taskGenerator);
        d.taskManager.createTask(uint64(tasks.length), keccak256("m"), keccak256("i"), hex"00", threshold);
        tasks.push(
            ICvmTaskManagerTypes.Task(
                uint64(tasks.length), keccak256("m"), keccak256("i"), hex"00", threshold, uint32(block.number)
            )
        );
        vm.roll(block.number + 1);
    }

    function respond(uint256 which, bytes32 tag, uint8 blocksLater) external {
        if (tasks.length == 0) return;
        vm.roll(block.number + (blocksLater % 40));
        uint32 idx = uint32(which % tasks.length);
        ICvmTaskManagerTypes.Task memory task = tasks[idx];
        ICvmTaskManagerTypes.TaskResponse memory r = ICvmTaskManagerTypes.TaskResponse(idx, tag, tag, tag);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s;
        s.nonSignerPubkeys = new BN254.G1Point[](0);
        s.quorumApks = new BN254.G1Point[](1);
        s.quorumApks[0] = d.registry.getCurrentApk(0);
        s.apkG2 = apkG2;
        s.sigma = BlsTestKeys.sign(skSum, d.taskManager.responseDigest(r));
        bytes32[] memory none = new bytes32[](0);
        (s.quorumApkIndices, s.totalStakeIndices, s.nonSignerStakeIndices) =
            d.registry.getCheckSignaturesIndices(task.quorumNumbers, task.taskCreatedBlock, none);
        vm.prank(aggregator);
        // a second response, an expired window or a same-block response are refused: that is the point
        try d.taskManager.respondToTask(task, r, s) {
            successes[idx] += 1;
            responded += 1;
        } catch {}
    }

    /// @notice Stakes more `$C` to an operator and refreshes its registry weight (moves the stake checkpoints).
    function addStake(uint256 which, uint256 amount) external {
        address op = operators[which % operators.length];
        amount = bound(amount, 1, 1e22);
        d.cToken.mint(address(this), amount);
        d.cToken.approve(address(d.cStaking), amount);
        d.cStaking.stake(op, amount);
        address[] memory l = new address[](1);
        l[0] = op;
        d.registry.updateOperators(l);
        vm.roll(block.number + 1);
    }

    function setOperators(address[] memory ops_) external {
        operators = ops_;
    }

    function taskCount() external view returns (uint256) {
        return tasks.length;
    }
}

contract TaskInvariants is CvmFixture {
    TaskHandler internal handler;

    function setUp() public override {
        super.setUp();
        _addOperators(4);
        uint256 skSum;
        for (uint256 i; i < ops.length; ++i) {
            skSum = addmod(skSum, ops[i].key.sk, BN254.FR_MODULUS);
        }
        handler = new TaskHandler(d, aggregator, taskGenerator, skSum);
        address[] memory addrs = new address[](ops.length);
        for (uint256 i; i < ops.length; ++i) {
            addrs[i] = ops[i].addr;
        }
        handler.setOperators(addrs);
        d.cToken.grantRole(d.cToken.MINTER_ROLE(), address(handler));
        targetContract(address(handler));
        bytes4[] memory sel = new bytes4[](3);
        sel[0] = TaskHandler.createTask.selector;
        sel[1] = TaskHandler.respond.selector;
        sel[2] = TaskHandler.addStake.selector;
        targetSelector(FuzzSelector(address(handler), sel));
    }

    /// The handler's responses are real (the invariants below are not vacuous).
    function test_HandlerRespondsOnceThenIsRefused() public {
        handler.createTask(60);
        handler.respond(0, "x", 1);
        handler.respond(0, "y", 1);
        assertEq(handler.responded(), 1);
        assertEq(handler.successes(0), 1);
        assertTrue(d.taskManager.taskResponseHash(0) != bytes32(0));
    }

    /// A task is responded at most once, and a stored response exists exactly for the tasks that were answered.
    function invariant_TaskRespondedAtMostOnce() public view {
        uint256 n = handler.taskCount();
        assertEq(d.taskManager.latestTaskNum(), n);
        for (uint32 i; i < n; ++i) {
            uint256 s = handler.successes(i);
            assertLe(s, 1);
            assertEq(s == 1, d.taskManager.taskResponseHash(i) != bytes32(0));
        }
        assertEq(d.taskManager.responseCount(), handler.responded());
    }

    /// The registry's total stake equals the sum of its members' current stakes (as `$C` stake moves).
    function invariant_TotalStakeIsSumOfOperatorStakes() public view {
        uint256 sum;
        for (uint256 i; i < ops.length; ++i) {
            sum += d.registry.getCurrentStake(ops[i].key.id, 0);
        }
        assertEq(d.registry.getCurrentTotalStake(0), sum);
    }
}
