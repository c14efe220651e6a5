package io.cvmavs.operator.challenger;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.fakes.FakeAvs;
import io.cvmavs.operator.fakes.ManualClock;
import io.cvmavs.operator.fakes.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Challenger} on the fake task manager ({@link FakeAvs}: one request per task or task and
 * operator, fulfilment refused inside the 5-block veto window) with a CVM that knows the right
 * answer of every task. No anvil; {@code ChallengeChainIT} and the devnet run the same code against
 * the contracts.
 */
class ChallengerTest {
  private final List<BlsKeyPair> keys = List.of(FakeAvs.key(1), FakeAvs.key(2), FakeAvs.key(3));
  private final FakeAvs chain = new FakeAvs(keys, 100);
  private final ManualScheduler scheduler = new ManualScheduler(new ManualClock());
  private final AtomicReference<Evidence> evidence =
      new AtomicReference<>(new Evidence(List.of(), List.of()));
  private final List<Action> seen = new ArrayList<>();
  private final Set<Long> cannotJudge = new java.util.HashSet<>();
  @TempDir Path dir;

  private static TaskResponse right(CvmTask t) {
    return FakeAvs.rightResponse(t);
  }

  private static TaskResponse wrong(CvmTask t) {
    return new TaskResponse(
        t.taskIndex(),
        FakeAvs.bytes32("block-" + t.cvmBlockHeight()),
        FakeAvs.bytes32("forged-dataset-" + t.cvmBlockHeight()),
        FakeAvs.bytes32("state-" + t.cvmBlockHeight()));
  }

  private final TaskComputer cvm = FakeAvs.honestCvm(cannotJudge);

  private Challenger challenger() {
    return new Challenger(
        new Challenger.Settings(0, Duration.ofSeconds(1)),
        chain,
        cvm,
        from -> evidence.get(),
        dir,
        scheduler,
        seen::add);
  }

  private String signature(BlsKeyPair k, TaskResponse r) {
    return "0x"
        + HexFormat.of()
            .formatHex(
                k.sign(TaskManagerAbi.responseDigest(FakeAvs.CHAIN_ID, FakeAvs.TASK_MANAGER, r))
                    .toBytes());
  }

  private Action only(Challenger c) {
    assertThat(c.actions()).hasSize(1);
    return c.actions().get(0);
  }

