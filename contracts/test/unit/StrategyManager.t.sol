// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {StrategyBase} from "../../src/core/StrategyBase.sol";
import {ISignatureUtilsMixinTypes} from "../../src/interfaces/core/ISignatureUtilsMixin.sol";
import {IStrategy, IStrategyErrors} from "../../src/interfaces/core/IStrategy.sol";
import {IStrategyManagerErrors, IStrategyManagerEvents} from "../../src/interfaces/core/IStrategyManager.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract StrategyManagerTestBase is CvmFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function _deposit(address who, uint256 amount) internal returns (uint256 shares) {
        d.underlyingToken.mint(who, amount);
        vm.startPrank(who);
        d.underlyingToken.approve(address(d.core.strategyManager), amount);
        shares = d.core.strategyManager.depositIntoStrategy(d.core.strategy, d.underlyingToken, amount);
        vm.stopPrank();
    }
}

contract StrategyManager_DepositIntoStrategy is StrategyManagerTestBase {
    function test_CreditsSharesAndMovesTokens() public {
        uint256 shares = _deposit(alice, 10 ether);
        assertEq(shares, 10 ether);
        assertEq(d.core.strategyManager.stakerDepositShares(alice, d.core.strategy), 10 ether);
        assertEq(d.underlyingToken.balanceOf(address(d.core.strategy)), 10 ether);
        assertEq(d.core.strategy.totalShares(), 10 ether);
        assertEq(d.core.strategyManager.stakerStrategyListLength(alice), 1);
        (IStrategy[] memory s, uint256[] memory sh) = d.core.strategyManager.getDeposits(alice);
        assertEq(address(s[0]), address(d.core.strategy));
        assertEq(sh[0], 10 ether);
        assertEq(d.core.strategy.shares(alice), 10 ether);
    }

    function test_CreditsDelegatedOperator() public {
        Op memory op = _newOperator(1, 0, 0);
        vm.prank(alice);
        d.core.delegationManager.delegateTo(op.addr, _noSig(), bytes32(0));
        _deposit(alice, 3 ether);
        assertEq(d.core.delegationManager.operatorShares(op.addr, d.core.strategy), 3 ether);
    }

    function test_Revert_WhenStrategyNotWhitelisted() public {
        StrategyBase other = new StrategyBase(d.core.strategyManager);
        vm.expectRevert(IStrategyManagerErrors.StrategyNotWhitelisted.selector);
        vm.prank(alice);
        d.core.strategyManager.depositIntoStrategy(other, d.underlyingToken, 1);
    }

    function test_Revert_WhenDepositMintsNoShares() public {
        _deposit(alice, 1 ether);
        // a huge donation makes 1 wei worth less than one share
        d.underlyingToken.mint(address(d.core.strategy), 1e40);
        d.underlyingToken.mint(alice, 1);
        vm.startPrank(alice);
        d.underlyingToken.approve(address(d.core.strategyManager), 1);
        vm.expectRevert(IStrategyErrors.NewSharesZero.selector);
        d.core.strategyManager.depositIntoStrategy(d.core.strategy, d.underlyingToken, 1);
        vm.stopPrank();
    }

    function testFuzz_SharesTrackDeposits(uint96 a, uint96 b) public {
        a = uint96(bound(a, 1e6, type(uint96).max));
        b = uint96(bound(b, 1e6, type(uint96).max));
        uint256 sa = _deposit(alice, a);
        uint256 sb = _deposit(makeAddr("bob"), b);
        assertEq(d.core.strategy.totalShares(), sa + sb);
        // with no donations the rate stays 1:1
        assertEq(sa, a);
        assertEq(sb, b);
        assertApproxEqAbs(d.core.strategy.sharesToUnderlyingView(sb), b, 1);
        assertApproxEqAbs(d.core.strategy.underlyingToSharesView(a), a, 1);
    }

    function _noSig() internal pure returns (ISignatureUtilsMixinTypes.SignatureWithExpiry memory) {
        return ISignatureUtilsMixinTypes.SignatureWithExpiry("", 0);
    }
}

contract StrategyManager_Whitelist is StrategyManagerTestBase {
    function test_OwnerWhitelists() public {
        StrategyBase other = new StrategyBase(d.core.strategyManager);
        IStrategy[] memory l = new IStrategy[](1);
        l[0] = other;
        d.core.strategyManager.addStrategiesToDepositWhitelist(l);
        assertTrue(d.core.strategyManager.strategyIsWhitelistedForDeposit(other));
    }

    function test_Revert_WhenNotOwner() public {
        IStrategy[] memory l = new IStrategy[](0);
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        d.core.strategyManager.addStrategiesToDepositWhitelist(l);
    }
}

