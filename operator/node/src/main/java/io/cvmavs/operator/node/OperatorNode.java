package io.cvmavs.operator.node;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.cvm.task.TaskRefusedException;
import io.cvmavs.operator.aggregatorapi.AggregatorClient;
import io.cvmavs.operator.aggregatorapi.SignatureDelivery;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.cvmavs.operator.signer.AttestationRequest;
import io.cvmavs.operator.signer.AttestationSigner;
import io.cvmavs.operator.signer.SlashingProtectionException;
import io.reactivex.disposables.Disposable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.websocket.WebSocketService;

/**
 * The operator node: learns of tasks from {@code NewTaskCreated} (a WebSocket subscription for low
 * latency, and an {@code eth_getLogs} backfill from the last processed block, persisted, that runs
 * at start and every {@code pollInterval} — so a dropped subscription or a restart never loses a
 * task), re-computes each task with its own CVM ({@link TaskComputer}), signs only its own result
 * through the (slashing-protected) signer, and sends the signature to the aggregator. The cursor
 * only moves past a block once every task in it has a final outcome.
 */
public final class OperatorNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorNode.class);

  /** Task-manager reads the node needs (STYLE 5). */
  public interface TaskEvents {
    List<CvmTask> newTasks(long fromBlock, long toBlock);

    long blockNumber();

    boolean isResponded(long taskIndex);
  }

  /**
   * @param wsUrl empty: no subscription, backfill polling only
   * @param startBlock the first block to scan when no cursor is stored (the deployment block)
   * @param responseWindowBlocks the task manager's response window: a task still unanswered after
   *     it is given up (final outcome {@code expired}), so the cursor can move on
   * @param reconnectDelay the first WebSocket reconnect's delay; later ones double (with jitter) up
   *     to {@link #MAX_RECONNECT_DELAY}
   */
  public record Settings(
      String name,
      long chainId,
      String taskManager,
      Optional<URI> wsUrl,
      long startBlock,
      long responseWindowBlocks,
      Duration pollInterval,
      Duration reconnectDelay) {}

  /** The longest wait between two WebSocket reconnect attempts. */
  public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

  /** A task's final outcome at this node. */
  public record Outcome(long taskIndex, String outcome, String detail) {}

  private final Settings settings;
  private final TaskEvents events;
  private final TaskComputer computer;
  private final AttestationSigner signer;
  private final SignatureDelivery aggregator;
  private final NodeStateStore store;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final LongSupplier millis;
  private final Map<Long, Boolean> inFlight = new ConcurrentHashMap<>();
  private final Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile Disposable subscription;
  private volatile WebSocketService webSocket;
  private volatile CvmAvsMetrics metrics = CvmAvsMetrics.disabled();
  private volatile Outcome lastSigning;
  private final Backoff backoff;
  private final Outage rpcOutage;
  private final Outage wsOutage;
  private final java.util.concurrent.atomic.AtomicInteger subscribeAttempts =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean reconnectPending =
      new java.util.concurrent.atomic.AtomicBoolean();
  private int failedReconnects;

  /** Outcomes by which this node declined to sign a task it re-executed or tried to deliver. */
  public static final java.util.Set<String> REFUSALS =
      java.util.Set.of(
          "mismatch",
          "refused-manuscript",
          "refused-manuscript-unregistered",
          "refused-manuscript-revoked",
          "refused-manuscript-fetch",
          "refused-manuscript-hash",
          "refused-slashing-protection",
          "refused-by-aggregator");

  public OperatorNode(
      Settings settings,
      TaskEvents events,
      TaskComputer computer,
      AttestationSigner signer,
      SignatureDelivery aggregator,
      Path dataDirectory,
      ScheduledExecutorService scheduler,
      ExecutorService workers,
      LongSupplier millis) {
    this.settings = settings;
    this.events = events;
    this.computer = computer;
    this.signer = signer;
    this.aggregator = aggregator;
    this.store = new NodeStateStore(dataDirectory);
    this.scheduler = scheduler;
    this.workers = workers;
    this.millis = millis;
    this.backoff =
        Backoff.of(
            settings.reconnectDelay(),
            MAX_RECONNECT_DELAY.compareTo(settings.reconnectDelay()) < 0
                ? settings.reconnectDelay()
                : MAX_RECONNECT_DELAY);
    this.rpcOutage = new Outage(LOG, settings.name(), "Ethereum RPC (task backfill)", millis);
    this.wsOutage =
        new Outage(
            LOG,
            settings.name(),
            "WebSocket "
                + settings
                    .wsUrl()
                    .map(u -> OperatorConfigLoader.redact(u.toString()))
                    .orElse("(none)"),
            millis);
  }

  /** WebSocket connection attempts so far (the first subscription included). */
  public int subscribeAttempts() {
    return subscribeAttempts.get();
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::backfillSafely, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    settings.wsUrl().ifPresent(url -> scheduler.execute(() -> subscribe(url)));
    LOG.info("[{}] node started (operator {})", settings.name(), signer.operatorId());
  }

  /** Reports task counts and latencies to {@code m} (default: nowhere). */
  public OperatorNode metrics(CvmAvsMetrics m) {
    this.metrics = m;
    return this;
  }

  /** True while the {@code NewTaskCreated} WebSocket subscription is open. */
  public boolean subscriptionLive() {
    Disposable s = subscription;
    return s != null && !s.isDisposed();
  }

  public Map<Long, Outcome> outcomes() {
    return Map.copyOf(outcomes);
  }

  /**
   * The last task this node either signed or refused ({@link #REFUSALS}); tasks found already
   * answered or expired do not count. The node API's {@code signing} health follows it.
   */
  public Optional<Outcome> lastSigningOutcome() {
    return Optional.ofNullable(lastSigning);
  }

  public Optional<Long> lastProcessedBlock() {
    var c = store.lastProcessedBlock();
    return c.isPresent() ? Optional.of(c.getAsLong()) : Optional.empty();
  }

  // ------------------------------------------------------------------ task discovery

  private void backfillSafely() {
    if (closed) {
      return;
    }
    try {
      backfill();
      rpcOutage.recovered();
    } catch (RuntimeException e) {
      rpcOutage.failed(e);
    }
  }

  private void backfill() {
    long from = store.lastProcessedBlock().orElse(settings.startBlock() - 1) + 1;
    long head = events.blockNumber();
    if (head < from) {
      return;
    }
    List<CvmTask> tasks = events.newTasks(from, head);
    boolean allFinal = true;
    for (CvmTask t : tasks) {
      if (!outcomes.containsKey(t.taskIndex())) {
        allFinal = false;
        handle(t);
      }
    }
    if (allFinal) {
      store.setLastProcessedBlock(head);
    }
  }

  private void subscribe(URI url) {
    if (closed) {
      return;
    }
    reconnectPending.set(false);
    subscribeAttempts.incrementAndGet();
    try {
      WebSocketService ws = new WebSocketService(url.toString(), false);
      webSocket = ws;
      ws.connect();
      subscription =
          Web3j.build(ws)
              .logsNotifications(
                  List.of(settings.taskManager()), List.of(TaskManagerAbi.NEW_TASK_CREATED_TOPIC))
              .subscribe(
                  n ->
                      handle(TaskManagerAbi.decodeNewTaskCreated(toLog(n.getParams().getResult()))),
                  e -> reconnectFrom(ws, url, e),
                  () ->
                      reconnectFrom(ws, url, new IllegalStateException("subscription completed")));
      synchronized (this) {
        failedReconnects = 0;
      }
      if (wsOutage.ongoing()) {
        wsOutage.recovered();
      } else {
        LOG.info(
            "[{}] subscribed to NewTaskCreated over {}",
            settings.name(),
            OperatorConfigLoader.redact(url.toString()));
      }
      // Tasks created while the subscription was being (re)established reach no subscriber: scan
      // for them now instead of waiting for the next periodic backfill.
      scheduler.execute(this::backfillSafely);
    } catch (Exception e) {
      reconnect(url, e);
    }
  }

  /** A callback of socket {@code ws}: a late one from a socket already replaced is ignored. */
  private void reconnectFrom(WebSocketService ws, URI url, Throwable cause) {
    if (webSocket == ws) {
      reconnect(url, cause);
    }
  }

  /**
   * The subscription failed or the connection did not open: one reconnect is scheduled after the
   * backoff (exponential, with jitter), however many callbacks report the same loss. Each attempt
   * also starts a backfill over HTTP, so tasks created meanwhile are not missed.
   */
  private void reconnect(URI url, Throwable cause) {
    if (closed || !reconnectPending.compareAndSet(false, true)) {
      return;
    }
    WebSocketService ws = webSocket;
    if (ws != null) {
      try {
        ws.close();
      } catch (RuntimeException e) {
        LOG.debug("[{}] closing the lost WebSocket: {}", settings.name(), e.toString());
      }
    }
    int attempt;
    synchronized (this) {
      attempt = ++failedReconnects;
    }
    Duration delay = backoff.delay(attempt);
    wsOutage.failed(cause);
    // Tasks created while the socket is down reach no subscriber: each attempt also scans for them
    // over HTTP (quiet while the RPC itself is down, see rpcOutage).
    scheduler.execute(this::backfillSafely);
    LOG.debug("[{}] WebSocket reconnect attempt {} in {}", settings.name(), attempt, delay);
    try {
      scheduler.schedule(() -> subscribe(url), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      reconnectPending.set(false);
    }
  }

  private static Log toLog(org.web3j.protocol.websocket.events.Log l) {
    Log log = new Log();
    log.setAddress(l.getAddress());
    log.setTopics(l.getTopics());
    log.setData(l.getData());
    log.setBlockNumber(l.getBlockNumber());
    log.setTransactionHash(l.getTransactionHash());
    log.setLogIndex(l.getLogIndex());
    return log;
  }

  // ------------------------------------------------------------------ one task

  private void handle(CvmTask task) {
    if (outcomes.containsKey(task.taskIndex())
        || inFlight.putIfAbsent(task.taskIndex(), Boolean.TRUE) != null) {
      return;
    }
    metrics.taskReceived(task.taskIndex());
    workers.execute(() -> process(task));
  }

  private void process(CvmTask task) {
    long started = millis.getAsLong();
    long index = task.taskIndex();
    try {
      if (events.isResponded(index)) {
        finish(task, "already-responded", "the task has a response on chain", started);
        return;
      }
      if (events.blockNumber() >= task.taskCreatedBlock() + settings.responseWindowBlocks()) {
        finish(
            task,
            "expired",
            "response window ended at block "
                + (task.taskCreatedBlock() + settings.responseWindowBlocks()),
            started);
        return;
      }
      TaskResponse response = CvmTasks.response(computer.compute(CvmTasks.input(task)));
      G1Point signature =
          signer.sign(AttestationRequest.of(settings.chainId(), settings.taskManager(), response));
      AggregatorClient.Answer answer =
          aggregator.submit(index, response, signer.operatorId(), signature);
      if (answer.accepted()) {
        finish(task, "signed", "accepted (" + answer.signers() + " signer(s))", started);
      } else if (answer.code() == 4007) {
        finish(task, "signed", "already delivered: " + answer.message(), started);
      } else {
        finish(task, "refused-by-aggregator", answer.code() + ": " + answer.message(), started);
      }
    } catch (TaskRefusedException e) {
      // Not ours to sign: a foreign input or manuscript ("mismatch"), or a configured manuscript
      // this node cannot attest ("refused-manuscript"). Recorded in the journal and the metrics.
      LOG.warn("[{}] not signing task {}: {}", settings.name(), index, e.getMessage());
      finish(task, refusalOutcome(e), e.getMessage(), started);
    } catch (SlashingProtectionException e) {
      LOG.error(
          "[{}] slashing protection refused task {}: {}", settings.name(), index, e.getMessage());
      finish(task, "refused-slashing-protection", e.getMessage(), started);
    } catch (RuntimeException e) {
      // Transient (RPC, ingestion, aggregator down): the next backfill tries again. During an RPC
      // outage that is expected and already reported once.
      if (rpcOutage.ongoing()) {
        LOG.debug(
            "[{}] task {} failed, will retry: {}", settings.name(), index, Outage.describe(e));
      } else {
        LOG.warn("[{}] task {} failed, will retry: {}", settings.name(), index, Outage.describe(e));
      }
    } finally {
      inFlight.remove(index);
    }
  }

  /** The journal and metrics outcome of a refusal by the CVM. */
  static String refusalOutcome(TaskRefusedException e) {
    return switch (e.reason()) {
      case UNRUNNABLE_MANUSCRIPT -> "refused-manuscript";
      // The manuscript registry (issue 14): see ManuscriptResolver.
      case UNREGISTERED_MANUSCRIPT -> "refused-manuscript-unregistered";
      case REVOKED_MANUSCRIPT -> "refused-manuscript-revoked";
      case MANUSCRIPT_FETCH_FAILED -> "refused-manuscript-fetch";
      case MANUSCRIPT_HASH_MISMATCH -> "refused-manuscript-hash";
      case UNKNOWN_MANUSCRIPT, INPUT_MISMATCH -> "mismatch";
    };
  }

  private void finish(CvmTask task, String outcome, String detail, long started) {
    Outcome o = new Outcome(task.taskIndex(), outcome, detail);
    outcomes.put(task.taskIndex(), o);
    if (outcome.equals("signed") || REFUSALS.contains(outcome)) {
      lastSigning = o;
    }
    metrics.taskOutcome(task.taskIndex(), outcome);
    store.recordOutcome(task.taskIndex(), outcome, detail, millis.getAsLong() - started);
    LOG.info("[{}] task {}: {} ({})", settings.name(), task.taskIndex(), outcome, detail);
  }

  @Override
  public void close() {
    closed = true;
    Disposable s = subscription;
    if (s != null) {
      s.dispose();
    }
    WebSocketService ws = webSocket;
    if (ws != null) {
      ws.close();
    }
  }
}
