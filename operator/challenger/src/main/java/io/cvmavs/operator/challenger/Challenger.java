package io.cvmavs.operator.challenger;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.cvm.CvmException;
import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.cvm.task.TaskRefusedException;
import io.cvmavs.operator.aggregatorapi.AggregatorClient;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The challenger: re-executes every responded task with its own CVM and, on a mismatch, raises the
 * wrong-result challenge; re-executes the task of every dissenting signature the aggregator hands
 * it and raises the signature challenge against an operator that signed a wrong result; submits
 * equivocation evidence; and after each request's veto window, fulfils it (the slashing) unless the
 * veto committee vetoed it.
 *
 * <p>Nothing from the aggregator is trusted: a dissent is only challenged when the challenger's own
 * result differs from it, and the contract verifies every signature again. Progress (scan cursor,
 * every action) is persisted before each transaction ({@link ChallengerStateStore}); an action
 * whose transaction was sent but not recorded before a crash is found again on chain ({@link
 * ChallengerChain#findRaised}), so restarts neither repeat nor drop a challenge.
 *
 * <p>One step at a time on the injected scheduler; a failing step is logged and retried at the next
 * tick.
 */
public final class Challenger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Challenger.class);

  /** Where to start and how often to look. */
  public record Settings(long startBlock, Duration pollInterval) {}

  /** Where dissents and equivocations come from (the aggregator's {@code aggregator_evidence}). */
  @FunctionalInterface
  public interface EvidenceSource {
    Evidence evidence(long fromTaskIndex);
  }

  /** Running totals (for the devnet summary and metrics). */
  public record Totals(
      long tasksChecked,
      long mismatches,
      long challengesRaised,
      long slashed,
      long vetoed,
      long failed) {}

  private final Settings settings;
  private final ChallengerChain chain;
  private final TaskComputer cvm;
  private final EvidenceSource evidence;
  private final ChallengerStateStore state;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Action> listener;
  private final Map<Long, TaskResponse> ownResults =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, TaskResponse> eldest) {
          return size() > 1024;
        }
      };
  private long tasksChecked;
  private long mismatches;
  private volatile ScheduledFuture<?> tick;

  public Challenger(
      Settings settings,
      ChallengerChain chain,
      TaskComputer cvm,
      EvidenceSource evidence,
      Path dataDirectory,
      ScheduledExecutorService scheduler,
      Consumer<Action> listener) {
    this.settings = settings;
    this.chain = chain;
    this.cvm = cvm;
    this.evidence = evidence;
    this.state = new ChallengerStateStore(dataDirectory);
    this.scheduler = scheduler;
    this.listener = listener;
  }

  public Challenger start() {
    tick =
        scheduler.scheduleWithFixedDelay(
            this::safeStep, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void safeStep() {
    try {
      step();
    } catch (ChainException | CvmException | AggregatorClient.Unavailable e) {
      LOG.warn("challenger: {} (retrying at the next tick)", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("challenger step failed (retrying at the next tick)", e);
    }
  }

  /** One pass: recover intents, check new responses, act on evidence, fulfil ripe requests. */
  public synchronized void step() {
    long head = chain.blockNumber();
    // Fulfilment first, and each phase on its own: a failing aggregator or a bad piece of evidence
    // must never hold up slashing that is already due.
    phase("fulfil", () -> fulfilRipe(head));
    phase("recover", this::recoverIntents);
    phase("check responses", () -> checkResponses(head));
    phase("evidence", this::actOnEvidence);
  }

  private void phase(String name, Runnable r) {
    try {
      r.run();
    } catch (ChainException | CvmException | AggregatorClient.Unavailable e) {
      LOG.warn("challenger {}: {} (again at the next tick)", name, e.getMessage());
    }
  }

  public synchronized List<Action> actions() {
    return List.copyOf(state.actions.values());
  }

  public synchronized Totals totals() {
    long raised = 0;
    long slashed = 0;
    long vetoed = 0;
    long failed = 0;
    for (Action a : state.actions.values()) {
      if (a.requestId() > 0) {
        raised++;
      }
      switch (a.status()) {
        case SLASHED -> slashed++;
        case VETOED -> vetoed++;
        case FAILED -> failed++;
        default -> {}
      }
    }
    return new Totals(tasksChecked, mismatches, raised, slashed, vetoed, failed);
  }

  // ------------------------------------------------------------------ steps

  private void recoverIntents() {
    boolean any =
        state.actions.values().stream()
            .anyMatch(
                a -> a.status() == Action.Status.INTENT && a.kind() != Action.Kind.EQUIVOCATION);
    if (!any) {
      return;
    }
    if (chain.hasPendingTransactions()) {
      return; // a raise may still land: decide once the pool has settled
    }
    for (Action a : List.copyOf(state.actions.values())) {
      // Equivocation intents stay: actOnEvidence sends them again (slashEquivocation is
      // idempotent).
      if (a.status() != Action.Status.INTENT || a.kind() == Action.Kind.EQUIVOCATION) {
        continue;
      }
      Optional<ChallengerChain.Raised> found =
          chain.findRaised(a.kind(), a.taskIndex(), a.operatorId());
      if (found.isPresent()) {
        record(
            a.with(
                Action.Status.RAISED,
                found.get().requestId(),
                found.get().createdBlock(),
                "found on chain after a restart: " + found.get().transactionHash()));
      } else {
        // Never sent (or sent and dropped): forget the intent; the next check decides again.
        state.actions.remove(a.key());
        state.save();
      }
    }
  }

  private void checkResponses(long head) {
    long from = state.scannedToBlock < 0 ? settings.startBlock() : state.scannedToBlock + 1;
    if (from > head) {
      return;
    }
    for (TaskManagerAbi.TaskResponded landed : chain.responses(from, head)) {
      CvmTask task = task(landed.taskIndex());
      Optional<TaskResponse> own = ownResult(task);
      if (own.isEmpty()) {
        continue; // cannot judge (the challenger's CVM refused the task's inputs): say so, move on
      }
      tasksChecked++;
      if (same(own.get(), landed.response())) {
        continue;
      }
      mismatches++;
      Action a = new Action(Action.Kind.WRONG_RESULT, task.taskIndex(), "", null, 0, 0, "");
      if (state.actions.containsKey(a.key())) {
        continue;
      }
      LOG.warn(
          "task {}: landed response {} differs from this challenger's result {}; challenging",
          task.taskIndex(),
          Bytes32.hex(landed.response().datasetRoot()),
          Bytes32.hex(own.get().datasetRoot()));
      raise(a, () -> chain.raiseChallenge(task, landed, own.get()));
    }
    state.scannedToBlock = head;
    state.save();
  }

  private void actOnEvidence() {
    Evidence e = evidence.evidence(state.evidenceFromTask);
    for (Evidence.Equivocation eq : e.equivocations()) {
      Action a =
          new Action(
              Action.Kind.EQUIVOCATION, eq.task().taskIndex(), eq.operatorId(), null, 0, 0, "");
      Action existing = state.actions.get(a.key());
      if (existing != null && existing.status() != Action.Status.INTENT) {
        continue;
      }
      if (!valid(a, eq.operatorId(), List.of(eq.signatureA(), eq.signatureB()))) {
        continue;
      }
      CvmTask onChain = task(eq.task().taskIndex());
      if (!onChain.equals(eq.task())) {
        LOG.warn("equivocation evidence for task {} names another task; ignored", onChain);
        continue;
      }
      record(a.with(Action.Status.INTENT, 0, 0, ""));
      try {
        Optional<String> tx = chain.slashEquivocation(eq);
        record(
            a.with(
                Action.Status.SLASHED,
                0,
                chain.blockNumber(),
                tx.map(h -> "slashEquivocation " + h).orElse("already slashed for this task")));
        LOG.warn(
            "task {}: operator {} slashed for equivocation",
            eq.task().taskIndex(),
            eq.operatorId());
      } catch (ChainException.Reverted r) {
        record(a.with(Action.Status.FAILED, 0, 0, "slashEquivocation refused: " + r.getMessage()));
      }
    }
    for (Evidence.Dissent d : e.dissents()) {
      Action a =
          new Action(
              Action.Kind.WRONG_SIGNATURE, d.task().taskIndex(), d.operatorId(), null, 0, 0, "");
      if (state.actions.containsKey(a.key())) {
        continue;
      }
      CvmTask task = task(d.task().taskIndex());
      if (!task.equals(d.task())) {
        LOG.warn("dissent for task {} names another task; ignored", task.taskIndex());
        continue;
      }
      Optional<TaskResponse> own = ownResult(task);
      if (own.isEmpty() || same(own.get(), d.response())) {
        continue; // the dissenter was right (then the landed response is challenged) or unknown
      }
      if (!valid(a, d.operatorId(), List.of(d.signature()))) {
        continue;
      }
      LOG.warn(
          "task {}: operator {} signed dataset root {}, this challenger computes {}; challenging",
          task.taskIndex(),
          d.operatorId(),
          Bytes32.hex(d.response().datasetRoot()),
          Bytes32.hex(own.get().datasetRoot()));
      raise(a, () -> chain.raiseSignatureChallenge(task, d, own.get()));
    }
  }

  private void fulfilRipe(long head) {
    long window = chain.vetoWindowBlocks();
    for (Action a : List.copyOf(state.actions.values())) {
      if (a.status() != Action.Status.RAISED || head <= a.requestBlock() + window) {
        continue;
      }
      ChallengerChain.RequestStatus status = chain.requestStatus(a.requestId());
      if (status == ChallengerChain.RequestStatus.VETOED) {
        record(a.with(Action.Status.VETOED, a.requestId(), a.requestBlock(), "vetoed"));
        LOG.warn("request {} (task {}) was vetoed", a.requestId(), a.taskIndex());
        continue;
      }
      if (status == ChallengerChain.RequestStatus.FULFILLED) {
        record(a.with(Action.Status.SLASHED, a.requestId(), a.requestBlock(), "fulfilled"));
        continue;
      }
      try {
        CvmTask task = task(a.taskIndex());
        String tx;
        if (a.kind() == Action.Kind.WRONG_RESULT) {
          TaskManagerAbi.TaskResponded landed =
              chain.responses(task.taskCreatedBlock(), head).stream()
                  .filter(r -> r.taskIndex() == task.taskIndex())
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new ChainException(
                              "no TaskResponded for challenged task " + task.taskIndex()));
          tx = chain.fulfilWrongResult(a.requestId(), task, landed);
        } else {
          tx = chain.fulfilSignatureChallenge(a.requestId(), task, a.operatorId());
        }
        record(a.with(Action.Status.SLASHED, a.requestId(), a.requestBlock(), "fulfilled " + tx));
        LOG.warn(
            "request {} fulfilled: task {} {} slashed",
            a.requestId(),
            a.taskIndex(),
            a.operatorId().isEmpty() ? "signers" : "operator " + a.operatorId());
      } catch (ChainException.Reverted r) {
        if (r.mined()) {
          record(a.with(Action.Status.FAILED, a.requestId(), a.requestBlock(), r.getMessage()));
        } else {
          // Refused at estimation (e.g. the window's end not mined yet): next tick.
          LOG.info("request {}: not fulfillable yet: {}", a.requestId(), r.getMessage());
        }
      } catch (ChainException e) {
        LOG.warn("request {}: fulfilment failed ({}); next tick", a.requestId(), e.getMessage());
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private interface Raise {
    ChallengerChain.Raised send();
  }

  private void raise(Action a, Raise send) {
    record(a.with(Action.Status.INTENT, 0, 0, ""));
    try {
      ChallengerChain.Raised r = send.send();
      record(a.with(Action.Status.RAISED, r.requestId(), r.createdBlock(), r.transactionHash()));
    } catch (ChainException.Reverted r) {
      Optional<ChallengerChain.Raised> earlier =
          alreadyChallenged(r)
              ? chain.findRaised(a.kind(), a.taskIndex(), a.operatorId())
              : Optional.empty();
      if (earlier.isPresent()) {
        record(
            a.with(
                Action.Status.RAISED,
                earlier.get().requestId(),
                earlier.get().createdBlock(),
                earlier.get().transactionHash()));
        return;
      }
      record(a.with(Action.Status.FAILED, 0, 0, "refused: " + r.getMessage()));
      LOG.error("task {}: challenge refused: {}", a.taskIndex(), r.getMessage());
    }
    // Any other ChainException (RPC failure, a transaction still pending) leaves the INTENT on
    // disk: recoverIntents settles it once the pool is empty.
  }

  /** The contract's TaskAlreadyChallenged / SignatureAlreadyChallenged custom errors. */
  private static final List<String> ALREADY_CHALLENGED =
      List.of(
          io.cvmavs.chain.abi.Abi.selector("TaskAlreadyChallenged(uint32)"),
          io.cvmavs.chain.abi.Abi.selector("SignatureAlreadyChallenged(uint32,address)"));

  private static boolean alreadyChallenged(ChainException.Reverted r) {
    String m = r.getMessage() == null ? "" : r.getMessage().toLowerCase(java.util.Locale.ROOT);
    return m.contains("alreadychallenged")
        || ALREADY_CHALLENGED.stream().anyMatch(sel -> m.contains(sel.substring(2)));
  }

  /** Drops evidence the chain can never accept (unknown operator, not a curve point). */
  private boolean valid(Action a, String operatorId, List<String> signatures) {
    try {
      chain.checkEvidence(operatorId, signatures);
      return true;
    } catch (IllegalArgumentException bad) {
      record(a.with(Action.Status.FAILED, 0, 0, "bad evidence: " + bad.getMessage()));
      LOG.warn("task {}: evidence dropped: {}", a.taskIndex(), bad.getMessage());
      return false;
    }
  }

  private void record(Action a) {
    state.put(a);
    listener.accept(a);
  }

  private CvmTask task(long taskIndex) {
    return chain
        .task(taskIndex)
        .orElseThrow(() -> new ChainException("task " + taskIndex + " is not on the task manager"));
  }

  private Optional<TaskResponse> ownResult(CvmTask task) {
    TaskResponse cached = ownResults.get(task.taskIndex());
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      TaskResponse r = CvmTasks.response(cvm.compute(CvmTasks.input(task)));
      ownResults.put(task.taskIndex(), r);
      return Optional.of(r);
    } catch (TaskRefusedException e) {
      LOG.warn("task {}: cannot judge: {}", task.taskIndex(), e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean same(TaskResponse a, TaskResponse b) {
    return a.referenceTaskIndex() == b.referenceTaskIndex()
        && Arrays.equals(a.cvmBlockHash(), b.cvmBlockHash())
        && Arrays.equals(a.datasetRoot(), b.datasetRoot())
        && Arrays.equals(a.stateRoot(), b.stateRoot());
  }

  /** Actions not finished yet (raised and waiting, or intents). */
  public synchronized List<Action> open() {
    List<Action> out = new ArrayList<>();
    for (Action a : state.actions.values()) {
      if (!a.finished()) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public void close() {
    ScheduledFuture<?> t = tick;
    if (t != null) {
      t.cancel(false);
    }
  }
}
