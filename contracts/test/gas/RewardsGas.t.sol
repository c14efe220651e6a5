// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {IRewardsCoordinatorTypes} from "../../src/interfaces/core/IRewardsCoordinator.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Gas of the fee escrow (escrow, release, refund) and of an operator-directed operator-set rewards
///         submission through the service manager with 1 / 3 / 10 operators, written to snapshots/rewards.json.
///         Contracts are cooled before each measured call (cold transaction execution gas, no 21k base, no calldata).
contract RewardsGas is CvmFixture {
    IERC20 internal token;

    function setUp() public override {
        super.setUp();
        _addOperators(1);
        token = IERC20(address(d.cToken));
        d.cToken.mint(address(this), 1000 ether);
        token.approve(address(d.taskFees), type(uint256).max);
        d.cToken.mint(address(d.serviceManager), 1000 ether);
        vm.warp(10_000_000);
    }

    function _cool() internal {
        vm.cool(address(d.taskFees));
        vm.cool(address(d.taskManager));
        vm.cool(address(token));
        vm.cool(address(d.serviceManager));
        vm.cool(address(d.rewardsCoordinator));
    }

    function test_EscrowReleaseRefund() public {
        (ICvmTaskManagerTypes.Task memory t1, uint32 i1) = _createTask(67);
        _cool();
        d.taskFees.escrow(i1, t1, token, 1 ether, address(this));
        vm.snapshotGasLastCall("rewards", "escrow");
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(i1, "gas");
        _respond(t1, r, _sign(t1, r, _none()));
        _cool();
        d.taskFees.release(i1);
        vm.snapshotGasLastCall("rewards", "release");

        (ICvmTaskManagerTypes.Task memory t2, uint32 i2) = _createTask(67);
        d.taskFees.escrow(i2, t2, token, 1 ether, address(this));
        vm.roll(uint256(t2.taskCreatedBlock) + cfg.taskConfig.taskResponseWindowBlock + 1);
        _cool();
        d.taskFees.refund(i2, t2);
        vm.snapshotGasLastCall("rewards", "refund");
    }

    function _submission(uint256 n)
        internal
        view
        returns (IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s)
    {
        s = new IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[](1);
        s[0].strategiesAndMultipliers = new IRewardsCoordinatorTypes.StrategyAndMultiplier[](1);
        s[0].strategiesAndMultipliers[0] = IRewardsCoordinatorTypes.StrategyAndMultiplier(d.core.strategy, 1e18);
        s[0].token = token;
        s[0].operatorRewards = new IRewardsCoordinatorTypes.OperatorReward[](n);
        for (uint256 i; i < n; ++i) {
            s[0].operatorRewards[i] = IRewardsCoordinatorTypes.OperatorReward(address(uint160(0x1000 + i)), 1 ether);
        }
        s[0].startTimestamp = 10_000_000 - 100;
        s[0].duration = 50;
        s[0].description = "cvm-avs fees";
    }

    function test_SubmissionThroughTheServiceManager() public {
        // a first submission sets the AVS's nonce slot from zero; measure the steady state after it
        d.serviceManager.createOperatorDirectedOperatorSetRewardsSubmission(0, _submission(1));
        uint256[3] memory ns = [uint256(1), 3, 10];
        for (uint256 k; k < ns.length; ++k) {
            IRewardsCoordinatorTypes.OperatorDirectedRewardsSubmission[] memory s = _submission(ns[k]);
            _cool();
            d.serviceManager.createOperatorDirectedOperatorSetRewardsSubmission(0, s);
            vm.snapshotGasLastCall(
                "rewards", string.concat("createOperatorDirectedOperatorSetRewardsSubmission_", vm.toString(ns[k]))
            );
        }
        vm.roll(block.number + 1);
        _cool();
        d.rewardsCoordinator.submitRoot(keccak256("root"), 10_000_000 - 10);
        vm.snapshotGasLastCall("rewards", "submitRoot");
    }
}
