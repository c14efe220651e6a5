package io.cvmavs.operator.monitor;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.LivenessSla;
import io.cvmavs.chain.avs.TaskManagerAbi;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The watch loop, one {@link #pollOnce()} at a time (the caller schedules it). Each poll reads the
 * logs of the next block range with {@code eth_getLogs}: task creations and responses feed {@link
 * AttestationHealth}; the events of {@link AlertType} become alerts. The in-memory scan always
 * starts at the configured start block (the dashboard's history is rebuilt from the chain after a
 * restart), while alerts are raised only for blocks at or after the persisted cursor of {@link
 * AlertStateStore}, so a restart never repeats or drops one. A first run (no cursor on disk) puts
 * the cursor just past the chain head, so the chain's history is shown but not alerted, unless
 * {@link Settings#fromBlock()} says where to start. Alerts about operators outside {@link
 * Settings#operators()} are dropped; AVS-wide ones (no operator) always pass.
 */
public final class Monitor {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  /**
   * What the monitor watches and where it keeps its state.
   *
   * @param startBlock first block of the (in-memory) dashboard scan
   * @param fromBlock first block to alert on when no cursor is persisted yet; empty: the head + 1
   * @param operators the operators whose alerts and health are reported
   * @param alertFile where the full JSON of every alert is appended, if anywhere
   */
  public record Settings(
      AlertType.Addresses addresses,
      long startBlock,
      Optional<Long> fromBlock,
      int maxBlockRange,
      List<String> webhooks,
      OperatorFilter operators,
      Optional<AlertFile> alertFile) {
    public Settings {
      webhooks = List.copyOf(webhooks);
    }
  }

  private final MonitorChain chain;
  private final Settings settings;
  private final AlertStateStore store;
  private final WebhookSender sender;
  private final AttestationHealth health;
  private final Runnable onChange;
  private final List<String> topics;
  private final List<String> contracts;
  private AlertStateStore.State state;
  private long position;
  private Map<String, String> addressById;
  private final ConsoleLevel consoleLevel = new ConsoleLevel();
  private final Set<String> warned = new java.util.HashSet<>(); // operatorId@block, this range
  private boolean slaRead;
  private final String coordinator; // null: no rewards shown

  public Monitor(
      MonitorChain chain,
      Settings settings,
      AlertStateStore store,
      WebhookSender sender,
      AttestationHealth health,
      Runnable onChange) {
    this.chain = chain;
    this.settings = settings;
    this.store = store;
    this.sender = sender;
    this.health = health;
    this.onChange = onChange;
    List<String> t = new ArrayList<>();
    t.add(TaskManagerAbi.NEW_TASK_CREATED_TOPIC);
    t.add(TaskManagerAbi.TASK_RESPONDED_TOPIC);
    t.addAll(AlertType.topics());
    AlertType.Addresses a = settings.addresses();
    List<String> c = new ArrayList<>(List.of(a.taskManager(), a.allocationManager(), a.cStaking()));
    this.coordinator = chain.rewardsCoordinator().orElse(null);
    if (coordinator != null) { // its events say when the operators' rewards change
      c.add(coordinator);
      t.add(Events.OPERATOR_DIRECTED_OPERATOR_SET_REWARDS_SUBMISSION_CREATED.topic());
      t.add(Events.REWARDS_CLAIMED.topic());
    }
    this.topics = List.copyOf(new LinkedHashSet<>(t));
    this.contracts = List.copyOf(c);
    Optional<AlertStateStore.State> saved = store.load();
    if (saved.isPresent()) {
      this.state = saved.get();
      if (state.chainId() != chain.chainId()) {
        throw new MonitorException(
            store.file()
                + " belongs to chain "
                + state.chainId()
                + " but the RPC endpoint serves chain "
                + chain.chainId());
      }
      settings
          .fromBlock()
          .filter(b -> b != state.nextBlock())
          .ifPresent(
              b ->
                  LOG.warn(
                      "from block {} ignored: alerts resume at the persisted cursor, block {} ({});"
                          + " delete that file to start over",
                      b,
                      state.nextBlock(),
                      store.file()));
    } else {
      long first;
      if (settings.fromBlock().isPresent()) {
        first = settings.fromBlock().get();
        LOG.info("first run: alerting on events from block {} on", first);
      } else {
        first = chain.head() + 1;
        LOG.info(
            "first run: alerting on events from block {} on (past the head; the history is shown"
                + " on the dashboard but not alerted; set from_block / --from-block to alert on it)",
            first);
      }
      this.state = new AlertStateStore.State(chain.chainId(), first, List.of());
      store.save(state); // a restart before the first poll must not move the start to a later head
    }
    this.position = Math.min(settings.startBlock(), state.nextBlock());
  }

  public AttestationHealth health() {
    return health;
  }

  /** The first block whose logs have not been turned into alerts yet. */
  public synchronized long alertCursor() {
    return state.nextBlock();
  }

  public synchronized int pendingDeliveries() {
    return state.pending().size();
  }

  /**
   * Reads at most one block range, then delivers what is pending. Returns true if blocks remain
   * behind the head (call again without waiting).
   */
  public synchronized boolean pollOnce() throws InterruptedException {
    long head = chain.head();
    boolean more = false;
    if (position <= head) {
      long to = Math.min(head, position + settings.maxBlockRange() - 1);
      List<Alert> fresh = new ArrayList<>();
      warned.clear(); // a block is in one range only
      boolean responses = false;
      boolean rewardsChanged = false;
      for (Log log : chain.logs(contracts, topics, position, to)) {
        handle(log, fresh);
        responses |= TaskManagerAbi.TASK_RESPONDED_TOPIC.equalsIgnoreCase(log.getTopics().get(0));
        rewardsChanged |= coordinator != null && coordinator.equalsIgnoreCase(log.getAddress());
      }
      position = to + 1;
      more = to < head;
      if (position > state.nextBlock()) {
        settings.alertFile().ifPresent(f -> f.append(fresh));
        List<AlertStateStore.Pending> pending = new ArrayList<>(state.pending());
        for (Alert a : fresh) {
          log(a);
          if (!settings.webhooks().isEmpty()) {
            pending.add(new AlertStateStore.Pending(a, new LinkedHashSet<>(settings.webhooks())));
          }
        }
        state = new AlertStateStore.State(state.chainId(), position, pending);
        store.save(state);
      }
      health.stakes(chain.currentStakes(), to, chain.blockTimestamp(to));
      if (responses || !slaRead) {
        for (String id : health.operatorIds()) {
          health.sla(id, chain.livenessSla(id, to));
        }
        slaRead = true;
      }
      // Rewards: read once per refresh, and only when a submission or claim happened in the range
      // (or an operator has none yet), not per dashboard request.
      if (coordinator != null && (rewardsChanged || health.rewardsMissing())) {
        health.rewards(chain.rewards(health.operatorAddresses()));
      }
      onChange.run();
    }
    deliverPending();
    return more;
  }

  private void handle(Log log, List<Alert> fresh) {
    String topic0 = log.getTopics().get(0);
    long block = log.getBlockNumber().longValueExact();
    if (log.getAddress().equalsIgnoreCase(settings.addresses().taskManager())) {
      if (TaskManagerAbi.NEW_TASK_CREATED_TOPIC.equalsIgnoreCase(topic0)) {
        CvmTask t = TaskManagerAbi.decodeNewTaskCreated(log);
        health.taskCreated(
            t.taskIndex(),
            t.cvmBlockHeight(),
            t.taskCreatedBlock(),
            chain.blockTimestamp(t.taskCreatedBlock()),
            t.quorumThresholdPercentage(),
            chain.operatorSetAt(t.taskCreatedBlock(), t.quorumNumbers()));
        return;
      }
      if (TaskManagerAbi.TASK_RESPONDED_TOPIC.equalsIgnoreCase(topic0)) {
        TaskManagerAbi.TaskResponded r = TaskManagerAbi.decodeTaskResponded(log);
        Optional<List<String>> nonSigners = nonSigners(r);
        health.taskResponded(
            r.taskIndex(),
            block,
            chain.blockTimestamp(block),
            r.transactionHash(),
            r.signedStakeForQuorum(),
            r.totalStakeForQuorum(),
            nonSigners.orElse(null));
        if (block >= state.nextBlock()) {
          for (String id : nonSigners.orElse(List.of())) {
            livenessWarning(log, r, id).ifPresent(fresh::add);
          }
        }
        return;
      }
    }
    Optional<AlertType> type = AlertType.of(log.getAddress(), topic0, settings.addresses());
    if (type.isEmpty()) {
      return;
    }
    Map<String, Object> values = type.get().event.decode(log);
    if (type.get() == AlertType.OPERATOR_SLASHED
        && values.get("operatorSet") instanceof List<?> set
        && !String.valueOf(set.get(0)).equalsIgnoreCase(settings.addresses().avs())) {
      return; // another AVS's operator set on a shared AllocationManager
    }
    Alert a =
        new Alert(
            chain.chainId() + ":" + log.getTransactionHash() + ":" + log.getLogIndex(),
            type.get(),
            values.get("operator") instanceof String s ? s : null,
            values.get("operatorId") instanceof String s ? s : null,
            values.get("taskIndex") instanceof BigInteger b ? b.longValueExact() : null,
            values.get("requestId") instanceof BigInteger b ? b : null,
            log.getTransactionHash(),
            block,
            log.getLogIndex().longValueExact(),
            chain.blockTimestamp(block),
            chain.chainId(),
            Alert.describe(type.get(), values),
            values);
    if (!admitted(a)) {
      return; // an operator outside `operators:`
    }
    health.event(a);
    if (block >= state.nextBlock()) {
      fresh.add(a);
    }
  }

  /**
   * The early liveness alert: after response {@code r} (a miss of {@code operatorId}), the task
   * manager's liveness views at that block say one more consecutive miss makes the operator
   * ejectable ({@link LivenessSla#warning()}). Read at the response's block, so a replay gives the
   * same answer; the id is the response log's plus the operatorId (one per operator and response).
   * With several responses in one block the views show the block's end state, so the warning can be
   * skipped when the same block also took the operator past it (the threshold's own alert then
   * follows).
   */
  private Optional<Alert> livenessWarning(
      Log log, TaskManagerAbi.TaskResponded r, String operatorId) {
    long block = log.getBlockNumber().longValueExact();
    LivenessSla sla = chain.livenessSla(operatorId, block);
    if (!sla.warning() || !warned.add(operatorId + "@" + block)) {
      return Optional.empty();
    }
    if (addressById == null || !addressById.containsKey(operatorId)) {
      addressById = chain.registeredOperators();
    }
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("operatorId", operatorId);
    details.put("taskIndex", BigInteger.valueOf(r.taskIndex()));
    details.put("missedInARow", BigInteger.valueOf(sla.currentStreak()));
    details.put("ejectionAt", BigInteger.valueOf(sla.ejectionAt()));
    details.put("missesLeft", BigInteger.valueOf(sla.missesLeft()));
    details.put("responses", BigInteger.valueOf(sla.responses()));
    Alert a =
        new Alert(
            chain.chainId()
                + ":"
                + log.getTransactionHash()
                + ":"
                + log.getLogIndex()
                + ":"
                + operatorId,
            AlertType.LIVENESS_WARNING,
            addressById.get(operatorId),
            operatorId,
            r.taskIndex(),
            null,
            log.getTransactionHash(),
            block,
            log.getLogIndex().longValueExact(),
            chain.blockTimestamp(block),
            chain.chainId(),
            "LivenessWarning " + sla.summary() + " (one more miss makes it ejectable)",
            details);
    if (!admitted(a)) {
      return Optional.empty();
    }
    health.event(a);
    return Optional.of(a);
  }

  private boolean admitted(Alert a) {
    OperatorFilter f = settings.operators();
    if (f.admitsDirectly(a.operator(), a.operatorId())) {
      return true;
    }
    if (addressById == null || !f.admits(a.operator(), a.operatorId(), addressById)) {
      addressById = chain.registeredOperators(); // a registration since the last look-up
    }
    return f.admits(a.operator(), a.operatorId(), addressById);
  }

  /** Non-signers from the calldata, checked against the recorded {@code hashOfNonSigners}. */
  private Optional<List<String>> nonSigners(TaskManagerAbi.TaskResponded r) {
    if (Arrays.equals(r.hashOfNonSigners(), TaskManagerAbi.hashOfNonSigners(List.of()))) {
      return Optional.of(List.of());
    }
    Optional<List<byte[]>> ids =
        TaskManagerAbi.nonSignerIds(chain.transactionInput(r.transactionHash()));
    if (ids.isPresent()
        && Arrays.equals(TaskManagerAbi.hashOfNonSigners(ids.get()), r.hashOfNonSigners())) {
      return Optional.of(ids.get().stream().map(Bytes32::hex).toList());
    }
    LOG.warn(
        "task {}: non-signers of response {} cannot be read from its calldata; the task is left"
            + " out of the attestation counts",
        r.taskIndex(),
        r.transactionHash());
    return Optional.empty();
  }

  private void deliverPending() throws InterruptedException {
    Set<String> down = new java.util.HashSet<>(); // failed this round: try again next poll
    for (AlertStateStore.Pending p : List.copyOf(state.pending())) {
      Set<String> left = new LinkedHashSet<>(p.webhooks());
      for (String url : p.webhooks()) {
        if (down.contains(url)) {
          continue;
        }
        WebhookSender.Outcome o = sender.deliver(url, p.alert());
        if (o == WebhookSender.Outcome.FAILED) {
          down.add(url);
        } else {
          left.remove(url);
        }
      }
      if (left.size() != p.webhooks().size()) {
        List<AlertStateStore.Pending> pending = new ArrayList<>();
        for (AlertStateStore.Pending q : state.pending()) {
          if (q != p) {
            pending.add(q);
          } else if (!left.isEmpty()) {
            pending.add(new AlertStateStore.Pending(p.alert(), left));
          }
        }
        state = new AlertStateStore.State(state.chainId(), state.nextBlock(), pending);
        store.save(state);
      }
    }
  }

  /**
   * Marks operators (0x address or operatorId) whose slashing is expected — the devnet's operators
   * made faulty on purpose ({@link ConsoleLevel}).
   */
  public void expectSlashingOf(String... operatorAddressesOrIds) {
    consoleLevel.expect(operatorAddressesOrIds);
  }

  private void log(Alert a) {
    String line = "ALERT " + a.consoleLine();
    switch (consoleLevel.of(a)) {
      case ERROR -> LOG.error(line);
      case WARN ->
          LOG.warn(
              a.type().severity == AlertType.Severity.CRITICAL
                  ? line + " (expected: the operator was made faulty on purpose)"
                  : line);
      default -> LOG.info(line);
    }
  }
}
