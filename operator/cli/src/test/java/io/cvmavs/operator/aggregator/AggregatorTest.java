package io.cvmavs.operator.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.operator.aggregatorapi.AggregatorException;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.aggregatorapi.RpcError;
import io.cvmavs.operator.fakes.FakeAvs;
import io.cvmavs.operator.fakes.ManualClock;
import io.cvmavs.operator.fakes.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Aggregator} on the fake task manager ({@link FakeAvs}, which checks every response as the
 * contract does) and a manual scheduler: three operators of equal stake, threshold 66 % (two
 * suffice), aggregation window 2 s. No anvil; {@code AttestationEndToEndIT} runs the same code
 * against the real contracts.
 */
class AggregatorTest {
  private static final Duration WINDOW = Duration.ofSeconds(2);
  private final List<BlsKeyPair> keys = List.of(FakeAvs.key(1), FakeAvs.key(2), FakeAvs.key(3));
  private final FakeAvs chain = new FakeAvs(keys, 100);
  private final ManualScheduler scheduler = new ManualScheduler(new ManualClock());
  @TempDir Path dir;
  private Aggregator aggregator;

  @BeforeEach
  void start() {
    aggregator = newAggregator();
  }

  private Aggregator newAggregator() {
    return newAggregator(scheduler);
  }

  private Aggregator newAggregator(ManualScheduler on) {
    return new Aggregator(
        new Aggregator.Settings(FakeAvs.CHAIN_ID, FakeAvs.TASK_MANAGER, 100, WINDOW),
        chain,
        chain,
        chain,
        chain,
        chain,
        dir,
        on);
  }

  private static TaskResponse response(CvmTask task, String variant) {
    return new TaskResponse(
        task.taskIndex(),
        FakeAvs.bytes32("block-" + variant),
        FakeAvs.bytes32("dataset-" + variant),
        FakeAvs.bytes32("state-" + variant));
  }

  private byte[] sign(BlsKeyPair k, TaskResponse r) {
    return k.sign(TaskManagerAbi.responseDigest(FakeAvs.CHAIN_ID, FakeAvs.TASK_MANAGER, r))
        .toBytes();
  }

  private Aggregator.Accepted submit(int operator, CvmTask task, TaskResponse r) {
    BlsKeyPair k = keys.get(operator);
    return aggregator.submitSignature(task.taskIndex(), r, FakeAvs.id(k), sign(k, r));
  }

