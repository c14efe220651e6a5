// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CBridge} from "../../src/bridge/CBridge.sol";
import {CvmAccumulator} from "../../src/bridge/CvmAccumulator.sol";
import {CvmCheckpoints} from "../../src/bridge/CvmCheckpoints.sol";
import {ICBridgeErrors} from "../../src/bridge/ICBridge.sol";
import {ICvmCheckpoints, ICvmCheckpointsTypes} from "../../src/bridge/ICvmCheckpoints.sol";
import {ICvmRegistry} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmSlasher} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {CToken} from "../../src/token/CToken.sol";
import {G2Math} from "../utils/G2Math.sol";
import {CheckpointKeys, NaiveAccumulator} from "./BridgeTestUtils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Drives the Ethereum side for real (CToken, CvmCheckpoints, CBridge) and models the CVM side: deposits
///         credited by nonce, withdrawals burned into the accumulator, checkpoints signed by the whole 4-validator
///         set. The aggregate G2 key is computed once; each checkpoint costs one ecMul to sign.
contract BridgeHandler is Test, ICvmCheckpointsTypes {
    string internal constant CHAIN = "cvm-1";
    CToken public c;
    CvmCheckpoints public cps;
    CBridge public bridge;
    uint256 internal skSum;
    BN254.G2Point internal apkG2;
    bytes32 internal setHash;
    address[3] internal users;

    // ---- CVM-side model
    struct PendingDeposit {
        address user;
        uint256 amount;
    }

    PendingDeposit[] internal deposits; // by nonce
    uint256 public depositsCredited; // deposits with nonce < this are credited on the CVM chain
    mapping(address user => uint256) public cvmBalance;
    uint256 public cvmSupply;
    uint256 public depositsInFlight; // locked on Ethereum, not yet credited on the CVM chain

    struct Withdrawal {
        address recipient;
        uint256 amount;
    }

    Withdrawal[] internal withdrawals; // by nonce
    bytes32[] internal leaves;
    uint256 public withdrawalsInFlight; // burned on the CVM chain, not yet claimed on Ethereum
    mapping(uint64 nonce => uint256) public claims; // successful claims per nonce

    // ---- checkpoints
    Checkpoint internal lastCp;
    uint64 public lastIndex;
    uint256 public coveredWithdrawals; // withdrawals covered by the last checkpoint
    uint64 public height;
    bool public heightWentDown;
    bool public doubleClaimPaid;

    constructor() {
        c = new CToken(address(this), 1e30);
        cps = new CvmCheckpoints(address(this), CHAIN, ICvmRegistry(address(1)), ICvmSlasher(address(1)), 0, 1);
        CheckpointKeys.Set memory s = CheckpointKeys.makeSet(1, 4, new uint256[](0));
        cps.setGenesisValidatorSet(s.entries, 1);
        for (uint256 i; i < 4; ++i) {
            skSum = addmod(skSum, s.sks[i], BN254.FR_MODULUS);
        }
        apkG2 = G2Math.mulGenerator(skSum);
        setHash = CheckpointKeys.setHash(s.entries);
        bridge =
            new CBridge(address(this), IERC20(address(c)), ICvmCheckpoints(address(cps)), address(this), 1 days, 1e24);
        for (uint256 i; i < 3; ++i) {
            users[i] = makeAddr(string.concat("user", vm.toString(i)));
            c.mint(users[i], 1e24);
            vm.prank(users[i]);
            c.approve(address(bridge), type(uint256).max);
        }
    }

    function deposit(uint8 who, uint96 amount) external {
        address user = users[who % 3];
        amount = uint96(bound(amount, 1, 1e21));
        vm.prank(user);
        bridge.deposit(bytes32(uint256(uint160(user))), amount);
        deposits.push(PendingDeposit(user, amount));
        depositsInFlight += amount;
    }

    /// @notice The CVM chain credits the next `n` final deposits (in nonce order, each once).
    function credit(uint8 n) external {
        uint256 to = depositsCredited + (n % 4);
        if (to > deposits.length) to = deposits.length;
        for (uint256 i = depositsCredited; i < to; ++i) {
            cvmBalance[deposits[i].user] += deposits[i].amount;
            cvmSupply += deposits[i].amount;
            depositsInFlight -= deposits[i].amount;
        }
        depositsCredited = to;
    }

    /// @notice A user burns `$C` on the CVM chain to withdraw to Ethereum.
    function burn(uint8 who, uint96 amount) external {
        address user = users[who % 3];
        if (cvmBalance[user] == 0) return;
        uint256 a = bound(amount, 1, cvmBalance[user]);
        cvmBalance[user] -= a;
        cvmSupply -= a;
        uint64 nonce = uint64(withdrawals.length);
        withdrawals.push(Withdrawal(user, a));
        leaves.push(CvmAccumulator.withdrawalLeaf(nonce, user, a));
        withdrawalsInFlight += a;
    }

    function checkpoint(uint8 skip) external {
        uint64 before = cps.latestHeight();
        (bytes32 root,) = NaiveAccumulator.rootAndProof(leaves, type(uint256).max);
        height += 1 + (skip % 5);
        Checkpoint memory cp = Checkpoint({
            height: height,
            appHash: keccak256(abi.encode("app", height)),
            cvmBlockHash: bytes32(0),
            cumulativeRoot: bytes32(0),
            withdrawalsRoot: root,
            nextValidatorSetHash: setHash
        });
        BN254.G1Point memory sigma = BN254.scalarMul(BN254.hashToG1(CheckpointKeys.digest(CHAIN, cp)), skSum);
        cps.submitCheckpoint(cp, sigma, apkG2, new uint256[](0));
        lastCp = cp;
        lastIndex = cps.checkpointCount() - 1;
        coveredWithdrawals = leaves.length;
        if (cps.latestHeight() < before) heightWentDown = true;
    }

    /// @notice A stale or repeated checkpoint is refused.
    function replayCheckpoint() external {
        if (lastIndex == 0 && cps.checkpointCount() == 0) return;
        BN254.G1Point memory sigma = BN254.scalarMul(BN254.hashToG1(CheckpointKeys.digest(CHAIN, lastCp)), skSum);
        try cps.submitCheckpoint(lastCp, sigma, apkG2, new uint256[](0)) {
            heightWentDown = true;
        } catch {}
    }

    /// @notice Claims withdrawal `which` (covered by the last checkpoint); a second claim must revert.
    function claim(uint256 which) external {
        if (coveredWithdrawals == 0) return;
        uint64 nonce = uint64(which % coveredWithdrawals);
        Withdrawal memory w = withdrawals[nonce];
        bytes32[] memory covered = new bytes32[](coveredWithdrawals);
        for (uint256 i; i < coveredWithdrawals; ++i) {
            covered[i] = leaves[i];
        }
        (, bytes32[] memory proof) = NaiveAccumulator.rootAndProof(covered, nonce);
        if (claims[nonce] == 0) {
            bridge.claimWithdrawal(lastIndex, lastCp, nonce, w.recipient, w.amount, proof);
            claims[nonce] = 1;
            withdrawalsInFlight -= w.amount;
        } else {
            try bridge.claimWithdrawal(lastIndex, lastCp, nonce, w.recipient, w.amount, proof) {
                doubleClaimPaid = true;
                claims[nonce] += 1;
            } catch (bytes memory err) {
                assertEq(bytes4(err), ICBridgeErrors.AlreadyClaimed.selector);
            }
        }
    }

    function withdrawalCount() external view returns (uint256) {
        return withdrawals.length;
    }
}

