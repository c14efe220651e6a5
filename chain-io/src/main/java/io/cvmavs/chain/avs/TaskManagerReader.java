package io.cvmavs.chain.avs;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Log;

/** Views and events of {@code CvmTaskManager}. */
public record TaskManagerReader(RpcClient rpc, String taskManager) {

  /** Reads as {@code tx}'s account ({@link Transactor#reader()}). */
  public TaskManagerReader(Transactor tx, String taskManager) {
    this(tx.reader(), taskManager);
  }

  public String address() {
    return taskManager;
  }

  public long chainId() {
    return rpc.chainId();
  }

  /** The on-chain {@code responseDigest(response)}. */
  public byte[] responseDigest(TaskResponse response) {
    return bytes32(TaskManagerAbi.responseDigestCall(response), "responseDigest");
  }

  public long latestTaskNum() {
    return uint32(TaskManagerAbi.latestTaskNumCall(), "latestTaskNum");
  }

  public long responseCount() {
    return uint32(TaskManagerAbi.responseCountCall(), "responseCount");
  }

  public byte[] taskHash(long taskIndex) {
    return bytes32(TaskManagerAbi.taskHashCall(taskIndex), "taskHash(" + taskIndex + ")");
  }

  public byte[] taskResponseHash(long taskIndex) {
    return bytes32(
        TaskManagerAbi.taskResponseHashCall(taskIndex), "taskResponseHash(" + taskIndex + ")");
  }

  public boolean isResponded(long taskIndex) {
    return !new BigInteger(1, taskResponseHash(taskIndex)).equals(BigInteger.ZERO);
  }

  /** {@code equivocationSlashed(taskIndex, operator)}: whether that equivocation was slashed. */
  public boolean equivocationSlashed(long taskIndex, String operator) {
    String what = "equivocationSlashed(" + taskIndex + ", " + operator + ")";
    return new Words(
                rpc.call(
                    taskManager,
                    Abi.call(
                        "equivocationSlashed(uint32,address)",
                        java.util.List.of(
                            new Uint32(BigInteger.valueOf(taskIndex)),
                            new org.web3j.abi.datatypes.Address(operator))),
                    what),
                what)
            .word(0)
            .signum()
        != 0;
  }

  /** {@code liveness(operatorId)}: consecutive missed responses and the ejectable flag. */
  public record Liveness(long lastMissedResponse, int missedStreak, boolean ejectable) {}

  public Liveness liveness(byte[] operatorId) {
    return liveness(operatorId, DefaultBlockParameterName.LATEST);
  }

  private Liveness liveness(byte[] operatorId, DefaultBlockParameter block) {
    Words w =
        new Words(
            rpc.call(
                taskManager,
                Abi.call(
                    "liveness(bytes32)",
                    java.util.List.of(new org.web3j.abi.datatypes.generated.Bytes32(operatorId))),
                block,
                "liveness"),
            "liveness");
    return new Liveness(
        w.word(0).longValueExact(), w.word(32).intValueExact(), w.word(64).signum() != 0);
  }

  /**
   * The liveness SLA of {@code operatorId} as the chain published it at the end of block {@code
   * block}: {@code liveness}, {@code config().maxMissedResponses} and {@code responseCount} read at
   * that block (so a monitor that replays history sees the streak each response left behind).
   */
  public LivenessSla livenessSla(byte[] operatorId, long block) {
    DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
    String what = "responseCount at block " + block;
    long responses =
        ((Uint32)
                Abi.decode(
                        rpc.call(taskManager, TaskManagerAbi.responseCountCall(), at, what),
                        what,
                        new TypeReference<Uint32>() {})
                    .get(0))
            .getValue()
            .longValueExact();
    int max =
        TaskManagerAbi.decodeConfig(
                rpc.call(taskManager, TaskManagerAbi.configCall(), at, "config at block " + block))
            .maxMissedResponses();
    return LivenessSla.of(liveness(operatorId, at), max, responses);
  }

  public long blockNumber() {
    return Transactor.rpc(() -> rpc.web3j().ethBlockNumber().send(), "eth_blockNumber")
        .getBlockNumber()
        .longValueExact();
  }

  /** {@code NewTaskCreated} events in [fromBlock, toBlock] ({@code eth_getLogs}). */
  public List<CvmTask> newTasks(long fromBlock, long toBlock) {
    return logs(TaskManagerAbi.NEW_TASK_CREATED_TOPIC, fromBlock, toBlock).stream()
        .map(TaskManagerAbi::decodeNewTaskCreated)
        .toList();
  }

  /**
   * The task with this index, from its {@code NewTaskCreated} event (searched from fromBlock to the
   * head in bounded ranges, stopping at the first).
   */
  public java.util.Optional<CvmTask> findTask(long taskIndex, long fromBlock) {
    LogScanner.Query q =
        LogScanner.Query.of(
                "NewTaskCreated(" + taskIndex + ")",
                taskManager,
                TaskManagerAbi.NEW_TASK_CREATED_TOPIC)
            .andTopic(
                Numbers.hex(
                    org.web3j.utils.Numeric.toBytesPadded(BigInteger.valueOf(taskIndex), 32)));
    return rpc.logs().firstUpToHead(q, fromBlock).map(TaskManagerAbi::decodeNewTaskCreated);
  }

  /** {@code config()}: windows, slash amounts and the challenge bond. */
  public TaskManagerConfig config() {
    return TaskManagerAbi.decodeConfig(
        rpc.call(taskManager, TaskManagerAbi.configCall(), "config"));
  }

  /** {@code config().taskResponseWindowBlock}. */
  public long taskResponseWindowBlock() {
    return config().taskResponseWindowBlock();
  }

