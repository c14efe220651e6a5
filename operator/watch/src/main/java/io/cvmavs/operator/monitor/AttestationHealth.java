package io.cvmavs.operator.monitor;

import io.cvmavs.chain.avs.LivenessSla;
import io.cvmavs.chain.rewards.OperatorRewards;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Attestation health derived from chain data only: per task, the operator set at {@code
 * taskCreatedBlock}, the non-signers of its response and the operators slashed for a wrong result
 * on it; per operator, over the last {@value #TASK_WINDOW} responded tasks it was a member of and
 * over the last 24 h of block time: {@code signed}, {@code missed} (a non-signer), {@code wrong}
 * ({@code OperatorSlashedForWrongResult} for that task), the attestation rate and the last signed
 * task. "Late" signatures are not reported: the chain records only who is in the aggregate, so a
 * signature that reached the aggregator after it submitted is indistinguishable from a miss.
 *
 * <p>With an {@link OperatorFilter}, {@link #operators()} lists only the operators it admits (by
 * address or operatorId; every registered operator's view knows both).
 *
 * <p>Thread-safe (one writer, the poll loop; readers, the dashboard): every method synchronizes.
 */
public final class AttestationHealth {
  public static final int TASK_WINDOW = 100;
  public static final long DAY_SECONDS = 24 * 3600;
  private static final int MAX_TASKS = 1000;
  private static final int MAX_EVENTS = 500;

  /** One task as the dashboard shows it. */
  private static final class TaskView {
    long taskIndex;
    long cvmBlockHeight;
    long createdBlock;
    long createdTime;
    long quorumThreshold;
    Long respondedBlock;
    Long respondedTime;
    String respondedTx;
    Double signedStakePercent;
    Map<String, MonitorChain.Member> members = Map.of();
    List<String> nonSigners; // null: not known (response not sent as a direct respondToTask call)
    final Set<String> wrong = new HashSet<>();
  }

  private static final class OperatorView {
    final String operatorId;
    String operator;
    BigInteger stake = BigInteger.ZERO;
    boolean slashed;
    boolean ejected;
    boolean livenessWarning;
    LivenessSla sla; // null until read
    OperatorRewards rewards; // null until read, or without a RewardsCoordinator

    OperatorView(String operatorId) {
      this.operatorId = operatorId;
    }
  }

  private final TreeMap<Long, TaskView> tasks = new TreeMap<>();
  private final Map<String, OperatorView> operators = new LinkedHashMap<>();
  private final Map<String, String> idByAddress = new HashMap<>();
  private final Map<String, Long> taskOfRequest = new HashMap<>();
  private final Deque<Alert> events = new ArrayDeque<>();
  private final OperatorFilter filter;
  private BigInteger totalStake = BigInteger.ZERO;
  private long headTime;
  private long head;

  /** Health of every operator. */
  public AttestationHealth() {
    this(OperatorFilter.ALL);
  }

  /** Health of the operators {@code filter} admits (the operators view lists only those). */
  public AttestationHealth(OperatorFilter filter) {
    this.filter = filter;
  }

  public synchronized void taskCreated(
      long taskIndex,
      long cvmBlockHeight,
      long createdBlock,
      long createdTime,
      long quorumThreshold,
      Map<String, MonitorChain.Member> members) {
    TaskView t = tasks.computeIfAbsent(taskIndex, i -> new TaskView());
    t.taskIndex = taskIndex;
    t.cvmBlockHeight = cvmBlockHeight;
    t.createdBlock = createdBlock;
    t.createdTime = createdTime;
    t.quorumThreshold = quorumThreshold;
    t.members = Map.copyOf(members);
    members.values().forEach(m -> operator(m.operatorId(), m.operator()));
    while (tasks.size() > MAX_TASKS) {
      tasks.pollFirstEntry();
    }
  }

  /**
   * @param nonSigners the non-signer ids, or null if they could not be read from the calldata
   */
  public synchronized void taskResponded(
      long taskIndex,
      long respondedBlock,
      long respondedTime,
      String txHash,
      List<BigInteger> signedStake,
      List<BigInteger> totalStake,
      List<String> nonSigners) {
    TaskView t = tasks.get(taskIndex);
    if (t == null) {
      return; // created before the monitor's start block
    }
    t.respondedBlock = respondedBlock;
    t.respondedTime = respondedTime;
    t.respondedTx = txHash;
    t.nonSigners = nonSigners == null ? null : List.copyOf(nonSigners);
    double min = 100.0;
    for (int i = 0; i < signedStake.size() && i < totalStake.size(); i++) {
      if (totalStake.get(i).signum() > 0) {
        min =
            Math.min(
                min,
                new BigDecimal(signedStake.get(i))
                    .multiply(BigDecimal.valueOf(100))
                    .divide(new BigDecimal(totalStake.get(i)), 4, RoundingMode.HALF_UP)
                    .doubleValue());
      }
    }
    t.signedStakePercent = min;
  }

  /** Events that change an operator's or task's standing; every alert goes to the timeline. */
  public synchronized void event(Alert a) {
    events.addFirst(a);
    while (events.size() > MAX_EVENTS) {
      events.removeLast();
    }
    String id = a.operatorId() != null ? a.operatorId() : idOf(a.operator());
    switch (a.type()) {
      case CHALLENGE_RAISED, SIGNATURE_CHALLENGE_RAISED, SLASHING_REQUEST_FULFILLED ->
          taskOfRequest.put(a.requestId().toString(), a.taskIndex());
      case OPERATOR_SLASHED_FOR_WRONG_RESULT -> {
        Long task = taskOfRequest.get(a.requestId().toString());
        if (task != null && tasks.containsKey(task) && id != null) {
          tasks.get(task).wrong.add(id);
        }
        markSlashed(id, a.operator());
      }
      case OPERATOR_SLASHED, C_STAKE_SLASHED, EQUIVOCATION_SLASHED -> markSlashed(id, a.operator());
      case OPERATOR_EJECTED_FOR_LIVENESS -> {
        if (id != null) {
          operator(id, a.operator()).ejected = true;
        }
      }
      case LIVENESS_THRESHOLD_REACHED -> {
        if (id != null) {
          operator(id, null).livenessWarning = true;
        }
      }
      default -> {}
    }
  }

  /** The operatorIds whose health is reported (those the filter admits). */
  public synchronized List<String> operatorIds() {
    return operators.values().stream()
        .filter(o -> filter.admitsDirectly(o.operator, o.operatorId))
        .map(o -> o.operatorId)
        .toList();
  }

  /** The addresses of the operators whose health is reported (those known by address). */
  public synchronized List<String> operatorAddresses() {
    return operators.values().stream()
        .filter(o -> o.operator != null && filter.admitsDirectly(o.operator, o.operatorId))
        .map(o -> o.operator.toLowerCase(java.util.Locale.ROOT))
        .toList();
  }

  /** True while a reported operator known by address has no rewards read. */
  public synchronized boolean rewardsMissing() {
    return operators.values().stream()
        .anyMatch(
            o ->
                o.operator != null
                    && o.rewards == null
                    && filter.admitsDirectly(o.operator, o.operatorId));
  }

  /** The operators' rewards (by lower-case address) read at the head. */
  public synchronized void rewards(Map<String, OperatorRewards> byAddress) {
    for (OperatorView o : operators.values()) {
      if (o.operator != null) {
        OperatorRewards r = byAddress.get(o.operator.toLowerCase(java.util.Locale.ROOT));
        if (r != null) {
          o.rewards = r;
        }
      }
    }
  }

  /** The task manager's liveness SLA of operator {@code id} at the head. */
  public synchronized void sla(String id, LivenessSla sla) {
    operator(id, null).sla = sla;
  }

  public synchronized void stakes(MonitorChain.Stakes s, long head, long headTime) {
    s.operators().values().forEach(m -> operator(m.operatorId(), m.operator()).stake = m.stake());
    this.totalStake = s.total();
    this.head = head;
    this.headTime = headTime;
  }

  /** Window counts of one operator. */
  public record Window(int tasks, int signed, int missed, int wrong) {
    public double rate() {
      return tasks == 0 ? 0 : 100.0 * signed / tasks;
    }

    JsonObject json() {
      return new JsonObject()
          .put("tasks", tasks)
          .put("signed", signed)
          .put("missed", missed)
          .put("wrong", wrong)
          .put("attestationRate", Math.round(rate() * 100) / 100.0);
    }
  }

  /** An operator's health at the chain head. */
  public record OperatorHealth(
      String operator,
      String operatorId,
      BigInteger stake,
      double shareOfQuorum,
      Window lastTasks,
      Window last24h,
      Long lastSignedTask,
      Long lastSignedTime,
      boolean slashed,
      boolean ejected,
      boolean livenessWarning,
      LivenessSla sla,
      OperatorRewards rewards) {}

  public synchronized List<OperatorHealth> operators() {
    List<OperatorHealth> out = new ArrayList<>();
    for (OperatorView o : operators.values()) {
      if (!filter.admitsDirectly(o.operator, o.operatorId)) {
        continue;
      }
      int[] byCount = new int[4];
      int[] byDay = new int[4];
      Long lastSigned = null;
      Long lastSignedTime = null;
      for (TaskView t : tasks.descendingMap().values()) {
        if (t.respondedBlock == null || t.nonSigners == null) {
          continue;
        }
        if (!t.members.containsKey(o.operatorId)) {
          continue;
        }
        boolean missed = t.nonSigners.contains(o.operatorId);
        boolean wrong = t.wrong.contains(o.operatorId);
        if (!missed && lastSigned == null) {
          lastSigned = t.taskIndex;
          lastSignedTime = t.respondedTime;
        }
        if (byCount[0] < TASK_WINDOW) {
          count(byCount, missed, wrong);
        }
        if (t.respondedTime >= headTime - DAY_SECONDS) {
          count(byDay, missed, wrong);
        }
      }
      double share =
          totalStake.signum() == 0
              ? 0
              : new BigDecimal(o.stake)
                  .multiply(BigDecimal.valueOf(100))
                  .divide(new BigDecimal(totalStake), 4, RoundingMode.HALF_UP)
                  .doubleValue();
      out.add(
          new OperatorHealth(
              o.operator,
              o.operatorId,
              o.stake,
              share,
              new Window(byCount[0], byCount[1], byCount[2], byCount[3]),
              new Window(byDay[0], byDay[1], byDay[2], byDay[3]),
              lastSigned,
              lastSignedTime,
              o.slashed,
              o.ejected,
              o.livenessWarning,
              o.sla,
              o.rewards));
    }
    return out;
  }

  private static void count(int[] c, boolean missed, boolean wrong) {
    c[0]++;
    if (missed) {
      c[2]++;
    } else {
      c[1]++;
    }
    if (wrong) {
      c[3]++;
    }
  }

  public synchronized JsonArray operatorsJson() {
    JsonArray a = new JsonArray();
    for (OperatorHealth h : operators()) {
      a.add(
          new JsonObject()
              .put("operator", h.operator())
              .put("operatorId", h.operatorId())
              .put("stake", h.stake().toString())
              .put("shareOfQuorum", h.shareOfQuorum())
              .put("lastTasks", h.lastTasks().json())
              .put("last24h", h.last24h().json())
              .put("lastSignedTask", h.lastSignedTask())
              .put("lastSignedTime", h.lastSignedTime())
              .put("slashed", h.slashed())
              .put("ejected", h.ejected())
              .put("livenessWarning", h.livenessWarning())
              .put("sla", slaJson(h.sla()))
              .put("rewards", rewardsJson(h.rewards())));
    }
    return a;
  }

  /**
   * The SLA line: {@code missedInARow}, {@code ejectionAt}, {@code missesLeft}, {@code warning}
   * (one more miss makes it ejectable), {@code ejectable}, {@code responses}, {@code summary}; null
   * before the first read.
   */
  /**
   * The rewards fields of {@code operator status}: {@code token}, {@code earned}, {@code claimed},
   * {@code unclaimed} (decimal strings, the token's smallest unit); null before the first read or
   * without a RewardsCoordinator.
   */
  private static JsonObject rewardsJson(OperatorRewards r) {
    if (r == null) {
      return null;
    }
    return new JsonObject()
        .put("token", r.token())
        .put("earned", r.earned().toString())
        .put("claimed", r.claimed().toString())
        .put("unclaimed", r.unclaimed().toString());
  }

  private static JsonObject slaJson(LivenessSla s) {
    if (s == null) {
      return null;
    }
    return new JsonObject()
        .put("missedInARow", s.currentStreak())
        .put("ejectionAt", s.ejectionAt())
        .put("missesLeft", s.missesLeft())
        .put("warning", s.warning())
        .put("ejectable", s.ejectable())
        .put("responses", s.responses())
        .put("responsesAfterLastMiss", s.responsesSinceLastMiss())
        .put("summary", s.summary());
  }

  public synchronized JsonArray tasksJson(int limit) {
    JsonArray a = new JsonArray();
    for (TaskView t : tasks.descendingMap().values()) {
      if (a.size() >= limit) {
        break;
      }
      JsonArray nonSigners = t.nonSigners == null ? null : new JsonArray(List.copyOf(t.nonSigners));
      a.add(
          new JsonObject()
              .put("taskIndex", t.taskIndex)
              .put("cvmBlockHeight", t.cvmBlockHeight)
              .put("createdBlock", t.createdBlock)
              .put("createdTime", t.createdTime)
              .put("quorumThresholdPercentage", t.quorumThreshold)
              .put("operators", t.members.size())
              .put("respondedBlock", t.respondedBlock)
              .put("respondedTime", t.respondedTime)
              .put("respondedTx", t.respondedTx)
              .put(
                  "latencySeconds",
                  t.respondedTime == null ? null : t.respondedTime - t.createdTime)
              .put(
                  "latencyBlocks",
                  t.respondedBlock == null ? null : t.respondedBlock - t.createdBlock)
              .put("signedStakePercent", t.signedStakePercent)
              .put("nonSigners", nonSigners)
              .put("wrong", new JsonArray(List.copyOf(t.wrong))));
    }
    return a;
  }

  public synchronized JsonArray eventsJson(int limit) {
    JsonArray a = new JsonArray();
    events.stream().limit(limit).forEach(e -> a.add(e.toJson()));
    return a;
  }

  public synchronized JsonObject summary() {
    return new JsonObject()
        .put("head", head)
        .put("headTime", headTime)
        .put("tasks", tasks.size())
        .put("responded", tasks.values().stream().filter(t -> t.respondedBlock != null).count())
        .put("events", events.size());
  }

  private void markSlashed(String id, String address) {
    if (id != null) {
      operator(id, address).slashed = true;
    }
  }

  private String idOf(String address) {
    return address == null ? null : idByAddress.get(address.toLowerCase(java.util.Locale.ROOT));
  }

  private OperatorView operator(String id, String address) {
    OperatorView o = operators.computeIfAbsent(id, OperatorView::new);
    if (address != null) {
      o.operator = address.toLowerCase(java.util.Locale.ROOT);
      idByAddress.put(o.operator, id);
    }
    return o;
  }
}
