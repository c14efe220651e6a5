package io.cvmavs.operator.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The metrics of the node, the aggregator and the challenger, behind typed methods so that callers
 * never spell a metric name. Names as exported to Prometheus (the Micrometer names below with dots
 * → underscores, {@code _total} added to counters, {@code _seconds} to timers) are listed in
 * docs/MONITORING.md; {@code MetricNamesTest} checks them against a real scrape.
 *
 * <p>EigenLayer spec metrics: {@code eigen_performance_score}, {@code eigen_fees_earned_total},
 * {@code eigen_rpc_request_duration_seconds}, {@code eigen_rpc_request_total}, {@code
 * eigen_registered_stakes}, {@code eigen_slashing_status}. Project metrics: {@code cvm_avs_*}.
 * Every sample carries the constant label {@code avs_name}. No other {@code eigen_} family is
 * exported: the RPC duration is a plain Prometheus histogram (a Micrometer timer would add an
 * off-spec {@code eigen_rpc_request_duration_seconds_max} gauge).
 *
 * <p>Thread-safe. Times come from the injected clock (milliseconds).
 */
public final class CvmAvsMetrics {
  /** The {@code avs_name} label of every metric. */
  public static final String AVS_NAME = "cvm-avs";

  /** Outcomes that enter {@code eigen_performance_score} (signed vs missed), most recent last. */
  static final int PERFORMANCE_WINDOW = 100;

  /** Bounds the first-seen times kept for latency (tasks that never finish are forgotten). */
  private static final int MAX_TRACKED_TASKS = 10_000;

