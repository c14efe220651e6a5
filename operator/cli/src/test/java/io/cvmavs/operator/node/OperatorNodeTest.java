package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.operator.aggregator.Aggregator;
import io.cvmavs.operator.aggregatorapi.AggregatorClient;
import io.cvmavs.operator.aggregatorapi.AggregatorException;
import io.cvmavs.operator.aggregatorapi.SignatureDelivery;
import io.cvmavs.operator.fakes.FakeAvs;
import io.cvmavs.operator.fakes.ManualClock;
import io.cvmavs.operator.fakes.ManualScheduler;
import io.cvmavs.operator.signer.AttestationRequest;
import io.cvmavs.operator.signer.BlsAttestationSigner;
import io.cvmavs.operator.signer.FileSlashingProtectionStore;
import io.cvmavs.operator.signer.SlashingProtectedSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OperatorNode} on the fake task manager ({@link FakeAvs}) with the real slashing-protected
 * BLS signer (journal on disk) and, as its aggregator, the real {@link Aggregator} on the same fake
 * chain — so three nodes answering a task make the fake chain record a response whose aggregate
 * signature it verified. Backfill polling only (no WebSocket); a manual scheduler runs the polls
 * and the workers. No anvil; {@code AttestationEndToEndIT} and {@code RpcOutageIT} run the same
 * code against anvil.
 */
class OperatorNodeTest {
  private static final Duration POLL = Duration.ofSeconds(2);
  private final List<BlsKeyPair> keys = List.of(FakeAvs.key(1), FakeAvs.key(2), FakeAvs.key(3));
  private final FakeAvs chain = new FakeAvs(keys, 100);
  private final ManualClock clock = new ManualClock();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final Set<Long> mismatching = new HashSet<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  @TempDir Path dir;
  private Aggregator aggregator;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static TaskResponse right(CvmTask t) {
    return FakeAvs.rightResponse(t);
  }

  private final TaskComputer cvm = FakeAvs.honestCvm(mismatching);

  /** An aggregator that accepts everything and counts what it was sent. */
  private static SignatureDelivery accepting(AtomicInteger delivered) {
    return (i, r, op, sig) -> {
      delivered.incrementAndGet();
      return new AggregatorClient.Answer(true, 0, "accepted", 1);
    };
  }

  /** The real aggregator as the node's delivery port (its refusals become answers with codes). */
  private SignatureDelivery toAggregator() {
    if (aggregator == null) {
      aggregator =
          new Aggregator(
              new Aggregator.Settings(
                  FakeAvs.CHAIN_ID, FakeAvs.TASK_MANAGER, 100, Duration.ofSeconds(1)),
              chain,
              chain,
              chain,
              chain,
              chain,
              dir.resolve("aggregator"),
              scheduler);
    }
    return (taskIndex, response, operatorId, signature) -> {
      try {
        Aggregator.Accepted a =
            aggregator.submitSignature(taskIndex, response, operatorId, signature.toBytes());
        return new AggregatorClient.Answer(true, 0, "accepted", a.signers());
      } catch (AggregatorException e) {
        return new AggregatorClient.Answer(false, e.error().code, e.getMessage(), 0);
      }
    };
  }

  private SlashingProtectedSigner signer(int i) {
    FileSlashingProtectionStore store =
        FileSlashingProtectionStore.open(dir.resolve("node-" + i + "-data"));
    closing.add(store);
    return new SlashingProtectedSigner(new BlsAttestationSigner(keys.get(i)), store);
  }

  private OperatorNode node(int i, SignatureDelivery delivery) {
    return node(i, signer(i), delivery);
  }

  private OperatorNode node(int i, SlashingProtectedSigner signer, SignatureDelivery delivery) {
    OperatorNode n =
        new OperatorNode(
            new OperatorNode.Settings(
                "node-" + i,
                FakeAvs.CHAIN_ID,
                FakeAvs.TASK_MANAGER,
                Optional.empty(),
                0,
                chain.responseWindowBlocks(),
                POLL,
                Duration.ofSeconds(1)),
            chain,
            cvm,
            signer,
            delivery,
            dir.resolve("node-" + i + "-data"),
            scheduler,
            scheduler,
            clock::millis);
    closing.add(n);
    return n;
  }

  private static String outcome(OperatorNode n, CvmTask t) {
    OperatorNode.Outcome o = n.outcomes().get(t.taskIndex());
    return o == null ? "none" : o.outcome();
  }

  @Test
  void threeNodesSignTheirOwnResultAndTheAggregatedResponseLands() {
    SignatureDelivery delivery = toAggregator();
    List<OperatorNode> nodes = List.of(node(0, delivery), node(1, delivery), node(2, delivery));
    nodes.forEach(OperatorNode::start);
    CvmTask task = chain.addTask(0, 66);
    scheduler.advance(POLL);
    for (OperatorNode n : nodes) {
      assertThat(outcome(n, task)).isEqualTo("signed");
    }
    assertThat(chain.response(task.taskIndex()).orElseThrow().response()).isEqualTo(right(task));
    assertThat(chain.response(task.taskIndex()).orElseThrow().hashOfNonSigners())
        .isEqualTo(TaskManagerAbi.hashOfNonSigners(List.of()));
    assertThat(nodes.get(0).lastProcessedBlock()).contains(chain.currentBlock());
    assertThat(scheduler.failures()).isEmpty();
  }

  @Test
  void aTaskThatDiffersFromTheNodesOwnDataIsNotSigned() {
    AtomicInteger delivered = new AtomicInteger();
    OperatorNode n = node(0, accepting(delivered));
    n.start();
    CvmTask task = chain.addTask(0, 66);
    mismatching.add(task.taskIndex());
    scheduler.advance(POLL);
    assertThat(outcome(n, task)).isEqualTo("mismatch");
    assertThat(n.lastSigningOutcome().orElseThrow().outcome()).isEqualTo("mismatch");
    assertThat(delivered).hasValue(0);
  }

