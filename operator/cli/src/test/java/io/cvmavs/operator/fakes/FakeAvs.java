package io.cvmavs.operator.fakes;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.cvm.task.TaskRefusedException;
import io.cvmavs.cvm.task.TaskResult;
import io.cvmavs.operator.aggregator.AggregatorPorts;
import io.cvmavs.operator.aggregator.OperatorSetLoader;
import io.cvmavs.operator.aggregator.OperatorSetSnapshot;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.challenger.Action;
import io.cvmavs.operator.challenger.ChallengerChain;
import io.cvmavs.operator.node.OperatorNode;
import io.cvmavs.operator.taskgen.TaskGenerator;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory task manager with one quorum (0) of operators of equal stake, behind the ports of
 * the aggregator ({@link AggregatorPorts}, {@link OperatorSetLoader}), the node ({@link
 * OperatorNode.TaskEvents}) and the task generator ({@link TaskGenerator.Chain}); its block number
 * is the clock those components read, moved by {@link #mine}.
 *
 * <p>A fake, because a unit test cannot start anvil; the same components run against the real
 * contracts in the anvil ITs ({@code AttestationEndToEndIT}, {@code TaskGeneratorIT}, {@code
 * ChallengeChainIT}). Like {@code CvmTaskManager.respondToTask} it checks before recording a
 * response: the task exists and is unanswered, the response window is open, the non-signers are
 * operators, the aggregate key is exactly the signers' keys (recomputed here, not taken from the
 * caller), the aggregate signature verifies over the response digest, and the signers meet the
 * task's threshold — each refusal is a mined {@link ChainException.Reverted}. As the challenger's
 * chain ({@link ChallengerChain}) it keeps slashing requests: one per task (or task and operator),
 * fulfilment refused until the veto window has passed, and a vetoed request never fulfilled.
 */
