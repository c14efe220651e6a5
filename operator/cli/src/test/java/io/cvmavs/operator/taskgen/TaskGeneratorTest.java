package io.cvmavs.operator.taskgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.operator.fakes.FakeAvs;
import io.cvmavs.operator.fakes.ManualClock;
import io.cvmavs.operator.fakes.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskGenerator} on the fake task manager ({@link FakeAvs}) with CVM block inputs made here
 * (each names its block's chain range), a manual clock and scheduler. No anvil; {@code
 * TaskGeneratorIT} runs it against the contracts with the real CVM.
 */
class TaskGeneratorTest {
  private static final byte[] MANUSCRIPT = FakeAvs.bytes32("manuscript");
  private static final long GENESIS = 200;
  private static final long SPAN = 10;
  private final FakeAvs chain = new FakeAvs(List.of(FakeAvs.key(1)), 100);
  private final ManualClock clock = new ManualClock();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<TaskGenerator.Created> created = new ArrayList<>();
  private final List<Long> built = new ArrayList<>();

  private InputCommitment input(long height) {
    built.add(height);
    long from = GENESIS + height * SPAN;
    return new InputCommitment("eth", from, from + SPAN - 1, FakeAvs.bytes32("src-" + height));
  }

  private TaskGenerator generator(long confirmations, OptionalLong maxTasks) {
    return new TaskGenerator(
        new TaskGenerator.Settings(
            MANUSCRIPT,
            new byte[] {0},
            66,
            GENESIS,
            SPAN,
            confirmations,
            0,
            Duration.ofSeconds(1),
            maxTasks),
        chain,
        this::input,
        scheduler,
        created::add,
        clock::millis);
  }

  /** Mines until the head is {@code block}. */
  private void mineTo(long block) {
    chain.mine(block - chain.currentBlock());
  }

  @Test
  void aBlockIsTaskedOnlyOnceItsRangeEndedAndIsConfirmed() {
    TaskGenerator g = generator(2, OptionalLong.empty());
    g.start();
    assertThat(g.nextHeight()).isZero();
    assertThat(g.rangeEnd(0)).isEqualTo(GENESIS + SPAN - 1);
    mineTo(g.rangeEnd(0) + 1); // one confirmation of two
    assertThat(g.step()).isZero();
    assertThat(built).as("an unfinished block is not even built").isEmpty();

    mineTo(g.rangeEnd(0) + 2);
    clock.advance(Duration.ofSeconds(7));
    assertThat(g.step()).isEqualTo(1);
    CvmTask task = chain.tasks().get(0);
    assertThat(task.cvmBlockHeight()).isZero();
    assertThat(task.manuscriptHash()).isEqualTo(MANUSCRIPT);
    assertThat(task.quorumThresholdPercentage()).isEqualTo(66);
    assertThat(task.inputCommitment()).isEqualTo(CvmTaskComputer.inputCommitmentHash(input(0)));
    assertThat(created).hasSize(1);
    assertThat(created.get(0).createdAtMillis()).isEqualTo(clock.millis());
    assertThat(g.step()).as("never twice").isZero();
  }

  @Test
  void everyFinishedBlockIsTaskedInOrderUpToTheLimit() {
    TaskGenerator g = generator(0, OptionalLong.of(3));
    g.start();
    mineTo(g.rangeEnd(4));
    assertThat(g.step()).isEqualTo(3);
    assertThat(chain.tasks()).extracting(CvmTask::cvmBlockHeight).containsExactly(0L, 1L, 2L);
    mineTo(g.rangeEnd(9));
    assertThat(g.step()).as("limit reached").isZero();
    assertThat(g.created()).isEqualTo(3);
  }

  @Test
  void aRestartContinuesAfterTheHighestHeightOnChainForItsManuscript() {
    mineTo(GENESIS + 5 * SPAN);
    chain.createTask(0, MANUSCRIPT, FakeAvs.bytes32("i0"), new byte[] {0}, 66);
    chain.createTask(1, MANUSCRIPT, FakeAvs.bytes32("i1"), new byte[] {0}, 66);
    chain.createTask(
        40, FakeAvs.bytes32("other manuscript"), FakeAvs.bytes32("x"), new byte[] {0}, 66);
    TaskGenerator g = generator(0, OptionalLong.empty());
    g.start();
    assertThat(g.nextHeight()).isEqualTo(2);
    g.step();
    assertThat(chain.tasks())
        .filteredOn(t -> java.util.Arrays.equals(t.manuscriptHash(), MANUSCRIPT))
        .extracting(CvmTask::cvmBlockHeight)
        .containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void aCreateWhoseReceiptWasLostIsNotRepeatedOnceThePoolHasSettled() {
    TaskGenerator g = generator(0, OptionalLong.empty());
    g.start();
    mineTo(g.rangeEnd(0));
    chain.loseNextCreateReceipt();
    chain.pending(true);
    try {
      g.step();
    } catch (RuntimeException expected) {
      assertThat(expected).hasMessageContaining("not received");
    }
    assertThat(chain.tasks()).hasSize(1);
    assertThat(g.step()).as("a transaction is pending: wait").isZero();
    chain.pending(false);
    mineTo(g.rangeEnd(1));
    assertThat(g.step()).isEqualTo(1);
    assertThat(chain.tasks()).extracting(CvmTask::cvmBlockHeight).containsExactly(0L, 1L);
  }

  @Test
  void theTickSurvivesAnRpcOutageAndSkipsNoHeight() {
    TaskGenerator g = generator(0, OptionalLong.empty());
    g.start();
    mineTo(g.rangeEnd(1));
    chain.failReads(2);
    scheduler.runDue();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(chain.tasks()).isEmpty();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(chain.tasks()).extracting(CvmTask::cvmBlockHeight).containsExactly(0L, 1L);
    assertThat(scheduler.failures()).isEmpty();
    g.close();
    assertThat(scheduler.pending()).isZero();
  }
}
