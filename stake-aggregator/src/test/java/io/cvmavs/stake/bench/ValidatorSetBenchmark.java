package io.cvmavs.stake.bench;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.CvmServiceManager;
import io.cvmavs.contracts.bindings.StrategyBase;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.AnvilOptions;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.stake.aggregate.EpochSet;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.aggregate.ValidatorSetBuilder;
import io.cvmavs.stake.chain.RpcStakeReader;
import io.cvmavs.stake.chain.StakeSnapshot;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import io.cvmavs.stake.devnet.DevnetStakeDriver;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray2;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * Benchmark harness (not a test): N operators × S strategies registered through the real contracts
 * (deposits, allocations, consensus keys, {@code $C} stake, BLS registration), then times the
 * validator-set computation at one block and counts JSON-RPC requests.
 *
 * <p>Two ways to build the chain ({@code bench.setup}): {@code forge} (default) — forge's in-memory
 * EVM runs {@code contracts/bench/ValidatorSetState.t.sol} and anvil starts from the dumped state
 * ({@link ForgeChainState}; 10,000 operators in minutes); {@code rpc} — a fresh anvil, the forge
 * deploy, and ≈ 17 impersonated JSON-RPC transactions per operator (1,000 operators in ≈ 3
 * minutes). Either way the reads are {@link RpcStakeReader} over JSON-RPC at one block.
 *
 * <p>Run: {@code bin/mvn -o -pl stake-aggregator -am -Pbench -DskipTests verify} (system properties
 * {@code bench.operators}, {@code bench.strategies}, {@code bench.runs}, {@code bench.setup},
 * {@code bench.rebuild}, {@code bench.perCall} and {@code bench.maxCalls} — comma-separated lists
 * of {@code rpc.operators_per_call} and {@code rpc.max_calls_per_request} to time).
 */
public final class ValidatorSetBenchmark {
  private static final BigInteger E18 = BigInteger.TEN.pow(18);
  private static final BigInteger MAX = BigInteger.TWO.pow(255);

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("bench.operators", 1000);
    int strategies = Integer.getInteger("bench.strategies", 10);
    int runs = Integer.getInteger("bench.runs", 5);
    String setup = System.getProperty("bench.setup", "forge");
    List<Integer> perCalls = ints(System.getProperty("bench.perCall", "25,50,100"));
    List<Integer> maxCalls = ints(System.getProperty("bench.maxCalls", "1000"));
    switch (setup) {
      case "forge" -> {
        long t0 = System.nanoTime();
        ForgeChainState state =
            ForgeChainState.build(n, strategies, Boolean.getBoolean("bench.rebuild"));
        try (ForgeChainState.Anvil anvil = state.startAnvil()) {
          long block = anvil.mineTo(state.lastForgeBlock() + 1);
          System.out.printf(
              "setup (forge state + anvil --init): %d operators × %d strategies ready in %.1f s"
                  + " (block %d); forge expects total power %d%n",
              n, strategies, (System.nanoTime() - t0) / 1e9, block, state.expectedTotalPower());
          measure(
              anvil.rpcUrl(),
              state.deploymentFile(),
              block,
              n,
              OptionalLong.of(state.expectedTotalPower()),
              runs,
              perCalls,
              maxCalls);
        }
      }
      case "rpc" -> {
        try (AnvilNode anvil = AnvilNode.start(AnvilOptions.defaults())) {
          long t0 = System.nanoTime();
          Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
          Setup s = new Setup(anvil, d, n, strategies);
          s.run();
          System.out.printf(
              "setup: %d operators × %d strategies registered in %.1f s (block %d)%n",
              n, strategies, (System.nanoTime() - t0) / 1e9, anvil.blockNumber());
          measure(
              anvil.rpcUrl(),
              d.source(),
              anvil.blockNumber(),
              n,
              OptionalLong.empty(),
              runs,
              perCalls,
              maxCalls);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "bench.setup must be forge or rpc, got '" + setup + "'");
    }
  }