contract BridgeInvariants is Test {
    BridgeHandler internal h;

    function setUp() public {
        h = new BridgeHandler();
        targetContract(address(h));
        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = BridgeHandler.deposit.selector;
        selectors[1] = BridgeHandler.credit.selector;
        selectors[2] = BridgeHandler.burn.selector;
        selectors[3] = BridgeHandler.checkpoint.selector;
        selectors[4] = BridgeHandler.claim.selector;
        selectors[5] = BridgeHandler.replayCheckpoint.selector;
        targetSelector(FuzzSelector({addr: address(h), selectors: selectors}));
    }

    /// @notice Locked on Ethereum = supply on the CVM chain + deposits not yet credited + withdrawals not yet claimed.
    function invariant_Conservation() public view {
        assertEq(
            h.c().balanceOf(address(h.bridge())),
            h.cvmSupply() + h.depositsInFlight() + h.withdrawalsInFlight(),
            "locked = CVM supply + in flight"
        );
    }

    function invariant_NoDoubleClaim() public view {
        assertFalse(h.doubleClaimPaid(), "a withdrawal was paid twice");
        for (uint64 n; n < h.withdrawalCount(); ++n) {
            assertLe(h.claims(n), 1);
            assertEq(h.bridge().isClaimed(n), h.claims(n) == 1);
        }
    }

    function invariant_MonotonicHeights() public view {
        assertFalse(h.heightWentDown(), "an older or repeated height was accepted");
        assertEq(h.cps().latestHeight(), h.height(), "latest height is the last submitted");
    }
}
