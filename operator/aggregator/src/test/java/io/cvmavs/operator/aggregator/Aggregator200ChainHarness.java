package io.cvmavs.operator.aggregator;

import com.sun.management.OperatingSystemMXBean;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.AnvilOptions;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.localnet.process.RepoLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
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
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * Not a test: {@link Aggregator200Harness} against the real contracts. Starts anvil, deploys with
 * the project's forge deploy script (aggregator role on anvil account 9, task generator and owner
 * on account 0, the quorum's operator cap raised to the operator count), registers N operators
 * (default 200) through the real contracts — deposit into the deployment's strategy, {@code
 * registerAsOperator}, allocation to operator set 0, consensus key, {@code $C} stake, BLS
 * registration with proof of possession — and creates real tasks. For each task every signing
 * operator signs the real response digest with its own key; the real {@link Aggregator} (wired as
 * {@link ChainAggregatorPorts} wires it: chain task lookup, operator-set loader, check-signature
 * indices, {@link TaskManagerWriter#respondToTask} from the aggregator's account) verifies,
 * aggregates and sends {@code respondToTask}, which anvil mines.
 *
 * <p>The CVM is not run: each task's result (block hash, dataset root, state root) is computed once
 * and shared by all simulated operators; signatures, keys, stakes and transactions are real. All
 * operators' transactions come from one process through anvil's impersonation.
 *
 * <p>Cases: 0, ⌊10 %⌋ and ⌊33 %⌋ non-signers (spread evenly over the operators; they stay silent),
 * {@code bench.tasks} tasks each (threshold 60 %). Per task it prints the aggregator's CPU (thread
 * CPU inside {@code submitSignature} plus the submission thread), the time from the last signature
 * handed in to {@code respondToTask} sent (the submitter called) and to its receipt, the receipt's
 * {@code gasUsed} split into 21,000 + calldata (EIP-2028, counted from the mined transaction's
 * input) + execution, and the heap in use. With non-signers the aggregator waits its aggregation
 * window ({@code bench.windowMs}, default 1000 ms as {@code cvm-avs aggregator}) from the threshold
 * on, so that figure is bound by the window; with 0 non-signers it submits as soon as all have
 * signed.
 *
 * <p>{@code bench.warmup} tasks (default 3) with every operator signing run first and are not
 * printed (JIT, prepared keys). With {@code bench.trace=true} the first response of each case is
 * also printed as anvil's {@code callTracer} sees it (every call frame, precompiles included, with
 * its gas).
 *
 * <p>Run: {@code tools/bench/aggregator-200-chain.sh [tasks per case] [operators] [window ms]}.
 */
public final class Aggregator200ChainHarness {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final BigInteger E18 = BigInteger.TEN.pow(18);
  private static final BigInteger MAX = BigInteger.TWO.pow(255);
  private static final int AGGREGATOR_ACCOUNT = 9;
  private static final long THRESHOLD = 60;
  private static final byte[] MANUSCRIPT =
      "name: aggregator-200-chain\nspecVersion: v1.0.0\n".getBytes(StandardCharsets.UTF_8);

  private Aggregator200ChainHarness() {}

