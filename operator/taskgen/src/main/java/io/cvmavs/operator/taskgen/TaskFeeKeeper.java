package io.cvmavs.operator.taskgen;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.EventSpec;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.staking.StakingWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task generator's side of task fees (issue 21, {@code CvmTaskFees}): with a {@link Policy}
 * (the manuscript owner's fee: token, amount per task, where refunds go), every task the generator
 * creates gets its fee escrowed from the generator's account ({@link #chain} decorates the
 * generator's chain port), and {@link #step()} refunds the fees of tasks that passed their response
 * deadline unanswered. A failed escrow is retried by the next step while the task's deadline has
 * not passed; the escrow itself refuses a second fee for a task, and the step reads the chain's
 * {@code FeeEscrowed} / {@code FeeReleased} / {@code FeeRefunded} events first, so a restart
 * repeats nothing.
 */
public final class TaskFeeKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(TaskFeeKeeper.class);

  /**
   * @param amount per task, in the token's smallest unit (> 0)
   * @param refundCollector who gets a fee back when its task is not answered (the manuscript owner)
   */
  public record Policy(String token, BigInteger amount, String refundCollector) {
    public Policy {
      if (amount.signum() <= 0) {
        throw new IllegalArgumentException("task fee must be > 0, got " + amount);
      }
      token = token.toLowerCase(Locale.ROOT);
      refundCollector = refundCollector.toLowerCase(Locale.ROOT);
    }
  }

  /** What one step did. */
  public record Settled(int escrowed, int refunded) {}

  private final Policy policy;
  private final String payer;
  private final String escrow;
  private final RewardsReader reader;
  private final RewardsWriter writer;
  private final StakingWriter tokens;
  private final TaskManagerReader taskManager;
  private final long fromBlock;
  private final Map<Long, CvmTask> unescrowed = new LinkedHashMap<>();

  /**
   * @param payer the generator's account (sends the escrow and refund transactions)
   * @param escrow the {@code CvmTaskFees} address
   * @param tokens sends {@code approve} for the token from the payer's account
   * @param fromBlock the deployment block (first block of the event scans)
   */
  public TaskFeeKeeper(
      Policy policy,
      String payer,
      String escrow,
      RewardsReader reader,
      RewardsWriter writer,
      StakingWriter tokens,
      TaskManagerReader taskManager,
      long fromBlock) {
    this.policy = policy;
    this.payer = payer.toLowerCase(Locale.ROOT);
    this.escrow = escrow;
    this.reader = reader;
    this.writer = writer;
    this.tokens = tokens;
    this.taskManager = taskManager;
    this.fromBlock = fromBlock;
  }

  /** {@code inner}, escrowing the policy's fee for every task it creates. */
  public TaskGenerator.Chain chain(TaskGenerator.Chain inner) {
    return new TaskGenerator.Chain() {
      @Override
      public long blockNumber() {
        return inner.blockNumber();
      }

      @Override
      public List<CvmTask> newTasks(long from, long to) {
        return inner.newTasks(from, to);
      }

      @Override
      public boolean hasPendingTransactions() {
        return inner.hasPendingTransactions();
      }

      @Override
      public CvmTask createTask(
          long height, byte[] manuscriptHash, byte[] input, byte[] quorums, long percent) {
        CvmTask task = inner.createTask(height, manuscriptHash, input, quorums, percent);
        escrowFor(task);
        return task;
      }
    };
  }

  /** Escrows the fee of {@code task}; on failure the next {@link #step()} tries again. */
  public synchronized void escrowFor(CvmTask task) {
    try {
      if (reader.tokenAllowance(policy.token(), payer, escrow).compareTo(policy.amount()) < 0) {
        tokens.approve(policy.token(), escrow, policy.amount().multiply(BigInteger.valueOf(1000)));
      }
      writer.escrow(task, policy.token(), policy.amount(), policy.refundCollector());
      unescrowed.remove(task.taskIndex());
      LOG.info("task {}: fee {} escrowed", task.taskIndex(), policy.amount());
    } catch (ChainException e) {
      unescrowed.put(task.taskIndex(), task);
      LOG.warn("task {}: fee not escrowed ({}); retrying", task.taskIndex(), e.getMessage());
    }
  }

  /** Retries failed escrows still in time, then refunds every expired unanswered fee it paid. */
  public synchronized Settled step() {
    long head = taskManager.blockNumber();
    long window = taskManager.taskResponseWindowBlock();
    int escrowed = 0;
    for (CvmTask t : new ArrayList<>(unescrowed.values())) {
      if (head > t.taskCreatedBlock() + window) {
        unescrowed.remove(t.taskIndex());
        LOG.warn(
            "task {}: its response deadline passed before its fee was escrowed", t.taskIndex());
        continue;
      }
      escrowFor(t);
      escrowed += unescrowed.containsKey(t.taskIndex()) ? 0 : 1;
    }
    Set<Long> settled = new HashSet<>();
    for (EventSpec e : List.of(Events.FEE_RELEASED, Events.FEE_REFUNDED)) {
      reader
          .feeEvents(e, fromBlock, head)
          .forEach(v -> settled.add(((BigInteger) v.get("taskIndex")).longValueExact()));
    }
    int refunded = 0;
    for (Map<String, Object> v : reader.feeEvents(Events.FEE_ESCROWED, fromBlock, head)) {
      long index = ((BigInteger) v.get("taskIndex")).longValueExact();
      long deadline = ((BigInteger) v.get("deadlineBlock")).longValueExact();
      if (settled.contains(index)
          || !payer.equalsIgnoreCase(String.valueOf(v.get("payer")))
          || head <= deadline
          || taskManager.isResponded(index)) {
        continue;
      }
      Optional<CvmTask> task = taskManager.findTask(index, fromBlock);
      if (task.isEmpty()) {
        LOG.warn("task {}: its NewTaskCreated event is not found; fee not refunded", index);
        continue;
      }
      try {
        writer.refund(task.get());
        refunded++;
        LOG.info("task {}: unanswered by block {}, fee refunded", index, deadline);
      } catch (ChainException e) {
        LOG.warn("task {}: refund refused ({}); retrying", index, e.getMessage());
      }
    }
    return new Settled(escrowed, refunded);
  }
}