  @Test
  void manuscriptRegistryRefusalsHaveTheirOwnJournalOutcomes() {
    java.util.Map<io.cvmavs.cvm.task.TaskRefusedException.Reason, String> expected =
        java.util.Map.of(
            io.cvmavs.cvm.task.TaskRefusedException.Reason.UNREGISTERED_MANUSCRIPT,
            "refused-manuscript-unregistered",
            io.cvmavs.cvm.task.TaskRefusedException.Reason.REVOKED_MANUSCRIPT,
            "refused-manuscript-revoked",
            io.cvmavs.cvm.task.TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
            "refused-manuscript-fetch",
            io.cvmavs.cvm.task.TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH,
            "refused-manuscript-hash");
    expected.forEach(
        (reason, outcome) -> {
          String o =
              OperatorNode.refusalOutcome(new io.cvmavs.cvm.task.TaskRefusedException(reason, "x"));
          assertThat(o).isEqualTo(outcome);
          assertThat(OperatorNode.REFUSALS).contains(o);
        });
  }

  @Test
  void theNodeRefusesToSignASecondDifferentResponseForATaskItAlreadySigned() {
    AtomicInteger delivered = new AtomicInteger();
    SlashingProtectedSigner signer = signer(0);
    CvmTask task = chain.addTask(0, 66);
    // Before a restart this operator signed another response to the task (e.g. other data).
    TaskResponse earlier =
        new TaskResponse(
            task.taskIndex(),
            FakeAvs.bytes32("x"),
            FakeAvs.bytes32("earlier"),
            FakeAvs.bytes32("y"));
    signer.sign(AttestationRequest.of(FakeAvs.CHAIN_ID, FakeAvs.TASK_MANAGER, earlier));

    OperatorNode n = node(0, signer, accepting(delivered));
    n.start();
    scheduler.advance(POLL);
    assertThat(outcome(n, task)).isEqualTo("refused-slashing-protection");
    assertThat(n.outcomes().get(task.taskIndex()).detail()).contains("already signed response");
    assertThat(delivered).as("nothing was signed, so nothing was sent").hasValue(0);
  }

  @Test
  void answeredAndExpiredTasksAreNotSigned() {
    AtomicInteger delivered = new AtomicInteger();
    OperatorNode n = node(0, accepting(delivered));
    CvmTask answered = chain.addTask(0, 66);
    chain.land(answered, right(answered));
    CvmTask expired = chain.addTask(1, 66);
    chain.mine(chain.responseWindowBlocks());
    n.start();
    scheduler.runDue();
    assertThat(outcome(n, answered)).isEqualTo("already-responded");
    assertThat(outcome(n, expired)).isEqualTo("expired");
    assertThat(n.lastSigningOutcome()).as("neither counts as signing").isEmpty();
    assertThat(delivered).hasValue(0);
  }

  @Test
  void aggregatorRefusalsAreFinalAndADuplicateCountsAsDelivered() {
    List<Integer> codes = new ArrayList<>(List.of(4005, 4007));
    OperatorNode n =
        node(
            0,
            (i, r, op, sig) -> new AggregatorClient.Answer(false, codes.remove(0), "refused", 0));
    n.start();
    CvmTask refused = chain.addTask(0, 66);
    scheduler.advance(POLL);
    CvmTask duplicate = chain.addTask(1, 66);
    scheduler.advance(POLL);
    assertThat(outcome(n, refused)).isEqualTo("refused-by-aggregator");
    assertThat(n.outcomes().get(refused.taskIndex()).detail()).startsWith("4005: ");
    assertThat(outcome(n, duplicate)).isEqualTo("signed");
  }

  @Test
  void duringAnRpcOutageTheNodeKeepsPollingAndSignsOnceTheRpcIsBack() {
    SignatureDelivery delivery = toAggregator();
    OperatorNode n = node(0, delivery);
    CvmTask task = chain.addTask(0, 66);
    chain.failReads(3);
    n.start();
    scheduler.runDue();
    scheduler.advance(POLL);
    scheduler.advance(POLL);
    assertThat(outcome(n, task)).isEqualTo("none");
    assertThat(n.lastProcessedBlock()).as("the cursor does not move during an outage").isEmpty();
    int readsDuringOutage = chain.reads();
    assertThat(readsDuringOutage).as("one read per poll, no busy retry").isEqualTo(3);
    scheduler.advance(POLL);
    assertThat(outcome(n, task)).isEqualTo("signed");
    assertThat(scheduler.failures()).isEmpty();
  }

  @Test
  void anUnreachableAggregatorIsRetriedAtTheNextPollAndTheCursorWaitsForIt() {
    AtomicInteger calls = new AtomicInteger();
    OperatorNode n =
        node(
            0,
            (i, r, op, sig) -> {
              if (calls.incrementAndGet() == 1) {
                throw new AggregatorClient.Unavailable(
                    "aggregator did not take task " + i + " (test)");
              }
              return new AggregatorClient.Answer(true, 0, "accepted", 1);
            });
    CvmTask task = chain.addTask(0, 66);
    n.start();
    scheduler.runDue();
    assertThat(outcome(n, task)).isEqualTo("none");
    assertThat(n.lastProcessedBlock())
        .as("not past the task's block while it has no outcome")
        .isEmpty();
    scheduler.advance(POLL);
    assertThat(outcome(n, task)).isEqualTo("signed");
    assertThat(calls).hasValue(2);
    scheduler.advance(POLL); // the first poll that finds every task of its range final
    assertThat(n.lastProcessedBlock()).contains(chain.currentBlock());
  }
}