  private static RpcError refusal(Runnable r) {
    try {
      r.run();
    } catch (AggregatorException e) {
      return e.error();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void oneSignatureIsNoQuorumTwoAreAndTheResponseIsSubmittedAfterTheWindow() {
    CvmTask task = chain.addTask(0, 66);
    TaskResponse r = response(task, "good");

    Aggregator.Accepted first = submit(0, task, r);
    assertThat(first.thresholdMet()).isFalse();
    assertThat(first.signers()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(60));
    assertThat(chain.respondCalls()).as("no quorum: nothing submitted").isZero();

    Aggregator.Accepted second = submit(1, task, r);
    assertThat(second.thresholdMet()).isTrue();
    assertThat(second.signers()).isEqualTo(2);
    scheduler.advance(WINDOW.minusMillis(1));
    assertThat(chain.respondCalls()).as("waits the aggregation window for more").isZero();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(chain.respondCalls()).isEqualTo(1);
    TaskManagerAbi.TaskResponded landed = chain.response(task.taskIndex()).orElseThrow();
    assertThat(landed.response()).isEqualTo(r);
    // Operator 3 did not sign: it is the one non-signer the chain recorded.
    assertThat(landed.hashOfNonSigners())
        .isEqualTo(TaskManagerAbi.hashOfNonSigners(List.of(keys.get(2).operatorId())));
    Aggregator.Status status = aggregator.status(task.taskIndex()).orElseThrow();
    assertThat(status.status()).isEqualTo("RESPONDED");
    assertThat(status.transactionHash()).startsWith("0x");
    assertThat(scheduler.failures()).isEmpty();
  }

  @Test
  void whenEveryOperatorHasSignedItSubmitsAtOnceWithoutNonSigners() {
    CvmTask task = chain.addTask(0, 66);
    TaskResponse r = response(task, "good");
    submit(0, task, r);
    submit(1, task, r);
    submit(2, task, r);
    scheduler.runDue();
    assertThat(chain.respondCalls()).isEqualTo(1);
    assertThat(chain.response(task.taskIndex()).orElseThrow().hashOfNonSigners())
        .isEqualTo(TaskManagerAbi.hashOfNonSigners(List.of()));
  }

  @Test
  void aThresholdTheSignersDoNotMeetIsNeverSubmitted() {
    CvmTask task = chain.addTask(0, 67); // 2 of 3 is 66.7 %: short of 67 %
    TaskResponse r = response(task, "good");
    assertThat(submit(0, task, r).thresholdMet()).isFalse();
    assertThat(submit(1, task, r).thresholdMet()).isFalse();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(chain.respondCalls()).isZero();
    assertThat(submit(2, task, r).thresholdMet()).isTrue();
    scheduler.runDue();
    assertThat(chain.isResponded(task.taskIndex())).isTrue();
  }

  @Test
  void badSignaturesUnknownOperatorsAndBadPointsAreRefusedWithTheirCodes() {
    CvmTask task = chain.addTask(0, 66);
    TaskResponse r = response(task, "good");
    BlsKeyPair outsider = FakeAvs.key(99);

    // Operator 1's id with operator 2's signature.
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), r, FakeAvs.id(keys.get(0)), sign(keys.get(1), r))))
        .isEqualTo(RpcError.BAD_SIGNATURE);
    // A signature over another response.
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(),
                        r,
                        FakeAvs.id(keys.get(0)),
                        sign(keys.get(0), response(task, "other")))))
        .isEqualTo(RpcError.BAD_SIGNATURE);
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), r, FakeAvs.id(outsider), sign(outsider, r))))
        .isEqualTo(RpcError.UNKNOWN_OPERATOR);
    byte[] notOnCurve = new byte[64];
    notOnCurve[31] = 1;
    notOnCurve[63] = 1;
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), r, FakeAvs.id(keys.get(0)), notOnCurve)))
        .isEqualTo(RpcError.BAD_POINT);
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), r, FakeAvs.id(keys.get(0)), new byte[64])))
        .as("the point at infinity")
        .isEqualTo(RpcError.BAD_POINT);
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex() + 1, r, FakeAvs.id(keys.get(0)), sign(keys.get(0), r))))
        .as("response for another task")
        .isEqualTo(RpcError.WRONG_RESPONSE);
    assertThat(aggregator.status(task.taskIndex()).orElseThrow().signersByDigest())
        .as("nothing refused was counted")
        .isEmpty();
  }

  @Test
  void aDuplicateIsRefusedAndASecondDifferentResponseIsKeptAsEquivocation() {
    CvmTask task = chain.addTask(0, 66);
    TaskResponse r = response(task, "good");
    submit(0, task, r);
    assertThat(refusal(() -> submit(0, task, r))).isEqualTo(RpcError.DUPLICATE_SIGNATURE);
    TaskResponse other = response(task, "forged");
    assertThat(refusal(() -> submit(0, task, other))).isEqualTo(RpcError.EQUIVOCATION);

    Evidence e = aggregator.evidence(0);
    assertThat(e.equivocations()).hasSize(1);
    Evidence.Equivocation eq = e.equivocations().get(0);
    assertThat(eq.operatorId()).isEqualTo(FakeAvs.id(keys.get(0)));
    assertThat(eq.responseA()).isEqualTo(r);
    assertThat(eq.responseB()).isEqualTo(other);
    assertThat(aggregator.status(task.taskIndex()).orElseThrow().signersByDigest())
        .containsValue(1)
        .hasSize(1);
  }

  @Test
  void unknownAndExpiredTasksAreRefused() {
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        7,
                        new TaskResponse(7, new byte[32], new byte[32], new byte[32]),
                        "0x01",
                        new byte[64])))
        .isEqualTo(RpcError.UNKNOWN_TASK);
    CvmTask task = chain.addTask(0, 66);
    chain.mine(task.taskCreatedBlock() + 100 - chain.currentBlock() - 1);
    submit(0, task, response(task, "good")); // last block of the window: still taken
    chain.mine(1);
    assertThat(refusal(() -> submit(1, task, response(task, "good"))))
        .isEqualTo(RpcError.TASK_EXPIRED);
  }

  @Test
  void aFailedSubmissionIsRetriedAfterOneThenTwoSecondsAndThenLands() {
    CvmTask task = chain.addTask(0, 66);
    chain.failResponds(
        new IllegalStateException("connection reset"), new IllegalStateException("timeout"));
    TaskResponse r = response(task, "good");
    submit(0, task, r);
    submit(1, task, r);
    submit(2, task, r);
    scheduler.runDue();
    assertThat(chain.respondCalls()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(chain.respondCalls()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(chain.respondCalls()).as("second attempt after 1 s").isEqualTo(2);
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(chain.respondCalls()).isEqualTo(2);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(chain.respondCalls()).as("third attempt 2 s later").isEqualTo(3);
    assertThat(chain.isResponded(task.taskIndex())).isTrue();
    assertThat(aggregator.status(task.taskIndex()).orElseThrow().status()).isEqualTo("RESPONDED");
    // Once responded, further signatures are refused.
    assertThat(refusal(() -> submit(2, task, r))).isEqualTo(RpcError.TASK_EXPIRED);
  }

  @Test
  void aDissentingSignatureOfARespondedTaskIsEvidenceForTheChallenger() {
    CvmTask task = chain.addTask(0, 66);
    TaskResponse good = response(task, "good");
    TaskResponse wrong = response(task, "wrong");
    submit(0, task, good);
    submit(1, task, good);
    submit(2, task, wrong);
    assertThat(aggregator.evidence(0).dissents()).as("not responded yet: no dissent").isEmpty();
    scheduler.runDue(); // every operator answered: no one left to wait for
    assertThat(chain.response(task.taskIndex()).orElseThrow().response()).isEqualTo(good);

    List<Evidence.Dissent> dissents = aggregator.evidence(0).dissents();
    assertThat(dissents).hasSize(1);
    assertThat(dissents.get(0).operatorId()).isEqualTo(FakeAvs.id(keys.get(2)));
    assertThat(dissents.get(0).response()).isEqualTo(wrong);
    assertThat(aggregator.evidence(task.taskIndex() + 1).dissents()).isEmpty();
  }

  @Test
  void aRestartResumesACollectingTaskFromDiskAndSubmitsIt() {
    ManualScheduler died = new ManualScheduler(new ManualClock());
    Aggregator before = newAggregator(died);
    CvmTask task = chain.addTask(0, 66);
    TaskResponse r = response(task, "good");
    for (int i = 0; i < 2; i++) {
      BlsKeyPair k = keys.get(i);
      before.submitSignature(task.taskIndex(), r, FakeAvs.id(k), sign(k, r));
    }
    // The process stops before the window ends: its scheduled submission never runs.
    died.shutdownNow();

    Aggregator after = newAggregator();
    assertThat(after.resume()).isEqualTo(1);
    assertThat(after.status(task.taskIndex()).orElseThrow().signersByDigest()).containsValue(2);
    scheduler.advance(WINDOW.minusMillis(1));
    assertThat(chain.respondCalls()).isZero();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(chain.respondCalls()).isEqualTo(1);
    assertThat(chain.response(task.taskIndex()).orElseThrow().response()).isEqualTo(r);
  }

  /** Operators 1 and 2 sign {@code r}; the response lands after the window. */
  private CvmTask responded(TaskResponse[] out) {
    CvmTask task = chain.addTask(0, 66);
    TaskResponse r = response(task, "good");
    submit(0, task, r);
    submit(1, task, r);
    scheduler.advance(WINDOW);
    assertThat(aggregator.status(task.taskIndex()).orElseThrow().status()).isEqualTo("RESPONDED");
    out[0] = r;
    return task;
  }

  @Test
  void aLateSignatureOverAnotherResponseIsRefusedButKeptAsDissentEvidenceOnce() {
    TaskResponse[] r = new TaskResponse[1];
    CvmTask task = responded(r);
    TaskResponse wrong = response(task, "wrong");

    assertThat(refusal(() -> submit(2, task, wrong))).isEqualTo(RpcError.TASK_EXPIRED);
    List<Evidence.Dissent> dissents = aggregator.evidence(0).dissents();
    assertThat(dissents).hasSize(1);
    assertThat(dissents.get(0).operatorId()).isEqualTo(FakeAvs.id(keys.get(2)));
    assertThat(dissents.get(0).response()).isEqualTo(wrong);
    assertThat(dissents.get(0).signature())
        .isEqualTo("0x" + java.util.HexFormat.of().formatHex(sign(keys.get(2), wrong)));

    assertThat(refusal(() -> submit(2, task, wrong)))
        .as("a repeat is refused the same way")
        .isEqualTo(RpcError.TASK_EXPIRED);
    assertThat(aggregator.evidence(0).dissents()).as("and not recorded twice").hasSize(1);
    assertThat(chain.respondCalls()).as("the landed response is untouched").isEqualTo(1);

    Aggregator after = newAggregator(new ManualScheduler(new ManualClock()));
    after.resume();
    assertThat(after.evidence(0).dissents()).as("kept on disk").isEqualTo(dissents);
  }

  @Test
  void aLateSignatureThatDoesNotVerifyIsRefusedAndNeverRecorded() {
    TaskResponse[] r = new TaskResponse[1];
    CvmTask task = responded(r);
    TaskResponse wrong = response(task, "wrong");
    BlsKeyPair outsider = FakeAvs.key(99);

    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(),
                        wrong,
                        FakeAvs.id(keys.get(2)),
                        sign(keys.get(1), wrong))))
        .as("another operator's signature")
        .isEqualTo(RpcError.BAD_SIGNATURE);
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), wrong, FakeAvs.id(keys.get(2)), sign(keys.get(2), r[0]))))
        .as("a signature over another response than the one sent")
        .isEqualTo(RpcError.BAD_SIGNATURE);
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), wrong, FakeAvs.id(outsider), sign(outsider, wrong))))
        .isEqualTo(RpcError.UNKNOWN_OPERATOR);
    assertThat(
            refusal(
                () ->
                    aggregator.submitSignature(
                        task.taskIndex(), wrong, FakeAvs.id(keys.get(2)), new byte[64])))
        .isEqualTo(RpcError.BAD_POINT);
    assertThat(aggregator.evidence(0).dissents()).isEmpty();
    assertThat(aggregator.status(task.taskIndex()).orElseThrow().signersByDigest()).hasSize(1);
  }

  @Test
  void aLateSignatureOverTheAggregatedResponseIsRefusedAndNotEvidence() {
    TaskResponse[] r = new TaskResponse[1];
    CvmTask task = responded(r);
    assertThat(refusal(() -> submit(2, task, r[0]))).isEqualTo(RpcError.TASK_EXPIRED);
    assertThat(aggregator.evidence(0).dissents()).isEmpty();
    assertThat(aggregator.status(task.taskIndex()).orElseThrow().signersByDigest())
        .containsExactly(
            java.util.Map.entry(
                io.cvmavs.chain.abi.Bytes32.hex(
                    TaskManagerAbi.responseDigest(FakeAvs.CHAIN_ID, FakeAvs.TASK_MANAGER, r[0])),
                2));
  }

  @Test
  void aLateSignatureAfterTheResponseWindowIsRefusedAndNotRecorded() {
    TaskResponse[] r = new TaskResponse[1];
    CvmTask task = responded(r);
    chain.mine(task.taskCreatedBlock() + 100 - chain.currentBlock());
    assertThat(refusal(() -> submit(2, task, response(task, "wrong"))))
        .isEqualTo(RpcError.TASK_EXPIRED);
    assertThat(aggregator.evidence(0).dissents()).isEmpty();
  }
}
