// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmDeployer} from "../script/CvmDeployer.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {StrategyBase} from "../src/core/StrategyBase.sol";
import {ICvmRegistryTypes} from "../src/interfaces/avs/ICvmRegistry.sol";
import {IAllocationManagerTypes} from "../src/interfaces/core/IAllocationManager.sol";
import {IStrategy} from "../src/interfaces/core/IStrategy.sol";
import {BN254} from "../src/libraries/BN254.sol";
import {OperatorSet} from "../src/libraries/OperatorSetLib.sol";
import {G2Math} from "../test/utils/G2Math.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";

/// @title ValidatorSetState — builds the chain state of the validator-set benchmark (N operators × S strategies in
///        operator set 1) in forge's in-memory EVM, through the real contracts' entry points, and dumps it as a
///        genesis `alloc` for anvil (`vm.dumpState`). A state generator, not part of the suite: it lives outside
///        the default profile's src/test/script folders and runs as a forge test of the `bench` profile, because
///        forge test records no call traces while forge script does (and its tracer grows superlinearly with the
///        events of 10,000 registrations).
/// @notice FOUNDRY_PROFILE=bench forge test --match-path contracts/bench/ValidatorSetState.t.sol
///         --gas-limit 9000000000000000000 --disable-block-gas-limit
///         Env: BENCH_DIR (folder under target/, relative to the repo root; it must hold keys.json =
///         {"keys": [bytes32 ed25519 consensus key per operator]}), BENCH_OPERATORS, BENCH_STRATEGIES.
///         Writes BENCH_DIR/deployment.json (the Deploy script's JSON), BENCH_DIR/alloc.json (the state) and
///         BENCH_DIR/expected.json (members, total weight and power computed here from the amounts put in, and the
///         last block number used). Each operator: dETH deposits of 1..10 whole tokens in every strategy (the
///         delegation manager's operator registration, all magnitude allocated to set 1), a consensus key,
///         1..100 `$C` staked to it by the deployer, BLS registration (key sk = K + i: its G2 public key follows
///         from the previous one by one G2 addition; the signature and G1 key come from the precompiles).
contract ValidatorSetState is Test {
    uint32 internal constant SET_ID = 1;
    uint256 internal constant BATCH = 250;

    function test_buildState() external {
        string memory dir = vm.envString("BENCH_DIR");
        uint256 n = vm.envUint("BENCH_OPERATORS");
        string memory root = string.concat(vm.projectRoot(), "/", dir);
        bytes32[] memory consensusKeys =
            vm.parseJsonBytes32Array(vm.readFile(string.concat(root, "/keys.json")), ".keys");
        require(consensusKeys.length == n, "ValidatorSetState: keys.json must hold one key per operator");

        vm.setEnv("DEPLOYMENTS_OUT", string.concat(dir, "/deployment.json"));
        Deploy deploy = new Deploy();
        deploy.run();
        CvmDeployer.Deployment memory d = deploy.lastDeployment();
        address deployer = vm.parseJsonAddress(vm.readFile(string.concat(root, "/deployment.json")), ".deployer");
        IStrategy[] memory list = _quorum(d, deployer, vm.envUint("BENCH_STRATEGIES"), n);

        // Cheatcodes work from any contract: the populator pranks as each operator (and as the deployer).
        ValidatorSetPopulator p = new ValidatorSetPopulator(d, deployer, list, consensusKeys);
        for (uint256 from; from < n; from += BATCH) {
            p.depositAndRegister(from, _min(n, from + BATCH));
        }
        // The allocation delay set by registerAsOperator takes effect ALLOCATION_CONFIGURATION_DELAY + 1 blocks later.
        vm.roll(block.number + d.core.allocationManager.ALLOCATION_CONFIGURATION_DELAY() + 1);
        for (uint256 from; from < n; from += BATCH) {
            p.allocateStakeAndJoin(from, _min(n, from + BATCH));
        }
        vm.roll(block.number + 1);
        require(
            d.core.allocationManager.getMemberCount(OperatorSet(address(d.serviceManager), SET_ID)) == n,
            "ValidatorSetState: not every operator is a member of set 1"
        );
        _writeExpected(root, n, list.length, p.expectedWeightWei());
        vm.dumpState(string.concat(root, "/alloc.json"));
    }

    /// @notice `count` strategies (EIP-1167 clones of one StrategyBase, whose constructor disables initializers),
    ///         sorted, whitelisted for deposits, and quorum / operator set 1 over them (multipliers 1e18).
    function _quorum(CvmDeployer.Deployment memory d, address deployer, uint256 count, uint256 n)
        internal
        returns (IStrategy[] memory list)
    {
        vm.startPrank(deployer);
        address impl = address(new StrategyBase(d.core.strategyManager));
        address[] memory addrs = new address[](count);
        for (uint256 s; s < count; ++s) {
            addrs[s] = Clones.clone(impl);
            StrategyBase(addrs[s]).initialize(d.underlyingToken);
        }
        _sort(addrs);
        list = new IStrategy[](count);
        ICvmRegistryTypes.StrategyParams[] memory params = new ICvmRegistryTypes.StrategyParams[](count);
        for (uint256 s; s < count; ++s) {
            list[s] = IStrategy(addrs[s]);
            params[s] = ICvmRegistryTypes.StrategyParams(list[s], 1e18);
        }
        d.core.strategyManager.addStrategiesToDepositWhitelist(list);
        uint8 q = d.serviceManager.createQuorum(ICvmRegistryTypes.QuorumConfig(uint32(n + 10), 0, 1e18), params);
        require(q == SET_ID, "ValidatorSetState: the new quorum is not operator set 1");
        vm.stopPrank();
    }

    function _writeExpected(string memory root, uint256 n, uint256 strategyCount, uint256 weightWei) internal {
        string memory k = "expected";
        vm.serializeUint(k, "operators", n);
        vm.serializeUint(k, "strategies", strategyCount);
        vm.serializeUint(k, "blockNumber", block.number);
        vm.serializeUint(k, "totalWeightWei", weightWei);
        // Every weight is a whole number of tokens: power (unit 1e18) = weight / 1e18 exactly, per operator too.
        string memory json = vm.serializeUint(k, "totalPower", weightWei / 1e18);
        vm.writeJson(json, string.concat(root, "/expected.json"));
    }

    function _sort(address[] memory a) internal pure {
        for (uint256 i = 1; i < a.length; ++i) {
            address v = a[i];
            uint256 j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                --j;
            }
            a[j] = v;
        }
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}

