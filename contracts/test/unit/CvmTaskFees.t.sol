// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmTaskFees} from "../../src/avs/CvmTaskFees.sol";
import {ICvmTaskFeesErrors, ICvmTaskFeesEvents, ICvmTaskFeesTypes} from "../../src/interfaces/avs/ICvmTaskFees.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @dev A token that keeps 1 % of every transfer (to show such tokens are refused).
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee on transfer", "FOT") {
        _mint(msg.sender, 1e30);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 cut = value / 100;
            super._update(from, address(0xdead), cut);
            value -= cut;
        }
        super._update(from, to, value);
    }
}

contract CvmTaskFeesTestBase is CvmFixture, ICvmTaskFeesEvents {
    address internal payer = makeAddr("payer");
    address internal collector = makeAddr("refundCollector");
    IERC20 internal cToken;
    CvmTaskFees internal fees;

    function setUp() public virtual override {
        super.setUp();
        _addOperators(2);
        fees = d.taskFees;
        cToken = IERC20(address(d.cToken));
        d.cToken.mint(payer, 1000 ether);
        vm.prank(payer);
        cToken.approve(address(fees), type(uint256).max);
    }

    function _escrow(uint32 idx, ICvmTaskManagerTypes.Task memory task, uint96 amount) internal {
        vm.prank(payer);
        fees.escrow(idx, task, cToken, amount, collector);
    }

    function _respondAll(ICvmTaskManagerTypes.Task memory task, uint32 idx) internal {
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(idx, "ok");
        _respond(task, r, _sign(task, r, _none()));
    }

    function _pastDeadline(ICvmTaskManagerTypes.Task memory task) internal {
        vm.roll(uint256(task.taskCreatedBlock) + cfg.taskConfig.taskResponseWindowBlock + 1);
    }
}

contract CvmTaskFees_Wiring is CvmTaskFeesTestBase {
    function test_DeployedWithCTokenAcceptedAndTheServiceManagerAsPool() public view {
        assertTrue(fees.isTokenAccepted(cToken));
        assertEq(fees.rewardPool(), address(d.serviceManager));
        assertEq(address(fees.taskManager()), address(d.taskManager));
        assertEq(fees.owner(), address(this));
    }
}

contract CvmTaskFees_Escrow is CvmTaskFeesTestBase {
    function test_EscrowsAndEmits() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        uint32 deadline = task.taskCreatedBlock + cfg.taskConfig.taskResponseWindowBlock;
        vm.expectEmit(address(fees));
        emit FeeEscrowed(idx, payer, cToken, 5 ether, collector, deadline);
        _escrow(idx, task, 5 ether);
        ICvmTaskFeesTypes.Fee memory f = fees.fee(idx);
        assertEq(uint8(f.status), uint8(ICvmTaskFeesTypes.FeeStatus.Held));
        assertEq(f.payer, payer);
        assertEq(f.amount, 5 ether);
        assertEq(f.refundCollector, collector);
        assertEq(f.deadlineBlock, deadline);
        assertEq(cToken.balanceOf(address(fees)), 5 ether);
        (uint256 e, uint256 rel, uint256 ref, uint256 held) = fees.totals(cToken);
        assertEq(e, 5 ether);
        assertEq(rel + ref, 0);
        assertEq(held, 5 ether);
    }

    function test_EscrowsAtTheDeadlineBlockAndAfterAResponse() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _respondAll(task, idx);
        vm.roll(uint256(task.taskCreatedBlock) + cfg.taskConfig.taskResponseWindowBlock);
        _escrow(idx, task, 1 ether);
        fees.release(idx);
        assertEq(cToken.balanceOf(address(d.serviceManager)), 1 ether);
    }

    function test_Revert_WhenTokenNotAccepted() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        IERC20 other = IERC20(address(d.underlyingToken));
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TokenNotAccepted.selector, address(other)));
        vm.prank(payer);
        fees.escrow(idx, task, other, 1 ether, collector);
    }

    function test_Revert_WhenTokenTakesAFeeOnTransfer() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        fees.setTokenAccepted(fot, true);
        fot.approve(address(fees), 1 ether);
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TokenNotAccepted.selector, address(fot)));
        fees.escrow(idx, task, fot, 1 ether, collector);
    }

    function test_Revert_WhenAmountIsZero() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        vm.expectRevert(ICvmTaskFeesErrors.AmountIsZero.selector);
        _escrow(idx, task, 0);
    }

    function test_Revert_WhenRefundCollectorIsZero() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        vm.expectRevert(ICvmTaskFeesErrors.InvalidAddressZero.selector);
        vm.prank(payer);
        fees.escrow(idx, task, cToken, 1 ether, address(0));
    }

    function test_Revert_WhenTaskDoesNotMatch() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        task.cvmBlockHeight += 1;
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TaskMismatch.selector, idx));
        _escrow(idx, task, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TaskMismatch.selector, idx + 1));
        _escrow(idx + 1, task, 1 ether);
    }

    function test_Revert_WhenFeeAlreadyEscrowed() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.FeeAlreadyEscrowed.selector, idx));
        _escrow(idx, task, 1 ether);
    }

    function test_Revert_WhenDeadlinePassed() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _pastDeadline(task);
        uint256 deadline = uint256(task.taskCreatedBlock) + cfg.taskConfig.taskResponseWindowBlock;
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.DeadlinePassed.selector, idx, deadline));
        _escrow(idx, task, 1 ether);
    }
}