  private static final Duration[] LATENCY_BUCKETS =
      seconds(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600);
  private static final double[] RPC_BUCKET_SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };
  private static final Duration[] CVM_BUCKETS =
      seconds(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300);

  private final MeterRegistry registry;
  private final LongSupplier millis;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Holder> stakes = new ConcurrentHashMap<>();
  private final Holder slashing = new Holder(0);
  private final ArrayDeque<Boolean> window = new ArrayDeque<>();
  private final Map<Long, Long> firstSeen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
          return size() > MAX_TRACKED_TASKS;
        }
      };
  private volatile DoubleSupplier performance = this::windowScore;
  private volatile long lastTaskSeen = -1;
  private final DistributionSummary responseGas;
  private final DistributionSummary responseDelayBlocks;

  /** {@code eigen_rpc_request_duration_seconds}; absent when the registry is not Prometheus. */
  private final Histogram rpcDurations;

  /**
   * Metrics in {@code registry}; {@code avs_name} is added as a common tag. Most callers want
   * {@link #prometheus}.
   */
  public CvmAvsMetrics(MeterRegistry registry, String avsName, LongSupplier millis) {
    this.registry = registry;
    this.millis = millis;
    registry.config().commonTags("avs_name", avsName);
    rpcDurations =
        registry instanceof PrometheusMeterRegistry p
            ? Histogram.builder()
                .name("eigen_rpc_request_duration_seconds")
                .help("Duration of JSON-RPC requests to the Ethereum node")
                .labelNames("method", "client_version")
                .constLabels(Labels.of("avs_name", avsName))
                .classicUpperBounds(RPC_BUCKET_SECONDS)
                .classicOnly()
                .withoutExemplars()
                .register(p.getPrometheusRegistry())
            : null;
    Gauge.builder("eigen.performance.score", this, m -> m.performance.getAsDouble())
        .description("Performance 0..100: signed / (signed + missed) tasks over the recent window")
        .register(registry);
    Gauge.builder("eigen.slashing.status", slashing, Holder::get)
        .description("1 if the operator has been slashed, else 0")
        .register(registry);
    responseGas =
        DistributionSummary.builder("cvm.avs.aggregator.response.gas")
            .description("Gas used by mined respondToTask transactions")
            .serviceLevelObjectives(100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000, 2e6)
            .register(registry);
    responseDelayBlocks =
        DistributionSummary.builder("cvm.avs.aggregator.response.delay.blocks")
            .description("Blocks from a task's creation to its mined response")
            .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50, 100)
            .register(registry);
    // Counters without labels exist from the start, so rates and dashboards see 0, not nothing.
    tasksReceived();
    tasksSigned();
    counter("cvm.avs.aggregator.signatures.verified", "Signatures that verified");
    counter("cvm.avs.aggregator.responses.submitted", "respondToTask transactions mined");
    counter("cvm.avs.challenges.raised", "Challenges raised by the challenger");
    counter("cvm.avs.slashes.observed", "Slashings observed on chain");
  }

  /** Metrics in a new Prometheus registry with the real clock. */
  public static CvmAvsMetrics prometheus(String avsName) {
    return new CvmAvsMetrics(
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), avsName, System::currentTimeMillis);
  }

  /** Metrics that go nowhere (a registry without backends), for programs run without metrics. */
  public static CvmAvsMetrics disabled() {
    return new CvmAvsMetrics(new CompositeMeterRegistry(), AVS_NAME, System::currentTimeMillis);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (format 0.0.4); empty when the registry is not Prometheus. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
  }

  // ------------------------------------------------------------------ eigen_* (spec)

  /** Replaces the default score (the attestation window) by {@code score}. */
  public void performanceScore(DoubleSupplier score) {
    this.performance = score;
  }

  /** The current {@code eigen_performance_score}. */
  public double performanceScore() {
    return performance.getAsDouble();
  }

  /** {@code eigen_fees_earned_total{token}} += {@code amount} (in the token's units). */
  public void feesEarned(String token, double amount) {
    counter("eigen.fees.earned", "Fees earned by the operator", "token", token).increment(amount);
  }

  /** One JSON-RPC request: {@code eigen_rpc_request_total} and its duration. */
  public void rpcRequest(String method, String clientVersion, Duration duration) {
    counter(
            "eigen.rpc.request",
            "JSON-RPC requests to the Ethereum node",
            "method",
            method,
            "client_version",
            clientVersion)
        .increment();
    if (rpcDurations != null) {
      rpcDurations.labelValues(method, clientVersion).observe(duration.toNanos() / 1e9);
    }
  }

  /** A JSON-RPC request that failed in transport (no answer): {@code cvm_avs_rpc_errors_total}. */
  public void rpcFailure(String method) {
    counter("cvm.avs.rpc.errors", "JSON-RPC requests without an answer", "method", method)
        .increment();
  }

  /** {@code eigen_registered_stakes{quorum_number, quorum_name}} = {@code stake}. */
  public void registeredStake(int quorumNumber, String quorumName, double stake) {
    stakes
        .computeIfAbsent(
            quorumNumber + "|" + quorumName,
            k -> {
              Holder h = new Holder(0);
              Gauge.builder("eigen.registered.stakes", h, Holder::get)
                  .description("Stake registered in each quorum (weight units of the registry)")
                  .tags("quorum_number", Integer.toString(quorumNumber), "quorum_name", quorumName)
                  .register(registry);
              return h;
            })
        .set(stake);
  }

  /** {@code eigen_slashing_status}: 1 once the operator is slashed. */
  public void slashed(boolean slashed) {
    slashing.set(slashed ? 1 : 0);
  }

  // ------------------------------------------------------------------ node

  /** A task the node learnt of; repeats of the same task (retries, backfill) count once. */
  public void taskReceived(long taskIndex) {
    long now = millis.getAsLong();
    lastTaskSeen = now;
    boolean first;
    synchronized (firstSeen) {
      first = firstSeen.putIfAbsent(taskIndex, now) == null;
    }
    if (first) {
      tasksReceived().increment();
    }
  }

  /** When the node last learnt of a task (for the freshness health check). */
  public OptionalLong lastTaskSeenMillis() {
    long t = lastTaskSeen;
    return t < 0 ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /**
   * A task's final outcome at the node, in {@code OperatorNode}'s words: {@code signed}; missed
   * ({@code expired}, {@code already-responded}); anything else is a refusal with that reason
   * ({@code mismatch}, {@code refused-slashing-protection}, {@code refused-by-aggregator}).
   */
  public void taskOutcome(long taskIndex, String outcome) {
    switch (outcome) {
      case "signed" -> taskSigned(taskIndex);
      case "expired", "already-responded" -> taskMissed(taskIndex, label(outcome));
      case "refused-slashing-protection" -> taskRefused(taskIndex, "slashing_protection");
      case "refused-by-aggregator" -> taskRefused(taskIndex, "aggregator");
      case "refused-manuscript" -> taskRefused(taskIndex, "manuscript");
      case "refused-manuscript-unregistered" -> taskRefused(taskIndex, "manuscript_unregistered");
      case "refused-manuscript-revoked" -> taskRefused(taskIndex, "manuscript_revoked");
      case "refused-manuscript-fetch" -> taskRefused(taskIndex, "manuscript_fetch");
      case "refused-manuscript-hash" -> taskRefused(taskIndex, "manuscript_hash_mismatch");
      default -> taskRefused(taskIndex, label(outcome));
    }
  }

  /**
   * The aggregator accepted the node's signature: counts it, and records the latency from when the
   * node first saw the task ({@code stage="signature_accepted"}).
   */
  public void taskSigned(long taskIndex) {
    tasksSigned().increment();
    record(true);
    Long seen;
    synchronized (firstSeen) {
      seen = firstSeen.remove(taskIndex);
    }
    if (seen != null) {
      latency("signature_accepted").record(millis.getAsLong() - seen, TimeUnit.MILLISECONDS);
    }
  }

  /** The task ended without the node's signature ({@code reason}: expired, already_responded). */
  public void taskMissed(long taskIndex, String reason) {
    counter(
            "cvm.avs.tasks.missed",
            "Tasks that ended without this node's signature",
            "reason",
            reason)
        .increment();
    record(false);
    forget(taskIndex);
  }

  /** The node did not sign, on purpose ({@code reason}: mismatch, slashing_protection, ...). */
  public void taskRefused(long taskIndex, String reason) {
    counter("cvm.avs.tasks.refused", "Tasks the node did not sign, by reason", "reason", reason)
        .increment();
    forget(taskIndex);
  }

  /** Runs one CVM re-execution and records its duration ({@code cvm_avs_cvm_execution_seconds}). */
  public <T> T timeCvm(Supplier<T> execution) {
    long start = millis.getAsLong();
    try {
      return execution.get();
    } finally {
      timers
          .computeIfAbsent(
              "cvm",
              k ->
                  Timer.builder("cvm.avs.cvm.execution")
                      .description("CVM re-execution time per task")
                      .serviceLevelObjectives(CVM_BUCKETS)
                      .register(registry))
          .record(millis.getAsLong() - start, TimeUnit.MILLISECONDS);
    }
  }

  // ------------------------------------------------------------------ aggregator

  /** A signature verified; the first one of a task starts its response latency. */
  public void signatureVerified(long taskIndex) {
    counter("cvm.avs.aggregator.signatures.verified", "Signatures that verified").increment();
    synchronized (firstSeen) {
      firstSeen.putIfAbsent(taskIndex, millis.getAsLong());
    }
  }

  /** A signature refused; {@code reason} is the aggregator's RpcError name (e.g. bad_signature). */
  public void signatureRejected(String reason) {
    rejected(reason).increment();
  }

  /** Makes {@code cvm_avs_aggregator_signatures_rejected_total{reason}} exist (at 0) for each. */
  public void declareRejectionReasons(Iterable<String> reasons) {
    reasons.forEach(this::rejected);
  }

  /**
   * A mined {@code respondToTask}: counts it, its gas, the blocks since the task's creation, and
   * the latency from the task's first verified signature ({@code stage="response_mined"}).
   */
  public void responseSubmitted(long taskIndex, long gasUsed, long blocksAfterCreation) {
    counter("cvm.avs.aggregator.responses.submitted", "respondToTask transactions mined")
        .increment();
    responseGas.record(gasUsed);
    responseDelayBlocks.record(blocksAfterCreation);
    Long seen;
    synchronized (firstSeen) {
      seen = firstSeen.remove(taskIndex);
    }
    if (seen != null) {
      latency("response_mined").record(millis.getAsLong() - seen, TimeUnit.MILLISECONDS);
    }
  }

  // ------------------------------------------------------------------ challenger

  public void challengeRaised() {
    counter("cvm.avs.challenges.raised", "Challenges raised by the challenger").increment();
  }

  public void slashObserved() {
    counter("cvm.avs.slashes.observed", "Slashings observed on chain").increment();
  }

  /** Creates every labelled series with example labels (tests, dashboards' metric check). */
  void declareAllForTests() {
    feesEarned("C", 0);
    rpcFailure("eth_blockNumber");
    registeredStake(0, "quorum-0", 0);
    counter(
        "cvm.avs.tasks.missed",
        "Tasks that ended without this node's signature",
        "reason",
        "expired");
    counter(
        "cvm.avs.tasks.refused", "Tasks the node did not sign, by reason", "reason", "mismatch");
    latency("signature_accepted");
    latency("response_mined");
    timeCvm(() -> 0);
    rpcRequest("eth_blockNumber", "unknown", Duration.ZERO);
    signatureRejected("bad_signature");
  }

  // ------------------------------------------------------------------ internals

  private Counter tasksReceived() {
    return counter("cvm.avs.tasks.received", "Distinct tasks the node learnt of");
  }

  private Counter tasksSigned() {
    return counter("cvm.avs.tasks.signed", "Tasks whose signature the aggregator accepted");
  }

  private Counter rejected(String reason) {
    return counter(
        "cvm.avs.aggregator.signatures.rejected",
        "Signatures the aggregator refused, by RpcError",
        "reason",
        reason);
  }

  private Timer latency(String stage) {
    return timers.computeIfAbsent(
        "latency|" + stage,
        k ->
            Timer.builder("cvm.avs.attestation.latency")
                .description("Task seen → signature accepted (node), → response mined (aggregator)")
                .tag("stage", stage)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry));
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(
        name + "|" + String.join("|", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private void record(boolean signed) {
    synchronized (window) {
      window.addLast(signed);
      if (window.size() > PERFORMANCE_WINDOW) {
        window.removeFirst();
      }
    }
  }

  private double windowScore() {
    synchronized (window) {
      if (window.isEmpty()) {
        return 100;
      }
      long signed = window.stream().filter(b -> b).count();
      return 100.0 * signed / window.size();
    }
  }

  private void forget(long taskIndex) {
    synchronized (firstSeen) {
      firstSeen.remove(taskIndex);
    }
  }

  private static String label(String outcome) {
    return outcome.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  private static Duration[] seconds(double... s) {
    Duration[] out = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Duration.ofNanos(Math.round(s[i] * 1e9));
    }
    return out;
  }

  /** A settable gauge value. */
  private static final class Holder {
    private volatile double value;

    Holder(double value) {
      this.value = value;
    }

    double get() {
      return value;
    }

    void set(double v) {
      value = v;
    }
  }
}