/// @title ValidatorSetPopulator — registers the benchmark's operators through the real contracts' entry points, each
///        call pranked as the account the contracts require (the operator, or the deployer for minting and `$C`
///        stake). Deployed and driven by ValidatorSetState; a contract of its own so that each batch is one call with
///        fresh memory.
contract ValidatorSetPopulator {
    using BN254 for BN254.G1Point;

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 internal constant SET_ID = 1;
    uint256 internal constant KEY_BASE = 0x5eed0000000000000000000000000001;

    CvmDeployer.Deployment internal d;
    address internal deployer;
    IStrategy[] internal strategies;
    bytes32[] internal consensusKeys;
    /// @notice Σ over operators of Σ deposits + `$C` stake, in wei (rate 1, multipliers 1e18: the expected weight).
    uint256 public expectedWeightWei;

    constructor(CvmDeployer.Deployment memory d_, address deployer_, IStrategy[] memory s, bytes32[] memory keys) {
        d = d_;
        deployer = deployer_;
        strategies = s;
        consensusKeys = keys;
    }

    /// @notice Operators [from, to): dETH minted, deposited into every strategy, registered with the delegation
    ///         manager, consensus key set.
    function depositAndRegister(uint256 from, uint256 to) external {
        for (uint256 i = from; i < to; ++i) {
            address op = operator(i);
            uint256 total;
            uint256[] memory amounts = new uint256[](strategies.length);
            for (uint256 s; s < strategies.length; ++s) {
                amounts[s] = (1 + uint256(keccak256(abi.encode("deposit", i, s))) % 10) * 1e18;
                total += amounts[s];
            }
            vm.prank(deployer);
            d.underlyingToken.mint(op, total);
            vm.startPrank(op);
            d.underlyingToken.approve(address(d.core.strategyManager), total);
            for (uint256 s; s < strategies.length; ++s) {
                d.core.strategyManager.depositIntoStrategy(strategies[s], d.underlyingToken, amounts[s]);
            }
            d.core.delegationManager.registerAsOperator(address(0), 0, "bench");
            d.cStaking.setConsensusKey(consensusKeys[i]);
            vm.stopPrank();
            // Rate 1 and multipliers 1e18: weight = shares (= deposits: no yield, no slashing, rate 1:1) + `$C` stake.
            expectedWeightWei += total;
        }
    }

    /// @notice Operators [from, to): all magnitude of every strategy allocated to set 1, `$C` staked to them by
    ///         the deployer, BLS registration for set 1.
    function allocateStakeAndJoin(uint256 from, uint256 to) external {
        OperatorSet memory set = OperatorSet(address(d.serviceManager), SET_ID);
        IAllocationManagerTypes.AllocateParams[] memory alloc = new IAllocationManagerTypes.AllocateParams[](1);
        uint64[] memory mags = new uint64[](strategies.length);
        for (uint256 s; s < strategies.length; ++s) {
            mags[s] = 1e18;
        }
        alloc[0] = IAllocationManagerTypes.AllocateParams(set, strategies, mags);
        uint32[] memory ids = new uint32[](1);
        ids[0] = SET_ID;

        uint256 stakes;
        uint256[] memory stake = new uint256[](to - from);
        for (uint256 i = from; i < to; ++i) {
            stake[i - from] = (1 + uint256(keccak256(abi.encode("stake", i))) % 100) * 1e18;
            stakes += stake[i - from];
        }
        vm.startPrank(deployer);
        d.cToken.mint(deployer, stakes);
        d.cToken.approve(address(d.cStaking), stakes);
        vm.stopPrank();

        G2Math.Point memory pk2 = _g2(KEY_BASE + from);
        G2Math.Point memory g2 = G2Math.generator();
        for (uint256 i = from; i < to; ++i) {
            address op = operator(i);
            vm.prank(op);
            d.core.allocationManager.modifyAllocations(op, alloc);
            vm.prank(deployer);
            d.cStaking.stake(op, stake[i - from]);

            uint256 sk = KEY_BASE + i;
            BN254.G1Point memory h = d.registry.pubkeyRegistrationMessageHash(op);
            bytes memory data = abi.encode(
                ICvmRegistryTypes.RegistrationParams({
                    socket: "127.0.0.1:9000",
                    pubkey: ICvmRegistryTypes.PubkeyRegistrationParams({
                        pubkeyRegistrationSignature: h.scalarMul(sk),
                        pubkeyG1: BN254.generatorG1().scalarMul(sk),
                        pubkeyG2: BN254.G2Point([pk2.x.a1, pk2.x.a0], [pk2.y.a1, pk2.y.a0])
                    })
                })
            );
            vm.prank(op);
            d.core.allocationManager
                .registerForOperatorSets(
                    op,
                    IAllocationManagerTypes.RegisterParams({
                        avs: address(d.serviceManager), operatorSetIds: ids, data: data
                    })
                );
            pk2 = G2Math.addPoints(pk2, g2);
            expectedWeightWei += stake[i - from];
        }
    }

    function operator(uint256 i) public pure returns (address) {
        return address(bytes20(keccak256(abi.encodePacked("bench-operator-", vm.toString(i)))));
    }

    function _g2(uint256 k) internal view returns (G2Math.Point memory p) {
        BN254.G2Point memory e = G2Math.mulGenerator(k);
        p = G2Math.Point(G2Math.Fp2(e.X[1], e.X[0]), G2Math.Fp2(e.Y[1], e.Y[0]), false);
    }
}