  /** What the wrapped chain submitter saw for one task. */
  private record Sent(long sentNanos, long minedNanos, long gasUsed, int nonSigners, String tx) {}

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("bench.operators", 200);
    int tasksPerCase = Integer.getInteger("bench.tasks", 3);
    boolean trace = Boolean.getBoolean("bench.trace");
    int warmup = Integer.getInteger("bench.warmup", 3);
    Duration window = Duration.ofMillis(Long.getLong("bench.windowMs", 1000));
    if (n < 10) {
      throw new IllegalArgumentException("bench.operators must be at least 10, got " + n);
    }
    try (AnvilNode anvil = AnvilNode.start(AnvilOptions.defaults())) {
      long t0 = System.nanoTime();
      String aggregatorAddress = anvil.account(AGGREGATOR_ACCOUNT).address();
      Path deploymentFile =
          ForgeDeploy.deploy(
              RepoLayout.locate(),
              anvil.rpcUrl(),
              anvil.account(0).privateKeyHex(),
              Path.of(
                  "target", "deployments", "aggregator-200-chain-" + UUID.randomUUID() + ".json"),
              Path.of("target", "localnet", "forge-deploy-aggregator-200-" + anvil.port() + ".log")
                  .toAbsolutePath(),
              Map.of(
                  "AVS_AGGREGATOR",
                  aggregatorAddress,
                  "QUORUM_MAX_OPERATORS",
                  Integer.toString(n)));
      Deployments d = Deployments.read(deploymentFile);
      long fromBlock = Long.parseLong(d.values().get("deploymentBlock"));
      Transactor owner =
          Transactor.of(anvil.web3j(), anvil.account(0).credentials(), anvil.chainId());
      byte[] manuscriptHash = Hash.sha3(MANUSCRIPT);
      new ManuscriptRegistryWriter(owner, d.address("CvmManuscriptRegistry"))
          .register(
              manuscriptHash,
              MessageDigest.getInstance("SHA-256").digest(MANUSCRIPT),
              "file:///nonexistent/aggregator-200-chain.yaml");
      List<BlsKeyPair> keys = new Registration(anvil, d, n).run();
      anvil.mine(1);
      Object nodeInfo =
          new Request<Object, AnyResponse>(
                  "anvil_nodeInfo", List.of(), new HttpService(anvil.rpcUrl()), AnyResponse.class)
              .send()
              .getResult();
      System.out.printf(
          "anvil hardfork: %s%n",
          nodeInfo instanceof Map<?, ?> m ? m.get("hardFork") : String.valueOf(nodeInfo));
      System.out.printf(
          "setup: anvil, forge deploy and %d operators registered in %.1f s (block %d)%n",
          n, (System.nanoTime() - t0) / 1e9, anvil.blockNumber());

      // The aggregator, wired as ChainAggregatorPorts wires it, with the submitter timed.
      Transactor aggTx =
          new Transactor(
              anvil.web3j(),
              anvil.account(AGGREGATOR_ACCOUNT).credentials(),
              anvil.chainId(),
              Duration.ofSeconds(120),
              Duration.ofMillis(10));
      String taskManager = d.address("CvmTaskManager");
      TaskManagerReader reader = new TaskManagerReader(aggTx, taskManager);
      TaskManagerWriter writer = new TaskManagerWriter(aggTx, taskManager);
      RegistryReader registry = new RegistryReader(aggTx, d.address("CvmRegistry"));
      Map<Long, Sent> sent = new ConcurrentHashMap<>();
      AggregatorPorts.ResponseSubmitter submitter =
          new AggregatorPorts.ResponseSubmitter() {
            @Override
            public AggregatorPorts.Submitted respond(
                CvmTask task, TaskResponse response, NonSignerStakesAndSignature data) {
              long at = System.nanoTime();
              var r = writer.respondToTask(task, response, data);
              sent.put(
                  task.taskIndex(),
                  new Sent(
                      at,
                      System.nanoTime(),
                      r.getGasUsed().longValueExact(),
                      data.nonSignerPubkeys().size(),
                      r.getTransactionHash()));
              return new AggregatorPorts.Submitted(
                  r.getTransactionHash(),
                  r.getBlockNumber().longValueExact(),
                  r.getGasUsed().longValueExact());
            }

            @Override
            public boolean isResponded(long taskIndex) {
              return reader.isResponded(taskIndex);
            }

            @Override
            public boolean hasPending() {
              return aggTx.hasPending();
            }
          };
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
      Aggregator agg =
          new Aggregator(
              new Aggregator.Settings(
                  aggTx.chainId(), taskManager, reader.taskResponseWindowBlock(), window),
              index -> reader.findTask(index, fromBlock),
              new ChainOperatorSetLoader(registry, fromBlock),
              registry::checkSignaturesIndices,
              submitter,
              reader::blockNumber,
              Files.createTempDirectory("aggregator-200-chain-"),
              scheduler);
      long schedulerThread = scheduler.submit(() -> Thread.currentThread().threadId()).get();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      TaskManagerWriter generator = new TaskManagerWriter(owner, taskManager);

      System.out.printf(
          "%d operators, %d warm-up tasks (all sign, not shown), %d tasks per case, aggregation window %d ms, threshold %d %%, %d CPUs,"
              + " load average %.1f; CVM result computed once per task and shared by all operators%n",
          n,
          warmup,
          tasksPerCase,
          window.toMillis(),
          THRESHOLD,
          Runtime.getRuntime().availableProcessors(),
          OS.getSystemLoadAverage());
      System.out.printf(
          "%-5s %11s %10s %12s %12s %16s %17s %10s %11s %10s %9s %10s%n",
          "task",
          "nonSigners",
          "sign_ms",
          "agg_cpu_ms",
          "proc_cpu_ms",
          "last_sig→sent_ms",
          "last_sig→mined_ms",
          "gasUsed",
          "calldataGas",
          "execGas",
          "h2c_tries",
          "heap_MiB");
      long height = 1;
      List<String> traces = new ArrayList<>();
      // Warm-up tasks (JIT, prepared keys) with every operator signing, not printed.
      int[] cases = {0, n / 10, n * 33 / 100};
      for (int c = -1; c < cases.length; c++) {
        int k = c < 0 ? 0 : cases[c];
        int reps = c < 0 ? warmup : tasksPerCase;
        boolean print = c >= 0;
        Set<Integer> silent = new HashSet<>();
        for (int j = 0; j < k; j++) {
          silent.add(j * n / k);
        }
        for (int rep = 0; rep < reps; rep++, height++) {
          byte[] input = Hash.sha3(("input-" + height).getBytes(StandardCharsets.US_ASCII));
          CvmTask task =
              generator.createTask(height, manuscriptHash, input, new byte[] {0}, THRESHOLD);
          anvil.mine(1); // respondToTask must land after the reference block
          // The shared CVM result: computed once, signed by every signing operator.
          TaskResponse response =
              new TaskResponse(
                  task.taskIndex(),
                  Hash.sha3(("block-" + height).getBytes(StandardCharsets.US_ASCII)),
                  Hash.sha3(("dataset-" + height).getBytes(StandardCharsets.US_ASCII)),
                  Hash.sha3(("state-" + height).getBytes(StandardCharsets.US_ASCII)));
          byte[] digest = TaskManagerAbi.responseDigest(aggTx.chainId(), taskManager, response);
          long signCpu0 = THREADS.getCurrentThreadCpuTime();
          List<Integer> signers = new ArrayList<>();
          List<byte[]> sigs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            if (!silent.contains(i)) {
              signers.add(i);
              sigs.add(keys.get(i).sign(digest).toBytes());
            }
          }
          long signCpu = THREADS.getCurrentThreadCpuTime() - signCpu0;
          long schedCpu0 = THREADS.getThreadCpuTime(schedulerThread);
          AtomicLong callCpu = new AtomicLong();
          AtomicLong lastSignature = new AtomicLong();
          CountDownLatch done = new CountDownLatch(signers.size());
          long proc0 = OS.getProcessCpuTime();
          for (int s = 0; s < signers.size(); s++) {
            int op = signers.get(s);
            byte[] sig = sigs.get(s);
            pool.execute(
                () -> {
                  long c0 = THREADS.getCurrentThreadCpuTime();
                  try {
                    agg.submitSignature(
                        task.taskIndex(), response, Bytes32.hex(keys.get(op).operatorId()), sig);
                  } catch (RuntimeException e) {
                    System.err.println("operator " + op + ": " + e.getMessage());
                  } finally {
                    callCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - c0);
                    lastSignature.accumulateAndGet(System.nanoTime(), Math::max);
                    done.countDown();
                  }
                });
          }
          done.await();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (!"RESPONDED".equals(agg.status(task.taskIndex()).orElseThrow().status())) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException(
                  "task " + task.taskIndex() + ": " + agg.status(task.taskIndex()).orElseThrow());
            }
            Thread.sleep(1);
          }
          long proc = OS.getProcessCpuTime() - proc0;
          long schedCpu = THREADS.getThreadCpuTime(schedulerThread) - schedCpu0;
          Sent s = sent.get(task.taskIndex());
          if (s == null || s.nonSigners() != k || !reader.isResponded(task.taskIndex())) {
            throw new IllegalStateException(
                "task "
                    + task.taskIndex()
                    + ": expected a mined response with "
                    + k
                    + " non-signers, got "
                    + s);
          }
          if (!print) {
            continue;
          }
          long calldataGas = calldataGas(anvil, s.tx());
          if (trace && rep == 0) {
            traces.add(
                "task "
                    + task.taskIndex()
                    + " ("
                    + k
                    + " non-signers):\n"
                    + callTrace(anvil, s.tx()));
          }
          Runtime rt = Runtime.getRuntime();
          System.out.printf(
              "%-5d %11d %10.1f %12.1f %12.1f %16.2f %17.2f %10d %11d %10d %9d %10d%n",
              task.taskIndex(),
              k,
              signCpu / 1e6,
              (callCpu.get() + schedCpu) / 1e6,
              proc / 1e6,
              (s.sentNanos() - lastSignature.get()) / 1e6,
              (s.minedNanos() - lastSignature.get()) / 1e6,
              s.gasUsed(),
              calldataGas,
              s.gasUsed() - 21_000 - calldataGas,
              hashToCurveTries(digest),
              (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
      }
      pool.shutdownNow();
      scheduler.shutdownNow();
      traces.forEach(System.out::print);
      System.out.printf(
          "verifier: %d batches for %d signatures; max heap %d MiB%n",
          agg.verifierStats()[0], agg.verifierStats()[1], Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  /**
   * Tries of the contract's try-and-increment hash to G1 ({@code BN254.hashToG1}: x = digest mod p,
   * then x + 1, … until x³ + 3 has a square root), each one {@code modexp} call: the gas of a
   * response depends on its digest through this count.
   */
  private static int hashToCurveTries(byte[] digest) {
    BigInteger p = Bn254.P;
    BigInteger sqrtExponent = p.add(BigInteger.ONE).shiftRight(2);
    BigInteger x = new BigInteger(1, digest).mod(p);
    for (int tries = 1; ; tries++) {
      BigInteger beta = x.pow(3).add(BigInteger.valueOf(3)).mod(p);
      BigInteger y = beta.modPow(sqrtExponent, p);
      if (y.multiply(y).mod(p).equals(beta)) {
        return tries;
      }
      x = x.add(BigInteger.ONE).mod(p);
    }
  }

  /**
   * anvil's {@code callTracer} view of a transaction: every call frame (precompiles included) with
   * its gas, indented by depth.
   */
  private static String callTrace(AnvilNode anvil, String txHash) throws Exception {
    Object r =
        new Request<Object, AnyResponse>(
                "debug_traceTransaction",
                List.of(txHash, Map.of("tracer", "callTracer")),
                new HttpService(anvil.rpcUrl()),
                AnyResponse.class)
            .send()
            .getResult();
    StringBuilder out = new StringBuilder();
    appendFrame(out, r, 1);
    return out.toString();
  }

  private static void appendFrame(StringBuilder out, Object frame, int depth) {
    if (!(frame instanceof Map<?, ?> f)) {
      out.append("  ".repeat(depth)).append(frame).append('\n');
      return;
    }
    out.append("  ".repeat(depth))
        .append(f.get("type"))
        .append(' ')
        .append(f.get("to"))
        .append(" gasUsed ")
        .append(Numeric.toBigInt(String.valueOf(f.get("gasUsed"))))
        .append(" gas ")
        .append(Numeric.toBigInt(String.valueOf(f.get("gas"))))
        .append('\n');
    if (f.get("calls") instanceof List<?> calls) {
      calls.forEach(c -> appendFrame(out, c, depth + 1));
    }
  }

  /** EIP-2028 calldata gas of a mined transaction (4 per zero byte, 16 per other byte). */
  private static long calldataGas(AnvilNode anvil, String txHash) throws Exception {
    byte[] input =
        Numeric.hexStringToByteArray(
            anvil
                .web3j()
                .ethGetTransactionByHash(txHash)
                .send()
                .getTransaction()
                .orElseThrow()
                .getInput());
    long gas = 0;
    for (byte b : input) {
      gas += b == 0 ? 4 : 16;
    }
    return gas;
  }

  /**
   * Registers {@code n} operators through the real contracts from impersonated accounts (one
   * JSON-RPC batch per step, one transaction per operator), as stake-aggregator's
   * ValidatorSetBenchmark does for its operator set 1, here for the deployment's quorum 0 /
   * operator set 0 and strategy. Equal stakes: 10 dETH deposited and fully allocated, 50 $C staked.
   */
  private static final class Registration {
    private final AnvilNode anvil;
    private final Deployments d;
    private final int n;
    private final HttpService http;
    private final String deployer;
    private final List<String> operators = new ArrayList<>();

    Registration(AnvilNode anvil, Deployments d, int n) {
      this.anvil = anvil;
      this.d = d;
      this.n = n;
      this.http = new HttpService(anvil.rpcUrl());
      this.deployer = anvil.account(0).address();
    }

    static BlsKeyPair key(int i) {
      return BlsKeyPair.fromSecret(
          new BigInteger(1, Hash.sha3(("bench-bls-" + i).getBytes(StandardCharsets.US_ASCII)))
              .mod(Bn254.R));
    }

    List<BlsKeyPair> run() throws Exception {
      rpc("anvil_autoImpersonateAccount", List.of(true));
      for (int i = 0; i < n; i++) {
        byte[] a =
            Arrays.copyOf(
                Hash.sha3(("aggregator-bench-operator-" + i).getBytes(StandardCharsets.US_ASCII)),
                20);
        operators.add("0x" + java.util.HexFormat.of().formatHex(a));
      }
      List<Request<?, ? extends Response<?>>> balances = new ArrayList<>();
      for (String op : operators) {
        balances.add(
            new Request<String, AnyResponse>(
                "anvil_setBalance", List.of(op, "0x3635c9adc5dea00000"), http, AnyResponse.class));
      }
      batch(balances);
      BigInteger deposit = E18.multiply(BigInteger.TEN);
      BigInteger cStake = E18.multiply(BigInteger.valueOf(50));
      List<Transaction> fromDeployer = new ArrayList<>();
      for (String op : operators) {
        fromDeployer.add(
            tx(
                deployer,
                d.address("UnderlyingToken"),
                call("mint(address,uint256)", new Address(op), new Uint256(deposit))));
      }
      fromDeployer.add(
          tx(
              deployer,
              d.address("CToken"),
              call(
                  "mint(address,uint256)",
                  new Address(deployer),
                  new Uint256(cStake.multiply(BigInteger.valueOf(n))))));
      fromDeployer.add(
          tx(
              deployer,
              d.address("CToken"),
              call(
                  "approve(address,uint256)",
                  new Address(d.address("CStaking")),
                  new Uint256(MAX))));
      sequential(fromDeployer);
      phase(
          op ->
              tx(
                  op,
                  d.address("UnderlyingToken"),
                  call(
                      "approve(address,uint256)",
                      new Address(d.address("StrategyManager")),
                      new Uint256(MAX))));
      phase(
          op ->
              tx(
                  op,
                  d.address("StrategyManager"),
                  call(
                      "depositIntoStrategy(address,address,uint256)",
                      new Address(d.address("Strategy")),
                      new Address(d.address("UnderlyingToken")),
                      new Uint256(deposit))));
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
      DynamicStruct allocate =
          new DynamicStruct(
              new StaticStruct(new Address(d.address("CvmServiceManager")), new Uint32(0)),
              new DynamicArray<>(Address.class, List.of(new Address(d.address("Strategy")))),
              new DynamicArray<>(Uint64.class, List.of(new Uint64(E18))));
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
                      new org.web3j.abi.datatypes.generated.Bytes32(
                          Hash.sha3(("consensus-" + op).getBytes(StandardCharsets.US_ASCII))))));
      List<Transaction> stakes = new ArrayList<>();
      for (String op : operators) {
        stakes.add(
            tx(
                deployer,
                d.address("CStaking"),
                call("stake(address,uint256)", new Address(op), new Uint256(cStake))));
      }
      sequential(stakes);

      // BLS registration with proof of possession: message points in one batch of eth_calls.
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
      List<BlsKeyPair> keys = new ArrayList<>();
      Map<String, String> data = new ConcurrentHashMap<>();
      for (int i = 0; i < n; i++) {
        BlsKeyPair key = key(i);
        keys.add(key);
        data.put(operators.get(i), registration(key, ((EthCall) h.get(i)).getValue()));
      }
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
                          new DynamicArray<>(Uint32.class, List.of(new Uint32(0))),
                          new DynamicBytes(Numeric.hexStringToByteArray(data.get(op)))))));
      return keys;
    }

    private static String registration(BlsKeyPair key, String messageHash) {
      byte[] m = Numeric.hexStringToByteArray(messageHash);
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

    private static String call(String signature, Type<?>... args) {
      byte[] selector = Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII));
      return Numeric.toHexString(selector, 0, 4, true)
          + (args.length == 0 ? "" : FunctionEncoder.encodeConstructor(List.of(args)));
    }

    private static Transaction tx(String from, String to, String data) {
      return new Transaction(
          from, null, null, BigInteger.valueOf(3_000_000), to, BigInteger.ZERO, data);
    }

    /** One transaction per operator in one batch (distinct senders); all must succeed. */
    private void phase(Function<String, Transaction> make) throws Exception {
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

    /** Transactions of the deployer, one request each (nonce order); all must succeed. */
    private void sequential(List<Transaction> txs) throws Exception {
      List<String> hashes = new ArrayList<>();
      for (Transaction t : txs) {
        var r = anvil.web3j().ethSendTransaction(t).send();
        if (r.hasError()) {
          throw new IllegalStateException("transaction failed: " + r.getError().getMessage());
        }
        hashes.add(r.getTransactionHash());
      }
      awaitSuccess(hashes);
    }

    private void awaitSuccess(List<String> hashes) throws Exception {
      for (int attempt = 0; ; attempt++) {
        List<Request<?, ? extends Response<?>>> reqs = new ArrayList<>();
        hashes.forEach(h -> reqs.add(anvil.web3j().ethGetTransactionReceipt(h)));
        boolean all = true;
        for (Response<?> r : batch(reqs)) {
          var receipt = ((EthGetTransactionReceipt) r).getTransactionReceipt();
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
        anvil.mine(1); // automine fills a block to its gas limit; the rest waits for the next
        if (attempt > 600) {
          throw new IllegalStateException("setup transactions not mined after 60 s");
        }
        Thread.sleep(100);
      }
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

  /** A JSON-RPC answer whose result is not used. */
  public static final class AnyResponse extends Response<Object> {}
}
