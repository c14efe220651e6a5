// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistryTypes} from "../../src/interfaces/avs/ICvmRegistry.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {IAllocationManagerTypes} from "../../src/interfaces/core/IAllocationManager.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

/// @notice Measuring helpers shared by the `respondToTask` gas contracts below: every case answers one fresh task with
///         the same response shape, after cooling every touched account, so the figure is the execution gas of a cold
///         transaction (excluding the 21k base cost and calldata, which is recorded separately, EIP-2028 pricing).
abstract contract RespondToTaskGasBase is CvmFixture {
    bytes32 internal constant IMPL_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;

    function _measure(uint256[] memory nonSigners, string memory name) internal returns (uint256 gasUsed) {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(50);
        vm.roll(block.number + 1);
        ICvmTaskManagerTypes.TaskResponse memory r = _response(idx, "gas");
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _sign(task, r, nonSigners);
        vm.cool(address(d.taskManager));
        vm.cool(address(d.registry));
        vm.cool(address(d.serviceManager));
        _coolImplementations();
        vm.prank(aggregator);
        d.taskManager.respondToTask(task, r, s);
        gasUsed = vm.snapshotGasLastCall("respondToTask", name);
        // EIP-2028 calldata cost of the same call (4 gas per zero byte, 16 per non-zero), recorded alongside.
        bytes memory cd = abi.encodeCall(d.taskManager.respondToTask, (task, r, s));
        uint256 cdGas;
        for (uint256 i; i < cd.length; ++i) {
            cdGas += cd[i] == 0 ? 4 : 16;
        }
        vm.snapshotValue("respondToTask", string.concat(name, "_calldataGas"), cdGas);
        assertTrue(d.taskManager.taskResponseHash(idx) != bytes32(0));
    }

    function _coolImplementations() internal {
        vm.cool(address(uint160(uint256(vm.load(address(d.taskManager), IMPL_SLOT)))));
        vm.cool(address(uint160(uint256(vm.load(address(d.registry), IMPL_SLOT)))));
    }

    /// @notice Registers `n` operators, each in its own external call: the G2 key derivation allocates memory that
    ///         Solidity never frees, and 100 of them in one frame exceed forge's memory limit.
    ///         The quorum's operator cap (64 by default) is raised to `n` first, as the owner may.
    function _addOperatorsInFrames(uint256 n) internal {
        ICvmRegistryTypes.QuorumConfig memory q = cfg.quorum;
        q.maxOperatorCount = uint32(n);
        d.serviceManager.setQuorumConfig(0, q);
        for (uint256 i; i < n; ++i) {
            this.addOperator();
        }
    }

    function addOperator() external {
        require(msg.sender == address(this), "self only");
        _addOperators(1);
    }

    /// @notice `k` non-signers spread evenly over the `n` registered operators (indices into `ops`).
    function _spread(uint256 n, uint256 k) internal pure returns (uint256[] memory l) {
        l = new uint256[](k);
        for (uint256 j; j < k; ++j) {
            l[j] = j * n / k;
        }
    }

    /// @notice Registers `n` operators and measures `respondToTask` at 0, ⌊10 %⌋ and ⌊33 %⌋ non-signers (only 0 when
    ///         fewer than 10 operators), each from the same state (`vm.snapshotState` / `vm.revertToState`), under
    ///         `<n>ops_<k>nonSigners`. Checks that a non-signer adds gas (a liveness write, a pubkey subtraction) but
    ///         less than `maxPerNonSigner`.
    function _measureSizes(uint256 n, uint256 maxPerNonSigner) internal {
        uint256 state = vm.snapshotState();
        string memory prefix = string.concat(vm.toString(n), n == 1 ? "op_" : "ops_");
        uint256 g0 = _measure(_none(), string.concat(prefix, "0nonSigners"));
        if (n < 10) return;
        uint256 prev = g0;
        uint256 prevK;
        uint256[2] memory ks = [n / 10, n * 33 / 100];
        for (uint256 i; i < ks.length; ++i) {
            vm.revertToState(state);
            uint256 k = ks[i];
            uint256 g = _measure(_spread(n, k), string.concat(prefix, vm.toString(k), "nonSigners"));
            assertGt(g, prev, "a non-signer adds gas");
            assertLe(g - prev, (k - prevK) * maxPerNonSigner, "gas per non-signer");
            (prev, prevK) = (g, k);
        }
    }
}