contract CvmTaskFees_Release is CvmTaskFeesTestBase {
    function test_ReleasesToTheRewardPoolOnceResponded() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 3 ether);
        _respondAll(task, idx);
        vm.expectEmit(address(fees));
        emit FeeReleased(idx, cToken, address(d.serviceManager), 3 ether);
        vm.prank(makeAddr("anyone"));
        fees.release(idx);
        assertEq(cToken.balanceOf(address(d.serviceManager)), 3 ether);
        assertEq(uint8(fees.fee(idx).status), uint8(ICvmTaskFeesTypes.FeeStatus.Released));
        (, uint256 rel,, uint256 held) = fees.totals(cToken);
        assertEq(rel, 3 ether);
        assertEq(held, 0);
    }

    function test_Revert_WhenFeeNotHeld() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.FeeNotHeld.selector, idx));
        fees.release(idx);
        _escrow(idx, task, 1 ether);
        _respondAll(task, idx);
        fees.release(idx);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.FeeNotHeld.selector, idx));
        fees.release(idx);
    }

    function test_Revert_WhenTaskNotResponded() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TaskNotResponded.selector, idx));
        fees.release(idx);
    }
}

contract CvmTaskFees_Refund is CvmTaskFeesTestBase {
    function test_RefundsToTheCollectorAfterTheDeadline() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 2 ether);
        _pastDeadline(task);
        vm.expectEmit(address(fees));
        emit FeeRefunded(idx, cToken, collector, 2 ether);
        fees.refund(idx, task);
        assertEq(cToken.balanceOf(collector), 2 ether);
        assertEq(uint8(fees.fee(idx).status), uint8(ICvmTaskFeesTypes.FeeStatus.Refunded));
        (,, uint256 ref, uint256 held) = fees.totals(cToken);
        assertEq(ref, 2 ether);
        assertEq(held, 0);
    }

    function test_Revert_WhenFeeNotHeld() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _pastDeadline(task);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.FeeNotHeld.selector, idx));
        fees.refund(idx, task);
    }

    function test_Revert_WhenTaskDoesNotMatch() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 1 ether);
        _pastDeadline(task);
        task.taskCreatedBlock += 50;
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TaskMismatch.selector, idx));
        fees.refund(idx, task);
    }

    function test_Revert_WhenTaskResponded() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 1 ether);
        _respondAll(task, idx);
        _pastDeadline(task);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.TaskResponded.selector, idx));
        fees.refund(idx, task);
    }

    function test_Revert_WhenDeadlineNotPassed() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(67);
        _escrow(idx, task, 1 ether);
        uint256 deadline = uint256(task.taskCreatedBlock) + cfg.taskConfig.taskResponseWindowBlock;
        vm.roll(deadline);
        vm.expectRevert(abi.encodeWithSelector(ICvmTaskFeesErrors.DeadlineNotPassed.selector, idx, deadline));
        fees.refund(idx, task);
    }
}

contract CvmTaskFees_Admin is CvmTaskFeesTestBase {
    function test_OwnerSetsTokensAndPool() public {
        vm.expectEmit(address(fees));
        emit TokenAcceptedSet(cToken, false);
        fees.setTokenAccepted(cToken, false);
        assertFalse(fees.isTokenAccepted(cToken));
        vm.expectEmit(address(fees));
        emit RewardPoolSet(treasury);
        fees.setRewardPool(treasury);
        assertEq(fees.rewardPool(), treasury);
    }

    function test_Revert_WhenNotOwner() public {
        vm.startPrank(payer);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, payer));
        fees.setTokenAccepted(cToken, false);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, payer));
        fees.setRewardPool(payer);
        vm.stopPrank();
    }

    function test_Revert_WhenAddressZero() public {
        vm.expectRevert(ICvmTaskFeesErrors.InvalidAddressZero.selector);
        fees.setTokenAccepted(IERC20(address(0)), true);
        vm.expectRevert(ICvmTaskFeesErrors.InvalidAddressZero.selector);
        fees.setRewardPool(address(0));
    }
}

contract CvmTaskFees_Fuzz is CvmTaskFeesTestBase {
    /// @dev Any amount and any settlement order: every fee ends at exactly one place and the books balance.
    function testFuzz_SettlesEveryFeeExactlyOnce(uint96 a, uint96 b, bool respondFirst) public {
        a = uint96(bound(a, 1, 400 ether));
        b = uint96(bound(b, 1, 400 ether));
        (ICvmTaskManagerTypes.Task memory t1, uint32 i1) = _createTask(67);
        _escrow(i1, t1, a);
        if (respondFirst) _respondAll(t1, i1);
        vm.roll(block.number + 1);
        (ICvmTaskManagerTypes.Task memory t2, uint32 i2) = _createTask(67);
        _escrow(i2, t2, b);
        _pastDeadline(t2);
        if (respondFirst) {
            fees.release(i1);
        } else {
            fees.refund(i1, t1);
        }
        fees.refund(i2, t2);
        (uint256 e, uint256 rel, uint256 ref, uint256 held) = fees.totals(cToken);
        assertEq(e, uint256(a) + b);
        assertEq(held, 0);
        assertEq(rel, respondFirst ? a : 0);
        assertEq(ref, respondFirst ? b : uint256(a) + b);
        assertEq(cToken.balanceOf(collector), ref);
        assertEq(cToken.balanceOf(address(d.serviceManager)), rel);
        assertEq(cToken.balanceOf(address(fees)), 0);
    }
}