public final class FakeAvs
    implements AggregatorPorts.TaskLookup,
        AggregatorPorts.BlockClock,
        AggregatorPorts.IndicesReader,
        AggregatorPorts.ResponseSubmitter,
        OperatorSetLoader,
        OperatorNode.TaskEvents,
        TaskGenerator.Chain,
        ChallengerChain {
  public static final long CHAIN_ID = 31337;
  public static final String TASK_MANAGER = "0x00000000000000000000000000000000000c0de1";
  public static final BigInteger STAKE = BigInteger.TEN.pow(20);

  private final List<BlsKeyPair> operators;
  private final long responseWindowBlocks;
  private final Map<Long, CvmTask> tasks = new TreeMap<>();
  private final Map<Long, TaskManagerAbi.TaskResponded> responses = new LinkedHashMap<>();
  private final List<RuntimeException> respondFailures = new ArrayList<>();
  private final AtomicInteger respondCalls = new AtomicInteger();
  private final AtomicInteger readFailures = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();
  private long block = 100;
  private boolean pending;
  private final long vetoWindowBlocks = 5;
  private final Map<Long, Request> requests = new LinkedHashMap<>();
  private final List<String> slashed = new ArrayList<>();
  private boolean loseReceipt;
  private boolean loseCreateReceipt;
  private int fulfilAttempts;

  /** A slashing request as the fake task manager keeps it. */
  public record Request(
      long id, Action.Kind kind, long taskIndex, String operatorId, long createdBlock, String tx) {}

  private final Map<Long, RequestStatus> requestStatus = new LinkedHashMap<>();

  /**
   * @param operators the registered operators, each with stake {@link #STAKE} in quorum 0
   */
  public FakeAvs(List<BlsKeyPair> operators, long responseWindowBlocks) {
    this.operators = List.copyOf(operators);
    this.responseWindowBlocks = responseWindowBlocks;
  }

  /** Operator {@code i}'s key derived from {@code i} (so tests are reproducible). */
  public static BlsKeyPair key(int i) {
    return BlsKeyPair.fromSecret(BigInteger.valueOf(0xC0FFEEL + i).pow(3));
  }

  public static String id(BlsKeyPair k) {
    return Bytes32.hex(k.operatorId());
  }

  public long responseWindowBlocks() {
    return responseWindowBlocks;
  }

  // ------------------------------------------------------------------ test controls

  public synchronized void mine(long blocks) {
    block += blocks;
  }

  /** A task created in the next block (as {@code createNewTask} from the generator). */
  public synchronized CvmTask addTask(long height, long thresholdPercent) {
    return createTask(
        height,
        bytes32("manuscript"),
        bytes32("input-" + height),
        new byte[] {0},
        thresholdPercent);
  }

  /** The next {@code createNewTask} lands on chain but its sender sees a timeout. */
  public synchronized void loseNextCreateReceipt() {
    loseCreateReceipt = true;
  }

  /** The next {@code n} reads (block number, task logs) fail as an RPC outage would. */
  public void failReads(int n) {
    readFailures.set(n);
  }

  /** Reads answered or refused so far (block number and task-log reads). */
  public int reads() {
    return reads.get();
  }

  /** The next {@code respondToTask} calls throw these, in order, before reaching the chain. */
  public synchronized void failResponds(RuntimeException... failures) {
    respondFailures.addAll(List.of(failures));
  }

  public synchronized void pending(boolean pending) {
    this.pending = pending;
  }

  public int respondCalls() {
    return respondCalls.get();
  }

  public synchronized Optional<TaskManagerAbi.TaskResponded> response(long taskIndex) {
    return Optional.ofNullable(responses.get(taskIndex));
  }

  public synchronized List<CvmTask> tasks() {
    return List.copyOf(tasks.values());
  }

  public static byte[] bytes32(String seed) {
    return org.web3j.crypto.Hash.sha3(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void read() {
    reads.incrementAndGet();
    if (readFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new ChainException("eth_blockNumber failed: connection refused (fake outage)");
    }
  }

  // ------------------------------------------------------------------ ports

  @Override
  public synchronized long currentBlock() {
    return block;
  }

  @Override
  public synchronized long blockNumber() {
    read();
    return block;
  }

  @Override
  public synchronized Optional<CvmTask> find(long taskIndex) {
    return Optional.ofNullable(tasks.get(taskIndex));
  }

  @Override
  public synchronized List<CvmTask> newTasks(long fromBlock, long toBlock) {
    read();
    return tasks.values().stream()
        .filter(t -> t.taskCreatedBlock() >= fromBlock && t.taskCreatedBlock() <= toBlock)
        .toList();
  }

  @Override
  public synchronized boolean hasPendingTransactions() {
    return pending;
  }

  @Override
  public synchronized boolean hasPending() {
    return pending;
  }

  @Override
  public synchronized CvmTask createTask(
      long height,
      byte[] manuscriptHash,
      byte[] inputCommitment,
      byte[] quorumNumbers,
      long thresholdPercent) {
    long index = tasks.size();
    block++; // the createNewTask transaction is mined in the next block
    CvmTask t =
        new CvmTask(
            index, height, manuscriptHash, inputCommitment, quorumNumbers, thresholdPercent, block);
    tasks.put(index, t);
    if (loseCreateReceipt) {
      loseCreateReceipt = false;
      throw new ChainException("receipt of createNewTask not received (fake timeout)");
    }
    return t;
  }

  @Override
  public synchronized boolean isResponded(long taskIndex) {
    return responses.containsKey(taskIndex);
  }

  @Override
  public OperatorSetSnapshot load(CvmTask task) {
    Map<String, OperatorSetSnapshot.Member> members = new LinkedHashMap<>();
    List<G1Point> keys = new ArrayList<>();
    for (int i = 0; i < operators.size(); i++) {
      BlsKeyPair k = operators.get(i);
      members.put(
          id(k),
          new OperatorSetSnapshot.Member(
              id(k),
              String.format("0x%040x", i + 1),
              k.publicKeyG1(),
              k.publicKeyG2(),
              G2Prepared.of(k.publicKeyG2()),
              Map.of(0, STAKE)));
      keys.add(k.publicKeyG1());
    }
    return new OperatorSetSnapshot(
        task.taskCreatedBlock(),
        members,
        List.of(
            new OperatorSetSnapshot.Quorum(
                0,
                STAKE.multiply(BigInteger.valueOf(operators.size())),
                Bls.aggregatePublicKeysG1(keys))));
  }

  @Override
  public RegistryReader.CheckSignaturesIndices indices(
      byte[] quorumNumbers, long referenceBlock, List<byte[]> nonSignerIds) {
    return new RegistryReader.CheckSignaturesIndices(
        List.of(0L), List.of(0L), List.of(nonSignerIds.stream().map(x -> 0L).toList()));
  }

  @Override
  public synchronized AggregatorPorts.Submitted respond(
      CvmTask task, TaskResponse response, NonSignerStakesAndSignature sig) {
    respondCalls.incrementAndGet();
    if (!respondFailures.isEmpty()) {
      throw respondFailures.remove(0);
    }
    CvmTask known = tasks.get(task.taskIndex());
    if (known == null || !known.equals(task)) {
      throw new ChainException.Reverted("TaskMismatch(" + task.taskIndex() + ")", true);
    }
    if (responses.containsKey(task.taskIndex())) {
      throw new ChainException.Reverted("TaskAlreadyResponded(" + task.taskIndex() + ")", true);
    }
    if (block > task.taskCreatedBlock() + responseWindowBlocks) {
      throw new ChainException.Reverted("ResponseWindowPassed(" + task.taskIndex() + ")", true);
    }
    List<G2Point> signerKeys = new ArrayList<>();
    List<byte[]> nonSignerIds = new ArrayList<>();
    for (BlsKeyPair k : operators) {
      if (sig.nonSignerPubkeys().contains(k.publicKeyG1())) {
        nonSignerIds.add(k.operatorId());
      } else {
        signerKeys.add(k.publicKeyG2());
      }
    }
    if (nonSignerIds.size() != sig.nonSignerPubkeys().size()) {
      throw new ChainException.Reverted("a non-signer key is no operator's", true);
    }
    if (signerKeys.isEmpty() || !Bls.aggregatePublicKeysG2(signerKeys).equals(sig.apkG2())) {
      throw new ChainException.Reverted("apkG2 is not the signers' aggregate key", true);
    }
    byte[] digest = TaskManagerAbi.responseDigest(CHAIN_ID, TASK_MANAGER, response);
    if (!Bls.verify(sig.apkG2(), digest, sig.sigma())) {
      throw new ChainException.Reverted("InvalidSignature()", true);
    }
    BigInteger signed = STAKE.multiply(BigInteger.valueOf(signerKeys.size()));
    BigInteger total = STAKE.multiply(BigInteger.valueOf(operators.size()));
    if (signed
            .multiply(BigInteger.valueOf(100))
            .compareTo(total.multiply(BigInteger.valueOf(task.quorumThresholdPercentage())))
        < 0) {
      throw new ChainException.Reverted("ThresholdNotMet()", true);
    }
    nonSignerIds.sort(Arrays::compareUnsigned);
    String tx = "0x" + HexFormat.of().formatHex(bytes32("respond-" + task.taskIndex()));
    responses.put(
        task.taskIndex(),
        new TaskManagerAbi.TaskResponded(
            task.taskIndex(),
            response,
            block,
            TaskManagerAbi.hashOfNonSigners(nonSignerIds),
            List.of(signed),
            List.of(total),
            block,
            tx));
    return new AggregatorPorts.Submitted(tx, block, 300_000 + 10_000L * nonSignerIds.size());
  }

  // ------------------------------------------------------------------ challenger side

  /** A response lands without any signature check (a wrong quorum's doing). */
  public synchronized void land(CvmTask task, TaskResponse response) {
    block++;
    responses.put(
        task.taskIndex(),
        new TaskManagerAbi.TaskResponded(
            task.taskIndex(),
            response,
            block,
            TaskManagerAbi.hashOfNonSigners(List.of()),
            List.of(STAKE),
            List.of(STAKE),
            block,
            "0x" + HexFormat.of().formatHex(bytes32("landed-" + task.taskIndex()))));
  }

  /**
   * The next raise is sent and recorded on chain, but its caller sees a failure (the receipt never
   * came back, or the process died right after sending).
   */
  public synchronized void loseNextRaiseReceipt() {
    loseReceipt = true;
  }

  public synchronized void veto(long requestId) {
    requestStatus.put(requestId, RequestStatus.VETOED);
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests.values());
  }

  /** Who was slashed, in order: {@code wrong-result:<task>} or {@code <kind>:<task>:<operator>}. */
  public synchronized List<String> slashed() {
    return List.copyOf(slashed);
  }

  @Override
  public void checkEvidence(String operatorId, List<String> signatures) {
    if (operators.stream().noneMatch(k -> id(k).equals(operatorId))) {
      throw new IllegalArgumentException("operator " + operatorId + " has no registered key");
    }
    for (String sig : signatures) {
      G1Point.fromBytes(HexFormat.of().parseHex(sig.substring(2))); // throws if not on the curve
    }
  }

  @Override
  public synchronized List<TaskManagerAbi.TaskResponded> responses(long fromBlock, long toBlock) {
    read();
    return responses.values().stream()
        .filter(r -> r.blockNumber() >= fromBlock && r.blockNumber() <= toBlock)
        .toList();
  }

  @Override
  public synchronized Optional<CvmTask> task(long taskIndex) {
    return find(taskIndex);
  }

  @Override
  public long vetoWindowBlocks() {
    return vetoWindowBlocks;
  }

  private Raised newRequest(Action.Kind kind, long taskIndex, String operatorId) {
    boolean sentAnyway = loseReceipt;
    loseReceipt = false;
    for (Request r : requests.values()) {
      if (r.kind() == kind && r.taskIndex() == taskIndex && r.operatorId().equals(operatorId)) {
        throw new ChainException.Reverted(
            kind == Action.Kind.WRONG_RESULT
                ? "TaskAlreadyChallenged(" + taskIndex + ")"
                : "SignatureAlreadyChallenged(" + taskIndex + "," + operatorId + ")",
            false);
      }
    }
    block++; // mined in the next block
    long id = requests.size() + 1;
    String tx = "0x" + HexFormat.of().formatHex(bytes32("raise-" + id));
    requests.put(id, new Request(id, kind, taskIndex, operatorId, block, tx));
    requestStatus.put(id, RequestStatus.PENDING);
    Raised raised = new Raised(id, block, tx);
    if (sentAnyway) {
      throw new ChainException("receipt of " + tx + " not received (fake timeout)");
    }
    return raised;
  }

  @Override
  public synchronized Raised raiseChallenge(
      CvmTask task, TaskManagerAbi.TaskResponded landed, TaskResponse claimed) {
    if (!responses.containsKey(task.taskIndex())) {
      throw new ChainException.Reverted("TaskNotResponded(" + task.taskIndex() + ")", false);
    }
    return newRequest(Action.Kind.WRONG_RESULT, task.taskIndex(), "");
  }

  @Override
  public synchronized Raised raiseSignatureChallenge(
      CvmTask task, Evidence.Dissent dissent, TaskResponse claimed) {
    return newRequest(Action.Kind.WRONG_SIGNATURE, task.taskIndex(), dissent.operatorId());
  }

  @Override
  public synchronized Optional<Raised> findRaised(
      Action.Kind kind, long taskIndex, String operatorId) {
    return requests.values().stream()
        .filter(
            r ->
                r.kind() == kind && r.taskIndex() == taskIndex && r.operatorId().equals(operatorId))
        .findFirst()
        .map(r -> new Raised(r.id(), r.createdBlock(), r.tx()));
  }

  @Override
  public synchronized RequestStatus requestStatus(long requestId) {
    return requestStatus.get(requestId);
  }

  /** Fulfilment calls so far, refused ones included. */
  public synchronized int fulfilAttempts() {
    return fulfilAttempts;
  }

  private String fulfil(long requestId, String what) {
    fulfilAttempts++;
    Request r = requests.get(requestId);
    if (r == null) {
      throw new ChainException.Reverted("NoSuchRequest(" + requestId + ")", false);
    }
    if (requestStatus.get(requestId) != RequestStatus.PENDING) {
      throw new ChainException.Reverted("RequestNotPending(" + requestId + ")", true);
    }
    if (block <= r.createdBlock() + vetoWindowBlocks) {
      throw new ChainException.Reverted("VetoWindowNotPassed(" + requestId + ")", false);
    }
    requestStatus.put(requestId, RequestStatus.FULFILLED);
    slashed.add(what);
    block++;
    return "0x" + HexFormat.of().formatHex(bytes32("fulfil-" + requestId));
  }

  @Override
  public synchronized String fulfilWrongResult(
      long requestId, CvmTask task, TaskManagerAbi.TaskResponded landed) {
    return fulfil(requestId, "wrong-result:" + task.taskIndex());
  }

  @Override
  public synchronized String fulfilSignatureChallenge(
      long requestId, CvmTask task, String operatorId) {
    return fulfil(requestId, "wrong-signature:" + task.taskIndex() + ":" + operatorId);
  }

  @Override
  public synchronized Optional<String> slashEquivocation(Evidence.Equivocation evidence) {
    String what = "equivocation:" + evidence.task().taskIndex() + ":" + evidence.operatorId();
    if (slashed.contains(what)) {
      return Optional.empty();
    }
    slashed.add(what);
    block++;
    return Optional.of("0x" + HexFormat.of().formatHex(bytes32("slash-" + what)));
  }

  // ------------------------------------------------------------------ the CVM's side

  /** The right response to {@code task}: what an honest CVM computes for its block height. */
  public static TaskResponse rightResponse(CvmTask task) {
    return new TaskResponse(
        task.taskIndex(),
        bytes32("block-" + task.cvmBlockHeight()),
        bytes32("dataset-" + task.cvmBlockHeight()),
        bytes32("state-" + task.cvmBlockHeight()));
  }

  /**
   * An honest CVM: {@link #rightResponse} for every task, except the tasks in {@code cannotJudge}
   * (read when asked), whose inputs differ from its own data.
   */
  public static TaskComputer honestCvm(java.util.Set<Long> cannotJudge) {
    return task -> {
      if (cannotJudge.contains(task.taskIndex())) {
        throw new TaskRefusedException(
            TaskRefusedException.Reason.INPUT_MISMATCH,
            "input commitment differs from this CVM's data (test)");
      }
      long h = task.cvmBlockHeight();
      return new TaskResult(
          task.taskIndex(), bytes32("block-" + h), bytes32("dataset-" + h), bytes32("state-" + h));
    };
  }
}
