// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../../script/CvmDeployer.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {ISignatureUtilsMixinTypes} from "../../src/interfaces/core/ISignatureUtilsMixin.sol";
import {IStrategy} from "../../src/interfaces/core/IStrategy.sol";
import {OperatorSet} from "../../src/libraries/OperatorSetLib.sol";
import {AcceptingRegistrar} from "../unit/AllocationManager.t.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Drives deposits, slashes and burns against the core stand-ins.
contract CoreHandler is Test {
    CvmDeployer.Deployment internal d;
    address internal avs;
    address[] public operators;
    address[] public stakers; // stakers[0..2] delegated, stakers[3..4] not
    bool public slashIncreasedSomething;
    uint256 public slashes;
    uint256[] internal slashIds;

    constructor(
        CvmDeployer.Deployment memory d_,
        address avs_,
        address[] memory operators_,
        address[] memory stakers_
    ) {
        d = d_;
        avs = avs_;
        operators = operators_;
        stakers = stakers_;
    }

    function deposit(uint256 who, uint256 amount) external {
        address s = stakers[who % stakers.length];
        amount = bound(amount, 1e6, 1e27);
        d.underlyingToken.transfer(s, amount);
        vm.startPrank(s);
        d.underlyingToken.approve(address(d.core.strategyManager), amount);
        try d.core.strategyManager.depositIntoStrategy(d.core.strategy, d.underlyingToken, amount) {} catch {}
        vm.stopPrank();
    }

    function slash(uint256 which, uint256 wad) external {
        address op = operators[which % operators.length];
        wad = bound(wad, 1, 1e18);
        uint256[] memory sharesBefore = _shares();
        uint64[] memory maxBefore = _maxMagnitudes();
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint256[] memory w = new uint256[](1);
        w[0] = wad;
        vm.prank(avs);
        (uint256 slashId,) =
            d.core.allocationManager.slashOperator(avs, IAllocationManagerTypes.SlashingParams(op, 1, s, w, "inv"));
        slashIds.push(slashId);
        slashes++;
        uint256[] memory sharesAfter = _shares();
        uint64[] memory maxAfter = _maxMagnitudes();
        for (uint256 i; i < operators.length; ++i) {
            if (sharesAfter[i] > sharesBefore[i] || maxAfter[i] > maxBefore[i]) slashIncreasedSomething = true;
        }
    }

    function burn(uint256 which) external {
        if (slashIds.length == 0) return;
        d.core.strategyManager.clearBurnOrRedistributableShares(OperatorSet(avs, 1), slashIds[which % slashIds.length]);
    }

    function _shares() internal view returns (uint256[] memory out) {
        out = new uint256[](operators.length);
        for (uint256 i; i < operators.length; ++i) {
            out[i] = d.core.delegationManager.operatorShares(operators[i], d.core.strategy);
        }
    }

    function _maxMagnitudes() internal view returns (uint64[] memory out) {
        out = new uint64[](operators.length);
        for (uint256 i; i < operators.length; ++i) {
            out[i] = d.core.allocationManager.getMaxMagnitude(operators[i], d.core.strategy);
        }
    }

    function operatorCount() external view returns (uint256) {
        return operators.length;
    }

    function stakerCount() external view returns (uint256) {
        return stakers.length;
    }
}

/// @notice Drives `$C` staking: stake, unstake, withdraw and slash.
contract CStakingHandler is Test {
    CvmDeployer.Deployment internal d;
    address internal operator;
    address[] internal stakers;
    address[] internal owners;
    uint256[] internal ids;
    mapping(uint256 => bool) internal withdrawn;

    constructor(CvmDeployer.Deployment memory d_, address operator_, address[] memory stakers_) {
        d = d_;
        operator = operator_;
        stakers = stakers_;
    }

    function stake(uint256 who, uint256 amount) external {
        address s = stakers[who % stakers.length];
        amount = bound(amount, 1, 1e23);
        d.cToken.mint(s, amount);
        vm.startPrank(s);
        d.cToken.approve(address(d.cStaking), amount);
        try d.cStaking.stake(operator, amount) {} catch {}
        vm.stopPrank();
    }

    function unstake(uint256 who, uint256 shares) external {
        address s = stakers[who % stakers.length];
        uint256 held = d.cStaking.sharesOf(s, operator);
        if (held == 0) return;
        shares = bound(shares, 1, held);
        vm.prank(s);
        // worthless shares (after a slash) are refused with ZeroAmount; that is expected
        try d.cStaking.unstake(operator, shares) returns (uint256 id) {
            owners.push(s);
            ids.push(id);
        } catch {}
    }

    function withdraw(uint256 which) external {
        if (ids.length == 0) return;
        which = which % ids.length;
        if (withdrawn[which]) return;
        withdrawn[which] = true;
        vm.warp(block.timestamp + 7 days);
        vm.prank(owners[which]);
        d.cStaking.withdraw(ids[which]);
    }

    function slash(uint256 wad) external {
        wad = bound(wad, 1, 0.5e18);
        vm.prank(address(d.taskManager));
        d.cStaking.slash(operator, wad);
    }

    /// @notice Σ of the value of requests not yet withdrawn.
    function pendingUnbonding() external view returns (uint256 sum) {
        for (uint256 i; i < ids.length; ++i) {
            if (!withdrawn[i]) sum += d.cStaking.unbondingAmount(ids[i]);
        }
    }
}