/// @notice Gas of `respondToTask` with 10 registered operators and 0 / 1 / 3 / 5 non-signers, written to
///         snapshots/respondToTask.json, plus the other task-path operations (snapshots/operations.json).
contract RespondToTaskGas is RespondToTaskGasBase {
    function setUp() public override {
        super.setUp();
        _addOperators(10);
        // Every operator has missed before, so liveness slots are in their steady state for all cases.
        vm.roll(block.number + 1);
    }

    /// @dev createTask with the manuscript-registry check (issue 14): one cold `isActive` call to the registry.
    function test_Gas_CreateTask() public {
        vm.prank(taskGenerator);
        d.taskManager.createTask(7, keccak256("manuscript"), keccak256("input"), hex"00", 50);
        vm.snapshotGasLastCall("operations", "createTask");
    }

    function test_Gas_RegisterOperator() public {
        Op memory op = _newOperator(100, RESTAKE, C_STAKE);
        IAllocationManagerTypes.RegisterParams memory p = _registerParams(op);
        vm.cool(address(d.registry));
        vm.cool(address(d.core.allocationManager));
        vm.prank(op.addr);
        d.core.allocationManager.registerForOperatorSets(op.addr, p);
        vm.snapshotGasLastCall("operations", "registerForOperatorSets_withPubkey");
        assertTrue(d.registry.isActive(op.addr, 0));
    }

    function test_Gas_SlashEquivocation() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(50);
        ICvmTaskManagerTypes.TaskResponse memory a = _response(idx, "a");
        ICvmTaskManagerTypes.TaskResponse memory b = _response(idx, "b");
        ICvmTaskManagerTypes.EquivocationProof memory proof = ICvmTaskManagerTypes.EquivocationProof({
            pubkeyG1: ops[0].key.pk1,
            pubkeyG2: ops[0].key.pk2,
            signatureA: BlsTestKeys.sign(ops[0].key.sk, d.taskManager.responseDigest(a)),
            signatureB: BlsTestKeys.sign(ops[0].key.sk, d.taskManager.responseDigest(b)),
            stakeIndices: new uint32[](1)
        });
        vm.roll(block.number + 1);
        vm.cool(address(d.taskManager));
        vm.cool(address(d.registry));
        d.taskManager.slashEquivocation(task, a, b, proof);
        vm.snapshotGasLastCall("operations", "slashEquivocation");
        assertTrue(d.taskManager.equivocationSlashed(idx, ops[0].addr));
    }

    function test_Gas_SignatureChallenge() public {
        (ICvmTaskManagerTypes.Task memory task, uint32 idx) = _createTask(50);
        ICvmTaskManagerTypes.TaskResponse memory signed = _response(idx, "wrong");
        ICvmTaskManagerTypes.SignatureProof memory proof = ICvmTaskManagerTypes.SignatureProof({
            pubkeyG1: ops[0].key.pk1,
            pubkeyG2: ops[0].key.pk2,
            signature: BlsTestKeys.sign(ops[0].key.sk, d.taskManager.responseDigest(signed)),
            stakeIndices: new uint32[](1)
        });
        ICvmTaskManagerTypes.TaskResponse memory claimed = _response(idx, "right");
        vm.roll(block.number + 1);
        vm.cool(address(d.taskManager));
        vm.cool(address(d.registry));
        _coolImplementations();
        vm.prank(challenger);
        uint256 id = d.taskManager.raiseSignatureChallenge{value: 1 ether}(task, signed, proof, claimed);
        vm.snapshotGasLastCall("operations", "raiseSignatureChallenge");
        vm.roll(block.number + cfg.taskConfig.vetoWindowBlock + 1);
        vm.cool(address(d.taskManager));
        vm.cool(address(d.registry));
        _coolImplementations();
        d.taskManager.fulfilSignatureChallenge(id, task, new uint32[](1));
        vm.snapshotGasLastCall("operations", "fulfilSignatureChallenge");
        assertEq(uint8(d.taskManager.getSlashingRequest(id).status), 3);
    }

    function test_Gas_10Operators_0NonSigners() public {
        uint256 g = _measure(_none(), "10ops_0nonSigners");
        assertLe(g, 230_000);
    }

    function test_Gas_10Operators_1NonSigner() public {
        uint256 g = _measure(_list(3), "10ops_1nonSigner");
        assertGt(g, 0);
    }

    function test_Gas_10Operators_5NonSigners() public {
        uint256[] memory ns = new uint256[](5);
        ns[0] = 1;
        ns[1] = 4;
        ns[2] = 6;
        ns[3] = 8;
        ns[4] = 9;
        uint256 g = _measure(ns, "10ops_5nonSigners");
        assertGt(g, 0);
    }

    /// @dev 33 % of 10 (the 10 % case is `10ops_1nonSigner` above).
    function test_Gas_10Operators_3NonSigners() public {
        uint256 g = _measure(_spread(10, 3), "10ops_3nonSigners");
        assertGt(g, 0);
    }
}

/// @notice `respondToTask` with a single registered operator (it signs: 0 non-signers only).
contract RespondToTaskGas1Operator is RespondToTaskGasBase {
    function setUp() public override {
        super.setUp();
        _addOperators(1);
        vm.roll(block.number + 1);
    }

    function test_Gas_1Operator() public {
        _measureSizes(1, 0);
    }
}

/// @notice `respondToTask` with 100 registered operators at 0 / 10 / 33 non-signers.
contract RespondToTaskGas100Operators is RespondToTaskGasBase {
    function setUp() public override {
        super.setUp();
        _addOperatorsInFrames(100);
        vm.roll(block.number + 1);
    }

    function test_Gas_100Operators() public {
        _measureSizes(100, 12_000);
    }
}

/// @notice `respondToTask` with 200 registered operators at 0 / 20 / 66 non-signers.
contract RespondToTaskGas200Operators is RespondToTaskGasBase {
    function setUp() public override {
        super.setUp();
        _addOperatorsInFrames(200);
        vm.roll(block.number + 1);
    }

    function test_Gas_200Operators() public {
        _measureSizes(200, 12_000);
    }
}
