package io.cvmavs.operator.taskgen;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.cvm.CvmException;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.task.CvmTaskComputer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AVS side of task generation: when the CVM has finished a block — the chain head is {@code
 * confirmations} blocks past the last chain block of its range — it creates the on-chain task that
 * references it (CVM block height, manuscript hash, input commitment).
 *
 * <p>Its progress lives on chain, not in a file: at start it reads the {@code NewTaskCreated}
 * events since {@code startBlock} and continues after the highest CVM block height already tasked
 * for its manuscript, so a restart (or a second instance started by mistake after the first one
 * stopped) never creates a second task for a height. One generator per manuscript and task
 * generator key is the supported deployment; the task manager accepts tasks only from its task
 * generator role.
 *
 * <p>Runs on the injected scheduler every {@code pollInterval}; a failed step (RPC down, a
 * transaction refused) is logged and retried on the next tick, never skipping a height.
 */
public final class TaskGenerator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskGenerator.class);

  /**
   * @param maxTasks stop after creating this many tasks in this run (empty: run forever)
   */
  public record Settings(
      byte[] manuscriptHash,
      byte[] quorumNumbers,
      long thresholdPercent,
      long genesisBlock,
      long span,
      long confirmations,
      long startBlock,
      Duration pollInterval,
      OptionalLong maxTasks) {
    public Settings {
      if (manuscriptHash.length != 32) {
        throw new IllegalArgumentException(
            "manuscriptHash must be 32 bytes, got " + manuscriptHash.length);
      }
      manuscriptHash = manuscriptHash.clone();
      quorumNumbers = quorumNumbers.clone();
      if (span < 1) {
        throw new IllegalArgumentException("span must be at least 1 chain block, got " + span);
      }
      if (thresholdPercent < 1 || thresholdPercent > 100) {
        throw new IllegalArgumentException(
            "thresholdPercent must be in 1..100, got " + thresholdPercent);
      }
      if (confirmations < 0) {
        throw new IllegalArgumentException("confirmations must be >= 0, got " + confirmations);
      }
    }

    @Override
    public byte[] manuscriptHash() {
      return manuscriptHash.clone();
    }

    @Override
    public byte[] quorumNumbers() {
      return quorumNumbers.clone();
    }
  }

  /** What the generator needs of the chain (STYLE 5: a port, so tests can drive it). */
  public interface Chain {
    long blockNumber();

    List<CvmTask> newTasks(long fromBlock, long toBlock);

    /** A transaction of the task generator's account is still in the pool. */
    boolean hasPendingTransactions();

    CvmTask createTask(
        long height,
        byte[] manuscriptHash,
        byte[] inputCommitment,
        byte[] quorumNumbers,
        long thresholdPercent);

    /** The port on the task manager, sending from {@code tx}'s account. */
    static Chain of(Transactor tx, String taskManager) {
      TaskManagerReader reader = new TaskManagerReader(tx, taskManager);
      TaskManagerWriter writer = new TaskManagerWriter(tx, taskManager);
      return new Chain() {
        @Override
        public long blockNumber() {
          return reader.blockNumber();
        }

        @Override
        public List<CvmTask> newTasks(long fromBlock, long toBlock) {
          return reader.newTasks(fromBlock, toBlock);
        }

        @Override
        public boolean hasPendingTransactions() {
          return tx.hasPending();
        }

        @Override
        public CvmTask createTask(
            long height, byte[] m, byte[] input, byte[] quorums, long percent) {
          return writer.createTask(height, m, input, quorums, percent);
        }
      };
    }
  }

  /**
   * The inputs of the CVM blocks the generator tasks (STYLE 5: a port; {@link
   * CvmTaskComputer#input} is it).
   */
  @FunctionalInterface
  public interface Inputs {
    /** The input commitment of CVM block {@code height} (its chain range and source data). */
    InputCommitment input(long height);
  }

  /**
   * One created task and the input of the CVM block it references (the generator commits to the
   * input only; the operators compute the result).
   */
  public record Created(CvmTask task, InputCommitment input, long createdAtMillis) {}

  private final Settings settings;
  private final Chain chain;
  private final Inputs cvm;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Created> listener;
  private final java.util.function.LongSupplier clock;
  private long nextHeight = -1;
  private long created;
  private volatile ScheduledFuture<?> tick;

  public TaskGenerator(
      Settings settings,
      Chain chain,
      CvmTaskComputer cvm,
      ScheduledExecutorService scheduler,
      Consumer<Created> listener) {
    this(settings, chain, cvm::input, scheduler, listener, System::currentTimeMillis);
  }

  /**
   * @param clock milliseconds for {@link Created#createdAtMillis()}
   */
  public TaskGenerator(
      Settings settings,
      Chain chain,
      CvmTaskComputer cvm,
      ScheduledExecutorService scheduler,
      Consumer<Created> listener,
      java.util.function.LongSupplier clock) {
    this(settings, chain, cvm::input, scheduler, listener, clock);
  }

  /**
   * @param cvm the inputs of the CVM blocks to task
   * @param clock milliseconds for {@link Created#createdAtMillis()}
   */
  public TaskGenerator(
      Settings settings,
      Chain chain,
      Inputs cvm,
      ScheduledExecutorService scheduler,
      Consumer<Created> listener,
      java.util.function.LongSupplier clock) {
    this.settings = settings;
    this.chain = chain;
    this.cvm = cvm;
    this.scheduler = scheduler;
    this.listener = listener;
    this.clock = clock;
  }

  /** Finds where the chain says tasking stopped and starts the periodic step. */
  public synchronized TaskGenerator start() {
    nextHeight = resumeHeight();
    LOG.info("task generator starts at CVM block {}", nextHeight);
    tick =
        scheduler.scheduleWithFixedDelay(
            this::safeStep, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The next CVM block height this generator will task. */
  public synchronized long nextHeight() {
    return nextHeight;
  }

  /** Tasks created by this run. */
  public synchronized long created() {
    return created;
  }

  /** The last chain block of CVM block {@code height}. */
  public long rangeEnd(long height) {
    return settings.genesisBlock() + (height + 1) * settings.span() - 1;
  }

  private long resumeHeight() {
    long head = chain.blockNumber();
    long highest = -1;
    for (CvmTask t : chain.newTasks(settings.startBlock(), head)) {
      if (Arrays.equals(t.manuscriptHash(), settings.manuscriptHash())) {
        highest = Math.max(highest, t.cvmBlockHeight());
      }
    }
    return highest + 1;
  }

  private void safeStep() {
    try {
      step();
    } catch (ChainException | CvmException e) {
      LOG.warn("task generator: {} (retrying at the next tick)", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("task generator step failed (retrying at the next tick)", e);
    }
  }

  /**
   * Creates the tasks for every CVM block that is finished and not yet tasked; returns how many.
   */
  public synchronized int step() {
    if (nextHeight < 0) {
      // After a failed or unconfirmed createTask: the chain is the record, but only once nothing
      // of ours is in flight (a pending createTask may still land and would be repeated).
      if (chain.hasPendingTransactions()) {
        LOG.info("task generator: a transaction is still pending; waiting before resuming");
        return 0;
      }
      nextHeight = resumeHeight();
    }
    int made = 0;
    long head = chain.blockNumber();
    while (!done() && head >= rangeEnd(nextHeight) + settings.confirmations()) {
      InputCommitment input = cvm.input(nextHeight);
      CvmTask task;
      try {
        task =
            chain.createTask(
                nextHeight,
                settings.manuscriptHash(),
                CvmTaskComputer.inputCommitmentHash(input),
                settings.quorumNumbers(),
                settings.thresholdPercent());
      } catch (RuntimeException e) {
        nextHeight = -1; // re-read from chain (after any pending transaction settled)
        throw e;
      }
      long at = clock.getAsLong();
      LOG.info(
          "task {} created for CVM block {} (chain blocks {}..{})",
          task.taskIndex(),
          nextHeight,
          input.fromBlock(),
          input.toBlock());
      nextHeight++;
      created++;
      made++;
      listener.accept(new Created(task, input, at));
    }
    return made;
  }

  private boolean done() {
    return settings.maxTasks().isPresent() && created >= settings.maxTasks().getAsLong();
  }

  @Override
  public void close() {
    ScheduledFuture<?> t = tick;
    if (t != null) {
      t.cancel(false);
    }
  }
}