contract CoreInvariants is Test, CvmDeployer {
    Deployment internal d;
    CoreHandler internal handler;
    CStakingHandler internal cHandler;
    address internal avs = makeAddr("invariantAvs");
    address[] internal undelegated;
    address internal cOp;

    function setUp() public {
        DeployConfig memory cfg = defaultConfig(address(this));
        CoreAddresses memory none;
        d = deployAll(cfg, none, address(this));
        AcceptingRegistrar registrar = new AcceptingRegistrar();
        IAllocationManagerTypes.CreateSetParams[] memory p = new IAllocationManagerTypes.CreateSetParams[](1);
        p[0].operatorSetId = 1;
        p[0].strategies = new IStrategy[](1);
        p[0].strategies[0] = d.core.strategy;
        vm.startPrank(avs);
        d.core.allocationManager.updateAVSMetadataURI(avs, "m");
        d.core.allocationManager.setAVSRegistrar(avs, registrar);
        d.core.allocationManager.createOperatorSets(avs, p);
        vm.stopPrank();

        address[] memory ops = new address[](3);
        address[] memory stakers = new address[](5);
        for (uint256 i; i < 3; ++i) {
            ops[i] = makeAddr(string.concat("invOp", vm.toString(i)));
            vm.startPrank(ops[i]);
            d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
            d.core.allocationManager.modifyAllocations(ops[i], _alloc(uint64(1e18 - i * 3e17)));
            uint32[] memory ids = new uint32[](1);
            ids[0] = 1;
            d.core.allocationManager
                .registerForOperatorSets(ops[i], IAllocationManagerTypes.RegisterParams(avs, ids, ""));
            vm.stopPrank();
        }
        for (uint256 i; i < 5; ++i) {
            stakers[i] = makeAddr(string.concat("invStaker", vm.toString(i)));
            if (i < 3) {
                vm.prank(stakers[i]);
                d.core.delegationManager.delegateTo(ops[i], _noSig(), bytes32(0));
            } else {
                undelegated.push(stakers[i]);
            }
        }
        handler = new CoreHandler(d, avs, ops, stakers);
        d.underlyingToken.mint(address(handler), 1e36);

        cOp = makeAddr("cOperator");
        vm.prank(cOp);
        d.cStaking.setConsensusKey(keccak256("cOperator"));
        address[] memory cStakers = new address[](3);
        for (uint256 i; i < 3; ++i) {
            cStakers[i] = makeAddr(string.concat("cStaker", vm.toString(i)));
        }
        cHandler = new CStakingHandler(d, cOp, cStakers);
        d.cToken.grantRole(d.cToken.MINTER_ROLE(), address(cHandler));

        targetContract(address(handler));
        targetContract(address(cHandler));
        bytes4[] memory sel = new bytes4[](3);
        sel[0] = CoreHandler.deposit.selector;
        sel[1] = CoreHandler.slash.selector;
        sel[2] = CoreHandler.burn.selector;
        targetSelector(FuzzSelector(address(handler), sel));
        bytes4[] memory csel = new bytes4[](4);
        csel[0] = CStakingHandler.stake.selector;
        csel[1] = CStakingHandler.unstake.selector;
        csel[2] = CStakingHandler.withdraw.selector;
        csel[3] = CStakingHandler.slash.selector;
        targetSelector(FuzzSelector(address(cHandler), csel));
    }

    function _alloc(uint64 m) internal view returns (IAllocationManagerTypes.AllocateParams[] memory p) {
        p = new IAllocationManagerTypes.AllocateParams[](1);
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = d.core.strategy;
        uint64[] memory mm = new uint64[](1);
        mm[0] = m;
        p[0] = IAllocationManagerTypes.AllocateParams(OperatorSet(avs, 1), s, mm);
    }

    function _noSig() internal pure returns (ISignatureUtilsMixinTypes.SignatureWithExpiry memory) {
        return ISignatureUtilsMixinTypes.SignatureWithExpiry("", 0);
    }

    /// Shares are conserved by deposits, slashes and burns:
    /// Σ operator shares + undelegated deposit shares + not yet cleared slashed shares = strategy total shares.
    function invariant_SharesConserved() public view {
        uint256 sum = d.core.strategyManager.getPendingSlashedShares(d.core.strategy);
        for (uint256 i; i < handler.operatorCount(); ++i) {
            sum += d.core.delegationManager.operatorShares(handler.operators(i), d.core.strategy);
        }
        for (uint256 i; i < undelegated.length; ++i) {
            sum += d.core.strategyManager.stakerDepositShares(undelegated[i], d.core.strategy);
        }
        assertEq(sum, d.core.strategy.totalShares());
    }

    /// A slash never increases anyone's shares or max magnitude.
    function invariant_SlashNeverIncreasesShares() public view {
        assertFalse(handler.slashIncreasedSomething());
    }

    /// Encumbered magnitude never exceeds the max magnitude.
    function invariant_EncumberedWithinMax() public view {
        for (uint256 i; i < handler.operatorCount(); ++i) {
            address op = handler.operators(i);
            assertLe(
                d.core.allocationManager.getEncumberedMagnitude(op, d.core.strategy),
                d.core.allocationManager.getMaxMagnitude(op, d.core.strategy)
            );
        }
    }

    /// `$C` held by CStaking covers the active pool plus every pending unbonding request (pro-rata rounding
    /// leaves at most dust behind, never a shortfall).
    function invariant_CStakingSolvent() public view {
        assertGe(d.cToken.balanceOf(address(d.cStaking)), d.cStaking.operatorStake(cOp) + cHandler.pendingUnbonding());
    }
}