  private static List<Integer> ints(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  /**
   * Computes the set at {@code block} {@code runs} times per setting, each with a fresh reader, and
   * checks it: {@code n} validators and, when known, the expected total power.
   */
  private static void measure(
      String rpcUrl,
      Path deployment,
      long block,
      int n,
      OptionalLong expectedPower,
      int runs,
      List<Integer> perCalls,
      List<Integer> maxCalls)
      throws Exception {
    Path dir = Files.createTempDirectory("stake-bench");
    for (int maxPerRequest : maxCalls) {
      for (int perCall : perCalls) {
        Path config = dir.resolve("stake-" + perCall + "-" + maxPerRequest + ".yaml");
        Files.writeString(
            config,
            """
            eth_rpc_url: %s
            deployment_file: %s
            operator_set_id: 1
            power: {max_validators: %d}
            prices:
              c_per_eth: {value: "1000"}
              strategies:
                default: {value: "1"}
            rpc: {max_calls_per_request: %d, operators_per_call: %d}
            """
                .formatted(
                    rpcUrl, deployment.toAbsolutePath(), Math.max(n, 100), maxPerRequest, perCall));
        StakeConfig cfg = StakeConfigLoader.load(config);
        List<Long> times = new ArrayList<>();
        int requests = 0;
        int rounds = 0;
        EpochSet last = null;
        for (int r = 0; r < runs; r++) {
          long start = System.nanoTime();
          try (BatchRpc rpc = new BatchRpc(cfg.ethRpcUrl().toString(), cfg.maxCallsPerRequest())) {
            last = new StakeAggregator(new RpcStakeReader(rpc, cfg), cfg).epochSet(block);
            requests = rpc.httpRequests();
            rounds = rpc.rounds();
          }
          times.add((System.nanoTime() - start) / 1_000_000);
        }
        if (last.set().size() != n) {
          throw new IllegalStateException(
              "expected " + n + " validators, the reader's set has " + last.set().size());
        }
        if (expectedPower.isPresent() && last.set().totalPower() != expectedPower.getAsLong()) {
          throw new IllegalStateException(
              "forge expects total power "
                  + expectedPower.getAsLong()
                  + ", the reader's set has "
                  + last.set().totalPower());
        }
        List<Long> sorted = times.stream().sorted().toList();
        if (Boolean.getBoolean("bench.profile")) {
          profile(cfg, block);
        }
        System.out.printf(
            "operators_per_call=%d max_calls_per_request=%d: %d validators, total power %d%s;"
                + " times %s ms (first %d, median %d); %d HTTP requests in %d rounds%n",
            perCall,
            maxPerRequest,
            last.set().size(),
            last.set().totalPower(),
            expectedPower.isPresent() ? " (= forge's)" : "",
            times,
            times.getFirst(),
            sorted.get(sorted.size() / 2),
            requests,
            rounds);
      }
    }
  }

  /**
   * Where the time of one set computation goes: the whole read; the Java part (the set from the
   * snapshot); and the parts of round 2 alone — the slashable-shares calls, the per-operator {@code
   * operatorStake} and {@code consensusKeyOf} calls, and as many {@code eth_chainId} requests as
   * round 2 has calls (HTTP + JSON both ways, no EVM).
   */
  private static void profile(StakeConfig cfg, long block) {
    try (BatchRpc rpc = new BatchRpc(cfg.ethRpcUrl().toString(), cfg.maxCallsPerRequest())) {
      long t = System.nanoTime();
      StakeSnapshot snap = new RpcStakeReader(rpc, cfg).read(block, block);
      long read = System.nanoTime() - t;
      t = System.nanoTime();
      EpochSet set = ValidatorSetBuilder.build(block, snap, cfg.power());
      long build = System.nanoTime() - t;
      List<String> members = snap.operators().stream().map(o -> o.operator()).toList();
      String cStaking = cfg.contract(StakeConfig.C_STAKING);
      String am = cfg.contract(StakeConfig.ALLOCATION_MANAGER);
      List<Address> strategyArg =
          snap.strategies().stream().map(x -> new Address(x.address())).toList();
      List<Request<?, ? extends Response<?>>> shares = new ArrayList<>();
      for (int from = 0; from < members.size(); from += cfg.operatorsPerCall()) {
        List<Address> ops =
            members.subList(from, Math.min(members.size(), from + cfg.operatorsPerCall())).stream()
                .map(Address::new)
                .toList();
        shares.add(
            rpc.ethCall(
                new BatchRpc.Call(
                    "getMinimumSlashableStake",
                    am,
                    Abi.call(
                        "getMinimumSlashableStake((address,uint32),address[],address[],uint32)",
                        List.of(
                            new StaticStruct(
                                new Address(cfg.contract(StakeConfig.SERVICE_MANAGER)),
                                new Uint32(cfg.operatorSetId())),
                            new DynamicArray<>(Address.class, ops),
                            new DynamicArray<>(Address.class, strategyArg),
                            new Uint32(block)))),
                block));
      }
      List<Request<?, ? extends Response<?>>> stakes = new ArrayList<>();
      List<Request<?, ? extends Response<?>>> keys = new ArrayList<>();
      List<Request<?, ? extends Response<?>>> chainIds = new ArrayList<>();
      for (String m : members) {
        stakes.add(rpc.ethCall(StakingReader.operatorStakeCall(cStaking, m), block));
        keys.add(rpc.ethCall(StakingReader.consensusKeyCall(cStaking, m), block));
      }
      for (int i = 0; i < shares.size() + 2 * members.size(); i++) {
        chainIds.add(rpc.web3j().ethChainId());
      }
      System.out.printf(
          "  profile: read %d ms, set from snapshot (Java) %d ms [%d validators]; round-2 parts"
              + " alone: %d getMinimumSlashableStake calls %d ms, %d operatorStake %d ms, %d"
              + " consensusKeyOf %d ms, %d eth_chainId %d ms%n",
          read / 1_000_000,
          build / 1_000_000,
          set.set().size(),
          shares.size(),
          timeRound(rpc, shares),
          stakes.size(),
          timeRound(rpc, stakes),
          keys.size(),
          timeRound(rpc, keys),
          chainIds.size(),
          timeRound(rpc, chainIds));
    }
  }

  private static long timeRound(BatchRpc rpc, List<Request<?, ? extends Response<?>>> reqs) {
    List<String> what = java.util.Collections.nCopies(reqs.size(), "profile call");
    long t = System.nanoTime();
    rpc.round(reqs, what);
    return (System.nanoTime() - t) / 1_000_000;
  }

  /** A JSON-RPC answer whose result is not used. */
  public static final class AnyResponse extends Response<Object> {}

  /** Populates the chain with impersonated JSON-RPC transactions, one batch per step. */
  private static final class Setup {
    private final AnvilNode anvil;
    private final Deployments d;
    private final int n;
    private final int strategyCount;
    private final HttpService http;
    private final String deployer;
    private final List<String> operators = new ArrayList<>();
    private final List<String> strategies = new ArrayList<>();
    private final Random random = new Random(1);

    Setup(AnvilNode anvil, Deployments d, int n, int strategyCount) {
      this.anvil = anvil;
      this.d = d;
      this.n = n;
      this.strategyCount = strategyCount;
      this.http = new HttpService(anvil.rpcUrl());
      this.deployer = anvil.account(0).address();
    }

    void run() throws Exception {
      rpc("anvil_autoImpersonateAccount", List.of(true));
      StaticGasProvider gas =
          new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(8_000_000));
      // Strategies: one StrategyBase implementation, EIP-1167 clones initialised with dETH.
      String impl =
          StrategyBase.deploy(
                  anvil.web3j(), anvil.account(0).credentials(), gas, d.address("StrategyManager"))
              .send()
              .getContractAddress();
      String runtime =
          "363d3d373d3d3d363d73"
              + impl.substring(2).toLowerCase()
              + "5af43d82803e903d91602b57fd5bf3";
      String init = "0x3d602d80600a3d3981f3" + runtime;
      for (int i = 0; i < strategyCount; i++) {
        String hash =
            send(
                Transaction.createContractTransaction(
                    deployer, null, null, BigInteger.valueOf(200_000), BigInteger.ZERO, init));
        String clone =
            anvil.awaitReceipt(hash, java.time.Duration.ofSeconds(10)).getContractAddress();
        send(
            tx(
                deployer,
                clone,
                call("initialize(address)", new Address(d.address("UnderlyingToken")))));
        strategies.add(clone);
      }
      strategies.sort(String::compareToIgnoreCase);
      send(
          tx(
              deployer,
              d.address("StrategyManager"),
              call("addStrategiesToDepositWhitelist(address[])", addresses(strategies))));
      List<CvmServiceManager.StrategyParams> sp = new ArrayList<>();
      strategies.forEach(s -> sp.add(new CvmServiceManager.StrategyParams(s, E18)));
      CvmServiceManager.load(
              d.address("CvmServiceManager"), anvil.web3j(), anvil.account(0).credentials(), gas)
          .createQuorum(
              new CvmServiceManager.QuorumConfig(BigInteger.valueOf(n + 10), BigInteger.ZERO, E18),
              sp)
          .send();

      for (int i = 0; i < n; i++) {
        byte[] a =
            Arrays.copyOf(
                Hash.sha3(("bench-operator-" + i).getBytes(StandardCharsets.US_ASCII)), 20);
        operators.add("0x" + HexFormat.of().formatHex(a));
      }
      List<Request<?, ? extends Response<?>>> balances = new ArrayList<>();
      for (String op : operators) {
        balances.add(
            new Request<String, AnyResponse>(
                "anvil_setBalance", List.of(op, "0x3635c9adc5dea00000"), http, AnyResponse.class));
      }
      batch(balances);

      BigInteger perStrategy = E18.multiply(BigInteger.valueOf(10));
      // Deployer: dETH to every operator; $C minted to itself once and approved.
      List<Transaction> mints = new ArrayList<>();
      for (String op : operators) {
        mints.add(
            tx(
                deployer,
                d.address("UnderlyingToken"),
                call(
                    "mint(address,uint256)",
                    new Address(op),
                    new Uint256(perStrategy.multiply(BigInteger.valueOf(strategyCount))))));
      }
      sequential(deployer, mints);
      send(
          tx(
              deployer,
              d.address("CToken"),
              call(
                  "mint(address,uint256)",
                  new Address(deployer),
                  new Uint256(E18.multiply(BigInteger.valueOf(1_000_000L))))));
      send(
          tx(
              deployer,
              d.address("CToken"),
              call(
                  "approve(address,uint256)",
                  new Address(d.address("CStaking")),
                  new Uint256(MAX))));

      phase(
          op ->
              tx(
                  op,
                  d.address("UnderlyingToken"),
                  call(
                      "approve(address,uint256)",
                      new Address(d.address("StrategyManager")),
                      new Uint256(MAX))));
      for (String strategy : strategies) {
        phase(
            op ->
                tx(
                    op,
                    d.address("StrategyManager"),
                    call(
                        "depositIntoStrategy(address,address,uint256)",
                        new Address(strategy),
                        new Address(d.address("UnderlyingToken")),
                        new Uint256(E18.multiply(BigInteger.valueOf(1 + random.nextInt(10)))))));
      }
      phase(
          op ->
              tx(
                  op,
                  d.address("DelegationManager"),
                  call(
                      "registerAsOperator(address,uint32,string)",
                      new Address("0x0000000000000000000000000000000000000000"),
                      new Uint32(0),
                      new Utf8String("bench"))));
      List<Uint64> mags = new ArrayList<>();
      strategies.forEach(s -> mags.add(new Uint64(E18)));
      DynamicStruct allocate =
          new DynamicStruct(
              new StaticStruct(new Address(d.address("CvmServiceManager")), new Uint32(1)),
              addresses(strategies),
              new DynamicArray<>(Uint64.class, mags));
      phase(
          op ->
              tx(
                  op,
                  d.address("AllocationManager"),
                  call(
                      "modifyAllocations(address,((address,uint32),address[],uint64[])[])",
                      new Address(op),
                      new DynamicArray<>(DynamicStruct.class, List.of(allocate)))));
      phase(
          op ->
              tx(
                  op,
                  d.address("CStaking"),
                  call(
                      "setConsensusKey(bytes32)",
                      new Bytes32(DevnetStakeDriver.consensusKey(1000 + operators.indexOf(op))))));
      List<Transaction> stakes = new ArrayList<>();
      for (String op : operators) {
        stakes.add(
            tx(
                deployer,
                d.address("CStaking"),
                call(
                    "stake(address,uint256)",
                    new Address(op),
                    new Uint256(E18.multiply(BigInteger.valueOf(1 + random.nextInt(100)))))));
      }
      sequential(deployer, stakes);

      // BLS registration: message points in one batch of eth_calls, signatures here.
      List<Request<?, ? extends Response<?>>> hashes = new ArrayList<>();
      for (String op : operators) {
        hashes.add(
            anvil
                .web3j()
                .ethCall(
                    Transaction.createEthCallTransaction(
                        null,
                        d.address("CvmRegistry"),
                        call("pubkeyRegistrationMessageHash(address)", new Address(op))),
                    DefaultBlockParameterName.LATEST));
      }
      List<? extends Response<?>> h = batch(hashes);
      Map<String, String> data = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.stream.IntStream.range(0, n)
          .parallel()
          .forEach(
              i -> data.put(operators.get(i), registration(i, ((EthCall) h.get(i)).getValue())));
      phase(
          op ->
              tx(
                  op,
                  d.address("AllocationManager"),
                  call(
                      "registerForOperatorSets(address,(address,uint32[],bytes))",
                      new Address(op),
                      new DynamicStruct(
                          new Address(d.address("CvmServiceManager")),
                          new DynamicArray<>(Uint32.class, List.of(new Uint32(1))),
                          new DynamicBytes(Numeric.hexStringToByteArray(data.get(op)))))));
    }

    private String registration(int i, String messageHash) {
      byte[] m = Numeric.hexStringToByteArray(messageHash);
      BlsKeyPair key =
          BlsKeyPair.fromSecret(
              new BigInteger(1, Hash.sha3(("bench-bls-" + i).getBytes(StandardCharsets.US_ASCII)))
                  .mod(Bn254.R));
      G1Point sigma =
          key.signPoint(
              G1Point.of(
                  new BigInteger(1, Arrays.copyOfRange(m, 0, 32)),
                  new BigInteger(1, Arrays.copyOfRange(m, 32, 64))));
      byte[] g2 = new byte[G2Point.ENCODED_LENGTH];
      key.publicKeyG2().writeEvmTo(g2, 0);
      G1Point pk = key.publicKeyG1();
      DynamicStruct params =
          new DynamicStruct(
              new Utf8String("127.0.0.1:9000"),
              new StaticStruct(
                  new StaticStruct(new Uint256(sigma.x()), new Uint256(sigma.y())),
                  new StaticStruct(new Uint256(pk.x()), new Uint256(pk.y())),
                  new StaticStruct(
                      new StaticArray2<>(Uint256.class, word(g2, 0), word(g2, 1)),
                      new StaticArray2<>(Uint256.class, word(g2, 2), word(g2, 3)))));
      return "0x" + FunctionEncoder.encodeConstructor(List.of(params));
    }

    private static Uint256 word(byte[] b, int i) {
      return new Uint256(new BigInteger(1, Arrays.copyOfRange(b, 32 * i, 32 * i + 32)));
    }

    private static DynamicArray<Address> addresses(List<String> list) {
      return new DynamicArray<>(Address.class, list.stream().map(Address::new).toList());
    }

    private static String call(String signature, Type<?>... args) {
      byte[] selector = Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII));
      return Numeric.toHexString(selector, 0, 4, true)
          + (args.length == 0 ? "" : FunctionEncoder.encodeConstructor(List.of(args)));
    }

    private static Transaction tx(String from, String to, String data) {
      return new Transaction(
          from, null, null, BigInteger.valueOf(3_000_000), to, BigInteger.ZERO, data);
    }

    /**
     * One transaction per operator, all operators in one batch (distinct senders); waits until
     * every one is mined and checks that none reverted.
     */
    private void phase(java.util.function.Function<String, Transaction> make) throws Exception {
      List<Request<?, ? extends Response<?>>> reqs = new ArrayList<>();
      for (String op : operators) {
        reqs.add(anvil.web3j().ethSendTransaction(make.apply(op)));
      }
      List<String> hashes = new ArrayList<>();
      for (Response<?> r : batch(reqs)) {
        hashes.add((String) r.getResult());
      }
      awaitSuccess(hashes);
    }

    private void awaitSuccess(List<String> hashes) throws Exception {
      for (int attempt = 0; ; attempt++) {
        List<Request<?, ? extends Response<?>>> reqs = new ArrayList<>();
        hashes.forEach(h -> reqs.add(anvil.web3j().ethGetTransactionReceipt(h)));
        boolean all = true;
        for (Response<?> r : batch(reqs)) {
          var receipt =
              ((org.web3j.protocol.core.methods.response.EthGetTransactionReceipt) r)
                  .getTransactionReceipt();
          if (receipt.isEmpty()) {
            all = false;
          } else if (!receipt.get().isStatusOK()) {
            throw new IllegalStateException(
                "setup transaction reverted: " + receipt.get().getTransactionHash());
          }
        }
        if (all) {
          return;
        }
        // Automine fills a block up to its gas limit; what does not fit waits for the next block.
        anvil.mine(1);
        if (attempt > 600) {
          throw new IllegalStateException("setup transactions not mined after 60 s");
        }
        Thread.sleep(100);
      }
    }

    /** Transactions of one sender, one request each (nonce order). */
    private void sequential(String from, List<Transaction> txs) throws Exception {
      List<String> hashes = new ArrayList<>();
      for (Transaction t : txs) {
        hashes.add(send(t));
      }
      awaitSuccess(hashes);
    }

    private String send(Transaction t) throws Exception {
      var r = anvil.web3j().ethSendTransaction(t).send();
      if (r.hasError()) {
        throw new IllegalStateException("transaction failed: " + r.getError().getMessage());
      }
      return r.getTransactionHash();
    }

    private List<? extends Response<?>> batch(List<Request<?, ? extends Response<?>>> reqs)
        throws Exception {
      List<Response<?>> out = new ArrayList<>();
      for (int from = 0; from < reqs.size(); from += 500) {
        BatchRequest b = new BatchRequest(http);
        reqs.subList(from, Math.min(reqs.size(), from + 500)).forEach(b::add);
        for (Response<?> r : b.send().getResponses()) {
          if (r.hasError()) {
            throw new IllegalStateException("batched request failed: " + r.getError().getMessage());
          }
          out.add(r);
        }
      }
      return out;
    }

    private void rpc(String method, List<Object> params) throws Exception {
      Response<?> r =
          new Request<Object, AnyResponse>(method, params, http, AnyResponse.class).send();
      if (r.hasError()) {
        throw new IllegalStateException(method + " failed: " + r.getError().getMessage());
      }
    }
  }
}