  /** {@code config().challengeWindowBlock}. */
  public long challengeWindowBlock() {
    return config().challengeWindowBlock();
  }

  /** {@code config().vetoWindowBlock}. */
  public long vetoWindowBlock() {
    return config().vetoWindowBlock();
  }

  /** {@code config().challengeBond} in wei. */
  public BigInteger challengeBond() {
    return config().challengeBond();
  }

  /** {@code getSlashingRequest(requestId)} (status {@code NONE} for an unknown id). */
  public SlashingRequest slashingRequest(long requestId) {
    return TaskManagerAbi.decodeSlashingRequest(
        rpc.call(
            taskManager,
            TaskManagerAbi.getSlashingRequestCall(requestId),
            "getSlashingRequest(" + requestId + ")"));
  }

  /**
   * The non-signer operatorIds of a response (ascending), read from the calldata of its {@code
   * respondToTask} transaction (the event records only their hash) and checked against {@code
   * hashOfNonSigners}. Requires the aggregator to call the task manager directly.
   */
  public List<byte[]> nonSignerIds(TaskManagerAbi.TaskResponded responded) {
    var tx =
        Transactor.rpc(
                () -> rpc.web3j().ethGetTransactionByHash(responded.transactionHash()).send(),
                "eth_getTransactionByHash " + responded.transactionHash())
            .getTransaction()
            .orElseThrow(
                () ->
                    new ChainException(
                        "transaction "
                            + responded.transactionHash()
                            + " of TaskResponded not found"));
    return TaskManagerAbi.nonSignerIdsFromCalldata(tx.getInput(), responded.hashOfNonSigners());
  }

  /** {@code ChallengeRaised} events in [fromBlock, toBlock]. */
  public List<SlashingEvents.ChallengeRaised> challengesRaised(long fromBlock, long toBlock) {
    return events(
        SlashingEvents.CHALLENGE_RAISED_TOPIC,
        SlashingEvents::decodeChallengeRaised,
        fromBlock,
        toBlock);
  }

  /** {@code SignatureChallengeRaised} events in [fromBlock, toBlock]. */
  public List<SlashingEvents.SignatureChallengeRaised> signatureChallengesRaised(
      long fromBlock, long toBlock) {
    return events(
        SlashingEvents.SIGNATURE_CHALLENGE_RAISED_TOPIC,
        SlashingEvents::decodeSignatureChallengeRaised,
        fromBlock,
        toBlock);
  }

  /** {@code SlashingRequestVetoed} events in [fromBlock, toBlock]. */
  public List<SlashingEvents.SlashingRequestVetoed> slashingRequestsVetoed(
      long fromBlock, long toBlock) {
    return events(
        SlashingEvents.SLASHING_REQUEST_VETOED_TOPIC,
        SlashingEvents::decodeSlashingRequestVetoed,
        fromBlock,
        toBlock);
  }

  /** {@code SlashingRequestFulfilled} events in [fromBlock, toBlock]. */
  public List<SlashingEvents.SlashingRequestFulfilled> slashingRequestsFulfilled(
      long fromBlock, long toBlock) {
    return events(
        SlashingEvents.SLASHING_REQUEST_FULFILLED_TOPIC,
        SlashingEvents::decodeSlashingRequestFulfilled,
        fromBlock,
        toBlock);
  }

  /** {@code OperatorSlashedForWrongResult} events in [fromBlock, toBlock]. */
  public List<SlashingEvents.OperatorSlashedForWrongResult> operatorsSlashedForWrongResult(
      long fromBlock, long toBlock) {
    return events(
        SlashingEvents.OPERATOR_SLASHED_FOR_WRONG_RESULT_TOPIC,
        SlashingEvents::decodeOperatorSlashedForWrongResult,
        fromBlock,
        toBlock);
  }

  /** {@code EquivocationSlashed} events in [fromBlock, toBlock]. */
  public List<SlashingEvents.EquivocationSlashed> equivocationsSlashed(
      long fromBlock, long toBlock) {
    return events(
        SlashingEvents.EQUIVOCATION_SLASHED_TOPIC,
        SlashingEvents::decodeEquivocationSlashed,
        fromBlock,
        toBlock);
  }

  /** {@code TaskResponded} events in [fromBlock, toBlock]. */
  public List<TaskManagerAbi.TaskResponded> responses(long fromBlock, long toBlock) {
    return logs(TaskManagerAbi.TASK_RESPONDED_TOPIC, fromBlock, toBlock).stream()
        .map(TaskManagerAbi::decodeTaskResponded)
        .toList();
  }

  /** The events of {@code topic} in [fromBlock, toBlock], each decoded by {@code decode}. */
  private <T> List<T> events(
      String topic, java.util.function.Function<Log, T> decode, long fromBlock, long toBlock) {
    return logs(topic, fromBlock, toBlock).stream().map(decode).toList();
  }

  private List<Log> logs(String topic, long fromBlock, long toBlock) {
    return rpc.logs()
        .logs(LogScanner.Query.of(eventName(topic), taskManager, topic), fromBlock, toBlock);
  }

  private static String eventName(String topic) {
    return io.cvmavs.chain.abi.Events.all().stream()
        .filter(e -> e.topic().equalsIgnoreCase(topic))
        .map(io.cvmavs.chain.abi.EventSpec::name)
        .findFirst()
        .orElse(topic);
  }

  private byte[] bytes32(String data, String what) {
    return ((Bytes32)
            Abi.decode(rpc.call(taskManager, data, what), what, new TypeReference<Bytes32>() {})
                .get(0))
        .getValue();
  }

  private long uint32(String data, String what) {
    return ((Uint32)
            Abi.decode(rpc.call(taskManager, data, what), what, new TypeReference<Uint32>() {})
                .get(0))
        .getValue()
        .longValueExact();
  }
}
