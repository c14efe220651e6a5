package io.cvmavs.operator.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.operator.aggregatorapi.AggregatorException;
import io.cvmavs.operator.aggregatorapi.RpcError;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator with 200 operators (real keys and signatures; the chain behind the ports is a
 * fake, as in operator-cli's AggregatorTest): concurrent signatures are verified in batches and a
 * bad one among them is refused by name; a bad signature that reached the stored state is found by
 * the aggregate check before submission and dropped, and the submitted aggregate verifies.
 */
class AggregatorAt200Test {
  private static final int N = 200;
  private static final long CHAIN_ID = 31337;
  private static final String TASK_MANAGER = "0x" + "ab".repeat(20);
  private static final CvmTask TASK =
      new CvmTask(1, 10, filled(0x11), filled(0x22), new byte[] {0}, 67, 100);
  private static final TaskResponse RESPONSE =
      new TaskResponse(1, filled(0x33), filled(0x44), filled(0x55));
  private static final List<BlsKeyPair> KEYS = new ArrayList<>();
  private static byte[] digest;

  @TempDir Path dir;
  private final List<ScheduledExecutorService> schedulers = new ArrayList<>();
  private final AtomicReference<NonSignerStakesAndSignature> submitted = new AtomicReference<>();

  @BeforeAll
  static void keys() {
    for (int i = 0; i < N; i++) {
      KEYS.add(BlsKeyPair.fromSecret(BigInteger.valueOf(1_000_003L * (i + 1))));
    }
    digest = TaskManagerAbi.responseDigest(CHAIN_ID, TASK_MANAGER, RESPONSE);
  }

  @AfterEach
  void stop() {
    schedulers.forEach(ScheduledExecutorService::shutdownNow);
  }

  private static byte[] filled(int b) {
    byte[] x = new byte[32];
    Arrays.fill(x, (byte) b);
    return x;
  }

  private static String id(int i) {
    return Bytes32.hex(Bls.operatorId(KEYS.get(i).publicKeyG1()));
  }

  private static OperatorSetSnapshot snapshot(CvmTask task) {
    return Aggregator200Harness.snapshot(task, KEYS, new PreparedKeyCache());
  }

  private Aggregator aggregator(Duration window) {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    schedulers.add(scheduler);
    AggregatorPorts.ResponseSubmitter submitter =
        new AggregatorPorts.ResponseSubmitter() {
          @Override
          public AggregatorPorts.Submitted respond(
              CvmTask task, TaskResponse response, NonSignerStakesAndSignature signature) {
            submitted.set(signature);
            return new AggregatorPorts.Submitted("0x" + "cd".repeat(32), 102, 200_000);
          }

          @Override
          public boolean isResponded(long taskIndex) {
            return submitted.get() != null;
          }

          @Override
          public boolean hasPending() {
            return false;
          }
        };
    return new Aggregator(
        new Aggregator.Settings(CHAIN_ID, TASK_MANAGER, 100, window),
        i -> i == 1 ? Optional.of(TASK) : Optional.empty(),
        AggregatorAt200Test::snapshot,
        (quorums, block, nonSigners) ->
            new RegistryReader.CheckSignaturesIndices(
                List.of(0L), List.of(0L), List.of(nonSigners.stream().map(x -> 0L).toList())),
        submitter,
        () -> 101,
        dir,
        scheduler);
  }

  /** Signs from 16 threads at once; returns each operator's outcome (null = accepted). */
  private static Map<Integer, RpcError> signConcurrently(
      Aggregator agg, List<Integer> operators, int badOperator) throws Exception {
    Map<Integer, RpcError> outcome = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i : operators) {
        G1Point sig = i == badOperator ? KEYS.get(i).sign(filled(0x66)) : KEYS.get(i).sign(digest);
        done.add(
            pool.submit(
                () -> {
                  try {
                    agg.submitSignature(1, RESPONSE, id(i), sig.toBytes());
                  } catch (AggregatorException e) {
                    outcome.put(i, e.error());
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return outcome;
  }

  @Test
  void concurrentSignaturesAreBatchedAndABadOneAmong200IsRefusedByName() throws Exception {
    Aggregator agg = aggregator(Duration.ofHours(1));
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      all.add(i);
    }
    Map<Integer, RpcError> outcome = signConcurrently(agg, all, 137);

    assertThat(outcome).containsOnlyKeys(137).containsEntry(137, RpcError.BAD_SIGNATURE);
    assertThat(agg.status(1).orElseThrow().signersByDigest())
        .containsEntry(Bytes32.hex(digest), N - 1);
    long[] stats = agg.verifierStats();
    assertThat(stats[1]).as("signatures checked").isEqualTo(N);
    assertThat(stats[0]).as("batches (concurrent signatures share one)").isLessThan(N);
    assertThat(agg.journalSyncs())
        .as("fsyncs of the task journal (signatures accepted together share one)")
        .isGreaterThan(0)
        .isLessThan(N - 1);
  }

  @Test
  void aBadStoredSignatureIsFoundByTheAggregateCheckAndDropped() throws Exception {
    Aggregator first = aggregator(Duration.ofHours(1));
    List<Integer> signers = new ArrayList<>();
    for (int i = 0; i < N - 1; i++) {
      if (i != 42) {
        signers.add(i);
      }
    }
    assertThat(signConcurrently(first, signers, -1)).isEmpty();
    schedulers.get(0).shutdownNow();

    // the stored state is altered: a record for operator 42 holding operator 43's signature
    TaskStateStore store = new TaskStateStore(dir);
    TaskState state = store.loadAll().get(0);
    String sig43 = state.byDigest.get(Bytes32.hex(digest)).signatures.get(id(43));
    store.sync(1, store.recordSignature(state, Bytes32.hex(digest), RESPONSE, id(42), sig43));

    Aggregator second = aggregator(Duration.ZERO);
    assertThat(second.resume()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "RESPONDED".equals(second.status(1).orElseThrow().status()));

    assertThat(second.droppedSigners(1)).containsExactly(id(42));
    NonSignerStakesAndSignature sent = submitted.get();
    assertThat(sent.nonSignerPubkeys())
        .containsExactlyInAnyOrder(KEYS.get(42).publicKeyG1(), KEYS.get(N - 1).publicKeyG1());
    assertThat(Bls.verify(sent.apkG2(), digest, sent.sigma())).isTrue();
    assertThat(second.status(1).orElseThrow().signersByDigest())
        .containsEntry(Bytes32.hex(digest), N - 2);
  }

  @Test
  void aRestartMidTaskAfterATornAppendKeepsEveryAcknowledgedSignature() throws Exception {
    Aggregator first = aggregator(Duration.ofHours(1));
    List<Integer> firstHalf = new ArrayList<>();
    List<Integer> secondHalf = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      (i % 2 == 0 ? firstHalf : secondHalf).add(i);
    }
    assertThat(signConcurrently(first, firstHalf, -1)).isEmpty(); // all acknowledged, 50 %
    schedulers.get(0).shutdownNow();
    // the crash came in the middle of one more append: half a record at the end of the journal
    Path journal = dir.resolve("tasks/task-1.journal");
    byte[] next = RecordJournal.frame(new byte[300]);
    Files.write(journal, Arrays.copyOf(next, 150), java.nio.file.StandardOpenOption.APPEND);

    Aggregator second = aggregator(Duration.ofHours(1));
    assertThat(second.resume()).isEqualTo(1);
    assertThat(second.status(1).orElseThrow().signersByDigest())
        .containsEntry(Bytes32.hex(digest), N / 2);
    // with the window at an hour, it submits only once every one of the 200 has signed
    assertThat(signConcurrently(second, secondHalf, -1)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "RESPONDED".equals(second.status(1).orElseThrow().status()));

    NonSignerStakesAndSignature sent = submitted.get();
    assertThat(sent.nonSignerPubkeys()).isEmpty();
    assertThat(Bls.verify(sent.apkG2(), digest, sent.sigma())).isTrue();
    RecordJournal.Contents done = RecordJournal.read(Files.readAllBytes(journal));
    assertThat(done.payloads()).as("compacted once responded").hasSize(1);
    assertThat(done.damage()).isEmpty();
  }

  @Test
  void verifierAnswersEachSignatureExactlyWhenAlone() {
    BatchingVerifier v = new BatchingVerifier(new java.security.SecureRandom());
    var key = new PreparedKeyCache().prepared("0x01", KEYS.get(0).publicKeyG2());
    assertThat(v.verify(key, digest, KEYS.get(0).sign(digest))).isTrue();
    assertThat(v.verify(key, digest, KEYS.get(1).sign(digest))).isFalse();
    assertThat(v.batchesAndSignatures()).containsExactly(2, 2);
  }
}