contract StrategyManager_BurnOrRedistributableShares is StrategyManagerTestBase {
    address internal constant BURN = 0x00000000000000000000000000000000000E16E4;
    OperatorSet internal set = OperatorSet(makeAddr("someAvs"), 3);

    function _record(uint256 slashId, uint256 shares) internal {
        vm.prank(address(d.core.delegationManager));
        d.core.strategyManager.increaseBurnOrRedistributableShares(set, slashId, d.core.strategy, shares);
    }

    function test_Revert_WhenCallerNotDelegationManager() public {
        vm.expectRevert(IStrategyManagerErrors.OnlyDelegationManager.selector);
        d.core.strategyManager.increaseBurnOrRedistributableShares(set, 1, d.core.strategy, 1);
    }

    function test_Revert_WhenStrategyAlreadyInSlash() public {
        _record(1, 1 ether);
        vm.expectRevert(IStrategyManagerErrors.StrategyAlreadyInSlash.selector);
        _record(1, 2 ether);
    }

    function test_RecordsPerSetAndSlashId() public {
        vm.expectEmit(address(d.core.strategyManager));
        emit IStrategyManagerEvents.BurnOrRedistributableSharesIncreased(set, 1, d.core.strategy, 4 ether);
        _record(1, 4 ether);
        _record(2, 1 ether);
        (IStrategy[] memory s, uint256[] memory sh) = d.core.strategyManager.getBurnOrRedistributableShares(set, 1);
        assertEq(s.length, 1);
        assertEq(address(s[0]), address(d.core.strategy));
        assertEq(sh[0], 4 ether);
        (, sh) = d.core.strategyManager.getBurnOrRedistributableShares(set, 2);
        assertEq(sh[0], 1 ether);
        (s,) = d.core.strategyManager.getBurnOrRedistributableShares(OperatorSet(set.avs, 4), 1);
        assertEq(s.length, 0);
        assertEq(d.core.strategyManager.getPendingSlashedShares(d.core.strategy), 5 ether);
    }

    function test_ClearSendsUnderlyingToBurnAddressOnce() public {
        _deposit(alice, 10 ether);
        _record(1, 4 ether);
        _record(2, 1 ether);
        vm.expectEmit(address(d.core.strategyManager));
        emit IStrategyManagerEvents.BurnOrRedistributableSharesDecreased(set, 1, d.core.strategy, 4 ether);
        uint256[] memory amounts = d.core.strategyManager.clearBurnOrRedistributableShares(set, 1);
        assertEq(amounts.length, 1);
        assertEq(amounts[0], 4 ether);
        assertEq(d.underlyingToken.balanceOf(BURN), 4 ether);
        assertEq(d.core.strategy.totalShares(), 6 ether);
        (IStrategy[] memory s,) = d.core.strategyManager.getBurnOrRedistributableShares(set, 1);
        assertEq(s.length, 0);
        assertEq(d.core.strategyManager.getPendingSlashedShares(d.core.strategy), 1 ether);
        // a second clear of the same slash does nothing; the other slash is untouched
        amounts = d.core.strategyManager.clearBurnOrRedistributableShares(set, 1);
        assertEq(amounts.length, 0);
        assertEq(d.underlyingToken.balanceOf(BURN), 4 ether);
        (, uint256[] memory sh) = d.core.strategyManager.getBurnOrRedistributableShares(set, 2);
        assertEq(sh[0], 1 ether);
    }
}

contract StrategyBase_Guards is StrategyManagerTestBase {
    function test_Revert_WhenDepositNotFromStrategyManager() public {
        vm.expectRevert(IStrategyErrors.OnlyStrategyManager.selector);
        d.core.strategy.deposit(d.underlyingToken, 1);
    }

    function test_Revert_WhenWithdrawNotFromStrategyManager() public {
        vm.expectRevert(IStrategyErrors.OnlyStrategyManager.selector);
        d.core.strategy.withdraw(alice, d.underlyingToken, 1);
    }

    function test_Revert_WhenTokenIsNotUnderlying() public {
        IERC20 other = new ERC20Mock();
        vm.prank(address(d.core.strategyManager));
        vm.expectRevert(IStrategyErrors.OnlyUnderlyingToken.selector);
        d.core.strategy.deposit(other, 1);
        vm.prank(address(d.core.strategyManager));
        vm.expectRevert(IStrategyErrors.OnlyUnderlyingToken.selector);
        d.core.strategy.withdraw(alice, other, 1);
    }

    function test_Revert_WhenWithdrawExceedsTotalShares() public {
        _deposit(alice, 1 ether);
        vm.prank(address(d.core.strategyManager));
        vm.expectRevert(IStrategyErrors.WithdrawalAmountExceedsTotalDeposits.selector);
        d.core.strategy.withdraw(alice, d.underlyingToken, 2 ether);
    }

    /// @dev EigenLayer v1.9+: `withdraw` returns the amount of underlying sent.
    function test_WithdrawReturnsTheAmountSent() public {
        _deposit(alice, 3 ether);
        uint256 before = d.underlyingToken.balanceOf(bob);
        vm.prank(address(d.core.strategyManager));
        uint256 out = d.core.strategy.withdraw(bob, d.underlyingToken, 1 ether);
        assertEq(out, d.underlyingToken.balanceOf(bob) - before);
        assertGt(out, 0);
    }
}

contract ERC20Mock is ERC20 {
    constructor() ERC20("Mock", "M") {}
}
