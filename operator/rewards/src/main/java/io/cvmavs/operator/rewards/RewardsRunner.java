package io.cvmavs.operator.rewards;

import io.cvmavs.chain.abi.EventSpec;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.operator.monitor.MonitorChain;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The periodic rewards submitter (and, on the devnet, root poster) behind {@code cvm-avs rewards
 * run}. One {@link #step()} settles at most one period:
 *
 * <ol>
 *   <li>releases the escrowed fees of responded tasks to the reward pool (the service manager;
 *       anyone may call {@code release});
 *   <li>reads the chain first: the submissions this AVS already made for the operator set and token
 *       since the persisted scan block, so the last submitted period's end comes from the chain
 *       even when the process died between sending a submission and recording it;
 *   <li>takes the longest period the coordinator accepts after that end ({@link RewardPeriod});
 *   <li>splits the service manager's whole token balance (the released fees not submitted yet, plus
 *       any emission sent to it) by signed stake over the period's responded tasks ({@link
 *       SignedTasks}, {@link RewardSplit}); operators slashed by the task manager (equivocation or
 *       a wrong result) at or after the period's start are excluded;
 *   <li>sends the submission through the service manager, then persists the progress
 *       (write-then-rename);
 *   <li>with {@code postRoots} (devnet: the account is the coordinator's rewards updater) posts the
 *       root of all submissions with the {@link LocalRootPoster} when the coordinator's calculation
 *       end is behind the last period.
 * </ol>
 *
 * A period with nothing to pay (no responded task, or an empty pool) is recorded as settled without
 * a submission; the pool carries over to the next one. While a transaction of the runner's account
 * is still pending the step waits, as the task generator does (a pending submission would otherwise
 * be sent again).
 */
public final class RewardsRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RewardsRunner.class);

  /**
   * @param fromBlock the deployment block (first block of every scan)
   * @param postRoots also post distribution roots (devnet: the account is the rewards updater)
   */
  public record Settings(
      long operatorSetId,
      String token,
      List<RewardsSubmission.StrategyMultiplier> strategies,
      long fromBlock,
      boolean postRoots) {
    public Settings {
      token = token.toLowerCase(Locale.ROOT);
      strategies = List.copyOf(strategies);
    }
  }

  /** What one step did. */
  public record Outcome(
      Optional<RewardPeriod> period,
      Optional<RewardsSubmission> submitted,
      int feesReleased,
      Optional<LocalRootPoster.Posted> root) {}

  private final RpcClient rpc;
  private final RewardsContracts at;
  private final RewardsReader reader;
  private final RewardsWriter writer;
  private final MonitorChain chain;
  private final TaskManagerReader taskManager;
  private final Settings settings;
  private final Path progressFile;
  private final BooleanSupplier pending;

  /**
   * @param pending whether a transaction of the writer's account is still in the pool
   */
  public RewardsRunner(
      RpcClient rpc,
      RewardsContracts at,
      RewardsWriter writer,
      MonitorChain chain,
      TaskManagerReader taskManager,
      Settings settings,
      Path progressFile,
      BooleanSupplier pending) {
    this.rpc = rpc;
    this.at = at;
    this.reader = new RewardsReader(rpc, at);
    this.writer = writer;
    this.chain = chain;
    this.taskManager = taskManager;
    this.settings = settings;
    this.progressFile = progressFile;
    this.pending = pending;
  }

  public Path progressFile() {
    return progressFile;
  }

  public synchronized Outcome step() {
    if (pending.getAsBoolean()) {
      LOG.info("rewards: a transaction is still pending; waiting before the next step");
      return new Outcome(Optional.empty(), Optional.empty(), 0, Optional.empty());
    }
    long head = reader.head();
    RewardsProgress progress = loadProgress(head);
    int released = releaseResponded(head);

    long lastEnd = progress.lastPeriodEnd();
    for (RewardsReader.Submitted s :
        reader.submissions(at.serviceManager(), progress.nextScanBlock(), head)) {
      if (s.operatorSetId() == settings.operatorSetId()
          && s.submission().token().equalsIgnoreCase(settings.token())) {
        lastEnd = Math.max(lastEnd, s.submission().startTimestamp() + s.submission().duration());
      }
    }
    long now = chain.blockTimestamp(head);
    Optional<RewardPeriod> period = RewardPeriod.latestComplete(now, reader.rules(), lastEnd);
    Optional<RewardsSubmission> sent = Optional.empty();
    if (period.isPresent()) {
      RewardPeriod p = period.get();
      BigInteger pool = reader.tokenBalance(settings.token(), at.serviceManager());
      List<SignedTask> tasks =
          SignedTasks.fromChain(chain, taskManager, settings.fromBlock(), head);
      Set<String> excluded = slashedSince(p.start(), head);
      RewardsSubmitter submitter =
          new RewardsSubmitter(
              writer, settings.operatorSetId(), settings.token(), settings.strategies());
      sent = submitter.submit(p, pool, tasks, excluded);
      if (sent.isPresent()) {
        LOG.info(
            "rewards: submitted {} to {} operators for [{}, {}) (excluded: {})",
            sent.get().total(),
            sent.get().rewards().size(),
            p.start(),
            p.end(),
            excluded);
      } else {
        LOG.info(
            "rewards: nothing to pay for [{}, {}) (pool {}, {} responded tasks); the pool carries"
                + " over",
            p.start(),
            p.end(),
            pool,
            tasks.stream().filter(t -> p.contains(t.respondedTimestamp())).count());
      }
      lastEnd = p.end();
    }
    new RewardsProgress(chain.chainId(), at.serviceManager(), lastEnd, head + 1).save(progressFile);

    Optional<LocalRootPoster.Posted> root = Optional.empty();
    if (settings.postRoots()
        && lastEnd > 0
        && reader.currRewardsCalculationEndTimestamp() < lastEnd) {
      root =
          new LocalRootPoster(reader, writer, at.serviceManager(), settings.fromBlock())
              .post(lastEnd);
      root.ifPresent(
          r ->
              LOG.info(
                  "rewards: root {} posted, covering up to {}", r.rootIndex(), r.calculationEnd()));
    }
    return new Outcome(period, sent, released, root);
  }

  private RewardsProgress loadProgress(long head) {
    Optional<RewardsProgress> saved = RewardsProgress.load(progressFile);
    if (saved.isEmpty()) {
      // First run: periods start at the interval boundary at or before the deployment (nothing
      // before it can be owed; rounding up would drop the first tasks).
      long interval = reader.rules().calculationIntervalSeconds();
      return new RewardsProgress(
          chain.chainId(),
          at.serviceManager(),
          RewardPeriod.floorTo(chain.blockTimestamp(settings.fromBlock()), interval),
          settings.fromBlock());
    }
    RewardsProgress p = saved.get();
    if (p.chainId() != chain.chainId()
        || !p.serviceManager().equalsIgnoreCase(at.serviceManager())) {
      throw new RewardsException(
          progressFile
              + " belongs to chain "
              + p.chainId()
              + " and service manager "
              + p.serviceManager()
              + ", not chain "
              + chain.chainId()
              + " and "
              + at.serviceManager().toLowerCase(Locale.ROOT));
    }
    if (p.nextScanBlock() > head + 1) {
      throw new RewardsException(
          progressFile
              + " was written at block "
              + (p.nextScanBlock() - 1)
              + " but the chain head is "
              + head
              + " (a reset chain? delete the file to start over)");
    }
    return p;
  }

  /** Releases every held fee whose task has a response; returns how many. */
  private int releaseResponded(long head) {
    Set<Long> settled = new HashSet<>();
    for (EventSpec e : List.of(Events.FEE_RELEASED, Events.FEE_REFUNDED)) {
      reader
          .feeEvents(e, settings.fromBlock(), head)
          .forEach(v -> settled.add(((BigInteger) v.get("taskIndex")).longValueExact()));
    }
    int released = 0;
    for (Map<String, Object> v :
        reader.feeEvents(Events.FEE_ESCROWED, settings.fromBlock(), head)) {
      long task = ((BigInteger) v.get("taskIndex")).longValueExact();
      if (!settled.contains(task) && taskManager.isResponded(task)) {
        writer.release(task);
        released++;
      }
    }
    return released;
  }

  /**
   * Operators the task manager slashed (equivocation, wrong result) in blocks at or after {@code
   * start}.
   */
  private Set<String> slashedSince(long startSeconds, long head) {
    Set<String> out = new HashSet<>();
    for (EventSpec e :
        List.of(Events.EQUIVOCATION_SLASHED, Events.OPERATOR_SLASHED_FOR_WRONG_RESULT)) {
      for (Log log :
          rpc.logs()
              .logs(
                  LogScanner.Query.of(e.name(), taskManager.address(), e.topic()),
                  settings.fromBlock(),
                  head)) {
        if (chain.blockTimestamp(log.getBlockNumber().longValueExact()) >= startSeconds) {
          out.add(String.valueOf(e.decode(log).get("operator")).toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }
}
