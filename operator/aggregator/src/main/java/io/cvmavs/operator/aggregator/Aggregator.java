package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.crypto.CryptoException;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.operator.aggregatorapi.AggregatorException;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.aggregatorapi.RpcError;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects operators' BLS signatures per task, verifies each one against the operator's key at the
 * task's reference block, and once every quorum of the task meets its threshold for one response,
 * waits {@code aggregationWindow} for more signatures (each non-signer costs gas) and submits
 * {@code respondToTask}. When every active operator has signed it submits at once.
 *
 * <p>Signatures that arrive together (concurrent callers) are verified as one batch ({@link
 * BatchingVerifier}); before submission the aggregate of the chosen signatures is checked once, and
 * if it fails the bad signatures are found by bisection, named in the log and in {@link
 * #droppedSigners}, and dropped (the task goes back to collecting if the threshold is no longer
 * met).
 *
 * <p>Thread-safe: verification runs on the caller's thread, state changes under one lock,
 * submissions on the injected scheduler. Every change is appended to the task's journal ({@link
 * TaskStateStore}) under the lock; a signature is acknowledged only once its record is on disk
 * (signatures accepted together share one fsync), and a status change is on disk before anything is
 * sent. {@link #resume()} replays the journals. A failure of one task is recorded on that task and
 * never stops the others.
 */
public final class Aggregator {
  private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);

  /** Waits before the 2nd, 3rd and 4th submission attempt: 1 s, 2 s, 4 s. */
  private static final Backoff SUBMIT_BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(4));

  /**
   * Settings. {@code responseWindowBlocks} is the task manager's {@code taskResponseWindowBlock}.
   */
  public record Settings(
      long chainId, String taskManager, long responseWindowBlocks, Duration aggregationWindow) {}

  /** What an accepted signature led to. */
  public record Accepted(
      long taskIndex, String responseDigest, int signers, boolean thresholdMet) {}

  /** A task's public status (for {@code aggregator_taskStatus} and tests). */
  public record Status(
      long taskIndex,
      String status,
      Map<String, Integer> signersByDigest,
      String transactionHash,
      long gasUsed,
      String error) {}

  private final Settings settings;
  private final AggregatorPorts.TaskLookup tasks;
  private final OperatorSetLoader operators;
  private final AggregatorPorts.IndicesReader indices;
  private final AggregatorPorts.ResponseSubmitter submitter;
  private final AggregatorPorts.BlockClock clock;
  private final TaskStateStore store;
  private final ScheduledExecutorService scheduler;
  private final Map<Long, TaskState> states = new HashMap<>();
  private final BatchingVerifier verifier = new BatchingVerifier(new SecureRandom());
  private volatile CvmAvsMetrics metrics = CvmAvsMetrics.disabled();

  public Aggregator(
      Settings settings,
      AggregatorPorts.TaskLookup tasks,
      OperatorSetLoader operators,
      AggregatorPorts.IndicesReader indices,
      AggregatorPorts.ResponseSubmitter submitter,
      AggregatorPorts.BlockClock clock,
      Path dataDirectory,
      ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.tasks = tasks;
    this.operators = operators;
    this.indices = indices;
    this.submitter = submitter;
    this.clock = clock;
    this.store = new TaskStateStore(dataDirectory);
    this.scheduler = scheduler;
  }

  /** Reports mined responses to {@code m} (default: nowhere). */
  public Aggregator metrics(CvmAvsMetrics m) {
    this.metrics = m;
    return this;
  }

  /** Reloads persisted tasks and re-schedules submissions that were due or under way. */
  public synchronized int resume() {
    List<TaskState> loaded = store.loadAll();
    for (TaskState s : loaded) {
      states.put(s.task.taskIndex(), s);
      if (s.status == TaskState.Status.SUBMITTING) {
        scheduleSubmit(s, Duration.ZERO);
      } else if (s.status == TaskState.Status.COLLECTING) {
        for (String digest : s.byDigest.keySet()) {
          try {
            if (thresholdMet(s, digest)) {
              scheduleSubmit(s, settings.aggregationWindow());
              break;
            }
          } catch (RuntimeException e) {
            LOG.warn(
                "task {}: cannot re-check threshold after restart: {}",
                s.task.taskIndex(),
                e.getMessage());
          }
        }
      }
    }
    LOG.info("aggregator resumed {} task(s) from disk", loaded.size());
    return loaded.size();
  }

  /**
   * Verifies and records one signature.
   *
   * @throws AggregatorException with the {@link RpcError} that says why it was refused
   */
  public Accepted submitSignature(
      long taskIndex, TaskResponse response, String operatorId, byte[] signature) {
    if (response.referenceTaskIndex() != taskIndex) {
      throw RpcError.WRONG_RESPONSE.error(
          "response refers to task " + response.referenceTaskIndex() + ", not task " + taskIndex);
    }
    String opId = operatorId.toLowerCase(java.util.Locale.ROOT);
    TaskState state = state(taskIndex);
    checkNotExpired(state);
    OperatorSetSnapshot snapshot = snapshot(state);
    OperatorSetSnapshot.Member member =
        snapshot
            .member(opId)
            .orElseThrow(
                () ->
                    RpcError.UNKNOWN_OPERATOR.error(
                        "operator "
                            + opId
                            + " has no registered BLS key at block "
                            + snapshot.referenceBlock()));
    if (!snapshot.isActive(member)) {
      throw RpcError.UNKNOWN_OPERATOR.error(
          "operator "
              + opId
              + " was not active in the quorums of task "
              + taskIndex
              + " at block "
              + snapshot.referenceBlock());
    }
    G1Point sig;
    try {
      sig = G1Point.fromBytes(signature);
    } catch (CryptoException | IllegalArgumentException e) {
      throw RpcError.BAD_POINT.error("signature is not a G1 point: " + e.getMessage());
    }
    if (sig.isInfinity()) {
      throw RpcError.BAD_POINT.error("signature is the point at infinity");
    }
    byte[] digest =
        TaskManagerAbi.responseDigest(settings.chainId(), settings.taskManager(), response);
    if (!verifier.verify(member.prepared(), digest, sig)) {
      throw RpcError.BAD_SIGNATURE.error(
          "signature of operator "
              + opId
              + " does not verify for response digest "
              + Bytes32.hex(digest));
    }
    String digestHex = Bytes32.hex(digest);
    String sigHex = "0x" + HexFormat.of().formatHex(signature);
    Accepted accepted;
    RecordJournal.Ticket written;
    synchronized (this) {
      checkNotExpired(state);
      if (state.status == TaskState.Status.SUBMITTING
          || state.status == TaskState.Status.RESPONDED) {
        throw keepLate(state, opId, response, digestHex, sigHex);
      }
      String previous = state.digestByOperator.get(opId);
      if (previous != null) {
        if (previous.equals(digestHex)) {
          throw RpcError.DUPLICATE_SIGNATURE.error(
              "operator " + opId + " already signed this response to task " + taskIndex);
        }
        TaskState.ResponseSignatures earlier = state.byDigest.get(previous);
        store.saveEquivocation(
            new Evidence.Equivocation(
                state.task,
                opId,
                earlier.response,
                earlier.signatures.get(opId),
                response,
                sigHex));
        LOG.warn(
            "task {}: operator {} signed two different responses; evidence kept", taskIndex, opId);
        throw RpcError.EQUIVOCATION.error(
            "operator "
                + opId
                + " already signed a different response ("
                + previous
                + ") to task "
                + taskIndex
                + "; both signatures are kept as equivocation evidence");
      }
      written = store.recordSignature(state, digestHex, response, opId, sigHex);
      state
          .byDigest
          .computeIfAbsent(digestHex, d -> new TaskState.ResponseSignatures(response))
          .signatures
          .put(opId, sigHex);
      state.digestByOperator.put(opId, digestHex);
      boolean met = thresholdMet(state, digestHex);
      int signers = state.byDigest.get(digestHex).signatures.size();
      long active = snapshot.members().values().stream().filter(snapshot::isActive).count();
      boolean anyMet =
          met || state.byDigest.keySet().stream().anyMatch(d -> thresholdMet(state, d));
      if (anyMet && state.status == TaskState.Status.COLLECTING) {
        // Every active operator has answered (some with another response): no one left to wait for.
        if (state.digestByOperator.size() == active) {
          scheduleSubmit(state, Duration.ZERO);
        } else if (!state.scheduled) {
          scheduleSubmit(state, settings.aggregationWindow());
        }
      }
      accepted = new Accepted(taskIndex, digestHex, signers, met);
    }
    // Acknowledged only once on disk; signatures accepted together share one fsync. A submission
    // the threshold scheduled meanwhile writes its own status record and fsyncs it (covering this
    // one) before respondToTask is sent.
    store.sync(taskIndex, written);
    return accepted;
  }

  /** Signature batches checked so far and the signatures in them (for tests and benches). */
  long[] verifierStats() {
    return verifier.batchesAndSignatures();
  }

  /**
   * fsyncs of the task journals so far (group commit: fewer than signatures; for tests, benches).
   */
  long journalSyncs() {
    return store.syncs();
  }

  public synchronized Optional<Status> status(long taskIndex) {
    return Optional.ofNullable(states.get(taskIndex))
        .map(
            s -> {
              Map<String, Integer> counts = new java.util.LinkedHashMap<>();
              s.byDigest.forEach((d, r) -> counts.put(d, r.signatures.size()));
              return new Status(
                  taskIndex, s.status.name(), counts, s.transactionHash, s.gasUsed, s.error);
            });
  }

  /** Files of equivocation evidence kept for the challenger. */
  public List<Path> equivocationEvidence() {
    return store.equivocationFiles();
  }

  /**
   * Evidence for the challenger about tasks from {@code fromTaskIndex} on: every verified signature
   * over a response other than the one this aggregator landed (responded tasks only), and every
   * equivocation.
   */
  public Evidence evidence(long fromTaskIndex) {
    List<Evidence.Dissent> dissents = new ArrayList<>();
    synchronized (this) {
      for (TaskState s : states.values()) {
        if (s.task.taskIndex() < fromTaskIndex
            || s.status != TaskState.Status.RESPONDED
            || s.submittingDigest == null) {
          continue;
        }
        s.byDigest.forEach(
            (digest, sigs) -> {
              if (!digest.equals(s.submittingDigest)) {
                sigs.signatures.forEach(
                    (op, sig) ->
                        dissents.add(new Evidence.Dissent(s.task, op, sigs.response, sig)));
              }
            });
      }
    }
    dissents.sort(
        Comparator.comparingLong((Evidence.Dissent x) -> x.task().taskIndex())
            .thenComparing(Evidence.Dissent::operatorId));
    List<Evidence.Equivocation> equivocations =
        store.equivocationsSaved().stream()
            .filter(e -> e.task().taskIndex() >= fromTaskIndex)
            .toList();
    return new Evidence(dissents, equivocations);
  }

  // ------------------------------------------------------------------ internals

  private TaskState state(long taskIndex) {
    synchronized (this) {
      TaskState s = states.get(taskIndex);
      if (s != null) {
        return s;
      }
    }
    CvmTask task =
        tasks
            .find(taskIndex)
            .orElseThrow(
                () -> RpcError.UNKNOWN_TASK.error("no task " + taskIndex + " on the task manager"));
    synchronized (this) {
      return states.computeIfAbsent(taskIndex, i -> new TaskState(task));
    }
  }

  /**
   * A verified signature that arrived after the aggregation closed (the task is submitting or
   * responded). One over a response other than the aggregated one is kept as dissent evidence (what
   * {@link #evidence} hands the challenger once the task is responded), or as equivocation evidence
   * if the operator already signed another response; one over the aggregated response, or a repeat,
   * is not recorded. Either way the node gets the refusal it already handles ({@link
   * RpcError#TASK_EXPIRED}), so it does not retry. Caller holds the lock.
   */
  private AggregatorException keepLate(
      TaskState s, String opId, TaskResponse response, String digestHex, String sigHex) {
    long taskIndex = s.task.taskIndex();
    String closed =
        "task " + taskIndex + " is already " + s.status.name().toLowerCase(java.util.Locale.ROOT);
    String previous = s.digestByOperator.get(opId);
    if (s.submittingDigest == null
        || digestHex.equals(s.submittingDigest)
        || digestHex.equals(previous)) {
      return RpcError.TASK_EXPIRED.error(closed);
    }
    if (previous != null) {
      TaskState.ResponseSignatures earlier = s.byDigest.get(previous);
      store.saveEquivocation(
          new Evidence.Equivocation(
              s.task, opId, earlier.response, earlier.signatures.get(opId), response, sigHex));
      LOG.warn(
          "task {}: operator {} signed two different responses (the second late); evidence kept",
          taskIndex,
          opId);
      return RpcError.TASK_EXPIRED.error(
          closed + "; this signature and the earlier one are kept as equivocation evidence");
    }
    RecordJournal.Ticket written = store.recordSignature(s, digestHex, response, opId, sigHex);
    s.byDigest
        .computeIfAbsent(digestHex, d -> new TaskState.ResponseSignatures(response))
        .signatures
        .put(opId, sigHex);
    s.digestByOperator.put(opId, digestHex);
    store.sync(taskIndex, written); // rare (a late dissent): under the lock
    LOG.warn(
        "task {}: late signature of operator {} over response {} (not the aggregated {}); kept as"
            + " dissent evidence",
        taskIndex,
        opId,
        digestHex,
        s.submittingDigest);
    return RpcError.TASK_EXPIRED.error(
        closed + "; this signature over another response is kept as dissent evidence");
  }

  /**
   * Refuses a task that failed or whose response window has ended. A submitting or responded task
   * within its window still takes signatures, as evidence only (see {@link #keepLate}).
   */
  private void checkNotExpired(TaskState s) {
    long deadline = s.task.taskCreatedBlock() + settings.responseWindowBlocks();
    if (s.status == TaskState.Status.FAILED || clock.currentBlock() >= deadline) {
      throw RpcError.TASK_EXPIRED.error(
          "task "
              + s.task.taskIndex()
              + " expired: its response window ended at block "
              + deadline);
    }
  }

  private OperatorSetSnapshot snapshot(TaskState s) {
    OperatorSetSnapshot snap = s.snapshot;
    if (snap == null) {
      snap = operators.load(s.task);
      synchronized (this) {
        s.snapshot = snap;
      }
    }
    return snap;
  }

  /** signed × 100 ≥ total × threshold for every quorum, and total > 0. */
  private boolean thresholdMet(TaskState s, String digest) {
    OperatorSetSnapshot snap = snapshot(s);
    TaskState.ResponseSignatures sigs = s.byDigest.get(digest);
    for (OperatorSetSnapshot.Quorum q : snap.quorums()) {
      BigInteger signed = BigInteger.ZERO;
      for (String id : sigs.signatures.keySet()) {
        OperatorSetSnapshot.Member m = snap.members().get(id);
        if (m != null) {
          signed = signed.add(m.activeStake().getOrDefault(q.number(), BigInteger.ZERO));
        }
      }
      if (q.totalStake().signum() == 0
          || signed
                  .multiply(BigInteger.valueOf(100))
                  .compareTo(
                      q.totalStake()
                          .multiply(BigInteger.valueOf(s.task.quorumThresholdPercentage())))
              < 0) {
        return false;
      }
    }
    return true;
  }

  private void scheduleSubmit(TaskState s, Duration delay) {
    s.scheduled = true;
    scheduler.schedule(() -> submit(s, 1), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void submit(TaskState s, int attempt) {
    long taskIndex = s.task.taskIndex();
    try {
      String digest;
      TaskState.ResponseSignatures sigs;
      RecordJournal.Ticket written = null;
      synchronized (this) {
        if (s.status == TaskState.Status.RESPONDED || s.status == TaskState.Status.FAILED) {
          return;
        }
        if (attempt == 1) {
          if (s.submitInFlight) {
            return; // the window's submission and an all-signed submission met: one is enough
          }
          s.submitInFlight = true;
        }
        digest = s.submittingDigest != null ? s.submittingDigest : bestDigest(s);
        sigs = s.byDigest.get(digest);
        if (s.status != TaskState.Status.SUBMITTING || !digest.equals(s.submittingDigest)) {
          s.status = TaskState.Status.SUBMITTING;
          s.submittingDigest = digest;
          written = store.recordStatus(s);
        }
      }
      if (written != null) {
        // on disk (with every signature recorded before it) before anything is sent
        store.sync(taskIndex, written);
      }
      if (submitter.isResponded(taskIndex)) {
        finish(s, TaskState.Status.RESPONDED, null, null);
        return;
      }
      if (!aggregateVerifies(s, digest)) {
        return;
      }
      if (attempt > 1 && submitter.hasPending()) {
        // An earlier attempt timed out but may still land: look again instead of sending twice.
        if (attempt < 20) {
          scheduler.schedule(() -> submit(s, attempt + 1), 1000, TimeUnit.MILLISECONDS);
          return;
        }
      }
      NonSignerStakesAndSignature data = nonSignerData(s, sigs);
      AggregatorPorts.Submitted done = submitter.respond(s.task, sigs.response, data);
      synchronized (this) {
        s.transactionHash = done.transactionHash();
        s.respondedBlock = done.blockNumber();
        s.gasUsed = done.gasUsed();
      }
      finish(s, TaskState.Status.RESPONDED, null, done);
      metrics.responseSubmitted(
          taskIndex, done.gasUsed(), done.blockNumber() - s.task.taskCreatedBlock());
      LOG.info(
          "task {}: responded in {} (block {}, gas {}, {} signer(s), {} non-signer(s))",
          taskIndex,
          done.transactionHash(),
          done.blockNumber(),
          done.gasUsed(),
          sigs.signatures.size(),
          data.nonSignerPubkeys().size());
    } catch (ChainException.Reverted e) {
      if (!e.mined() && attempt < 4 && clock.currentBlock() <= s.task.taskCreatedBlock() + 1) {
        // respondToTask must land after the reference block; nodes that estimate gas on the
        // latest block refuse it until the next block exists. Nothing was sent: try again.
        LOG.info(
            "task {}: refused before the block after the reference block ({}); retrying",
            taskIndex,
            e.getMessage());
        scheduler.schedule(() -> submit(s, attempt + 1), 250, TimeUnit.MILLISECONDS);
        return;
      }
      if (attempt > 1 && respondedMeanwhile(taskIndex)) {
        // Our earlier attempt landed after it timed out; this one was refused as a duplicate.
        LOG.info("task {}: responded by an earlier attempt", taskIndex);
        finish(s, TaskState.Status.RESPONDED, null, null);
        return;
      }
      LOG.error("task {}: respondToTask refused: {}", taskIndex, e.getMessage());
      finish(s, TaskState.Status.FAILED, e.getMessage(), null);
    } catch (RuntimeException e) {
      if (attempt < 4) {
        long backoff = SUBMIT_BACKOFF.delay(attempt).toMillis();
        LOG.warn(
            "task {}: submission attempt {} failed ({}); retrying in {} ms",
            taskIndex,
            attempt,
            e.getMessage(),
            backoff);
        scheduler.schedule(() -> submit(s, attempt + 1), backoff, TimeUnit.MILLISECONDS);
      } else {
        LOG.error("task {}: giving up after {} attempts: {}", taskIndex, attempt, e.toString());
        finish(s, TaskState.Status.FAILED, e.toString(), null);
      }
    }
  }

  /**
   * Operators whose signatures were dropped from a task because the aggregate check before
   * submission found them invalid (since this process started; the log has them too).
   */
  public synchronized List<String> droppedSigners(long taskIndex) {
    TaskState s = states.get(taskIndex);
    return s == null ? List.of() : List.copyOf(s.droppedSigners);
  }

  /**
   * The aggregate of the signatures over {@code digest} checked once (one pairing). Signatures are
   * verified when they arrive, but state reloaded from disk is not, and a batch check errs with
   * probability 2⁻⁶². If it fails, the bad signatures are found by bisection ({@link
   * Bls#findInvalidInAggregate}), dropped and logged by operator; returns false (and puts the task
   * back to collecting) when what remains no longer meets the threshold.
   */
  private boolean aggregateVerifies(TaskState s, String digest) {
    OperatorSetSnapshot snap = snapshot(s);
    List<String> ids = new ArrayList<>();
    List<G2Prepared> keys = new ArrayList<>();
    List<G1Point> sigs = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    synchronized (this) {
      s.byDigest
          .get(digest)
          .signatures
          .forEach(
              (op, hex) -> {
                OperatorSetSnapshot.Member m = snap.members().get(op);
                if (m == null || !snap.isActive(m)) {
                  return; // not part of the aggregate (nonSignerData skips it too)
                }
                try {
                  G1Point sig = G1Point.fromBytes(HexFormat.of().parseHex(hex.substring(2)));
                  if (sig.isInfinity()) {
                    bad.add(op);
                    return;
                  }
                  ids.add(op);
                  keys.add(m.prepared());
                  sigs.add(sig);
                } catch (CryptoException | IllegalArgumentException e) {
                  bad.add(op);
                }
              });
    }
    for (int i :
        Bls.findInvalidInAggregate(HexFormat.of().parseHex(digest.substring(2)), keys, sigs)) {
      bad.add(ids.get(i));
    }
    if (bad.isEmpty()) {
      return true;
    }
    synchronized (this) {
      TaskState.ResponseSignatures r = s.byDigest.get(digest);
      for (String op : bad) {
        r.signatures.remove(op);
        s.digestByOperator.remove(op);
        s.droppedSigners.add(op);
      }
      LOG.error(
          "task {}: the aggregate over response {} did not verify; the signature(s) of {} do not"
              + " verify and are dropped",
          s.task.taskIndex(),
          digest,
          bad);
      RecordJournal.Ticket dropped = store.recordDropped(s, digest, bad);
      if (!r.signatures.isEmpty() && thresholdMet(s, digest)) {
        store.sync(s.task.taskIndex(), dropped);
        return true;
      }
      if (r.signatures.isEmpty()) {
        s.byDigest.remove(digest);
      }
      s.status = TaskState.Status.COLLECTING;
      s.submittingDigest = null;
      s.submitInFlight = false;
      s.scheduled = false;
      store.sync(s.task.taskIndex(), store.recordStatus(s));
      LOG.warn("task {}: below the threshold without them; collecting again", s.task.taskIndex());
      return false;
    }
  }

  private boolean respondedMeanwhile(long taskIndex) {
    try {
      return submitter.isResponded(taskIndex);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private synchronized void finish(
      TaskState s, TaskState.Status status, String error, AggregatorPorts.Submitted done) {
    s.submitInFlight = false;
    s.status = status;
    s.error = error;
    store.compact(s); // done: the journal becomes one snapshot
  }

  /** The response with the most signers that meets the threshold. */
  private String bestDigest(TaskState s) {
    return s.byDigest.keySet().stream()
        .filter(d -> thresholdMet(s, d))
        .max(Comparator.comparingInt(d -> s.byDigest.get(d).signatures.size()))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no response of task " + s.task.taskIndex() + " meets the threshold"));
  }

  private NonSignerStakesAndSignature nonSignerData(
      TaskState s, TaskState.ResponseSignatures sigs) {
    OperatorSetSnapshot snap = snapshot(s);
    List<OperatorSetSnapshot.Member> nonSigners = new ArrayList<>();
    List<G1Point> signatures = new ArrayList<>();
    List<G2Point> signerKeys = new ArrayList<>();
    for (OperatorSetSnapshot.Member m : snap.members().values()) {
      if (!snap.isActive(m)) {
        continue;
      }
      String sig = sigs.signatures.get(m.operatorId());
      if (sig == null) {
        nonSigners.add(m);
      } else {
        signatures.add(G1Point.fromBytes(HexFormat.of().parseHex(sig.substring(2))));
        signerKeys.add(m.pubkeyG2());
      }
    }
    nonSigners.sort((a, b) -> Arrays.compareUnsigned(a.operatorIdBytes(), b.operatorIdBytes()));
    List<byte[]> nonSignerIds =
        nonSigners.stream().map(OperatorSetSnapshot.Member::operatorIdBytes).toList();
    RegistryReader.CheckSignaturesIndices idx =
        indices.indices(s.task.quorumNumbers(), s.task.taskCreatedBlock(), nonSignerIds);
    return new NonSignerStakesAndSignature(
        nonSigners.stream().map(OperatorSetSnapshot.Member::pubkeyG1).toList(),
        snap.quorums().stream().map(OperatorSetSnapshot.Quorum::apk).toList(),
        Bls.aggregatePublicKeysG2(signerKeys),
        Bls.aggregateSignatures(signatures),
        idx.quorumApkIndices(),
        idx.totalStakeIndices(),
        idx.nonSignerIndices());
  }
}