  @Test
  void aRightResponseIsCheckedAndLeftAlone() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, right(task));
    c.step();
    assertThat(c.totals().tasksChecked()).isEqualTo(1);
    assertThat(c.totals().mismatches()).isZero();
    assertThat(c.actions()).isEmpty();
    assertThat(chain.requests()).isEmpty();
  }

  @Test
  void aWrongLandedResponseIsChallengedAndFulfilledOnlyAfterTheVetoWindow() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, wrong(task));
    c.step();
    Action raised = only(c);
    assertThat(raised.kind()).isEqualTo(Action.Kind.WRONG_RESULT);
    assertThat(raised.status()).isEqualTo(Action.Status.RAISED);
    assertThat(chain.requests()).hasSize(1);
    long created = chain.requests().get(0).createdBlock();

    // Inside the veto window nothing is fulfilled (the fake would refuse it, as the contract does).
    chain.mine(created + chain.vetoWindowBlocks() - chain.currentBlock());
    c.step();
    assertThat(only(c).status()).isEqualTo(Action.Status.RAISED);
    assertThat(chain.slashed()).isEmpty();
    assertThat(chain.fulfilAttempts()).as("not even tried inside the window").isZero();

    chain.mine(1);
    c.step();
    assertThat(only(c).status()).isEqualTo(Action.Status.SLASHED);
    assertThat(chain.slashed()).containsExactly("wrong-result:" + task.taskIndex());
    assertThat(c.totals().challengesRaised()).isEqualTo(1);
    assertThat(c.totals().slashed()).isEqualTo(1);
    assertThat(c.open()).isEmpty();
    // The listener saw intent, raise and slash in that order.
    assertThat(seen.stream().map(Action::status))
        .containsExactly(Action.Status.INTENT, Action.Status.RAISED, Action.Status.SLASHED);

    // Later steps never challenge the same task again.
    c.step();
    assertThat(chain.requests()).hasSize(1);
  }

  @Test
  void aVetoedRequestIsNeverFulfilled() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, wrong(task));
    c.step();
    chain.veto(chain.requests().get(0).id());
    chain.mine(chain.vetoWindowBlocks() + 1);
    c.step();
    assertThat(only(c).status()).isEqualTo(Action.Status.VETOED);
    assertThat(chain.slashed()).isEmpty();
    assertThat(c.totals().vetoed()).isEqualTo(1);
  }

  @Test
  void aTaskItCannotJudgeIsNotChallenged() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    cannotJudge.add(task.taskIndex());
    chain.land(task, wrong(task));
    c.step();
    assertThat(c.actions()).isEmpty();
    assertThat(c.totals().tasksChecked()).isZero();
  }

  @Test
  void aSignatureOverAWrongResultIsChallengedAndARightDissentIsNot() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, right(task));
    BlsKeyPair liar = keys.get(2);
    BlsKeyPair honest = keys.get(1);
    evidence.set(
        new Evidence(
            List.of(
                new Evidence.Dissent(
                    task, FakeAvs.id(liar), wrong(task), signature(liar, wrong(task))),
                // A "dissent" that is in fact the right result: the dissenter is not challenged.
                new Evidence.Dissent(
                    task, FakeAvs.id(honest), right(task), signature(honest, right(task)))),
            List.of()));
    c.step();
    Action a = only(c);
    assertThat(a.kind()).isEqualTo(Action.Kind.WRONG_SIGNATURE);
    assertThat(a.operatorId()).isEqualTo(FakeAvs.id(liar));
    assertThat(a.status()).isEqualTo(Action.Status.RAISED);

    chain.mine(chain.vetoWindowBlocks() + 1);
    c.step();
    assertThat(only(c).status()).isEqualTo(Action.Status.SLASHED);
    assertThat(chain.slashed())
        .containsExactly("wrong-signature:" + task.taskIndex() + ":" + FakeAvs.id(liar));
  }

  @Test
  void evidenceForAnUnknownOperatorOrANonPointIsDropped() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, right(task));
    BlsKeyPair outsider = FakeAvs.key(42);
    evidence.set(
        new Evidence(
            List.of(
                new Evidence.Dissent(
                    task, FakeAvs.id(outsider), wrong(task), signature(outsider, wrong(task)))),
            List.of()));
    c.step();
    assertThat(only(c).status()).isEqualTo(Action.Status.FAILED);
    assertThat(only(c).detail()).startsWith("bad evidence: ");
    assertThat(chain.requests()).isEmpty();
  }

  @Test
  void anEquivocationIsSlashedOnce() {
    Challenger c = challenger();
    CvmTask task = chain.addTask(0, 66);
    BlsKeyPair k = keys.get(0);
    Evidence.Equivocation eq =
        new Evidence.Equivocation(
            task,
            FakeAvs.id(k),
            right(task),
            signature(k, right(task)),
            wrong(task),
            signature(k, wrong(task)));
    evidence.set(new Evidence(List.of(), List.of(eq)));
    c.step();
    c.step();
    assertThat(only(c).kind()).isEqualTo(Action.Kind.EQUIVOCATION);
    assertThat(only(c).status()).isEqualTo(Action.Status.SLASHED);
    assertThat(chain.slashed())
        .containsExactly("equivocation:" + task.taskIndex() + ":" + FakeAvs.id(k));
  }

  @Test
  void aRaiseWhoseReceiptWasLostIsFoundOnChainAfterARestartNotSentTwice() {
    Challenger first = challenger();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, wrong(task));
    chain.loseNextRaiseReceipt();
    first.step();
    assertThat(only(first).status()).as("sent, not recorded").isEqualTo(Action.Status.INTENT);
    assertThat(chain.requests()).hasSize(1);

    Challenger restarted = challenger(); // same data directory
    restarted.step();
    Action a = only(restarted);
    assertThat(a.status()).isEqualTo(Action.Status.RAISED);
    assertThat(a.requestId()).isEqualTo(chain.requests().get(0).id());
    assertThat(chain.requests()).as("one request, not two").hasSize(1);
    chain.mine(chain.vetoWindowBlocks() + 1);
    restarted.step();
    assertThat(only(restarted).status()).isEqualTo(Action.Status.SLASHED);
  }

  @Test
  void anRpcOutageIsRetriedAtTheNextTick() {
    Challenger c = challenger().start();
    CvmTask task = chain.addTask(0, 66);
    chain.land(task, wrong(task));
    chain.failReads(2);
    scheduler.runDue();
    assertThat(c.actions()).isEmpty();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(c.actions()).isEmpty();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(only(c).status()).isEqualTo(Action.Status.RAISED);
    assertThat(scheduler.failures()).as("the tick survives the outage").isEmpty();
    c.close();
    assertThat(scheduler.pending()).isZero();
  }
}
