// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../../script/CvmDeployer.sol";
import {ICvmTaskFeesTypes} from "../../src/interfaces/avs/ICvmTaskFees.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {G2Math} from "../utils/G2Math.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Creates tasks, escrows fees for them, responds (with all operators' real signatures) and settles fees in
///         random order. Calls that must fail (settling too early, twice, a fee past the deadline) are tried and
///         their failure is expected; the ghost sums count only what succeeded.
contract FeeHandler is Test {
    CvmDeployer.Deployment internal d;
    address internal aggregator;
    address internal taskGenerator;
    uint256 internal skSum;
    BN254.G2Point internal apkG2;
    ICvmTaskManagerTypes.Task[] internal tasks;

    uint256 public ghostEscrowed;
    uint256 public ghostReleased;
    uint256 public ghostRefunded;
    uint256 public settlements;

    constructor(CvmDeployer.Deployment memory d_, address aggregator_, address taskGenerator_, uint256 skSum_) {
        d = d_;
        aggregator = aggregator_;
        taskGenerator = taskGenerator_;
        skSum = skSum_;
        apkG2 = G2Math.mulGenerator(skSum_);
        d.cToken.approve(address(d.taskFees), type(uint256).max);
    }

    function createAndEscrow(uint96 amount) external {
        vm.prank(taskGenerator);
        uint32 idx = d.taskManager.createTask(uint64(tasks.length), keccak256("m"), keccak256("i"), hex"00", 60);
        tasks.push(
            ICvmTaskManagerTypes.Task(
                uint64(tasks.length), keccak256("m"), keccak256("i"), hex"00", 60, uint32(block.number)
            )
        );
        amount = uint96(bound(amount, 1, 1e24));
        d.cToken.mint(address(this), amount);
        d.taskFees.escrow(idx, tasks[idx], IERC20(address(d.cToken)), amount, address(this));
        ghostEscrowed += amount;
        vm.roll(block.number + 1);
    }

    function respond(uint256 which, uint8 blocksLater) external {
        if (tasks.length == 0) return;
        vm.roll(block.number + (blocksLater % 60));
        uint32 idx = uint32(which % tasks.length);
        ICvmTaskManagerTypes.Task memory task = tasks[idx];
        ICvmTaskManagerTypes.TaskResponse memory r = ICvmTaskManagerTypes.TaskResponse(idx, "b", "d", "s");
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s;
        s.nonSignerPubkeys = new BN254.G1Point[](0);
        s.quorumApks = new BN254.G1Point[](1);
        s.quorumApks[0] = d.registry.getCurrentApk(0);
        s.apkG2 = apkG2;
        s.sigma = BlsTestKeys.sign(skSum, d.taskManager.responseDigest(r));
        (s.quorumApkIndices, s.totalStakeIndices, s.nonSignerStakeIndices) =
            d.registry.getCheckSignaturesIndices(task.quorumNumbers, task.taskCreatedBlock, new bytes32[](0));
        vm.prank(aggregator);
        // answered twice or past the window: refused, as intended
        try d.taskManager.respondToTask(task, r, s) {} catch {}
    }

    function release(uint256 which) external {
        if (tasks.length == 0) return;
        uint32 idx = uint32(which % tasks.length);
        uint96 amount = d.taskFees.fee(idx).amount;
        // not responded yet or already settled: refused
        try d.taskFees.release(idx) {
            ghostReleased += amount;
            settlements += 1;
        } catch {}
    }

    function refund(uint256 which, uint8 blocksLater) external {
        if (tasks.length == 0) return;
        vm.roll(block.number + (blocksLater % 60));
        uint32 idx = uint32(which % tasks.length);
        uint96 amount = d.taskFees.fee(idx).amount;
        // responded, before the deadline or already settled: refused
        try d.taskFees.refund(idx, tasks[idx]) {
            ghostRefunded += amount;
            settlements += 1;
        } catch {}
    }

    function taskCount() external view returns (uint256) {
        return tasks.length;
    }
}

contract FeeInvariants is CvmFixture {
    FeeHandler internal handler;
    IERC20 internal token;

    function setUp() public override {
        super.setUp();
        _addOperators(3);
        uint256 skSum;
        for (uint256 i; i < ops.length; ++i) {
            skSum = addmod(skSum, ops[i].key.sk, BN254.FR_MODULUS);
        }
        handler = new FeeHandler(d, aggregator, taskGenerator, skSum);
        d.cToken.grantRole(d.cToken.MINTER_ROLE(), address(handler));
        token = IERC20(address(d.cToken));
        targetContract(address(handler));
        bytes4[] memory sel = new bytes4[](4);
        sel[0] = FeeHandler.createAndEscrow.selector;
        sel[1] = FeeHandler.respond.selector;
        sel[2] = FeeHandler.release.selector;
        sel[3] = FeeHandler.refund.selector;
        targetSelector(FuzzSelector(address(handler), sel));
    }

    /// The handler really settles fees both ways (the invariants below are not vacuous).
    function test_HandlerReleasesAndRefunds() public {
        handler.createAndEscrow(5 ether);
        handler.createAndEscrow(7 ether);
        handler.respond(0, 1);
        handler.release(0);
        handler.refund(1, 59);
        handler.refund(1, 59);
        assertEq(handler.ghostReleased(), 5 ether);
        assertEq(handler.ghostRefunded(), 7 ether);
        assertEq(handler.settlements(), 2);
    }

    /// escrowed = released + refunded + held, and held is exactly the escrow's balance.
    function invariant_EscrowedIsReleasedPlusRefundedPlusHeld() public view {
        (uint256 e, uint256 rel, uint256 ref, uint256 held) = d.taskFees.totals(token);
        assertEq(e, rel + ref + held);
        assertEq(held, token.balanceOf(address(d.taskFees)));
        assertEq(e, handler.ghostEscrowed());
        assertEq(rel, handler.ghostReleased());
        assertEq(ref, handler.ghostRefunded());
        assertEq(rel, token.balanceOf(address(d.serviceManager)));
    }

    /// Each fee is settled at most once, released only for a responded task, refunded only for an unanswered one.
    function invariant_EachFeeSettledOnceAndRightly() public view {
        uint256 settled;
        for (uint32 i; i < handler.taskCount(); ++i) {
            ICvmTaskFeesTypes.FeeStatus s = d.taskFees.fee(i).status;
            bool responded = d.taskManager.taskResponseHash(i) != bytes32(0);
            if (s == ICvmTaskFeesTypes.FeeStatus.Released) {
                assertTrue(responded);
                ++settled;
            } else if (s == ICvmTaskFeesTypes.FeeStatus.Refunded) {
                assertFalse(responded);
                ++settled;
            } else {
                assertEq(uint8(s), uint8(ICvmTaskFeesTypes.FeeStatus.Held));
            }
        }
        assertEq(settled, handler.settlements());
    }
}
