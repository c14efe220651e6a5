package io.cvmavs.chain.avs;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.abi.Words;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The challenge and slashing events of {@code CvmTaskManager}: canonical signatures, topics, one
 * record per event and its decoder. Every record carries the log's block and transaction.
 */
public final class SlashingEvents {
  public static final String CHALLENGE_RAISED = Events.CHALLENGE_RAISED.canonical();
  public static final String SIGNATURE_CHALLENGE_RAISED =
      Events.SIGNATURE_CHALLENGE_RAISED.canonical();
  public static final String SLASHING_REQUEST_VETOED = Events.SLASHING_REQUEST_VETOED.canonical();
  public static final String SLASHING_REQUEST_FULFILLED =
      Events.SLASHING_REQUEST_FULFILLED.canonical();
  public static final String OPERATOR_SLASHED_FOR_WRONG_RESULT =
      Events.OPERATOR_SLASHED_FOR_WRONG_RESULT.canonical();
  public static final String EQUIVOCATION_SLASHED = Events.EQUIVOCATION_SLASHED.canonical();

  public static final String CHALLENGE_RAISED_TOPIC = Events.CHALLENGE_RAISED.topic();
  public static final String SIGNATURE_CHALLENGE_RAISED_TOPIC =
      Events.SIGNATURE_CHALLENGE_RAISED.topic();
  public static final String SLASHING_REQUEST_VETOED_TOPIC = Events.SLASHING_REQUEST_VETOED.topic();
  public static final String SLASHING_REQUEST_FULFILLED_TOPIC =
      Events.SLASHING_REQUEST_FULFILLED.topic();
  public static final String OPERATOR_SLASHED_FOR_WRONG_RESULT_TOPIC =
      Events.OPERATOR_SLASHED_FOR_WRONG_RESULT.topic();
  public static final String EQUIVOCATION_SLASHED_TOPIC = Events.EQUIVOCATION_SLASHED.topic();

  private SlashingEvents() {}

  /** {@code ChallengeRaised}: a bonded claim that the landed response of a task is wrong. */
  public record ChallengeRaised(
      long requestId,
      long taskIndex,
      String challenger,
      TaskResponse claimedResponse,
      long blockNumber,
      String transactionHash) {}

  /**
   * {@code SignatureChallengeRaised}: a bonded claim that {@code operator} signed a wrong result.
   */
  public record SignatureChallengeRaised(
      long requestId,
      long taskIndex,
      String operator,
      String challenger,
      TaskResponse signedResponse,
      TaskResponse claimedResponse,
      long blockNumber,
      String transactionHash) {}

  /** {@code SlashingRequestVetoed}: the bond (wei) went to the treasury. */
  public record SlashingRequestVetoed(
      long requestId,
      long taskIndex,
      BigInteger bondForfeited,
      long blockNumber,
      String transactionHash) {}

  /** {@code SlashingRequestFulfilled}: {@code operatorsSlashed} operators were slashed. */
  public record SlashingRequestFulfilled(
      long requestId,
      long taskIndex,
      long operatorsSlashed,
      long blockNumber,
      String transactionHash) {}

  /** {@code OperatorSlashedForWrongResult}: one operator slashed in one quorum for a request. */
  public record OperatorSlashedForWrongResult(
      long requestId,
      String operator,
      int quorumNumber,
      long blockNumber,
      String transactionHash) {}

  /** {@code EquivocationSlashed}. */
  public record EquivocationSlashed(
      long taskIndex, String operator, String reporter, long blockNumber, String transactionHash) {}

  public static ChallengeRaised decodeChallengeRaised(Log log) {
    Words w = data(log, CHALLENGE_RAISED_TOPIC, 4, "ChallengeRaised");
    return new ChallengeRaised(
        topicLong(log, 1),
        topicLong(log, 2),
        topicAddress(log, 3),
        response(w, 0),
        block(log),
        log.getTransactionHash());
  }

  public static SignatureChallengeRaised decodeSignatureChallengeRaised(Log log) {
    Words w = data(log, SIGNATURE_CHALLENGE_RAISED_TOPIC, 4, "SignatureChallengeRaised");
    return new SignatureChallengeRaised(
        topicLong(log, 1),
        topicLong(log, 2),
        topicAddress(log, 3),
        TaskManagerAbi.address(w.word(0)),
        response(w, 32),
        response(w, 160),
        block(log),
        log.getTransactionHash());
  }

  public static SlashingRequestVetoed decodeSlashingRequestVetoed(Log log) {
    Words w = data(log, SLASHING_REQUEST_VETOED_TOPIC, 3, "SlashingRequestVetoed");
    return new SlashingRequestVetoed(
        topicLong(log, 1), topicLong(log, 2), w.word(0), block(log), log.getTransactionHash());
  }

  public static SlashingRequestFulfilled decodeSlashingRequestFulfilled(Log log) {
    Words w = data(log, SLASHING_REQUEST_FULFILLED_TOPIC, 3, "SlashingRequestFulfilled");
    return new SlashingRequestFulfilled(
        topicLong(log, 1),
        topicLong(log, 2),
        w.word(0).longValueExact(),
        block(log),
        log.getTransactionHash());
  }

  public static OperatorSlashedForWrongResult decodeOperatorSlashedForWrongResult(Log log) {
    Words w =
        data(log, OPERATOR_SLASHED_FOR_WRONG_RESULT_TOPIC, 3, "OperatorSlashedForWrongResult");
    return new OperatorSlashedForWrongResult(
        topicLong(log, 1),
        topicAddress(log, 2),
        w.word(0).intValueExact(),
        block(log),
        log.getTransactionHash());
  }

  public static EquivocationSlashed decodeEquivocationSlashed(Log log) {
    Words w = data(log, EQUIVOCATION_SLASHED_TOPIC, 3, "EquivocationSlashed");
    return new EquivocationSlashed(
        topicLong(log, 1),
        topicAddress(log, 2),
        TaskManagerAbi.address(w.word(0)),
        block(log),
        log.getTransactionHash());
  }

  /** The events with {@code topic} that {@code contract} emitted in a receipt, decoded. */
  public static <T> List<T> inReceipt(
      TransactionReceipt receipt, String contract, String topic, Function<Log, T> decoder) {
    List<T> out = new ArrayList<>();
    for (Log log : receipt.getLogs()) {
      if (log.getAddress().equalsIgnoreCase(contract)
          && !log.getTopics().isEmpty()
          && topic.equalsIgnoreCase(log.getTopics().get(0))) {
        out.add(decoder.apply(log));
      }
    }
    return out;
  }

  private static Words data(Log log, String topic, int topics, String name) {
    if (log.getTopics().size() != topics || !topic.equalsIgnoreCase(log.getTopics().get(0))) {
      throw new ChainException("log " + log.getTransactionHash() + " is not a " + name + " event");
    }
    return new Words(log.getData(), name);
  }

  private static TaskResponse response(Words w, int at) {
    return new TaskResponse(
        w.word(at).longValueExact(),
        Numeric.toBytesPadded(w.word(at + 32), 32),
        Numeric.toBytesPadded(w.word(at + 64), 32),
        Numeric.toBytesPadded(w.word(at + 96), 32));
  }

  private static long topicLong(Log log, int i) {
    return Numbers.uint(log.getTopics().get(i)).longValueExact();
  }

  private static String topicAddress(Log log, int i) {
    return TaskManagerAbi.address(Numbers.uint(log.getTopics().get(i)));
  }

  private static long block(Log log) {
    return log.getBlockNumber() == null ? -1 : log.getBlockNumber().longValueExact();
  }
}
